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


def rfc_end(start):
    """RFC 5545 3.6.1: with no DTEND or DURATION, a timed event ends when it starts and an
    all-day event lasts its day."""
    return start if isinstance(start, dt.datetime) else start + dt.timedelta(days=1)


def read(path):
    # vobject keeps every VTIMEZONE it has read by its TZID, for the whole process: each file is
    # read with its own, as a client that subscribed to it alone would.
    vars(vobject.icalendar)["__tzidMap"].clear()
    text = open(path, encoding="utf-8", newline="").read()
    problems, events = [], {}
    calendar = icalendar.Calendar.from_ical(text)
    for component in calendar.walk():
        for error in getattr(component, "errors", []):
            problems.append(f"icalendar: {component.name}: {error}")
        if component.name == "VEVENT":
            start = component.decoded("DTSTART")
            end = component.decoded("DTEND") if "DTEND" in component else rfc_end(start)
            events[str(component["UID"])] = [utc(start), utc(end)]
    try:
        for parsed in vobject.readComponents(text, validate=True):
            for event in getattr(parsed, "vevent_list", []):
                uid = event.uid.value
                end = event.dtend.value if hasattr(event, "dtend") else rfc_end(event.dtstart.value)
                start = [utc(event.dtstart.value), utc(end)]
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
