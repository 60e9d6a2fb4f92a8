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
    """What a reload makes before it swaps ``new`` in for ``like``: ``new``'s counterpart of each feed
    and document ``like`` has made, but archives and single-event files, which are asked for rarely
    and joined when they are."""
    made = like.__dict__  # its cached properties made so far
    if "events_json" in made:
        yield new.events_json
    if "calendars_json" in made:
        yield new.calendars_json
    yield from filtered_like(new, like)
    yield from new.made()
    if "_calendars" in made:
        yield from new.calendar_feeds.values()
    if "changes_feed" in made:
        yield new.changes_feed
    if "calendar_changes_feeds" in made:
        yield from new.calendar_changes_feeds.values()


def filtered_like(new: Rendition, like: Rendition) -> Iterator[Resource]:
    """The filtered feeds and documents ``like`` keeps, in its order of use, JSON documents first."""
    kept = like._filtered.keys_by_use()
    for kind, what in [key for key in kept if key[0] == "json"] + [key for key in kept if key[0] != "json"]:
        if kind == "country":
            if what in new.catalog.countries:
                yield new.country_feed(what)
        elif all(new.catalog.has_calendar(slug) for slug in what.categories):  # a calendar that is gone has no feed
            yield new.feed(what) if kind == "ics" else new.events_document(what)
