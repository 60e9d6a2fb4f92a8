"""Everything the service publishes for one catalog version, rendered once.

A ``Rendition`` holds ready-to-send bytes (with ETag and a gzip copy) for every
feed, single-event file and JSON document. Requests only look bytes up;
filtered feeds are put together from the per-event VEVENT blocks.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock

from .model import Catalog, Event
from .render_ics import EventRenderer, FeedInfo, feed_bytes
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
    gzipped: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "etag", hashlib.sha256(self.body).hexdigest()[:32])
        object.__setattr__(self, "gzipped", gzip.compress(self.body, compresslevel=6, mtime=0))


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


class Rendition:
    """All public bytes for one catalog and one base URL."""

    def __init__(self, catalog: Catalog, base_url: str):
        self.catalog = catalog
        self.base_url = base_url
        site = catalog.site
        self._names = {c.slug: c.name for c in catalog.calendars}
        renderer = EventRenderer(site, self._names, base_url)
        self._blocks = {e.id: renderer.block(e) for e in catalog.dated_events}
        self._filtered: OrderedDict[tuple, Resource] = OrderedDict()
        self._lock = Lock()

        self.full_feed = self._feed(
            FeedInfo(site.title, site.description, f"{base_url}/calendar.ics"), catalog.dated_events, "calendar.ics"
        )
        self.calendar_feeds = {
            c.slug: self._feed(
                FeedInfo(f"{c.name} · {site.title}", c.description, f"{base_url}/calendars/{c.slug}.ics", c.colour),
                [e for e in catalog.dated_events if e.category == c.slug],
                f"{c.slug}.ics",
            )
            for c in catalog.calendars
        }
        self.event_files = {
            e.id: self._feed(
                FeedInfo(site.title, site.description), [e], f"{e.id}.ics", attachment=True
            )
            for e in catalog.dated_events
        }
        self.events_json = self._json(events_document(catalog.events, catalog, base_url), catalog.events)
        self.calendars_json = self._json(calendars_document(catalog, base_url), catalog.events)

    def _feed(self, info: FeedInfo, events, filename: str, attachment: bool = False) -> Resource:
        events = list(events)
        body = feed_bytes(self.catalog.site, info, events, (self._blocks[e.id] for e in events))
        return Resource(body, ICS_TYPE, last_modified(self.catalog, events), filename, attachment)

    def _json(self, document: dict, events) -> Resource:
        return Resource(json_bytes(document), JSON_TYPE, last_modified(self.catalog, events))

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
        return self._feed(info, [e for e in self.selected(selection) if e.is_dated], "calendar.ics")

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
