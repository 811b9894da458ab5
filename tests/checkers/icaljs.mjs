// Reads iCalendar files with ical.js, the parser of Thunderbird.
//
//     node icaljs.mjs FILE...
//
// Prints JSON: for each file, each event's UID and its start and end in UTC; exits 1 on a
// parse error. Each file's VTIMEZONEs are registered first, so local times use them.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const result = {};
let failed = false;
for (const path of process.argv.slice(2)) {
  try {
    const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
    ICAL.TimezoneService.reset();
    for (const zone of calendar.getAllSubcomponents("vtimezone")) {
      ICAL.TimezoneService.register(new ICAL.Timezone(zone));
    }
    const events = {};
    for (const component of calendar.getAllSubcomponents("vevent")) {
      const event = new ICAL.Event(component);
      const time = (t) => (t.isDate ? t.toString() : t.toJSDate().toISOString().replace(".000Z", "Z"));
      events[event.uid] = [time(event.startDate), time(event.endDate)];
    }
    result[path] = events;
  } catch (error) {
    failed = true;
    console.error(`${path}: ${error.message}`);
  }
}
console.log(JSON.stringify(result));
process.exit(failed ? 1 : 0);
