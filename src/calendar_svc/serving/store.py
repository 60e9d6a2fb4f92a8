"""The catalog the running app serves, its renditions per base URL, and reloading it.

A reload swaps in a complete new catalog, rendered and warmed (``Rendition.warm``) before anyone sees it, or changes
nothing but the list of problems (docs/deploying.md, "Live data reload").
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from threading import Lock

from ..catalog.files import Listing, folder_listing
from ..catalog.languages import DEFAULT_LANGUAGE
from ..catalog.loading import CatalogLoader
from ..catalog.model import Catalog
from ..config import DEFAULT_FEED_BUDGET
from ..errors import CatalogError, Problem
from ..publish.memo import Memo
from ..publish.render_cache import RenderCache
from ..publish.rendition import Rendition

RENDITIONS_KEPT = 12  # (public origin, language) pairs kept rendered at once: 4 origins in 3 languages
# (catalog, base URL, language) -> Rendition
Render = Callable[[Catalog, str, str], Rendition]

log = logging.getLogger("calendar_svc.reload")


@dataclass(frozen=True)
class Snapshot:
    """What the store serves: the last good catalog and what is wrong with newer data, if anything
    (one value, read at once, so the two always belong to each other)."""

    catalog: Catalog
    problems: tuple[Problem, ...] = ()
    listing: Listing | None = None  # of the files last read; None: not known
    read_at: float = -math.inf  # when they were read (time.monotonic(), which a forked process shares)


class CatalogStore:
    """Holds the current catalog; swapping it in is one atomic assignment."""

    def __init__(self, catalog: Catalog, render: Render | None = None, loader: CatalogLoader | None = None,
                 listing: Listing | None = None, read_at: float = -math.inf):  # fmt: skip
        """``loader``: the one that read ``catalog``, to reload with (parsing only the files that changed);
        ``listing``, ``read_at``: of the files it read, and when (``Snapshot``)."""
        self.loader = loader
        self.directory = loader.root if loader is not None else None
        self.render = render or rendering(Memo())
        self.snapshot = Snapshot(catalog, (), listing, read_at)
        self._renditions: RenderCache[Rendition] = RenderCache(RENDITIONS_KEPT)  # by (version, base URL, language)
        self._reload_lock = Lock()  # one reload at a time

    @classmethod
    def load(cls, directory: str | Path, render: Render | None = None) -> CatalogStore:
        """Load ``directory`` (raising CatalogError on problems) and remember what was read."""
        read_at = time.monotonic()
        listing = folder_listing(directory)  # taken first: a write during the load shows as a change
        loader = CatalogLoader(directory)
        catalog = loader.load(listing=listing)
        log_unstamped(catalog)
        return cls(catalog, render, loader, listing, read_at)

    @property
    def catalog(self) -> Catalog:
        return self.snapshot.catalog

    def needs_reload(self) -> Listing | None:
        """The files' listing when they differ from those last read (always when that is not
        known), else None."""
        listing = folder_listing(self.directory)
        return listing if listing != self.snapshot.listing else None

    def reload_if_changed(self) -> None:
        """Reload when the files differ from those last read."""
        if (changed := self.needs_reload()) is not None:
            self.reload(changed)

    def reload(self, listing: Listing | None = None) -> bool:
        """Read the directory again; swap in the new catalog (True) or keep the last good one.

        ``listing``: the directory's, when the caller has just taken it (``needs_reload``).
        Problems are logged one per line in the validation format and kept (in
        ``snapshot``) until data without problems is read.
        """
        with self._reload_lock:
            current = self.snapshot
            read_at = time.monotonic()
            listing = folder_listing(self.directory) if listing is None else listing
            try:
                catalog = self.loader.load(listing=listing)  # only changed files are parsed again
            except CatalogError as error:
                problems = tuple(error.problems)
            except OSError as error:  # a file vanished or became unreadable mid-read
                problems = (Problem(str(error.filename or self.directory), "", f"cannot be read: {error.strerror}"),)
            else:
                if catalog.version == current.catalog.version:
                    if current.problems:
                        log.info("event data fixed: serving version %s again without problems", catalog.version)
                    self.snapshot = Snapshot(current.catalog, (), listing, read_at)
                    return False
                self._swap(catalog, listing, read_at)
                log.info("reloaded event data from %s: %d events, version %s (was %s)",
                         self.directory, len(catalog.events), catalog.version, current.catalog.version)  # fmt: skip
                log_unstamped(catalog)
                return True
            if problems != current.problems:
                log.error("event data in %s has %d problem%s; still serving version %s", self.directory,
                          len(problems), "s" if len(problems) != 1 else "", current.catalog.version)  # fmt: skip
                for problem in problems:
                    log.error("%s", problem)
            if not self.directory.is_dir():  # no files, like an empty folder: read whatever comes next
                listing = None
            self.snapshot = Snapshot(current.catalog, problems, listing, read_at)
            return False

    def _swap(self, catalog: Catalog, listing: Listing | None, read_at: float) -> None:
        # Render for every base URL in use (least recently used first) before anyone can see the
        # new catalog; renditions of older catalogs are never asked for again, so they go.
        in_use = {key[1:]: kept for key, kept in self._renditions.items_by_use()}  # by (URL, language)
        fresh = []
        for (url, lang), previous in in_use.items():
            rendition = self.render(catalog, url, lang).warm(like=previous)
            fresh.append(((catalog.version, url, lang), rendition))
        self.snapshot = Snapshot(catalog, (), listing, read_at)
        self._renditions.replace(fresh)

    def forget_asked_once(self) -> None:
        """Drop what every rendition keeps that a static build asks for only once
        (``Rendition.forget_asked_once``)."""
        for _, kept in self._renditions.items_by_use():
            kept.forget_asked_once()

    def rendition(self, base_url: str, lang: str = DEFAULT_LANGUAGE) -> Rendition:
        """Rendered bytes for the current catalog, base URL and language.

        A missing rendition is rendered once per key, without holding up
        requests for other base URLs; one of a catalog a reload has just
        replaced is served to its request but not kept.
        """
        catalog = self.catalog
        return self._renditions.get(
            (catalog.version, base_url, lang),
            lambda: self.render(catalog, base_url, lang),
            keep=lambda rendition: rendition.catalog is self.catalog,
        )


def rendering(
    memo: Memo, feed_budget: int = DEFAULT_FEED_BUDGET, this_year: Callable[[], int | None] = lambda: None
) -> Render:
    """A ``Render`` sharing ``memo`` across catalog versions; ``this_year()``: the year where the service
    runs, asked at each render (feeds over budget archive past years only)."""

    def render(catalog: Catalog, base_url: str, lang: str) -> Rendition:
        return Rendition(catalog, base_url, lang, memo=memo, feed_budget=feed_budget, this_year=this_year())

    return render


def log_unstamped(catalog: Catalog) -> None:
    """Warn, one line per event, about content served without a stamp in the revision record."""
    if catalog.unstamped:
        log.warning(
            "%d events differ from the revision record and are served with their sequence raised by one; "
            "run `calendar-svc stamp`:", len(catalog.unstamped),
        )  # fmt: skip
        for problem in catalog.unstamped:
            log.warning("%s", problem)
