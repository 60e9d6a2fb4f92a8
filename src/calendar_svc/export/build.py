"""A build: the whole public site written as files under one folder (docs/architecture.md, ``export/``).

Each file holds exactly the bytes the live service sends for the same data, base URL and day. Any URL that does not
answer 200, or whose type a static host would get wrong, stops the build. A part (``export_part``) takes and returns
plain values, so it can run in a worker forked once ``JOB`` holds the app, which the worker never has to receive.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

from flask import Flask

from .. import create_app
from ..catalog.languages import LANGUAGES
from ..catalog.model import Catalog
from ..config import Config
from ..errors import ExportError
from ..publish.urls import Urls, language_of, public_paths
from ..web.page_data import month_range
from .crawl import Crawl, iter_pages
from .files import MANIFEST, ExportedFile, Tally, Writer, recorded_etags, write_etags
from .placing import check_replaceable, put_in_place

MAX_WORKERS = 4  # processes rendering pages at once (at most one per core)
PARALLEL_FROM_EVENTS = 300  # about 2,000 URLs; smaller sites are quicker in one process than forking
MAX_URLS = 50_000
PAGES_BETWEEN_FORGETTING = 64  # a build worker drops the pages the app keeps this often
PARTS_PER_WORKER = 8  # of each language's URLs: enough for even shares and progress reports

Progress = Callable[[int, int], None]  # (files done, URLs known so far)


@dataclass(frozen=True)
class Export:
    outdir: Path
    base_url: str
    today: dt.date
    version: str  # the catalog's data version
    files: tuple[ExportedFile, ...]
    tally: Tally  # files written, kept from the earlier export, and removed


@dataclass(frozen=True)
class Job:
    """What every part of a build shares: set in this process before a pool forks from it."""

    app: Flask
    base_url: str
    staging: Path  # where new and changed files are written
    previous: Path  # the earlier export (the output folder)
    recorded: dict[str, str]  # its record: URL -> "ETag digest of the bytes"
    fetched: frozenset[str]  # URLs fetched by some part: a part does not follow links to them
    max_urls: int


JOB: Job | None = None  # the build's, while it runs: what the parts run, and forked workers start with


def export_site(
    config: Config, outdir: str | Path, today: dt.date | None = None, progress: Progress | None = None
) -> Export:
    """Write every public URL of the site for ``config`` under ``outdir``; return what was written.

    ``today`` pins the date the pages are built for (default: today where the service is, as the
    live pages count it). ``outdir`` must be empty, missing, or an earlier export, which is changed
    only once the whole build has succeeded (``files``, ``placing``). ``progress`` is told after each
    file (or part) how many are done and how many URLs are known. Raises CatalogError for bad data
    and ExportError for pages that fail or files that cannot be placed.
    """
    if config.base_url is None:
        raise ExportError(["a static export needs the public origin: set --base-url or CALENDAR_SVC_BASE_URL"])
    today = today or config.today_at()
    outdir = Path(outdir)
    check_replaceable(outdir)
    app = create_app(replace(config, reload_interval=0, today=today, static_site=True))
    catalog = app.extensions["calendar_svc"].catalog
    # Room for every event's page and file in every language, and for the month views; a page
    # linking to an endless series still stops the build.
    max_urls = max(MAX_URLS, 8 * len(catalog.events) * len(LANGUAGES) + 10_000)
    workers = min(os.cpu_count() or 1, MAX_WORKERS) if len(catalog.events) >= PARALLEL_FROM_EVENTS else 1
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=outdir.parent))  # same file system: rename works
    try:
        writer = Writer(staging, previous=outdir)
        job = Job(app, config.base_url, staging, outdir, recorded_etags(outdir), frozenset(), max_urls)
        write_every_url(job, seed_urls(app, catalog, {}, today), workers, writer, progress)
        files = writer.finish()
        manifest = {
            "base_url": config.base_url, "today": today.isoformat(), "data_version": catalog.version,
            "events": len(catalog.events), "files": len(files),
        }  # fmt: skip
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        write_etags(staging, files)
        put_in_place(staging, outdir, writer.gone)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Export(outdir, config.base_url, today, catalog.version, tuple(files), writer.tally)


def write_every_url(job: Job, seeds: list[str], workers: int, writer: Writer, progress: Progress | None) -> None:
    """Fetch and write every URL of the site into ``writer``'s folder, taking in each part's result:
    the ``seeds`` in parts (``export_in_parts``), each language's archive feeds added by its first
    part, then the links they lead to beyond those, in this process, and when a URL of the earlier
    build is gone, the links of the pages kept from it."""
    global JOB

    def tell(count: int, known: int) -> None:  # the files taken in so far, ``count`` more, and the URLs known
        if progress is not None:
            progress(len(writer.files) + len(writer.failures) + count, known)

    seeds = list(dict.fromkeys(seeds))
    archive_feeds, found = [], set()
    try:
        JOB = replace(job, fetched=frozenset(seeds))  # the one set of them: workers fork with it
        for result in export_in_parts(seeds, workers):
            writer.absorb(result)
            found.update(result["found"])
            archive_feeds += result["archive_feeds"]
            tell(0, len(JOB.fetched) + len(archive_feeds))
        fetched = JOB.fetched.union(archive_feeds)
        JOB = replace(job, fetched=fetched)
        writer.absorb(export_part(sorted(found - fetched), follow=True, progress=tell))
        # A page kept from the earlier build (its ETag confirmed) was not read for links: it links where it did
        # then, to that build's URLs, which all answered again unless one is gone. Then its file's links are read.
        if not job.recorded.keys() <= {f.url for f in writer.files}:
            pages = [f for f in writer.files if f.path.endswith((".html", ".css"))]  # what links
            kept = [f.url for f in pages if job.recorded.get(f.url) == f"{f.etag} {f.digest}"]
            JOB = replace(job, fetched=frozenset(f.url for f in writer.files))
            writer.absorb(export_part(kept, follow=True, kept=frozenset(kept)))
    finally:
        JOB = None


def export_in_parts(seeds: list[str], workers: int) -> Iterator[dict]:
    """``export_part`` over each language's seeds, cut into parts, the first of which adds its archive
    feeds; each part's result as it comes. With ``workers`` > 1, in a pool per language that share them.

    Every pool forks before any result comes back, so no worker starts with what this process gathers
    from the others (100,000s of file names and ETags); no worker holds more than one language's feeds."""
    per_language = -(-workers // len(LANGUAGES))
    parts = []  # each language's: (URLs, the language whose archive feeds the part adds first, or None)
    for lang in LANGUAGES:
        mine = [url for url in seeds if language_of(url) == lang]
        count = min(len(mine), per_language * PARTS_PER_WORKER) or 1
        parts.append([(mine[i::count], None if i else lang) for i in range(count)])
    if workers == 1:
        yield from (export_part(*part) for mine in parts for part in mine)
        return
    context = multiprocessing.get_context("fork")
    with ExitStack() as pools:
        futures = []
        for mine in parts:
            pool = pools.enter_context(ProcessPoolExecutor(per_language, mp_context=context))
            futures += [pool.submit(export_part, *part) for part in mine]
        yield from (future.result() for future in as_completed(futures))


def export_part(
    urls: list[str], archives_of: str | None = None, follow: bool = False, progress: Progress | None = None,
    kept: frozenset[str] = frozenset(),
) -> dict:  # fmt: skip
    """Fetch ``urls`` and write their files; with a language ``archives_of``, its archive feeds first.

    With ``follow``, links to new URLs are fetched too; else they are returned (``found``). Returns the writer's
    ``result`` with the archive feeds and the links found, as plain values. ``progress`` is told after each file.
    URLs in ``kept`` were taken in already: their earlier files are read again for their links only.
    """
    job = JOB
    store = job.app.extensions["calendar_svc"]
    writer = Writer(job.staging, job.previous)
    archive_feeds = []
    if archives_of is not None:  # known once the language's feeds are made
        years = store.rendition(job.base_url, archives_of).archive_years()
        archive_feeds = [Urls(lang=archives_of).archive(year, slug) for slug, kept in years.items() for year in kept]
    crawl = Crawl(job.max_urls, job.fetched, follow, job.previous, job.recorded, kept=kept)
    try:
        pages = iter_pages(job.app, job.base_url, archive_feeds + urls, crawl)
        for count, page in enumerate(pages, 1):
            if page.url not in kept:
                writer.add(page)
            # Each is asked for once: keeping them would only cost memory. An archive feed is up to the
            # feed budget (1 MB), so it goes at once.
            if count % PAGES_BETWEEN_FORGETTING == 0 or count <= len(archive_feeds):
                store.forget_asked_once()
            if progress is not None:
                progress(count, crawl.known)
    except ExportError as error:
        writer.failures += error.lines
    writer.failures += [
        f"{link}: an internal link with a query string, which a static host would ignore"
        for link in sorted(crawl.query_links)
    ]  # a static host ignores the query and would serve another page: such a link lies
    found = crawl.seen.difference(job.fetched, archive_feeds, urls)
    return {**writer.result(), "archive_feeds": archive_feeds, "found": sorted(found)}


def seed_urls(app: Flask, catalog: Catalog, archives: dict, today: dt.date | None = None) -> list[str]:
    """The URLs known without crawling: every page, feed, archive (``archives``: by language, see
    ``Rendition.archive_years``) and JSON document, and the assets; with ``today``, also every month
    view in every language (the range the month view covers)."""
    static = Path(app.static_folder)
    assets = [p.relative_to(static).as_posix() for p in sorted(static.rglob("[!.]*")) if p.is_file()]  # not hidden
    urls = list(public_paths(catalog, archives, assets))
    if today is not None:
        first, last = month_range(catalog.events, today)
        months = [(y, m) for y in range(first[0], last[0] + 1) for m in range(1, 13) if first <= (y, m) <= last]
        urls += [Urls(lang=lang).month(y, m) for lang in LANGUAGES for y, m in months]
    return urls
