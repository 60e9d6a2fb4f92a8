"""One event as a VEVENT: RFC 5545 bytes, pure. Text escaping and line folding are done here, once, for every
iCalendar line the service writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from icalendar import Event as VEvent
from icalendar import vCalAddress, vRecur, vText
from icalendar.caselessdict import canonsort_keys

from ..catalog.languages import DEFAULT_LANGUAGE, Text
from ..catalog.model import Event, Site

# Names of UTC itself: written as ...Z with no VTIMEZONE.
UTC_NAMES = frozenset({
    "UTC", "Etc/UTC", "Etc/UCT", "UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu", "GMT", "Etc/GMT",
    "Etc/GMT+0", "Etc/GMT-0", "Etc/GMT0", "GMT0", "GMT+0", "GMT-0", "Greenwich", "Etc/Greenwich",
})  # fmt: skip


def escape_text(value: str) -> str:
    """RFC 5545 TEXT escaping: backslash, semicolon, comma and line breaks."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


class EscapedText(vText):
    """A TEXT value that keeps a literal backslash-N as written.

    icalendar 7.3's vText turns "\\N" into an escaped line break, so a title
    like "C:\\Network" would come back as "C:" and a new line.
    """

    def to_ical(self) -> bytes:
        return escape_text(str(self)).encode()


@dataclass(frozen=True)
class Labels:
    """The words a feed adds to an event's description, in the feed's language."""

    lang: str = DEFAULT_LANGUAGE
    people: str = "People"
    sources: str = "Sources"


ENGLISH = Labels()


def event_description(event: Event, labels: Labels = ENGLISH) -> Text:
    """The DESCRIPTION: the event's text, then who and the sources; in the language of its text."""
    own = event.text("description", labels.lang)
    parts = [own.value.strip()] if own.value.strip() else []
    if event.persons:
        parts.append(f"{labels.people}: " + "; ".join(map(str, event.people_names(labels.lang))))
    if event.sources:
        parts.append(f"{labels.sources}:\n" + "\n".join(event.sources))
    return Text("\n\n".join(parts), own.lang if own.value.strip() else labels.lang)


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
VEVENT_ORDER = canonsort_keys([
    "UID", "DTSTAMP", "DTSTART", "DTEND", "RRULE", "EXDATE", "SUMMARY", "STATUS", "CATEGORIES", "URL",
    "ORGANIZER", "TRANSP", "LOCATION", "DESCRIPTION", "LAST-MODIFIED", "SEQUENCE",
], VEvent.canonical_order)  # fmt: skip


class EventRenderer:
    """The service's one VEVENT writer: byte for byte as icalendar's components would write the event, but
    without building a component per event (feeds are joined from the blocks, see ``feed``).

    Content lines are written as icalendar's own value types write them, in icalendar's property order; the
    lines every event shares (ORGANIZER, CATEGORIES, TRANSP) are rendered once. The oracle in
    tests/ical_oracle.py builds the components, and a property test holds the two to the same bytes.

    Zones: a timed event in one of ``UTC_NAMES`` is written in UTC (...Z); any other zone with its TZID and
    VTIMEZONE, even one at UTC today (such as Africa/Abidjan), since it was not always.
    """

    def __init__(self, site: Site, category_names: dict[str, Text], labels: Labels = ENGLISH):
        self.site = site
        self.labels = labels
        self._categories = {
            slug: property_line("categories", [name.value], {"LANGUAGE": name.lang})
            for slug, name in category_names.items()
        }
        publisher = site.text("publisher_name", labels.lang).value
        self._organizer = property_line("organizer", vCalAddress(site.publisher_uri), {"CN": publisher})
        self._transp = property_line("transp", "TRANSPARENT")
        self._stamps: dict[dt.datetime, bytes] = {}

    def block(self, event: Event, page_url: str) -> bytes:
        """The VEVENT; ``page_url`` is its URL unless the event names its own."""
        if not event.is_dated:
            raise ValueError(f"event {event.id!r} has no known day and cannot go into a feed")
        lines = {
            "UID": fold("UID:" + escape_text(event.uid_for(self.site))),
            "DTSTAMP": self._stamp(event.last_modified(self.site)),
            **self._date_lines(event),
            **self._text_lines(event),
            "STATUS": fold("STATUS:" + escape_text(event.status.upper())),
            "CATEGORIES": self._categories[event.category],
            "URL": fold("URL;VALUE=URI:" + (event.url or page_url)),
            "ORGANIZER": self._organizer,
            "TRANSP": self._transp,
        }
        if event.updated is not None:
            lines["LAST-MODIFIED"] = fold("LAST-MODIFIED:" + ical_time(event.updated.astimezone(dt.UTC)))
        if event.sequence is not None:
            lines["SEQUENCE"] = fold(f"SEQUENCE:{event.sequence}")
        ordered = [lines[name] for name in VEVENT_ORDER if name in lines]
        return b"BEGIN:VEVENT\r\n" + b"\r\n".join(ordered) + b"\r\nEND:VEVENT\r\n"

    def _stamp(self, when: dt.datetime) -> bytes:
        """The DTSTAMP line (kept: most events share their site's revision)."""
        if when not in self._stamps:
            self._stamps[when] = fold("DTSTAMP:" + ical_time(when))
        return self._stamps[when]

    def _date_lines(self, event: Event) -> dict[str, bytes]:
        """DTSTART and DTEND (timed, or all-day with an exclusive end), RRULE and EXDATE, by name."""
        if event.is_timed:
            lines = {"DTSTART": self._local_time("DTSTART", [event.start], event.timezone)}
            if event.end is not None:
                lines["DTEND"] = self._local_time("DTEND", [event.end], event.timezone)
            if event.exdates:
                lines["EXDATE"] = self._local_time("EXDATE", event.exdates, event.timezone)
        else:
            end = event.last_day + dt.timedelta(days=1)
            lines = {
                "DTSTART": fold("DTSTART;VALUE=DATE:" + ical_date(event.start)),
                "DTEND": fold("DTEND;VALUE=DATE:" + ical_date(end)),
            }
            if event.exdates:
                lines["EXDATE"] = fold("EXDATE;VALUE=DATE:" + ",".join(map(ical_date, event.exdates)))
        if event.rrule:
            lines["RRULE"] = fold("RRULE:" + vRecur.from_ical(event.rrule).to_ical().decode())
        return lines

    def _text_lines(self, event: Event) -> dict[str, bytes]:
        """SUMMARY, LOCATION and DESCRIPTION in the feed's language, each with the LANGUAGE it is in, by name."""
        lang = self.labels.lang
        texts = {"SUMMARY": event.text("title", lang)}
        if event.location:
            texts["LOCATION"] = event.text("location", lang)
        description = event_description(event, self.labels)
        if description.value:
            texts["DESCRIPTION"] = description
        return {name: fold(f"{name};LANGUAGE={text.lang}:" + escape_text(text.value)) for name, text in texts.items()}

    def _local_time(self, name: str, times: Iterable[dt.datetime], tzid: str) -> bytes:
        """DTSTART, DTEND or EXDATE: in UTC for UTC's own names, else the local digits with the zone's TZID."""
        if tzid in UTC_NAMES:
            return fold(f"{name}:" + ",".join(ical_time(when.replace(tzinfo=dt.UTC)) for when in times))
        # No zone name in tzdata holds a character that a parameter value must quote (, ; :).
        return fold(f"{name};TZID={tzid}:" + ",".join(map(ical_time, times)))


def ical_date(day: dt.date) -> str:
    """A DATE value, as icalendar's vDate writes it: "20250529"."""
    return f"{day.year:04}{day.month:02}{day.day:02}"


def ical_time(when: dt.datetime) -> str:
    """A DATE-TIME value, as icalendar's vDatetime writes it: a naive time as its local digits
    ("20250529T150000"), a time in UTC (the only aware one written) with "Z"."""
    return f"{ical_date(when)}T{when.hour:02}{when.minute:02}{when.second:02}" + ("Z" if when.tzinfo else "")


def property_line(name: str, value, parameters: dict | None = None) -> bytes:
    """One property rendered through an icalendar component, for lines computed once."""
    component = VEvent()
    component.add(name, value, parameters=parameters)
    _, line, _, _ = component.content_lines()  # BEGIN, the property, END and a final ""
    return fold(line)
