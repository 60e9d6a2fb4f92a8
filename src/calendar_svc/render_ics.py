"""Pure iCalendar rendering: catalog events in, RFC 5545 / RFC 7986 bytes out.

``vevent`` defines an event's VEVENT with icalendar's components;
``EventRenderer`` writes the same bytes fast, one block per event, so feeds
are put together from cached blocks. ``feed_bytes`` wraps blocks in a
VCALENDAR with one VTIMEZONE per zone used, in sorted order, so the same data
always gives the same bytes. ``render_feed`` renders a feed from scratch, the
reference the cached bytes are tested against.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from icalendar import Calendar, vCalAddress, vDDDTypes, vDuration, vRecur, vText
from icalendar import Event as VEvent
from icalendar.caselessdict import canonsort_keys

from .model import Event, Site
from .vtimezone import timezone_component

PRODID = "-//calendar-svc//calendar-svc 1.0//EN"
# Names of UTC itself: written as ...Z with no VTIMEZONE.
UTC_NAMES = frozenset({
    "UTC", "Etc/UTC", "Etc/UCT", "UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu",
    "GMT", "Etc/GMT", "Etc/GMT+0", "Etc/GMT-0", "Etc/GMT0", "GMT0", "GMT+0", "GMT-0", "Greenwich", "Etc/Greenwich",
})
END_CALENDAR = b"END:VCALENDAR\r\n"


@dataclass(frozen=True)
class FeedInfo:
    """What a feed says about itself."""

    name: str
    description: str
    url: str = ""  # a subscribable feed's own absolute URL (RFC 7986 SOURCE)
    colour: str = ""


def escape_text(value: str) -> str:
    """RFC 5545 TEXT escaping: backslash, semicolon, comma and line breaks."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


class Text(vText):
    """A TEXT value that keeps a literal backslash-N as written.

    icalendar 7.3's vText turns "\\N" into an escaped line break, so a title
    like "C:\\Network" would come back as "C:" and a new line.
    """

    def to_ical(self) -> bytes:
        return escape_text(str(self)).encode()


def event_page_url(base_url: str, event: Event) -> str:
    return f"{base_url}/events/{event.id}/"


def event_description(event: Event) -> str:
    parts = [event.description.strip()] if event.description.strip() else []
    if event.people:
        parts.append("People: " + "; ".join(event.people))
    if event.sources:
        parts.append("Sources:\n" + "\n".join(event.sources))
    return "\n\n".join(parts)


def local_time(when: dt.datetime, tzid: str) -> tuple[dt.datetime, dict]:
    """A local date-time as (value, parameters) for icalendar: with its TZID, or in UTC for UTC itself.

    icalendar, given an aware date-time in a zone it deems equal to UTC (such
    as Africa/Abidjan or Atlantic/Reykjavik), writes the local digits with a Z,
    which is wrong on dates when that zone was not at UTC. So zones other than
    UTC's own names are always written with TZID and their VTIMEZONE.
    """
    if tzid in UTC_NAMES:
        return when.replace(tzinfo=dt.UTC), {}
    return when, {"TZID": tzid}


def exdates(event: Event) -> tuple[list, dict]:
    if not event.is_timed:
        return list(event.exdates), {}
    if event.timezone in UTC_NAMES:
        return [x.replace(tzinfo=dt.UTC) for x in event.exdates], {}
    return list(event.exdates), {"TZID": event.timezone}


def vevent(event: Event, site: Site, category_name: str, base_url: str) -> VEvent:
    """The VEVENT for one dated event."""
    if not event.is_dated:
        raise ValueError(f"event {event.id!r} has no known day and cannot go into a feed")
    component = VEvent()
    component.add("uid", Text(event.uid_for(site)))
    component.add("dtstamp", event.last_modified(site))
    if event.is_timed:
        component.add("dtstart", *local_time(event.start, event.timezone))
        if event.end is not None:
            component.add("dtend", *local_time(event.end, event.timezone))
    else:
        component.add("dtstart", event.start)
        component.add("dtend", event.last_day + dt.timedelta(days=1))  # exclusive
    if event.rrule:
        component.add("rrule", vRecur.from_ical(event.rrule))
    if event.exdates:
        component.add("exdate", *exdates(event))
    component.add("summary", Text(event.title))
    component.add("status", event.status.upper())
    component.add("categories", [category_name])
    component.add("url", event.url or event_page_url(base_url, event), parameters={"VALUE": "URI"})
    component.add("organizer", vCalAddress(site.publisher_uri), parameters={"CN": site.publisher_name})
    component.add("transp", "TRANSPARENT")
    if event.location:
        component.add("location", Text(event.location))
    description = event_description(event)
    if description:
        component.add("description", Text(description))
    if event.updated is not None:
        component.add("last-modified", event.updated.astimezone(dt.UTC))
    if event.sequence is not None:
        component.add("sequence", event.sequence)
    return component


def fold(line: str, limit: int = 75) -> bytes:
    """One content line, UTF-8 encoded and folded exactly as icalendar folds it.

    Every physical line stays under ``limit`` octets, no character is split, and
    a backslash or caret never ends a fold, so escapes stay whole (icalendar
    issue #1501). Works on bytes: much faster than icalendar's per-character loop.
    """
    data = line.encode()
    width = limit - 1
    if len(data) <= width:
        return data
    parts = []
    start = 0
    while len(data) - start > width:
        end = start + width
        while data[end] & 0xC0 == 0x80:  # never split a UTF-8 sequence
            end -= 1
        if data[end - 1] in b"\\^":  # keep an escape with the character it escapes
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts)


def component_bytes(component) -> bytes:
    """``component.to_ical()``, byte for byte, with the faster ``fold``."""
    return b"".join(fold(line) + b"\r\n" for line in component.content_lines() if line)


# icalendar writes a VEVENT's properties in this order (canonical first, then A-Z).
VEVENT_ORDER = canonsort_keys(
    ["UID", "DTSTAMP", "DTSTART", "DTEND", "RRULE", "EXDATE", "SUMMARY", "STATUS", "CATEGORIES", "URL",
     "ORGANIZER", "TRANSP", "LOCATION", "DESCRIPTION", "LAST-MODIFIED", "SEQUENCE"],
    VEvent.canonical_order,
)


class EventRenderer:
    """Renders VEVENT blocks quickly, byte for byte as ``component_bytes(vevent(...))``.

    ``vevent`` is the readable definition of our events. This renderer writes
    the same content lines with icalendar's own value types (so escaping and
    date formats are icalendar's), but without building a component per event,
    and renders the lines every event shares (ORGANIZER, CATEGORIES, TRANSP)
    once. A test holds the two to the same bytes.
    """

    def __init__(self, site: Site, category_names: dict[str, str], base_url: str):
        self.site = site
        self.base_url = base_url
        self._categories = {
            slug: property_line("categories", [name]) for slug, name in category_names.items()
        }
        self._organizer = property_line(
            "organizer", vCalAddress(site.publisher_uri), {"CN": site.publisher_name}
        )
        self._transp = property_line("transp", "TRANSPARENT")
        self._stamps: dict[dt.datetime, bytes] = {}
        self._tzids: dict[str, str] = {}  # zone -> its DTSTART parameters

    def block(self, event: Event) -> bytes:
        if not event.is_dated:
            raise ValueError(f"event {event.id!r} has no known day and cannot go into a feed")
        site = self.site
        stamp = event.last_modified(site)
        if stamp not in self._stamps:
            self._stamps[stamp] = fold("DTSTAMP:" + vDDDTypes(stamp).to_ical().decode())
        lines = {"UID": fold("UID:" + text_value(event.uid_for(site))), "DTSTAMP": self._stamps[stamp]}
        if event.is_timed:
            lines["DTSTART"] = self._local_time("DTSTART", event.start, event.timezone)
            if event.end is not None:
                lines["DTEND"] = self._local_time("DTEND", event.end, event.timezone)
        else:
            lines["DTSTART"] = fold("DTSTART;VALUE=DATE:" + vDDDTypes(event.start).to_ical().decode())
            end = event.last_day + dt.timedelta(days=1)
            lines["DTEND"] = fold("DTEND;VALUE=DATE:" + vDDDTypes(end).to_ical().decode())
        if event.rrule:
            lines["RRULE"] = fold("RRULE:" + vRecur.from_ical(event.rrule).to_ical().decode())
        if event.exdates:
            lines["EXDATE"] = property_line("exdate", *exdates(event))
        lines["SUMMARY"] = fold("SUMMARY:" + text_value(event.title))
        lines["STATUS"] = fold("STATUS:" + text_value(event.status.upper()))
        lines["CATEGORIES"] = self._categories[event.category]
        lines["URL"] = fold("URL;VALUE=URI:" + (event.url or event_page_url(self.base_url, event)))
        lines["ORGANIZER"] = self._organizer
        lines["TRANSP"] = self._transp
        if event.location:
            lines["LOCATION"] = fold("LOCATION:" + text_value(event.location))
        description = event_description(event)
        if description:
            lines["DESCRIPTION"] = fold("DESCRIPTION:" + text_value(description))
        if event.updated is not None:
            lines["LAST-MODIFIED"] = fold("LAST-MODIFIED:" + vDDDTypes(event.updated.astimezone(dt.UTC)).to_ical().decode())
        if event.sequence is not None:
            lines["SEQUENCE"] = fold(f"SEQUENCE:{event.sequence}")
        ordered = [lines[name] for name in VEVENT_ORDER if name in lines]
        return b"BEGIN:VEVENT\r\n" + b"\r\n".join(ordered) + b"\r\nEND:VEVENT\r\n"

    def _local_time(self, name: str, when: dt.datetime, tzid: str) -> bytes:
        """DTSTART/DTEND as ``vevent`` writes them (see ``local_time``)."""
        if tzid in UTC_NAMES:
            return fold(f"{name}:" + vDDDTypes(when.replace(tzinfo=dt.UTC)).to_ical().decode())
        if tzid not in self._tzids:
            sample = property_line("dtstart", dt.datetime(2000, 1, 1), {"TZID": tzid}).decode()
            self._tzids[tzid] = sample[len("DTSTART") : sample.index(":")]  # ";TZID=...", quoted if need be
        return fold(f"{name}{self._tzids[tzid]}:" + vDDDTypes(when).to_ical().decode())


def text_value(value: str) -> str:
    return escape_text(value)


def property_line(name: str, value, parameters: dict | None = None) -> bytes:
    """One property rendered through an icalendar component, for lines computed once."""
    component = VEvent()
    component.add(name, value, parameters=parameters)
    begin, line, end, _ = component.content_lines()
    return fold(line)


@lru_cache(maxsize=1024)
def calendar_head(site: Site, feed: FeedInfo) -> bytes:
    """The VCALENDAR's own properties, without the END line (cached: feeds share heads)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # Plain strings would go out unescaped for these; Text escapes , ; and \.
    calendar.add("name", Text(feed.name))
    calendar.add("x-wr-calname", Text(feed.name))
    calendar.add("description", Text(feed.description))
    calendar.add("x-wr-caldesc", Text(feed.description))
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
    windows: dict[str, tuple[dt.date, dt.date | None]] = {}
    for event in events:
        if not event.is_timed or event.timezone in UTC_NAMES:
            continue
        last_day = event.last_occurrence_day
        first, last = event.first_day.year, None if last_day is None else last_day.year
        if event.timezone in windows:
            old_first, old_last = windows[event.timezone]
            first = min(first, old_first)
            last = None if last is None or old_last is None else max(last, old_last)
        windows[event.timezone] = (first, last)
    return windows


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
    events = list(events)
    return calendar_head(site, feed) + timezone_blocks(events) + b"".join(blocks) + END_CALENDAR


def render_feed(site: Site, feed: FeedInfo, events: Iterable[Event], category_names: dict[str, str], base_url: str) -> bytes:
    """A feed rendered from scratch through icalendar's components, nothing cached: the reference
    the published bytes are tested against."""
    dated = [e for e in events if e.is_dated]
    head = calendar_head.__wrapped__(site, feed)  # the uncached function
    zones = b"".join(
        component_bytes(timezone_component(tzid, dt.date(first, 1, 1), None if last is None else dt.date(last, 12, 31)))
        for tzid, (first, last) in sorted(zone_windows(dated).items())
    )
    blocks = [component_bytes(vevent(e, site, category_names[e.category], base_url)) for e in dated]
    return head + zones + b"".join(blocks) + END_CALENDAR
