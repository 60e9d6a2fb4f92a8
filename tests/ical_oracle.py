"""What our VEVENTs and feeds should be, written plainly with icalendar's components: the oracle.

The service has one VEVENT writer, ``EventRenderer`` (fast: it writes the
bytes itself). The tests hold its bytes to these. Nothing here reuses the
writer's own pieces (its escaping, folding, date lines or description), so a
slip in one of them shows up as a difference instead of being shared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from icalendar import Event as VEvent
from icalendar import vCalAddress, vRecur, vText

from calendar_svc.catalog.languages import Text as LocalText
from calendar_svc.catalog.model import Event, Site
from calendar_svc.ical.feed import END_CALENDAR, FeedInfo, calendar_head, zone_windows
from calendar_svc.ical.vevent import ENGLISH, UTC_NAMES, Labels
from calendar_svc.ical.vtimezone import timezone_component


class EscapedText(vText):
    """A TEXT value escaped as RFC 5545 says, keeping a literal backslash-N as written.

    icalendar 7.3's vText turns "\\N" into an escaped line break, so a title
    like "C:\\Network" would come back as "C:" and a new line.
    """

    def to_ical(self) -> bytes:
        value = str(self)
        for plain, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
            value = value.replace(plain, escaped)
        return value.encode()


def description(event: Event, labels: Labels) -> LocalText:
    """The event's own text, then who and the sources; in the language of its own text, if any."""
    own = event.text("description", labels.lang).value.strip()
    parts = [own] if own else []
    if event.persons:
        names = [person.text("name", labels.lang).value for person in event.persons]
        parts.append(f"{labels.people}: " + "; ".join(names))
    if event.sources:
        parts.append(f"{labels.sources}:\n" + "\n".join(event.sources))
    lang = event.text("description", labels.lang).lang if own else labels.lang
    return LocalText("\n\n".join(parts), lang)


def local_time(when: dt.datetime, tzid: str) -> tuple[dt.datetime, dict]:
    """A local date-time as (value, parameters): with its TZID, or in UTC for UTC's own names.

    icalendar, given an aware date-time in a zone it deems equal to UTC (such
    as Africa/Abidjan or Atlantic/Reykjavik), writes the local digits with a Z,
    which is wrong on dates when that zone was not at UTC. So zones other than
    UTC's own names are always written with TZID and their VTIMEZONE.
    """
    if tzid in UTC_NAMES:
        return when.replace(tzinfo=dt.UTC), {}
    return when, {"TZID": tzid}


def excluded(event: Event) -> tuple[list, dict]:
    """EXDATE's values and parameters: dates, or local date-times as DTSTART writes them."""
    if not event.is_timed:
        return list(event.exdates), {}
    pairs = [local_time(when, event.timezone) for when in event.exdates]
    return [when for when, _ in pairs], pairs[0][1]


def vevent(event: Event, site: Site, category_name: LocalText, page_url: str, labels: Labels = ENGLISH) -> VEvent:
    """The VEVENT for one dated event in ``labels.lang``; ``page_url`` is its URL unless the event names its own.

    Each text carries the LANGUAGE it is actually in (RFC 5545 3.2.10): a
    translation's own, or "en" where it falls back to English.
    """
    if not event.is_dated:
        raise ValueError(f"event {event.id!r} has no known day and cannot go into a feed")
    component = VEvent()
    component.add("uid", EscapedText(event.uid_for(site)))
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
        component.add("exdate", *excluded(event))
    title = event.text("title", labels.lang)
    component.add("summary", EscapedText(title.value), parameters={"LANGUAGE": title.lang})
    component.add("status", event.status.upper())
    component.add("categories", [category_name.value], parameters={"LANGUAGE": category_name.lang})
    component.add("url", event.url or page_url, parameters={"VALUE": "URI"})
    publisher = site.text("publisher_name", labels.lang).value
    component.add("organizer", vCalAddress(site.publisher_uri), parameters={"CN": publisher})
    component.add("transp", "TRANSPARENT")
    if event.location:
        location = event.text("location", labels.lang)
        component.add("location", EscapedText(location.value), parameters={"LANGUAGE": location.lang})
    text = description(event, labels)
    if text.value:
        component.add("description", EscapedText(text.value), parameters={"LANGUAGE": text.lang})
    if event.updated is not None:
        component.add("last-modified", event.updated.astimezone(dt.UTC))
    if event.sequence is not None:
        component.add("sequence", event.sequence)
    return component


def vevent_bytes(event: Event, site: Site, category_name: LocalText, page_url: str, labels: Labels = ENGLISH) -> bytes:
    """The oracle's VEVENT as icalendar itself writes and folds it."""
    return vevent(event, site, category_name, page_url, labels).to_ical()


def render_feed(
    site: Site,
    feed: FeedInfo,
    events: Iterable[Event],
    category_names: dict[str, LocalText],
    page_url: Callable[[Event], str],
    labels: Labels = ENGLISH,
) -> bytes:
    """A feed rendered from scratch, nothing cached, its VEVENTs from the oracle: what every
    published feed must equal."""
    dated = [e for e in events if e.is_dated]
    head = calendar_head.__wrapped__(site, feed)  # the uncached function
    zones = b"".join(
        timezone_component(tzid, dt.date(first, 1, 1), None if last is None else dt.date(last, 12, 31)).to_ical()
        for tzid, (first, last) in sorted(zone_windows(dated).items())
    )
    blocks = [vevent_bytes(e, site, category_names[e.category], page_url(e), labels) for e in dated]
    return head + zones + b"".join(blocks) + END_CALENDAR
