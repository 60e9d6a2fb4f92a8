"""What a start renders, kept on disk for the next start (see ``disk_cache``).

Four kinds, each per events folder, origin and language; a start finds them
in the cache folder and makes only what is new or changed since:

- each event's VEVENT block (``saved_blocks``), reused as within a process:
  by ``RenderedEvents.reusable_for`` (same origin, language, site and
  calendars) and each event's ``block_key`` (its file's path and digest, and
  its revision). Only blocks of events read from files are saved. With them,
  in the same file so that they hold the very same block objects, the feeds
  made from them and each budgeted feed's split: a feed or split is taken
  again only for the very blocks it was made from, as within a process;
- the events document of ``/api/events.json`` (``saved_events_json``), saved
  with the site it was made for: each unchanged event's object is taken from
  it by the same key (``Rendition._event_json``);
- the gzip copies of what a server makes before it forks (``warm``), by the
  ETag of the bytes they compress;
- the documents made from the whole catalog, not from event blocks (Atom
  feeds, ``calendars.json``; ``Rendition.whole_catalog_made``), with their
  gzip copies, under the catalog's version (a digest of every file's name
  and bytes), the feed budget and the year.
"""

from __future__ import annotations

from pathlib import Path

from ..catalog.model import Site
from ..disk_cache import DiskCache
from .documents import EventsJson
from .rendition import Rendition
from .reuse import RenderedEvents

CACHE_NAME = "blocks"
EVENTS_JSON_NAME = "events-json"
GZIP_NAME = "gzip"
WHOLE_CATALOG_NAME = "whole-catalog"


def scope(events_dir: Path, base_url: str, lang: str) -> str:
    return f"{events_dir.resolve()}\n{base_url}\n{lang}"


def saved_blocks(cache: DiskCache, events_dir: Path, base_url: str, lang: str) -> RenderedEvents | None:
    """The blocks an earlier start saved for this folder, origin and language, if any."""
    saved = cache.read(CACHE_NAME, scope(events_dir, base_url, lang), ())
    return saved if isinstance(saved, RenderedEvents) else None


def save_blocks(cache: DiskCache, events_dir: Path, rendition: Rendition) -> None:
    """Save ``rendition``'s blocks, feeds and splits, when it had to render a block or work out a split."""
    if rendition.blocks_rendered or rendition.splits_worked_out:
        saved = rendition.rendered.to_save()
        cache.write(CACHE_NAME, scope(events_dir, rendition.base_url, rendition.lang), (), saved)


def saved_events_json(cache: DiskCache, events_dir: Path, base_url: str, lang: str, site: Site) -> EventsJson | None:
    """The events document an earlier start saved for this folder, origin, language and site, if any."""
    saved = cache.read(EVENTS_JSON_NAME, scope(events_dir, base_url, lang), (site,))
    return saved if isinstance(saved, EventsJson) else None


def warm(rendition: Rendition, cache: DiskCache | None, events_dir: Path) -> Rendition:
    """``rendition.warm()``, with the whole-catalog documents and gzip copies an earlier start saved;
    then save for the next start those, the blocks with the feeds and the events document, each if
    it changed."""
    if cache is None:
        return rendition.warm()
    where = scope(events_dir, rendition.base_url, rendition.lang)
    version = (rendition.catalog.version, rendition.feed_budget, rendition.this_year)
    documents = cache.read(WHOLE_CATALOG_NAME, where, version)
    if isinstance(documents, dict):
        rendition.take_whole_catalog(documents)
    saved = cache.read(GZIP_NAME, where, ())
    earlier = saved if isinstance(saved, dict) else {}
    rendition.warm(gzipped=earlier)
    made = rendition.whole_catalog_made()
    if not isinstance(documents, dict) or made.keys() != documents.keys():
        cache.write(WHOLE_CATALOG_NAME, where, version, made)
    save_blocks(cache, events_dir, rendition)
    copies = rendition.gzip_copies()
    if copies.keys() != earlier.keys():
        cache.write(GZIP_NAME, where, (), copies)
    document = rendition.events_document_made
    if document is not None and rendition.json_encoded:
        cache.write(EVENTS_JSON_NAME, where, (rendition.catalog.site,), document)
    return rendition
