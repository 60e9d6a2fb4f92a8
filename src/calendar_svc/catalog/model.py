"""The immutable data model: site settings, calendars, events and the catalog.

No I/O and no Flask here: the loader builds these, renderers read them.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from zoneinfo import ZoneInfo

from ..errors import EventNotFound, Problem
from .languages import DEFAULT_LANGUAGE, Text, Translations
from .zones import zone


class Status(StrEnum):
    CONFIRMED = "confirmed"
    TENTATIVE = "tentative"
    CANCELLED = "cancelled"


class Precision(StrEnum):
    """How much of an event's start is known."""

    TIME = "time"  # a local date-time in a named zone
    DAY = "day"  # an all-day event
    MONTH = "month"  # only the month: "2022-12"
    YEAR = "year"  # only the year: "2022"


class Translated:
    """Something with text in English and, in ``translations``, in Kazakh and Russian."""

    __slots__ = ()

    def text(self, field: str, lang: str) -> Text:
        """The text field ``field`` (a title, name, description …) in ``lang``, else in English."""
        if lang != DEFAULT_LANGUAGE:
            for language, name, value in self.translations:
                if language == lang and name == field:
                    return Text(value, lang)
        return Text(getattr(self, field), DEFAULT_LANGUAGE)


@dataclass(frozen=True)
class Site(Translated):
    title: str
    description: str
    uid_domain: str
    publisher_name: str
    publisher_uri: str
    refresh_interval: dt.timedelta
    revised: dt.date
    translations: Translations = ()  # title and description in Kazakh and Russian

    @cached_property
    def revised_at(self) -> dt.datetime:
        """The revision date as a UTC instant (midnight): the Last-Modified of documents with no event."""
        return dt.datetime.combine(self.revised, dt.time(), tzinfo=dt.UTC)


@dataclass(frozen=True)
class CalendarInfo(Translated):
    """One calendar (a category of events) with its own feed."""

    slug: str
    name: str
    description: str
    colour: str
    translations: Translations = ()  # name and description in Kazakh and Russian


@dataclass(frozen=True)
class Person(Translated):
    """One person in the register (``people.toml``): events name people by ``id``."""

    id: str
    name: str
    role: str = ""
    translations: Translations = ()  # name and role in Kazakh and Russian
    sources: tuple[str, ...] = ()  # where the Kazakh and Russian spellings were seen
    transliterated: tuple[str, ...] = ()  # languages whose spelling no source gives


@dataclass(frozen=True, slots=True)  # slots: 10,000s of events, without a dictionary each
class Event(Translated):
    """One event as written in its file, validated.

    For all-day events ``start`` and ``end`` are dates and ``end`` is the last
    day, inclusive. For timed events they are naive local date-times in
    ``timezone``. For month- or year-precision events ``start`` is the first
    day of that month or year and ``end`` is None.
    """

    id: str
    path: str
    title: str
    category: str
    start: dt.date | dt.datetime
    precision: Precision
    status: Status = Status.CONFIRMED
    end: dt.date | dt.datetime | None = None
    timezone: str | None = None
    location: str = ""
    countries: tuple[str, ...] = ()
    people: tuple[str, ...] = ()  # ids in the register, as written
    description: str = ""
    url: str = ""
    sources: tuple[str, ...] = ()
    rrule: str = ""
    exdates: tuple[dt.date | dt.datetime, ...] = ()
    uid: str = ""
    # As written in the file (rarely); in a loaded catalog, as published: from the revision record.
    sequence: int | None = None
    updated: dt.datetime | None = None
    translations: Translations = ()  # title, location and description in Kazakh and Russian
    # The register's entries for ``people``, in the same order (the loader looks them up).
    persons: tuple[Person, ...] = ()
    # SHA-256 of the bytes of the file the event was read from (b"": not read from a file). Not
    # published and not compared; with the path, it stands for every field as read.
    source: bytes = field(default=b"", compare=False, repr=False)

    def people_names(self, lang: str) -> list[Text]:
        """The names of the event's people in ``lang`` (each in English where it has no translation)."""
        return [person.text("name", lang) for person in self.persons]

    def __hash__(self) -> int:
        # Equal events have equal ids and paths; hashing two fields instead of twenty keeps
        # the caches keyed by event (occurrences, rendered blocks) cheap.
        return hash((self.id, self.path))

    @property
    def content_key(self) -> Hashable:
        """What stands for all of the event's data: the SHA-256 of the file it was read from, with its id
        (the file's name), its people's entries in the register and the revision it is published with; an
        event not read from a file stands for itself. Rendered pieces are kept by it, and page digests write
        it, so not the folder's path: the same files reached by another path give the same ETags."""
        if self.source:
            return (self.id, self.source, self.persons, self.sequence, self.updated)
        return self

    @property
    def known_start(self) -> str:
        """The start as precisely as it is known, as written: "2023", "2023-06", "2023-06-08" or
        "2023-06-08T10:00:00" (local, without its zone)."""
        return self.start.isoformat()[: {Precision.YEAR: 4, Precision.MONTH: 7}.get(self.precision)]

    @property
    def is_dated(self) -> bool:
        """True when the day is known, so the event can go into a feed."""
        return self.precision in (Precision.DAY, Precision.TIME)

    @property
    def is_timed(self) -> bool:
        return self.precision is Precision.TIME

    @property
    def zone(self) -> ZoneInfo | None:
        return zone(self.timezone) if self.timezone else None

    @property
    def start_local(self) -> dt.date | dt.datetime:
        """Start as an aware local date-time (timed events) or a date."""
        return self.start.replace(tzinfo=self.zone) if self.is_timed else self.start

    @property
    def end_local(self) -> dt.date | dt.datetime | None:
        return self.end.replace(tzinfo=self.zone) if self.is_timed and self.end is not None else self.end

    @property
    def first_day(self) -> dt.date:
        return self.start.date() if isinstance(self.start, dt.datetime) else self.start

    @property
    def last_day(self) -> dt.date:
        """The last local day the event covers (its first day when there is no end)."""
        end = self.end if self.end is not None else self.start
        return end.date() if isinstance(end, dt.datetime) else end

    @property
    def latest_day(self) -> dt.date:
        """The last day the event can fall on: its last day, or the end of its month or year when
        only that is known."""
        if self.precision is Precision.YEAR:
            return dt.date(self.start.year, 12, 31)
        if self.precision is Precision.MONTH:
            return self.start.replace(day=monthrange(self.start.year, self.start.month)[1])
        return self.last_day

    def is_overdue(self, today: dt.date) -> bool:
        """A tentative event whose date is wholly before ``today``: whether it happened is not recorded."""
        return self.status is Status.TENTATIVE and not self.rrule and self.latest_day < today

    @property
    def sort_key(self) -> tuple:
        """Chronological order; within a day, all-day and vaguer events first."""
        time = self.start.time() if isinstance(self.start, dt.datetime) else dt.time.min
        rank = {Precision.YEAR: 0, Precision.MONTH: 1, Precision.DAY: 2, Precision.TIME: 3}
        return (self.first_day, rank[self.precision], time, self.id)

    def last_modified(self, site: Site) -> dt.datetime:
        """When this event last changed: its ``updated``, else the site's revision."""
        return self.updated.astimezone(dt.UTC) if self.updated else site.revised_at

    def uid_for(self, site: Site) -> str:
        return self.uid or f"{self.id}@{site.uid_domain}"


@dataclass(frozen=True, slots=True)
class Revision:
    """One published revision of one event."""

    event_id: str
    sequence: int
    time: dt.datetime  # UTC, whole seconds
    kind: str  # "new", "changed" or "cancelled"
    summary: str  # "start 2025-05-29 → 2025-05-30; text"


@dataclass(frozen=True)
class Catalog:
    """Everything the service publishes, loaded and validated in one go."""

    site: Site
    calendars: tuple[CalendarInfo, ...]
    events: tuple[Event, ...]  # sorted by Event.sort_key
    version: str  # a hash of every file's name and bytes
    people: tuple[Person, ...] = ()  # the register, sorted by id
    # Every revision in the record (events/revisions.json), newest first.
    revisions: tuple[Revision, ...] = ()
    # Events whose content differs from the record, or that are missing from it or from the files.
    unstamped: tuple[Problem, ...] = ()
    # What is allowed but probably a slip, such as a registered person no event names.
    warnings: tuple[Problem, ...] = ()

    _by_id: dict[str, Event] = field(init=False, repr=False, compare=False)
    _by_slug: dict[str, CalendarInfo] = field(init=False, repr=False, compare=False)
    _by_person: dict[str, Person] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {e.id: e for e in self.events})
        object.__setattr__(self, "_by_slug", {c.slug: c for c in self.calendars})
        object.__setattr__(self, "_by_person", {p.id: p for p in self.people})

    def event(self, event_id: str) -> Event:
        try:
            return self._by_id[event_id]
        except KeyError:
            raise EventNotFound(event_id) from None

    def find(self, event_id: str) -> Event | None:
        """The event with this id, or None."""
        return self._by_id.get(event_id)

    def calendar(self, slug: str) -> CalendarInfo:
        """The calendar with this slug (an event's category always names one)."""
        return self._by_slug[slug]

    def has_calendar(self, slug: str) -> bool:
        return slug in self._by_slug

    def person(self, person_id: str) -> Person | None:
        """The registered person with this id, or None."""
        return self._by_person.get(person_id)

    @cached_property
    def events_by_person(self) -> dict[str, tuple[Event, ...]]:
        """Every registered person's events, in the catalog's order, by id (none: an empty tuple)."""
        found: dict[str, list[Event]] = {p.id: [] for p in self.people}
        for event in self.events:
            for person_id in event.people:
                found[person_id].append(event)
        return {person_id: tuple(events) for person_id, events in found.items()}

    def overdue(self, today: dt.date) -> list[Problem]:
        """A warning for each tentative event whose date has passed by ``today``."""
        return [
            Problem(e.path, "status", f"tentative, but its date ({e.known_start}) has passed: record the outcome")
            for e in self.events
            if e.is_overdue(today)
        ]

    @cached_property
    def dated_events(self) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.is_dated)

    @cached_property
    def countries(self) -> tuple[str, ...]:
        """Every country code any event names, sorted."""
        return tuple(sorted({c for e in self.events for c in e.countries}))

    @cached_property
    def last_modified(self) -> dt.datetime:
        return last_modified(self.site, self.events)

    def select(
        self, categories: frozenset[str] = frozenset(), countries: frozenset[str] = frozenset()
    ) -> tuple[Event, ...]:
        """Events in any of ``categories`` and involving any of ``countries`` (empty: all)."""
        return tuple(
            e
            for e in self.events
            if (not categories or e.category in categories) and (not countries or not countries.isdisjoint(e.countries))
        )


def last_modified(site: Site, events: Iterable[Event]) -> dt.datetime:
    """When anything published about ``events`` last changed: the latest of theirs and the site's revision."""
    return max([site.revised_at, *(e.last_modified(site) for e in events)])
