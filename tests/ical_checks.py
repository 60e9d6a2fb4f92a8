"""Reading feeds back with independent parsers, for the tests."""

from __future__ import annotations

import datetime as dt

import icalendar
import recurring_ical_events
import vobject


def parse_with_icalendar(body: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(body)


def parse_with_vobject(body: bytes):
    return vobject.readOne(body.decode("utf-8"))


def uids_by_icalendar(body: bytes) -> set[str]:
    return {str(e["UID"]) for e in parse_with_icalendar(body).walk("VEVENT")}


def uids_by_vobject(body: bytes) -> set[str]:
    calendar = parse_with_vobject(body)
    return {e.uid.value for e in getattr(calendar, "vevent_list", [])}


def occurrences_utc(body: bytes, start: dt.date, end: dt.date) -> dict[str, list[dt.datetime | dt.date]]:
    """Every occurrence between start and end, by SUMMARY, as UTC instants (or dates for all-day)."""
    calendar = parse_with_icalendar(body)
    found: dict[str, list] = {}
    for event in recurring_ical_events.of(calendar).between(start, end):
        when = event["DTSTART"].dt
        if isinstance(when, dt.datetime):
            when = when.astimezone(dt.UTC)
        found.setdefault(str(event["SUMMARY"]), []).append(when)
    return found


def unfolded_lines(body: bytes) -> list[str]:
    return body.decode("utf-8").replace("\r\n ", "").split("\r\n")
