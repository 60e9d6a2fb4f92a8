"""Everything the service publishes for one catalog version, origin and language, made once.

Requests only look bytes up. Pages rendered for a rendition are kept with it (``pages``), so they go when a new
catalog version replaces it.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property

from ..catalog.languages import DEFAULT_LANGUAGE, Text, joined
from ..catalog.model import Catalog, Event, last_modified
from ..config import DEFAULT_FEED_BUDGET
from ..i18n import translate
from ..ical.feed import END_CALENDAR, FeedInfo
from ..ical.vevent import EventRenderer, Labels
from .atom import changes_resource
from .documents import (
    EVENTS_HEAD,
    EVENTS_SEPARATOR,
    calendars_document,
    event_json,
    events_json_joined,
    events_json_stream,
    json_bytes,
    people_document,
)
from .feeds import Archive, BudgetedFeed, FeedJoiner
from .memo import Memo, Piece
from .render_cache import RenderCache
from .resource import JSON_TYPE, Resource
from .selection import Selection
from .urls import Urls

FILTERED_KEPT = 256  # filtered feeds and JSON documents kept per rendition
PAGES_KEPT = 256  # rendered pages kept per rendition
PAGE_VALUES_KEPT = 64  # values pages share, per rendition
EVENT_FILES_KEPT = 1024  # single-event files kept per rendition (the others are joined again when asked for)


class Rendition:
    """Each event's VEVENT block and JSON object taken from ``memo`` (a new one: nothing rendered yet), and the
    feeds and documents joined from them when first asked for, each with its ETag and gzip copy.

    ``feed_budget`` caps each subscribable feed's size (``feeds.split_for_budget``); ``this_year`` (the current
    year where the service runs) protects upcoming events from ever being moved to an archive.
    """

    def __init__(
        self, catalog: Catalog, base_url: str, lang: str = DEFAULT_LANGUAGE, *, memo: Memo | None = None,
        feed_budget: int = DEFAULT_FEED_BUDGET, this_year: int | None = None,
    ):  # fmt: skip
        self.catalog, self.base_url, self.lang = catalog, base_url, lang
        self.urls = Urls(base_url, lang)
        self.memo = memo if memo is not None else Memo()
        self.pages: RenderCache[Resource] = RenderCache(PAGES_KEPT)
        # What pages work out from the catalog and share, such as the events of each month.
        self.page_values: RenderCache[object] = RenderCache(PAGE_VALUES_KEPT)
        self._filtered: RenderCache[Resource] = RenderCache(FILTERED_KEPT)
        site = catalog.site
        self._names = {c.slug: c.text("name", lang) for c in catalog.calendars}
        self._title, self._description = site.text("title", lang), site.text("description", lang)
        renderer = EventRenderer(site, self._names, Labels(lang, translate(lang, "People"), translate(lang, "Sources")))
        self._scopes = {"vevent": ("vevent", base_url, lang, site, catalog.calendars), "json": ("json", base_url, site)}
        # The pieces render with these, not with the rendition: no cycle keeps an old rendition alive.
        urls = self.urls
        blocks = self.memo.pieces(
            self._scopes["vevent"], catalog.dated_events, lambda e: renderer.block(e, urls.event_page(e.id))
        )
        self.feeds = FeedJoiner(site, blocks, feed_budget, this_year)
        self._event_files: RenderCache[Resource] = RenderCache(EVENT_FILES_KEPT)
        self._single = FeedInfo(self._title, self._description)  # of each event's own .ics file

    def event_file(self, event_id: str) -> Resource | None:
        """A dated event's own .ics file, joined when first asked for; None for any other id."""
        event = self.catalog.find(event_id)
        if event is None or not event.is_dated:
            return None
        return self._event_files.get(event_id, lambda: self.feeds.feed(self._single, [event], f"{event_id}.ics", True))

    @cached_property
    def _full(self) -> BudgetedFeed:
        info = FeedInfo(self._title, self._description, self.urls.full_feed())
        made = self.feeds.budgeted(info, list(self.catalog.dated_events), "calendar", self.urls.archive)
        # Point each kept event's block at its bytes in the feed, which holds exactly those blocks, in order,
        # ahead of its last line: each is kept once.
        kept = [e for e in self.catalog.dated_events if e.id in made.kept]
        start = len(made.feed.body) - len(END_CALENDAR) - sum(len(self.feeds.blocks[e.id]) for e in kept)
        self.memo.share(self._scopes["vevent"], self.feeds.blocks, kept, made.feed.body, start)
        return made

    @property
    def full_feed(self) -> Resource:
        return self._full.feed

    @property
    def archives(self) -> dict[int, Archive]:
        return self._full.archives

    @cached_property
    def _calendars(self) -> dict[str, BudgetedFeed]:
        """Each calendar's feed and yearly archives, by slug."""
        in_calendar: dict[str, list[Event]] = {c.slug: [] for c in self.catalog.calendars}
        for event in self.catalog.dated_events:
            in_calendar[event.category].append(event)
        made = {}
        for c in self.catalog.calendars:
            name = joined([self._names[c.slug], self._title], " · ", self.lang)
            info = FeedInfo(name, c.text("description", self.lang), self.urls.calendar_feed(c.slug), c.colour)
            made[c.slug] = self.feeds.budgeted(
                info, in_calendar[c.slug], c.slug, lambda year, slug=c.slug: self.urls.archive(year, slug)
            )
        return made

    @property
    def calendar_feeds(self) -> dict[str, Resource]:
        return {slug: made.feed for slug, made in self._calendars.items()}

    @property
    def calendar_archives(self) -> dict[str, dict[int, Archive]]:
        return {slug: made.archives for slug, made in self._calendars.items()}

    def archive_years(self) -> dict[str | None, list[int]]:
        """Archived years: None for the full feed, else by calendar slug."""
        return {slug: sorted(made.archives) for slug, made in {None: self._full, **self._calendars}.items()}

    def forget_asked_once(self) -> None:
        """Drop what a static build asks for only once: the pages, the filtered feeds and documents (a
        country's, a person's), and every archive feed's bytes (see ``Archive.forget``)."""
        self.pages.replace(())
        self._filtered.replace(())
        for made in [self._full, *self.__dict__.get("_calendars", {}).values()]:
            for archive in made.archives.values():
                archive.forget()

    @cached_property
    def feed_counts(self) -> dict[str | None, tuple[int, dict[int, int]]]:
        """Events in each feed and in each of its archives: None for the full feed, else by slug."""
        feeds = {None: self._full, **self._calendars}
        return {slug: (len(made.kept), {y: a.count for y, a in made.archives.items()}) for slug, made in feeds.items()}

    def selected(self, selection: Selection) -> tuple[Event, ...]:
        return self.catalog.select(selection.categories, selection.countries)

    def feed(self, selection: Selection) -> Resource:
        """The full feed, or a filtered one joined from the same blocks."""
        if not selection:
            return self.full_feed
        return self._filtered.get(("ics", selection), lambda: self._filtered_feed(selection))

    def selection_count(self, selection: Selection) -> int:
        """Events a filtered feed holds: the selected dated events still in the full feed."""
        return sum(1 for e in self.selected(selection) if e.id in self._full.kept)

    def country_feed(self, code: str) -> Resource:
        """The events involving one country (``code`` upper case), at its own path: /countries/kz.ics."""
        selection = Selection(countries=frozenset({code}))
        return self._filtered.get(
            ("country", code), lambda: self._filtered_feed(selection, self.urls.country_feed(code))
        )

    def person_feed(self, person_id: str) -> Resource:
        """The events that name one registered person, at their own path: /people/<id>.ics."""
        name, url = self.catalog.person(person_id).text("name", self.lang).value, self.urls.person_feed(person_id)
        events = self.catalog.events_by_person[person_id]
        return self._filtered.get(("person", person_id), lambda: self._feed_of([name], events, url))

    @cached_property
    def country_counts(self) -> dict[str, int]:
        """Events each country's feed holds (``selection_count`` of that country), counted in one pass."""
        counts = Counter(code for e in self.catalog.dated_events if e.id in self._full.kept for code in e.countries)
        return {code: counts[code] for code in self.catalog.countries}

    def _filtered_feed(self, selection: Selection, url: str | None = None) -> Resource:
        labels = [self._names[c].value for c in sorted(selection.categories)] + sorted(selection.countries)
        url = url or self.urls.full_feed(selection.categories, selection.countries)
        return self._feed_of(labels, self.selected(selection), url)

    def _feed_of(self, labels: list[str], events: tuple[Event, ...], url: str) -> Resource:
        """A feed of those ``events`` still in the full feed, named after the calendar and ``labels``."""
        info = FeedInfo(Text(f"{self._title.value} ({', '.join(labels)})", self._title.lang), self._description, url)
        kept = [e for e in events if e.id in self._full.kept]
        return self.feeds.feed(info, kept, url.rsplit("/", 1)[-1].split("?", 1)[0])

    @cached_property
    def changes_feed(self) -> Resource:
        """The Atom feed of the latest changes to the whole calendar."""
        return self._atom(None, self._title)

    @cached_property
    def calendar_changes_feeds(self) -> dict[str, Resource]:
        """Each calendar's Atom feed of changes, by slug."""
        return {c.slug: self._atom(c.slug, self._names[c.slug]) for c in self.catalog.calendars}

    def _atom(self, slug: str | None, name: Text) -> Resource:
        title = joined([Text(translate(self.lang, "Changes"), self.lang), name], " · ", self.lang)
        return changes_resource(self.catalog, self.urls, title, slug)

    @cached_property
    def _event_objects(self) -> dict[str, Piece]:
        """Each event's object in events documents, by id."""
        catalog, urls = self.catalog, self.urls
        return self.memo.pieces(self._scopes["json"], catalog.events, lambda e: event_json(e, catalog, urls))

    @cached_property
    def events_json(self) -> Resource:
        document = self._json_document(self.catalog.events)
        objects, events = self._event_objects, list(self.catalog.events)
        self.memo.share(self._scopes["json"], objects, events, document.body, len(EVENTS_HEAD), len(EVENTS_SEPARATOR))
        return document

    def events_json_stream(self) -> Iterator[bytes]:
        """The bytes of ``events_json`` in pieces, without joining them (what the static build writes,
        once): each event's object rendered as it is written and not kept, unless it was already made."""
        made = self.__dict__.get("_event_objects", {})  # the cached property, when made
        return events_json_stream(made.get(e.id) or event_json(e, self.catalog, self.urls) for e in self.catalog.events)

    def events_document(self, selection: Selection) -> Resource:
        if not selection:
            return self.events_json
        return self._filtered.get(("json", selection), lambda: self._json_document(self.selected(selection)))

    def _json_document(self, events: tuple[Event, ...]) -> Resource:
        body = events_json_joined(self._event_objects[e.id] for e in events)
        return Resource(body, JSON_TYPE, last_modified(self.catalog.site, events))

    @cached_property
    def people_json(self) -> Resource:
        document = json_bytes(people_document(self.catalog, self.urls))
        return Resource(document, JSON_TYPE, self.catalog.last_modified)

    @cached_property
    def calendars_json(self) -> Resource:
        document = calendars_document(self.catalog, self.urls, self.feed_counts, self.country_counts)
        return Resource(json_bytes(document), JSON_TYPE, self.catalog.last_modified)

    def warm(self, like: Rendition | None = None) -> Rendition:
        """Make now, with their gzip copies, what is otherwise made on first request, so no request waits
        for what was ready before: before a server forks, the full feed, which every subscriber without a
        filter polls, so that its workers share it (everything else is made where first asked for); before
        a reload swaps this rendition in for ``like``, what ``like`` had made."""
        with_gzip_copies([self.full_feed] if like is None else self._made_like(like))
        return self

    def _made_like(self, like: Rendition) -> Iterator[Resource]:
        """The counterpart of each feed and document ``like`` has made, but archives and single-event
        files, which are asked for rarely and joined when they are."""
        made = like.__dict__  # its cached properties made so far
        if "events_json" in made:
            yield self.events_json
        if "calendars_json" in made:
            yield self.calendars_json
        yield from self._filtered_like(like)
        yield self.full_feed
        if "_calendars" in made:
            yield from self.calendar_feeds.values()
        if "changes_feed" in made:
            yield self.changes_feed
        if "calendar_changes_feeds" in made:
            yield from self.calendar_changes_feeds.values()

    def _filtered_like(self, like: Rendition) -> Iterator[Resource]:
        """The filtered feeds and documents ``like`` keeps, in its order of use, JSON documents first."""
        kept = [key for key, _ in like._filtered.items_by_use()]
        for kind, what in [key for key in kept if key[0] == "json"] + [key for key in kept if key[0] != "json"]:
            if kind == "country":
                if what in self.catalog.countries:
                    yield self.country_feed(what)
            elif kind == "person":
                if self.catalog.person(what) is not None:  # a person gone from the register has no feed
                    yield self.person_feed(what)
            elif all(self.catalog.has_calendar(slug) for slug in what.categories):  # a calendar gone has no feed
                yield self.feed(what) if kind == "ics" else self.events_document(what)


def with_gzip_copies(resources: Iterable[Resource]) -> None:
    """Make each resource and its gzip copy; the copies on every core while this thread makes the
    rest (compressing lets other threads run; joining and encoding do not)."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="gzip") as pool:
        for done in [pool.submit(lambda r: r.gzipped, resource) for resource in resources]:
            done.result()
