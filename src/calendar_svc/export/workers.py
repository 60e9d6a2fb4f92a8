"""A build's URLs fetched and written in parts, in this process or in a pool of forked ones.

``export_part`` fetches one part's URLs through the app and writes their
files under the staging folder; it takes and returns plain values (URL
lists, strings, numbers, and dicts and lists of those), so a part can run in
a worker of a ``ProcessPoolExecutor``. The pools fork from this process once
``Job`` holds the app, so each worker starts with the app and its loaded
catalog and never receives either. ``export_in_pools`` gives each language a
pool of its own: no worker holds more than one language's rendered feeds and
pages.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from ..catalog.languages import LANGUAGES
from ..errors import ExportError
from ..publish.urls import Urls, language_of
from .crawl import Crawl, iter_pages
from .files import Writer
from .record import EarlierFiles

PAGES_BETWEEN_FORGETTING = 64  # a build worker drops the pages the app keeps this often
PARTS_PER_WORKER = 8  # of each language's URLs: enough for even shares and progress reports

Progress = Callable[[int, int], None]  # (files done, URLs known so far)


@dataclass(frozen=True)
class Job:
    """What every part of a build shares: set in this process before a pool forks from it."""

    app: Flask
    base_url: str
    staging: Path  # where new and changed files are written
    previous: Path  # the earlier export (the output folder)
    fetched: frozenset[str]  # URLs fetched by some part: a part does not follow links to them
    max_urls: int


JOB: Job | None = None


@contextmanager
def shared(job: Job) -> Iterator[Job]:
    """Make ``job`` the one the parts run (and forked workers start with), for the ``with`` block."""
    global JOB  # what a forked worker starts with
    JOB = job
    try:
        yield job
    finally:
        JOB = None


def export_part(
    urls: list[str],
    recorded: dict[str, list[str]],
    archives_of: str | None = None,
    follow: bool = False,
    progress: Progress | None = None,
) -> dict:
    """Fetch ``urls`` and write their files; with a language ``archives_of``, its archive feeds first.

    ``recorded``: the earlier export's record of these URLs (URL -> [ETag,
    digest]). With ``follow``, links to new URLs are fetched too; else they
    are returned (``found``). Returns the writer's ``result`` with the archive
    feeds and the links found, as plain values. ``progress`` is told after
    each file (in this process only).
    """
    job = JOB
    store = job.app.extensions["calendar_svc"]
    writer = Writer(job.staging, job.previous)
    archive_feeds = archive_urls(job, archives_of) if archives_of is not None else []
    crawl = Crawl(job.max_urls, job.fetched, follow, EarlierFiles(job.previous, recorded))
    try:
        pages = iter_pages(job.app, job.base_url, archive_feeds + urls, crawl)
        for count, page in enumerate(pages, 1):
            writer.add(page)
            # Each is asked for once: keeping them would only cost memory. An archive feed is up to the
            # feed budget (1 MB), so it goes at once.
            if count % PAGES_BETWEEN_FORGETTING == 0 or count <= len(archive_feeds):
                store.forget_pages()
            if progress is not None:
                progress(count, crawl.known)
    except ExportError as error:
        writer.failures += error.lines
    writer.failures += [
        f"{link}: an internal link with a query string, which a static host would ignore"
        for link in sorted(crawl.query_links)
    ]  # a static host ignores the query and would serve another page: such a link lies
    return {**writer.result(), "archive_feeds": archive_feeds, "found": sorted(crawl.found)}


def recorded_of(recorded: dict[str, list[str]], urls: list[str]) -> dict[str, list[str]]:
    """The earlier export's record of ``urls`` alone: what a part is given."""
    return {url: recorded[url] for url in urls if url in recorded}


def archive_urls(job: Job, lang: str) -> list[str]:
    """The URLs of ``lang``'s archive feeds (known once its feeds are made)."""
    years = job.app.extensions["calendar_svc"].rendition(job.base_url, lang).archive_years()
    urls = Urls(lang=lang)
    return [urls.archive(year, slug) for slug, kept in years.items() for year in kept]


def export_in_pools(
    seeds: list[str], recorded: dict[str, list[str]], workers: int, progress: Progress | None
) -> Iterator[dict]:
    """``export_part`` over each language's seeds, cut into parts, in a pool per language that share
    ``workers`` forked processes; each part's result as it comes. The first part of each language adds
    its archive feeds.

    Every pool forks before any result comes back, so no worker starts with what this process
    gathers from the others (100,000s of file names and ETags), and each language's rendition is
    made once per worker of its pool: with two cores, once in all."""
    context = multiprocessing.get_context("fork")
    per_language = -(-workers // len(LANGUAGES))
    done, known = 0, len(seeds)
    with ExitStack() as pools:
        futures = []
        for lang in LANGUAGES:
            mine = [url for url in seeds if language_of(url) == lang]
            count = min(len(mine), per_language * PARTS_PER_WORKER) or 1
            parts = [mine[i::count] for i in range(count)]
            # The first part adds the archive feeds: it is given the record of the URLs that are no seeds.
            beyond = {u: entry for u, entry in recorded.items() if language_of(u) == lang and u not in JOB.fetched}
            pool = pools.enter_context(ProcessPoolExecutor(per_language, mp_context=context))
            futures += [pool.submit(export_part, parts[0], recorded_of(recorded, parts[0]) | beyond, lang)]
            futures += [pool.submit(export_part, part, recorded_of(recorded, part)) for part in parts[1:]]
        for future in as_completed(futures):
            result = future.result()
            done += len(result["files"]) + len(result["failures"])
            known += len(result["archive_feeds"])
            if progress is not None:
                progress(done, known)
            yield result
