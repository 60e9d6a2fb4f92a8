"""Everything the service publishes for one catalog version, rendered once.

A ``Rendition`` holds ready-to-send bytes (with ETag and a gzip copy) for every
feed, single-event file and JSON document. Requests only look bytes up;
filtered feeds are put together from the per-event VEVENT blocks.
"""

from __future__ import annotations

import datetime as dt
import gc
import gzip
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from threading import Lock

from .config import DEFAULT_FEED_BUDGET  # bytes; Google stops reading a feed at about 1 MB
from .model import Catalog, Event
from .render_ics import (
    END_CALENDAR,
    EventRenderer,
    FeedInfo,
    calendar_head,
    feed_bytes,
    timezone_blocks,
)
from .render_json import calendars_document, events_document, json_bytes

ICS_TYPE = "text/calendar; charset=utf-8"
JSON_TYPE = "application/json"
FILTERED_FEEDS_KEPT = 256


@dataclass(frozen=True)
class Resource:
    """One response body with what HTTP caching needs to know about it."""

    body: bytes
    content_type: str
    last_modified: dt.datetime
    filename: str = ""
    attachment: bool = False
    etag: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "etag", hashlib.sha256(self.body).hexdigest()[:32])

    @cached_property
    def gzipped(self) -> bytes:
        """The gzip copy (made once; feeds make it before they are served)."""
        return gzip.compress(self.body, compresslevel=6, mtime=0)


def last_modified(catalog: Catalog, events) -> dt.datetime:
    return max([catalog.site.revised_at, *(e.last_modified(catalog.site) for e in events)])


@dataclass(frozen=True)
class Selection:
    """A filter on the catalog: any of these categories, involving any of these countries."""

    categories: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.categories or self.countries)

    def query_string(self) -> str:
        pairs = [f"category={c}" for c in sorted(self.categories)]
        pairs += [f"country={c}" for c in sorted(self.countries)]
        return "&".join(pairs)


class AssembledOnce(Mapping):
    """Resources by key, each put together from rendered blocks when first asked for.

    For the many single-event files: their VEVENT, VTIMEZONE and head are
    rendered up front; joining them waits until someone downloads that event.
    """

    def __init__(self, sources: dict, assemble: Callable):
        self._sources = sources
        self._assemble = assemble
        self._made: dict = {}

    def __getitem__(self, key) -> Resource:
        found = self._made.get(key)
        if found is None:
            found = self._made[key] = self._assemble(self._sources[key])  # a race only builds it twice
        return found

    def __contains__(self, key) -> bool:
        return key in self._sources

    def __iter__(self):
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)


@dataclass(frozen=True)
class Archive:
    """One year of past events moved out of a feed that would not fit its budget."""

    year: int
    count: int
    resource: Resource


def archive_year_limit(event: Event) -> int | None:
    """The year an event's last occurrence falls in; None for open-ended recurrences."""
    last = event.last_occurrence_day
    return None if last is None else last.year


def split_for_budget(
    events: list[Event], sizes: dict[str, int], overhead: int, budget: int, this_year: int | None
) -> tuple[list[Event], dict[int, list[Event]]]:
    """Keep the newest events that fit ``budget`` bytes; group the older ones by start year.

    Whole years move out, oldest first, and only years before ``this_year``:
    events from this year on (the upcoming ones) always stay, even if the
    feed then exceeds its budget.
    """
    if overhead + sum(sizes[e.id] for e in events) <= budget:
        return events, {}
    ends = {e.id: archive_year_limit(e) for e in events}
    limit = this_year if this_year is not None else max(e.first_day.year for e in events)
    cut = None
    for year in sorted({y for y in ends.values() if y is not None and y < limit}):
        cut = year
        if overhead + sum(sizes[e.id] for e in events if ends[e.id] is None or ends[e.id] > year) <= budget:
            break
    if cut is None:
        return events, {}
    kept, archived = [], {}
    for event in events:
        if ends[event.id] is not None and ends[event.id] <= cut:
            archived.setdefault(event.first_day.year, []).append(event)
        else:
            kept.append(event)
    return kept, archived


class Rendition:
    """All public bytes for one catalog and one base URL.

    ``feed_budget`` caps each subscribable feed's size (Google Calendar stops
    reading at about 1 MB); past years that do not fit move to yearly archive
    feeds. ``this_year`` (the current year where the service runs) protects
    upcoming events from ever being moved.
    """

    def __init__(self, catalog: Catalog, base_url: str, feed_budget: int = DEFAULT_FEED_BUDGET, this_year: int | None = None):
        gc_was_enabled = gc.isenabled()
        gc.disable()  # a bulk render makes millions of short-lived objects and no cycles
        try:
            self._render(catalog, base_url, feed_budget, this_year)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _render(self, catalog: Catalog, base_url: str, feed_budget: int, this_year: int | None) -> None:
        self.catalog = catalog
        self.base_url = base_url
        self.feed_budget = feed_budget
        self.this_year = this_year
        site = catalog.site
        self._names = {c.slug: c.name for c in catalog.calendars}
        renderer = EventRenderer(site, self._names, base_url)
        self._blocks = {e.id: renderer.block(e) for e in catalog.dated_events}
        self._filtered: OrderedDict[tuple, Resource] = OrderedDict()
        self._lock = Lock()

        self.full_feed, self.archives, kept = self._budgeted_feed(
            FeedInfo(site.title, site.description, f"{base_url}/calendar.ics"),
            list(catalog.dated_events), "calendar", f"{base_url}/calendar",
        )
        self._in_full_feed = frozenset(e.id for e in kept)  # filtered feeds are subsets of it, so they fit too
        self.calendar_feeds: dict[str, Resource] = {}
        self.calendar_archives: dict[str, dict[int, Archive]] = {}
        for c in catalog.calendars:
            self.calendar_feeds[c.slug], self.calendar_archives[c.slug], _ = self._budgeted_feed(
                FeedInfo(f"{c.name} · {site.title}", c.description, f"{base_url}/calendars/{c.slug}.ics", c.colour),
                [e for e in catalog.dated_events if e.category == c.slug],
                c.slug, f"{base_url}/calendars/{c.slug}",
            )
        single = FeedInfo(site.title, site.description)
        self.event_files = AssembledOnce(
            {e.id: e for e in catalog.dated_events},
            lambda e: self._feed(single, [e], f"{e.id}.ics", attachment=True, gzip=False),
        )
        self.events_json = self._json(events_document(catalog.events, catalog, base_url), catalog.events)
        self.calendars_json = self._json(
            calendars_document(catalog, base_url, self.archive_counts()), catalog.events
        )

    def archive_counts(self) -> dict[str | None, dict[int, int]]:
        """Archived years and their event counts: None for the full feed, else by calendar slug."""
        counts = {None: {y: a.count for y, a in self.archives.items()}}
        counts.update({slug: {y: a.count for y, a in years.items()} for slug, years in self.calendar_archives.items()})
        return counts

    def _budgeted_feed(self, info: FeedInfo, events: list[Event], name: str, archive_prefix: str):
        sizes = {e.id: len(self._blocks[e.id]) for e in events}
        overhead = len(calendar_head(self.catalog.site, info)) + len(timezone_blocks(events)) + len(END_CALENDAR)
        kept, archived = split_for_budget(events, sizes, overhead, self.feed_budget, self.this_year)
        archives = {
            year: Archive(year, len(old), self._feed(
                FeedInfo(f"{info.name} ({year})", info.description, f"{archive_prefix}/{year}.ics", info.colour),
                old, f"{name}-{year}.ics",
            ))
            for year, old in sorted(archived.items())
        }
        return self._feed(info, kept, f"{name}.ics"), archives, kept

    def _feed(self, info: FeedInfo, events, filename: str, attachment: bool = False, gzip: bool = True) -> Resource:
        events = list(events)
        body = feed_bytes(self.catalog.site, info, events, (self._blocks[e.id] for e in events))
        resource = Resource(body, ICS_TYPE, last_modified(self.catalog, events), filename, attachment)
        if gzip:
            resource.gzipped  # compress now, before the rendition is served
        return resource

    def _json(self, document: dict, events) -> Resource:
        resource = Resource(json_bytes(document), JSON_TYPE, last_modified(self.catalog, events))
        resource.gzipped  # compress now, before the rendition is served
        return resource

    def selected(self, selection: Selection) -> tuple[Event, ...]:
        return self.catalog.select(selection.categories, selection.countries)

    def feed(self, selection: Selection) -> Resource:
        """The full feed, or a filtered one assembled from cached event blocks."""
        if not selection:
            return self.full_feed
        return self._remember(("ics", selection), lambda: self._filtered_feed(selection))

    def events_document(self, selection: Selection) -> Resource:
        if not selection:
            return self.events_json
        return self._remember(
            ("json", selection),
            lambda: self._json(events_document(self.selected(selection), self.catalog, self.base_url), self.selected(selection)),
        )

    def _filtered_feed(self, selection: Selection) -> Resource:
        site = self.catalog.site
        labels = [self._names[c] for c in sorted(selection.categories)] + sorted(selection.countries)
        info = FeedInfo(
            f"{site.title} ({', '.join(labels)})",
            site.description,
            f"{self.base_url}/calendar.ics?{selection.query_string()}",
        )
        kept = [e for e in self.selected(selection) if e.id in self._in_full_feed]
        return self._feed(info, kept, "calendar.ics")

    def _remember(self, key: tuple, make) -> Resource:
        with self._lock:
            if key in self._filtered:
                self._filtered.move_to_end(key)
                return self._filtered[key]
        resource = make()
        with self._lock:
            self._filtered[key] = resource
            while len(self._filtered) > FILTERED_FEEDS_KEPT:
                self._filtered.popitem(last=False)
        return resource
