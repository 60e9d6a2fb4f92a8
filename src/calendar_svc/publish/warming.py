"""Making a rendition's resources ahead of requests: before a server forks, and before a reload swaps
a new rendition in for the one it replaces (which then need not keep any request waiting)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from .resource import Resource

if TYPE_CHECKING:
    from .rendition import Rendition


def with_gzip_copies(resources: Iterable[Resource]) -> None:
    """Make each resource and its gzip copy; the copies on every core while this thread makes the
    rest (compressing lets other threads run; joining and encoding do not)."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="gzip") as pool:
        for done in [pool.submit(lambda r: r.gzipped, resource) for resource in resources]:
            done.result()


def made_like(new: Rendition, like: Rendition) -> Iterator[Resource]:
    """``new``'s counterpart of each resource ``like`` has made (and still keeps)."""
    made = like.__dict__  # its cached properties made so far
    if "events_json" in made:
        yield new.events_json
    yield from filtered_like(new, like)
    if "_full" in made:
        yield new.full_feed
        yield from (
            new.archives[year].resource for year, old in like.archives.items() if old.made and year in new.archives
        )
    if "_calendars" in made:
        yield from new.calendar_feeds.values()
        for slug, years in like.calendar_archives.items():
            mine = new.calendar_archives.get(slug, {})
            yield from (mine[year].resource for year, old in years.items() if old.made and year in mine)
    if "changes_feed" in made:
        yield new.changes_feed
    if "calendar_changes_feeds" in made:
        mine = new.calendar_changes_feeds
        yield from (mine[slug] for slug in like.calendar_changes_feeds.made() if slug in mine)
    if "calendars_json" in made:
        yield new.calendars_json
    yield from (new.event_files[id_] for id_ in like.event_files.made() if id_ in new.event_files)


def filtered_like(new: Rendition, like: Rendition) -> Iterator[Resource]:
    """The filtered feeds and documents ``like`` keeps, in its order of use, JSON documents first."""
    kept = like._filtered.keys_by_use()
    for kind, what in [key for key in kept if key[0] == "json"] + [key for key in kept if key[0] != "json"]:
        if kind == "country":
            if what in new.catalog.countries:
                yield new.country_feed(what)
        elif all(new.catalog.has_calendar(slug) for slug in what.categories):  # a calendar that is gone has no feed
            yield new.feed(what) if kind == "ics" else new.events_document(what)
