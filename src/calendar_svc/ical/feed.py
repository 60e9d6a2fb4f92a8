"""A whole feed: VCALENDAR head, one VTIMEZONE per zone used (in sorted order), VEVENT blocks. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from icalendar import Calendar, vDuration

from ..catalog.languages import Text
from ..catalog.model import Event, Site
from ..catalog.recurrence import series_end
from .vevent import UTC_NAMES, EscapedText, component_bytes
from .vtimezone import timezone_component

PRODID = "-//calendar-svc//calendar-svc 1.0//EN"
END_CALENDAR = b"END:VCALENDAR\r\n"


@dataclass(frozen=True)
class FeedInfo:
    """What a feed says about itself: its name and description, each in the language it is in."""

    name: Text
    description: Text
    url: str = ""  # a subscribable feed's own absolute URL (RFC 7986 SOURCE)
    colour: str = ""


@lru_cache(maxsize=1024)
def calendar_head(site: Site, feed: FeedInfo) -> bytes:
    """The VCALENDAR's own properties, without the END line (cached: feeds share heads)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # Plain strings would go out unescaped for these; EscapedText escapes , ; and \.
    for name, text in (("name", feed.name), ("x-wr-calname", feed.name),
                       ("description", feed.description), ("x-wr-caldesc", feed.description)):  # fmt: skip
        calendar.add(name, EscapedText(text.value), parameters={"LANGUAGE": text.lang})
    if feed.url:
        calendar.add("source", feed.url, parameters={"VALUE": "URI"})
    calendar.add("refresh-interval", vDuration(site.refresh_interval), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(site.refresh_interval))
    if feed.colour:
        calendar.add("x-apple-calendar-color", feed.colour)
    head = component_bytes(calendar)
    assert head.endswith(END_CALENDAR)
    return head[: -len(END_CALENDAR)]


def zone_windows(events: Iterable[Event]) -> dict[str, tuple[int, int | None]]:
    """For each zone the timed events use: the first and last year (None: open-ended).

    Whole years keep the number of distinct VTIMEZONEs small, so they are
    rendered once and shared by every feed that needs them.
    """
    windows: dict[str, tuple[int, int | None]] = {}
    for zone, first, last in filter(None, map(event_window, events)):
        old_first, old_last = windows.get(zone, (first, last))
        windows[zone] = (min(first, old_first), None if last is None or old_last is None else max(last, old_last))
    return windows


@lru_cache(maxsize=65_536)
def event_window(event: Event) -> tuple[str, int, int | None] | None:
    """(zone, first year, last year or None) of a timed event outside UTC; None for others.

    Kept, since every feed an event is in asks for it, twice."""
    if not event.is_timed or event.timezone in UTC_NAMES:
        return None
    return event.timezone, event.first_day.year, last_year(event)


def last_year(event: Event) -> int | None:
    """The year an event's last occurrence falls in; None for open-ended recurrences."""
    last = series_end(event)
    return None if last is None else last.year


def timezone_blocks(events: Iterable[Event]) -> bytes:
    """One VTIMEZONE per zone used, sorted by TZID, each covering its events' dates."""
    windows = zone_windows(events)
    return b"".join(timezone_bytes(tzid, *windows[tzid]) for tzid in sorted(windows))


@lru_cache(maxsize=4096)
def timezone_bytes(tzid: str, first_year: int, last_year: int | None) -> bytes:
    """The VTIMEZONE for tzid covering first_year to last_year (None: open-ended)."""
    last = None if last_year is None else dt.date(last_year, 12, 31)
    return component_bytes(timezone_component(tzid, dt.date(first_year, 1, 1), last))


def feed_bytes(site: Site, feed: FeedInfo, events: Iterable[Event], blocks: Iterable[bytes]) -> bytes:
    """A whole VCALENDAR from the events and their rendered VEVENT blocks (same order)."""
    return calendar_head(site, feed) + timezone_blocks(events) + b"".join(blocks) + END_CALENDAR
