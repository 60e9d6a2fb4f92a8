// Render the same events with the npm library ical-generator, for comparison.
// Usage: node ical_generator.mjs EVENTS.json ROUNDS
// EVENTS.json is the service's own /api/events.json document.
// Prints JSON: {"events": N, "render_seconds": [..], "bytes": N}.
import { readFileSync } from 'node:fs';
import ical from 'ical-generator';

const [, , path, roundsArg] = process.argv;
const events = JSON.parse(readFileSync(path, 'utf8')).events.filter((e) => e.precision === 'day' || e.precision === 'time');

function localDate(text) {
  // "2023-03-20T15:00:00+06:00" -> the wall-clock time as a Date (read back through TZID).
  const [date, time = '00:00:00'] = text.split(/T/);
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm, ss] = time.slice(0, 8).split(':').map(Number);
  return new Date(Date.UTC(y, m - 1, d, hh, mm, ss));
}

function render() {
  const calendar = ical({ name: 'Benchmark', description: 'Benchmark', ttl: 12 * 3600, method: 'PUBLISH' });
  for (const e of events) {
    const allDay = e.precision === 'day';
    const start = localDate(e.start);
    let end = e.end ? localDate(e.end) : null;
    if (allDay) end = new Date((end ?? start).getTime() + 86400000);
    calendar.createEvent({
      id: e.uid,
      start,
      end,
      allDay,
      floating: false,
      timezone: allDay ? null : e.timezone,
      summary: e.title,
      description: [e.description ?? '', 'Sources:', ...e.sources].join('\n'),
      location: e.location,
      url: e.url ?? e.page_url,
      status: e.status.toUpperCase(),
      categories: [{ name: e.category }],
      organizer: { name: 'Benchmark', email: 'bench@calendar-svc.org' },
      stamp: new Date(Date.UTC(2026, 10, 27)),
      repeating: e.rrule ? `RRULE:${e.rrule}` : null,
    });
  }
  return calendar.toString();
}

const seconds = [];
let bytes = 0;
for (let i = 0; i < Number(roundsArg ?? 1); i++) {
  const t0 = process.hrtime.bigint();
  const text = render();
  seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
  bytes = Buffer.byteLength(text);
}
console.log(JSON.stringify({ events: events.length, render_seconds: seconds, bytes }));
