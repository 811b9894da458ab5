// Reads iCalendar files with ical.js, the parser of Thunderbird.
//
//     node icaljs.mjs FILE...
//
// Prints JSON: for each file, each event's UID and its start and end in UTC; exits 1 on a
// parse error, or on a TZID with no VTIMEZONE in its file: ical.js would quietly read such
// times as floating, in whatever zone the reader's machine is in. Each file's VTIMEZONEs are
// registered first, so local times use them.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const utc = (t) => (t.isDate ? t.toString() : t.toJSDate().toISOString().replace(".000Z", "Z"));

function read(path) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  ICAL.TimezoneService.reset();
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  }
  const events = {};
  for (const component of calendar.getAllSubcomponents("vevent")) {
    for (const property of component.getAllProperties()) {
      const tzid = property.getParameter("tzid");
      if (tzid && !ICAL.TimezoneService.has(tzid)) throw new Error(`TZID=${tzid} has no VTIMEZONE`);
    }
    const event = new ICAL.Event(component);
    events[event.uid] = [utc(event.startDate), utc(event.endDate)];
  }
  return events;
}

const result = {};
let failed = false;
for (const path of process.argv.slice(2)) {
  try {
    result[path] = read(path);
  } catch (error) {
    failed = true;
    console.error(`${path}: ${error.message}`);
  }
}
console.log(JSON.stringify(result));
process.exit(failed ? 1 : 0);
