// Reads iCalendar files with Mozilla's ical.js (the parser inside Thunderbird) and prints,
// as JSON, each event's UID with its start and end as UTC instants, SEQUENCE and STATUS.
// Usage: node tests/ical_instants.mjs ICAL_JS_PATH FILE...
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [icalPath, ...files] = process.argv.slice(2);
const ICAL = (await import(pathToFileURL(icalPath).href)).default;

const result = {};
for (const file of files) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
  // Each file is read on its own: a zone another file defined does not count here.
  ICAL.TimezoneService.reset();
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(zone);
  }
  const events = {};
  for (const component of calendar.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(component);
    const start = event.startDate;
    if (start.zone && start.zone.tzid !== "UTC" && !ICAL.TimezoneService.has(start.zone.tzid)) {
      throw new Error(`TZID ${start.zone.tzid} has no VTIMEZONE`);
    }
    events[event.uid] = {
      start: start.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      sequence: event.sequence,
      status: component.getFirstPropertyValue("status"),
      summary: event.summary,
      location: event.location,
      description: event.description,
    };
  }
  result[file] = events;
}
process.stdout.write(JSON.stringify(result));
