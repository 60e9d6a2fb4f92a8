"""Pure iCalendar rendering: catalog events in, RFC 5545 / RFC 7986 bytes out.

Each VEVENT is rendered on its own (``event_block``) so feeds can be put
together from cached blocks; ``feed_bytes`` wraps blocks in a VCALENDAR with
one VTIMEZONE per zone used, in sorted order, so the same data always gives
the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.rrule import rrulestr
from icalendar import Calendar, vCalAddress, vDuration, vRecur, vText
from icalendar import Event as VEvent

from .model import Event, Site
from .vtimezone import timezone_component

PRODID = "-//calendar-svc//calendar-svc 1.0//EN"
END_CALENDAR = b"END:VCALENDAR\r\n"


@dataclass(frozen=True)
class FeedInfo:
    """What a feed says about itself."""

    name: str
    description: str
    url: str  # the feed's own absolute URL (RFC 7986 SOURCE)
    colour: str = ""


def event_page_url(base_url: str, event: Event) -> str:
    return f"{base_url}/events/{event.id}/"


def event_description(event: Event) -> str:
    parts = [event.description.strip()] if event.description.strip() else []
    if event.people:
        parts.append("People: " + "; ".join(event.people))
    if event.sources:
        parts.append("Sources:\n" + "\n".join(event.sources))
    return "\n\n".join(parts)


def vevent(event: Event, site: Site, category_name: str, base_url: str) -> VEvent:
    """The VEVENT for one dated event."""
    if not event.is_dated:
        raise ValueError(f"event {event.id!r} has no known day and cannot go into a feed")
    component = VEvent()
    component.add("uid", event.uid_for(site))
    component.add("dtstamp", event.last_modified(site))
    component.add("dtstart", event.start_local)
    if event.is_timed:
        if event.end is not None:
            component.add("dtend", event.end_local)
    else:
        component.add("dtend", event.last_day + dt.timedelta(days=1))  # exclusive
    if event.rrule:
        component.add("rrule", vRecur.from_ical(event.rrule))
    if event.exdates:
        component.add("exdate", [x.replace(tzinfo=event.zone) if event.is_timed else x for x in event.exdates])
    component.add("summary", event.title)
    component.add("status", event.status.upper())
    component.add("categories", [category_name])
    component.add("url", event.url or event_page_url(base_url, event), parameters={"VALUE": "URI"})
    component.add("organizer", vCalAddress(site.publisher_uri), parameters={"CN": site.publisher_name})
    component.add("transp", "TRANSPARENT")
    if event.location:
        component.add("location", event.location)
    description = event_description(event)
    if description:
        component.add("description", description)
    if event.updated is not None:
        component.add("last-modified", event.updated.astimezone(dt.UTC))
    if event.sequence is not None:
        component.add("sequence", event.sequence)
    return component


def event_block(event: Event, site: Site, category_name: str, base_url: str) -> bytes:
    """One VEVENT, folded and CRLF-terminated, ready to splice into a feed."""
    return vevent(event, site, category_name, base_url).to_ical()


def calendar_head(site: Site, feed: FeedInfo) -> bytes:
    """The VCALENDAR's own properties, without the END line."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # Plain strings would go out unescaped for these; vText escapes , ; and \.
    calendar.add("name", vText(feed.name))
    calendar.add("x-wr-calname", vText(feed.name))
    calendar.add("description", vText(feed.description))
    calendar.add("x-wr-caldesc", vText(feed.description))
    calendar.add("source", feed.url, parameters={"VALUE": "URI"})
    calendar.add("refresh-interval", vDuration(site.refresh_interval), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(site.refresh_interval))
    if feed.colour:
        calendar.add("x-apple-calendar-color", feed.colour)
    head = calendar.to_ical()
    assert head.endswith(END_CALENDAR)
    return head[: -len(END_CALENDAR)]


def zone_windows(events: Iterable[Event]) -> dict[str, tuple[dt.date, dt.date | None]]:
    """For each zone the timed events use: the first and last local day (None: open-ended)."""
    windows: dict[str, tuple[dt.date, dt.date | None]] = {}
    for event in events:
        if not event.is_timed:
            continue
        first, last = event.first_day, last_occurrence_day(event)
        if event.timezone in windows:
            old_first, old_last = windows[event.timezone]
            first = min(first, old_first)
            last = None if last is None or old_last is None else max(last, old_last)
        windows[event.timezone] = (first, last)
    return windows


def last_occurrence_day(event: Event) -> dt.date | None:
    if not event.rrule:
        return event.last_day
    parts = vRecur.from_ical(event.rrule)
    if "COUNT" not in parts and "UNTIL" not in parts:
        return None
    start = event.start_local if event.is_timed else dt.datetime.combine(event.start, dt.time())
    occurrences = list(rrulestr(f"RRULE:{event.rrule}", dtstart=start))
    last = occurrences[-1] if occurrences else start
    return max(event.last_day, last.date() + (event.last_day - event.first_day))


def timezone_blocks(events: Iterable[Event]) -> bytes:
    """One VTIMEZONE per zone used, sorted by TZID, each covering its events' dates."""
    windows = zone_windows(events)
    return b"".join(
        timezone_component(tzid, *windows[tzid]).to_ical() for tzid in sorted(windows)
    )


def feed_bytes(site: Site, feed: FeedInfo, events: Iterable[Event], blocks: Iterable[bytes]) -> bytes:
    """A whole VCALENDAR from the events and their rendered VEVENT blocks (same order)."""
    events = list(events)
    return calendar_head(site, feed) + timezone_blocks(events) + b"".join(blocks) + END_CALENDAR


def render_feed(site: Site, feed: FeedInfo, events: Iterable[Event], category_names: dict[str, str], base_url: str) -> bytes:
    """Render a feed from scratch (no cache): dated events only."""
    dated = [e for e in events if e.is_dated]
    blocks = [event_block(e, site, category_names[e.category], base_url) for e in dated]
    return feed_bytes(site, feed, dated, blocks)
