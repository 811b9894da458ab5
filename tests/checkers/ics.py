"""Reads iCalendar files with Python's icalendar and vobject (validate=True).

    .venv/bin/python ics.py FILE...

Prints JSON: for each file, each event's UID and its start and end in UTC, as icalendar read
them; exits 1 if either library reports a problem or the two disagree.
"""
import datetime as dt
import json
import sys

import icalendar
import vobject


def utc(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def read(path):
    text = open(path, encoding="utf-8", newline="").read()
    problems, events = [], {}
    calendar = icalendar.Calendar.from_ical(text)
    for component in calendar.walk():
        for error in getattr(component, "errors", []):
            problems.append(f"icalendar: {component.name}: {error}")
        if component.name == "VEVENT":
            events[str(component["UID"])] = [utc(component.decoded("DTSTART")), utc(component.decoded("DTEND"))]
    try:
        for parsed in vobject.readComponents(text, validate=True):
            for event in getattr(parsed, "vevent_list", []):
                uid = event.uid.value
                start = [utc(event.dtstart.value), utc(event.dtend.value)]
                if events.get(uid) != start:
                    problems.append(f"vobject reads {uid} as {start}, icalendar as {events.get(uid)}")
    except Exception as error:  # vobject raises many kinds on bad input
        problems.append(f"vobject: {error}")
    return events, problems


def main():
    result, failed = {}, False
    for path in sys.argv[1:]:
        events, problems = read(path)
        result[path] = events
        for problem in problems:
            failed = True
            print(f"{path}: {problem}", file=sys.stderr)
    print(json.dumps(result, sort_keys=True))
    sys.exit(1 if failed else 0)


main()
