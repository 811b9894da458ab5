"""Reads a schedule.json with the c3voc schedule tools (voc.schedule), as schedule converters do.

    python schedule.py schedule.json

Prints JSON: the conference's acronym, its rooms, days and every event as the tools read it.
"""
import json
import os
import sys

# This folder has an ics.py of its own, which must not stand in for the `ics` package the tools
# import.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

from voc.schedule import Schedule  # noqa: E402

schedule = Schedule.from_file(sys.argv[1])
events = []
schedule.foreach_event(
    lambda e: events.append(
        {
            "guid": e["guid"],
            "title": e["title"],
            "room": e["room"],
            "start": e.start.isoformat(),
            "duration": e["duration"],
            "type": e["type"],
        }
    )
)
print(
    json.dumps(
        {
            "acronym": schedule.conference("acronym"),
            "rooms": schedule.rooms(),
            "days": len(schedule.days()),
            "events": events,
        }
    )
)
