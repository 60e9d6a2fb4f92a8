"""Everything the service publishes for one catalog version and origin, rendered once.

A ``Rendition`` holds ready-to-send bytes (with ETag and a gzip copy) for every
feed, single-event file and JSON document. Requests only look bytes up;
filtered feeds are put together from the per-event VEVENT blocks, and pages
rendered for this rendition are kept with it (``pages``), so they go when a
new catalog version replaces it.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property

from ..catalog.languages import DEFAULT_LANGUAGE, Text
from ..catalog.model import Catalog, Event, last_modified
from ..config import DEFAULT_FEED_BUDGET
from ..i18n import translate
from ..ical.feed import END_CALENDAR, FeedInfo, calendar_head, feed_bytes, timezone_blocks
from ..ical.vevent import EventRenderer, Labels
from .atom import ATOM_TYPE, atom_bytes, latest_changes
from .budget import split_for_budget
from .documents import EventsJson, calendars_document, event_json, events_json_joined, events_json_stream, json_bytes
from .render_cache import RenderCache
from .resource import ICS_TYPE, JSON_TYPE, Resource
from .reuse import FeedSplit, MadeFeed, RenderedEvents, block_key, same_blocks
from .selection import Selection
from .urls import Urls

FILTERED_KEPT = 256  # filtered feeds and JSON documents kept per rendition
PAGES_KEPT = 256  # rendered pages kept per rendition
DERIVED_KEPT = 64  # values pages share, per rendition
EVENT_FILES_KEPT = 1024  # single-event files kept per rendition (the others are joined again when asked for)


class AssembledOnce(Mapping):
    """Resources by key, each put together from rendered blocks when first asked for.

    For the many single-event files: their VEVENT, VTIMEZONE and head are
    rendered up front; joining them waits until someone downloads that event.
    At most ``kept`` are kept (the most recently asked for); None: all.
    """

    def __init__(self, sources: dict, assemble: Callable, kept: int | None = None):
        self._sources = sources
        self._assemble = assemble
        self._made: RenderCache[Resource] = RenderCache(kept if kept is not None else max(len(sources), 1))

    def __getitem__(self, key) -> Resource:
        source = self._sources[key]
        return self._made.get(key, lambda: self._assemble(source))

    def __contains__(self, key) -> bool:
        return key in self._sources

    def __iter__(self):
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)

    def made(self) -> list:
        """The keys whose resource is kept, least recently asked for first."""
        return self._made.keys_by_use()


class Archive:
    """One year of past events moved out of a feed that would not fit its budget.

    Its feed is put together from the rendered blocks when first asked for (a
    few milliseconds; past years are asked for rarely, so a server does not make
    them before it forks), and kept until ``forget``.
    """

    __slots__ = ("_make", "_resource", "count", "year")

    def __init__(self, year: int, count: int, make: Callable[[], Resource], made: Resource | None = None):
        self.year, self.count = year, count
        self._make = make
        self._resource: Resource | None = made

    @property
    def made(self) -> Resource | None:
        """The feed if it has been put together (and not forgotten) yet, else None."""
        return self._resource

    @property
    def resource(self) -> Resource:
        resource = self._resource
        if resource is None:  # two threads may both make it: the same bytes, one kept
            resource = self._resource = self._make()
        return resource

    def forget(self) -> None:
        """Drop the feed's bytes (a static build writes each archive once); they are made again if asked."""
        self._resource = None


def gzip_copy(resource: Resource) -> bytes:
    return resource.gzipped


def made_archives(earlier: dict[int, Archive], mine: dict[int, Archive]) -> Iterator[Resource]:
    """The feed of each year of ``mine`` whose archive in ``earlier`` has been put together."""
    return (mine[year].resource for year, archive in earlier.items() if archive.made is not None and year in mine)


def joined(texts: list[Text], separator: str, lang: str) -> Text:
    """Texts joined into one, in their common language (``lang`` when they are mixed)."""
    languages = {text.lang for text in texts}
    return Text(separator.join(text.value for text in texts), languages.pop() if len(languages) == 1 else lang)


class Rendition:
    """All public bytes for one catalog, one origin and one language.

    ``feed_budget`` caps each subscribable feed's size (Google Calendar stops
    reading at about 1 MB); past years that do not fit move to yearly archive
    feeds. ``this_year`` (the current year where the service runs) protects
    upcoming events from ever being moved.
    """

    def __init__(
        self,
        catalog: Catalog,
        base_url: str,
        feed_budget: int = DEFAULT_FEED_BUDGET,
        this_year: int | None = None,
        lang: str = DEFAULT_LANGUAGE,
        previous: Rendition | RenderedEvents | None = None,
    ):
        """``previous``: an earlier rendition (or its ``rendered``), whose block is reused for every
        event that has not changed, when it rendered for the same origin and language."""
        self._render(catalog, base_url, feed_budget, this_year, lang, previous)

    def _render(
        self, catalog: Catalog, base_url: str, feed_budget: int, this_year: int | None, lang: str, previous,
    ) -> None:  # fmt: skip
        self.catalog = catalog
        self.base_url = base_url
        self.lang = lang
        self.urls = urls = Urls(base_url, lang)
        self.feed_budget = feed_budget
        self.this_year = this_year
        self.pages: RenderCache[Resource] = RenderCache(PAGES_KEPT)
        # What pages work out from the catalog and share, such as the events of each month.
        self.derived: RenderCache[object] = RenderCache(DERIVED_KEPT)
        self._filtered: RenderCache[Resource] = RenderCache(FILTERED_KEPT)
        site = catalog.site
        self._names = {c.slug: c.text("name", lang) for c in catalog.calendars}
        self._title, self._description = site.text("title", lang), site.text("description", lang)
        labels = Labels(lang, translate(lang, "People"), translate(lang, "Sources"))
        renderer = EventRenderer(site, self._names, labels)
        # Each event's JSON object, from this rendition's events document once made, else from the
        # previous rendition's for the same origin, language and site (``_event_json``).
        self._events_json: EventsJson | None = None
        self._earlier_events_json: EventsJson | None = None
        # The previous version's pages for this origin and language, answered while one is made again.
        self._earlier_pages: RenderCache[Resource] | None = None
        if isinstance(previous, Rendition):
            if (previous.base_url, previous.lang, previous.catalog.site) == (base_url, lang, catalog.site):
                self._earlier_events_json = previous._events_json or previous._earlier_events_json
            if (previous.base_url, previous.lang) == (base_url, lang):
                self._earlier_pages = previous.pages
            previous = previous.rendered
        reusable = previous.reusable_for(base_url, lang, catalog) if previous is not None else {}
        # The previous rendition's feeds and splits, while this one may take them (until its calendars
        # are made); an archive not put together is left out: its closure would hold the previous rendition.
        self._earlier_feeds = previous.made_feeds() if reusable else {}
        self._earlier_splits = dict(previous.splits) if reusable else {}
        self.splits_worked_out = 0  # budgeted feeds whose split could not be taken from the previous rendition
        rendered: dict[Hashable, bytes] = {}
        self._blocks: dict[str, bytes] = {}  # by event id
        self.blocks_rendered = 0  # events whose block could not be reused
        self.json_encoded = 0  # events whose JSON object could not be taken from an earlier document
        for event in catalog.dated_events:
            key = block_key(event)
            block = reusable.get(key)
            if block is None:
                block = renderer.block(event, urls.event_page(event.id))
                self.blocks_rendered += 1
            rendered[key] = self._blocks[event.id] = block
        # Each feed made so far, by file name, with the blocks it holds (``_reused``), and each split.
        self.rendered = RenderedEvents(base_url, lang, catalog.site, catalog.calendars, rendered, {}, {})
        self._made_feeds, self._splits = self.rendered.feeds, self.rendered.splits

        self.full_feed, self.archives, kept = self._budgeted_feed(
            FeedInfo(self._title, self._description, urls.full_feed()),
            list(catalog.dated_events),
            None,
        )
        self._in_full_feed = frozenset(e.id for e in kept)  # filtered feeds are subsets of it, so they fit too
        single = FeedInfo(self._title, self._description)
        self.event_files = AssembledOnce(
            {e.id: e for e in catalog.dated_events},
            lambda e: self._feed(single, [e], f"{e.id}.ics", attachment=True),
            EVENT_FILES_KEPT,
        )

    def page(self, key: Hashable, make: Callable[[], Resource]) -> Resource:
        """The page for ``key``, made by ``make()`` once. While a request makes a page again after a
        reload, other requests for it are answered with the previous version's page, if it was
        made, instead of waiting (a page of 10,000 events takes a tenth of a second)."""
        earlier = self._earlier_pages
        return self.pages.get(key, make, meanwhile=lambda: earlier.peek(key) if earlier is not None else None)

    @cached_property
    def _calendars(self) -> tuple[dict[str, Resource], dict[str, dict[int, Archive]]]:
        """Each calendar's feed and yearly archives, by slug; made when first asked for (``warm`` makes
        them before a server forks)."""
        lang, feeds, archives = self.lang, {}, {}
        in_calendar: dict[str, list[Event]] = {}
        for event in self.catalog.dated_events:
            in_calendar.setdefault(event.category, []).append(event)
        for c in self.catalog.calendars:
            info = FeedInfo(
                joined([self._names[c.slug], self._title], " · ", lang),
                c.text("description", lang),
                self.urls.calendar_feed(c.slug),
                c.colour,
            )
            feeds[c.slug], archives[c.slug], _ = self._budgeted_feed(info, in_calendar.get(c.slug, []), c.slug)
        self._earlier_feeds, self._earlier_splits = {}, {}  # every feed that could be taken from it has been
        return feeds, archives

    @property
    def calendar_feeds(self) -> dict[str, Resource]:
        return self._calendars[0]

    @property
    def calendar_archives(self) -> dict[str, dict[int, Archive]]:
        return self._calendars[1]

    @cached_property
    def changes_feed(self) -> Resource:
        """The Atom feed of the latest changes; made when first asked for, like those of each calendar."""
        lang = self.lang
        return self._whole_catalog(
            "changes.atom",
            lambda: self._atom(None, joined([Text(translate(lang, "Changes"), lang), self._title], " · ", lang)),
        )

    @cached_property
    def calendar_changes_feeds(self) -> Mapping[str, Resource]:
        lang = self.lang
        return AssembledOnce(
            {c.slug: c for c in self.catalog.calendars},
            lambda c: self._whole_catalog(
                f"changes/{c.slug}.atom",
                lambda: self._atom(
                    c.slug, joined([Text(translate(lang, "Changes"), lang), self._names[c.slug]], " · ", lang)
                ),
            ),
        )

    def _whole_catalog(self, name: str, make: Callable[[], Resource]) -> Resource:
        return make()

    @cached_property
    def events_json(self) -> Resource:
        """All events as JSON (the API speaks English and lists every language's text); made when first asked."""
        events = self.catalog.events
        keys = [block_key(e) for e in events]
        earlier = self._earlier_events_json
        if earlier is not None and earlier.holds(keys):  # no event changed, none came or went
            document = earlier
        else:
            document = EventsJson.join([(key, self._event_json(e, key)) for key, e in zip(keys, events, strict=True)])
        self._events_json, self._earlier_events_json = document, None  # the earlier document can go
        return Resource(document.body, JSON_TYPE, last_modified(self.catalog.site, events))

    @property
    def events_document_made(self) -> EventsJson | None:
        """The events document with where each event's object lies, once ``events_json`` is made."""
        return self._events_json

    def events_json_stream(self) -> Iterator[bytes]:
        """The bytes of ``events_json`` in pieces, without holding the document: what the static build
        writes (the document is 30 MB at 10,000 events)."""
        if "events_json" in self.__dict__:
            return iter((self.events_json.body,))
        return events_json_stream(self._event_json(e) for e in self.catalog.events)

    def _event_json(self, event: Event, key: Hashable | None = None) -> bytes:
        """``event``'s object in events documents: taken from one already made when it is unchanged.
        ``key``: its ``block_key``, when the caller has it."""
        key = block_key(event) if key is None else key
        for document in (self._events_json, self._earlier_events_json):
            if document is not None and (part := document.part(key)) is not None:
                return part
        self.json_encoded += 1
        return event_json(event, self.catalog, self.urls)

    @cached_property
    def calendars_json(self) -> Resource:
        return self._whole_catalog(
            "calendars.json",
            lambda: self._json(
                calendars_document(self.catalog, self.urls, self.feed_counts, self.country_counts), self.catalog.events
            ),
        )

    @cached_property
    def country_counts(self) -> dict[str, int]:
        """Events each country's feed holds (``selection_count`` of that country), counted in one pass."""
        counts = dict.fromkeys(self.catalog.countries, 0)
        for event in self.catalog.dated_events:
            if event.id in self._in_full_feed:
                for code in event.countries:
                    counts[code] += 1
        return counts

    def warm(self, like: Rendition | None = None) -> Rendition:
        """Make now what is otherwise made on first request (feeds, JSON, gzip copies).

        Without ``like``, everything but the yearly archives (``Archive``): a server
        does so before it forks, so every worker shares it instead of making its own.
        With ``like`` (the rendition this one replaces), what ``like`` has made so far:
        a reload does so before it swaps this rendition in, so that no request waits
        for what was ready before the reload. The gzip copies are made on every core
        while this thread makes the rest (compressing lets other threads run; encoding
        does not)."""
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="gzip") as pool:
            compressed = [
                pool.submit(gzip_copy, resource)
                for resource in (self._everything() if like is None else self._made_by(like))
            ]
            for done in compressed:
                done.result()
        return self

    # Both in the order that starts the largest gzip copies (the JSON documents) first.

    def _everything(self) -> Iterator[Resource]:
        if self.lang == DEFAULT_LANGUAGE:
            yield self.events_json
        yield self.full_feed
        yield from self.calendar_feeds.values()
        yield self.changes_feed
        yield from self.calendar_changes_feeds.values()
        if self.lang == DEFAULT_LANGUAGE:
            yield self.calendars_json

    def _made_by(self, like: Rendition) -> Iterator[Resource]:
        """This rendition's counterpart of each resource ``like`` has made (and still keeps)."""
        made = like.__dict__  # the cached properties made so far
        if "events_json" in made:
            yield self.events_json
        yield from self._filtered_like(like)
        yield self.full_feed
        yield from made_archives(like.archives, self.archives)
        if "_calendars" in made:
            yield from self.calendar_feeds.values()
            for slug, years in like.calendar_archives.items():
                yield from made_archives(years, self.calendar_archives.get(slug, {}))
        if "changes_feed" in made:
            yield self.changes_feed
        if "calendar_changes_feeds" in made:
            mine = self.calendar_changes_feeds
            yield from (mine[slug] for slug in like.calendar_changes_feeds.made() if slug in mine)
        if "calendars_json" in made:
            yield self.calendars_json
        yield from (self.event_files[id_] for id_ in like.event_files.made() if id_ in self.event_files)

    def _filtered_like(self, like: Rendition) -> Iterator[Resource]:
        """The filtered feeds and documents ``like`` keeps, in its order of use, JSON documents first."""
        kept = like._filtered.keys_by_use()
        for kind, what in [key for key in kept if key[0] == "json"] + [key for key in kept if key[0] != "json"]:
            if kind == "country":
                if what in self.catalog.countries:
                    yield self.country_feed(what)
            elif what.categories <= self._names.keys():  # a calendar that is gone has no feed
                yield self.feed(what) if kind == "ics" else self.events_document(what)

    def forget_archives(self) -> None:
        """Drop every archive feed's bytes (see ``Archive.forget``)."""
        for archive in self.archives.values():
            archive.forget()
        if "_calendars" in self.__dict__:
            for years in self.calendar_archives.values():
                for archive in years.values():
                    archive.forget()

    def archive_years(self) -> dict[str | None, list[int]]:
        """Archived years: None for the full feed, else by calendar slug."""
        return {None: sorted(self.archives), **{slug: sorted(years) for slug, years in self.calendar_archives.items()}}

    @cached_property
    def feed_counts(self) -> dict[str | None, tuple[int, dict[int, int]]]:
        """Events in each feed and in each of its archives: None for the full feed, else by slug (counted once)."""
        counts = {None: (len(self._in_full_feed), {y: a.count for y, a in self.archives.items()})}
        in_calendar = Counter(e.category for e in self.catalog.dated_events)
        for c in self.catalog.calendars:
            archived = {y: a.count for y, a in self.calendar_archives[c.slug].items()}
            counts[c.slug] = (in_calendar[c.slug] - sum(archived.values()), archived)
        return counts

    def _budgeted_feed(self, info: FeedInfo, events: list[Event], slug: str | None):
        name = slug or "calendar"
        every_block = tuple(self._blocks[e.id] for e in events)
        split, zones = self._earlier_splits.get(name), None
        if split is not None and split.holds(info, self.feed_budget, self.this_year, every_block):
            kept, archived = split.apply(events)
        else:
            sizes = {e.id: len(block) for e, block in zip(events, every_block, strict=True)}
            zones = timezone_blocks(events)
            overhead = len(calendar_head(self.catalog.site, info)) + len(zones) + len(END_CALENDAR)
            kept, archived = split_for_budget(events, sizes, overhead, self.feed_budget, self.this_year)
            split = FeedSplit.of(info, self.feed_budget, self.this_year, events, every_block, archived)
            self.splits_worked_out += 1
        self._splits[name] = split

        def archive(year: int, old: list[Event]) -> Archive:
            title = Text(f"{info.name.value} ({year})", info.name.lang)
            archive_info = FeedInfo(title, info.description, self.urls.archive(year, slug), info.colour)
            filename = f"{name}-{year}.ics"
            blocks = tuple(self._blocks[e.id] for e in old)
            made = Archive(
                year, len(old), lambda: self._feed(archive_info, old, filename, blocks=blocks),
                self._reused(filename, archive_info, blocks),
            )  # fmt: skip
            self._made_feeds[filename] = MadeFeed(archive_info, blocks, made)
            return made

        archives = {year: archive(year, old) for year, old in sorted(archived.items())}
        blocks = tuple(self._blocks[e.id] for e in kept)
        feed = self._reused(f"{name}.ics", info, blocks) or self._feed(
            info, kept, f"{name}.ics", zones=None if archived else zones, blocks=blocks
        )
        self._made_feeds[f"{name}.ics"] = MadeFeed(info, blocks, feed)
        return feed, archives, kept

    def _reused(self, filename: str, info: FeedInfo, blocks: tuple[bytes, ...]) -> Resource | None:
        """The previous rendition's feed ``filename``, when it holds the very same blocks under the same
        head: each block is the same object only when its event has not changed (``block_key``), and
        the previous rendition rendered for this origin, language, site and calendars (``reusable_for``).
        Its bytes would be the same; its gzip copy comes with it."""
        earlier = self._earlier_feeds.get(filename)
        if earlier is None or earlier.info != info or not same_blocks(earlier.blocks, blocks):
            return None
        return earlier.feed

    def _feed(
        self,
        info: FeedInfo,
        events,
        filename: str,
        attachment: bool = False,
        zones: bytes | None = None,
        blocks: tuple[bytes, ...] | None = None,
    ) -> Resource:
        """``zones``, ``blocks``: the events' VTIMEZONE blocks and VEVENT blocks, when already at hand."""
        events = list(events)
        blocks = blocks if blocks is not None else tuple(self._blocks[e.id] for e in events)
        body = feed_bytes(self.catalog.site, info, events, blocks, zones)
        return Resource(body, ICS_TYPE, last_modified(self.catalog.site, events), filename, attachment)

    def _json(self, document: dict, events) -> Resource:
        return self._json_bytes(json_bytes(document), events)

    def _json_bytes(self, body: bytes, events) -> Resource:
        return Resource(body, JSON_TYPE, last_modified(self.catalog.site, events))

    def _atom(self, slug: str | None, title: str) -> Resource:
        changes = latest_changes(self.catalog, slug)
        body = atom_bytes(self.catalog, self.urls, changes, title, slug)
        updated = max((c.revision.time for c in changes), default=self.catalog.site.revised_at)
        return Resource(body, ATOM_TYPE, updated)

    def selected(self, selection: Selection) -> tuple[Event, ...]:
        return self.catalog.select(selection.categories, selection.countries)

    def feed(self, selection: Selection) -> Resource:
        """The full feed, or a filtered one assembled from cached event blocks."""
        if not selection:
            return self.full_feed
        return self._filtered.get(("ics", selection), lambda: self._filtered_feed(selection))

    def events_document(self, selection: Selection) -> Resource:
        if not selection:
            return self.events_json
        events = self.selected(selection)
        return self._filtered.get(
            ("json", selection),
            lambda: self._json_bytes(events_json_joined([self._event_json(e) for e in events]), events),
        )

    def selection_count(self, selection: Selection) -> int:
        """Events a filtered feed holds: the selected dated events still in the full feed."""
        return sum(1 for e in self.selected(selection) if e.id in self._in_full_feed)

    def country_feed(self, code: str) -> Resource:
        """The events involving one country (``code`` upper case), at its own path: /countries/kz.ics."""
        selection = Selection(countries=frozenset({code}))
        return self._filtered.get(
            ("country", code), lambda: self._filtered_feed(selection, self.urls.country_feed(code))
        )

    def _filtered_feed(self, selection: Selection, url: str | None = None) -> Resource:
        labels = [self._names[c].value for c in sorted(selection.categories)] + sorted(selection.countries)
        info = FeedInfo(
            Text(f"{self._title.value} ({', '.join(labels)})", self._title.lang),
            self._description,
            url or self.urls.full_feed(selection.categories, selection.countries),
        )
        kept = [e for e in self.selected(selection) if e.id in self._in_full_feed]
        return self._feed(info, kept, url.rsplit("/", 1)[-1] if url else "calendar.ics")
