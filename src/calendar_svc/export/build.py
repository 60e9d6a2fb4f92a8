"""A build: the whole public site written as files under one folder.

``export_site`` loads the catalog, lists the URLs known without crawling
(every feed, JSON document, event page, month view and asset), has them
written by forked workers (``workers``) or in this process, follows the
links they lead to (``crawl``), and puts the result in place (``files``).
Each file holds exactly the bytes the live service sends for the same data,
base URL and day. Any URL that does not answer 200, or whose type a static
host would get wrong, stops the build; nothing is ever written outside the
output folder.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from pathlib import Path

from flask import Flask

from .. import create_app
from ..catalog.languages import LANGUAGES
from ..catalog.model import Catalog
from ..config import Config
from ..errors import ExportError
from ..publish.urls import Urls, public_paths
from ..serving.store import CatalogStore
from ..web.page_data import month_range
from .crawl import iter_pages
from .files import INPUTS_FILE, MANIFEST, ExportedFile, Tally, Writer, check_replaceable, put_in_place
from .page_inputs import EarlierBuild, PageInputs, recorded_inputs, write_inputs, write_inputs_part
from .workers import in_forked_process, render_in_parallel

MAX_WORKERS = 4  # processes rendering pages at once (at most one per core)

PARALLEL_FROM_EVENTS = 300  # about 2,000 URLs; smaller sites are quicker in one process than forking

MAX_URLS = 50_000


@dataclass(frozen=True)
class Export:
    outdir: Path
    base_url: str
    today: dt.date
    version: str  # the catalog's data version
    files: tuple[ExportedFile, ...]
    tally: Tally  # files written, kept from the earlier export, and removed


Progress = Callable[[int, int], None]  # (files done, URLs known so far)


def export_site(
    config: Config,
    outdir: str | Path,
    today: dt.date | None = None,
    max_urls: int = MAX_URLS,
    progress: Progress | None = None,
) -> Export:
    """Write every public URL of the site for ``config`` under ``outdir``; return what was written.

    ``today`` pins the date the pages are built for (default: today where the
    service is, as the live pages count it). Raises
    CatalogError for bad data and ExportError for pages that fail or files
    that cannot be placed. ``outdir`` must be empty, missing, or an earlier
    export, which is changed only once the whole build has succeeded. Pages
    are written as they are made, so memory holds one page at a time; a file
    whose bytes equal the earlier export's is left as it is (its time kept, so
    static hosts' ETags stay valid), changed files are replaced whole, and
    files of pages that are gone are removed. ``progress`` is told
    after each file how many are done and how many URLs are known.
    """
    if config.base_url is None:
        raise ExportError(["a static export needs the public origin: set --base-url or CALENDAR_SVC_BASE_URL"])
    # Default: the day the live service would show now (Config.today, else the clock in its zone).
    today = today or config.today_at(dt.datetime.now(dt.UTC))
    outdir = Path(outdir)
    check_replaceable(outdir)
    app = create_app(replace(config, reload_interval=0, today=today), load_in_fork(config))
    store = app.extensions["calendar_svc"]
    catalog = store.catalog
    # Room for every event's page and file in every language, and for the month views; a page
    # linking to an endless series still stops the build.
    max_urls = max(max_urls, 8 * len(catalog.events) * len(LANGUAGES) + 10_000)
    workers = min(os.cpu_count() or 1, MAX_WORKERS) if len(catalog.events) >= PARALLEL_FROM_EVENTS else 1

    # Which years each feed archives is known once a language is rendered: with workers, the worker
    # of each language's first share adds that language's archive feeds to its share.
    archives = archive_years(app, config.base_url) if workers <= 1 else {}
    seeds = list(dict.fromkeys(seed_urls(app, catalog, archives, today)))
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=outdir.parent))  # same file system: rename works
    try:
        query_links: set[str] = set()
        writer = Writer(staging, previous=outdir)

        def earlier_build(urls: Collection[str] | None) -> EarlierBuild:  # in each process that writes pages
            """The earlier build's record of ``urls`` (None: all), read by the process that writes them."""
            return EarlierBuild(PageInputs(store, config.base_url, today), outdir, recorded_inputs(outdir, urls))

        records: list[Path] = []  # each process's part of the record of inputs
        leftovers, archive_feeds = render_in_parallel(app, config.base_url, seeds, max_urls, staging, workers,
                                                       writer, query_links, progress, earlier_build, records)  # fmt: skip
        already = frozenset(seeds).union(archive_feeds)
        done_before = len(writer.files) + len(writer.failures)
        known = [0]
        earlier = earlier_build(None if workers <= 1 else frozenset(leftovers))  # what they link to is new
        for done, page in enumerate(
            iter_pages(
                app, config.base_url, leftovers, max_urls, query_links, known, elsewhere=already, earlier=earlier
            ),
            1,
        ):
            writer.add(page)
            if progress is not None:
                progress(done_before + done, known[0])  # known: every URL seen, those already written too
        if query_links:  # a static host ignores the query and would serve another page: such a link lies
            raise ExportError(
                [
                    f"{link}: an internal link with a query string, which a static host would ignore"
                    for link in sorted(query_links)
                ]
            )
        files = writer.finish()
        manifest = {
            "base_url": config.base_url, "today": today.isoformat(), "data_version": catalog.version,
            "events": len(catalog.events), "files": len(files),
        }  # fmt: skip
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        records.append(write_inputs_part(staging / f"{INPUTS_FILE}.last", earlier.made_from))
        write_inputs(staging, records)
        put_in_place(staging, outdir, writer.gone)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Export(outdir, config.base_url, today, catalog.version, tuple(files), writer.tally)


def load_in_fork(config: Config) -> Catalog:
    """The catalog of ``config.events_dir``, loaded in a forked process.

    Only the catalog comes back. What the load holds on the way (the parse
    results saved by earlier runs, the revision record, the files' bytes) never
    enters this process, nor so the workers forked from it: at 10,000 events
    this process then holds about 40 MB less.
    """
    return in_forked_process(lambda: CatalogStore.load(config.events_dir).catalog)


def archive_years(app: Flask, base_url: str) -> dict[str, dict[str | None, list[int]]]:
    """Each language's archived years of each feed (see ``Rendition.archive_years``)."""
    store = app.extensions["calendar_svc"]
    return {lang: store.rendition(base_url, lang).archive_years() for lang in LANGUAGES}


def seed_urls(app: Flask, catalog: Catalog, archives: dict, today: dt.date | None = None) -> list[str]:
    """The URLs known without crawling: every page, feed, archive (``archives``: by language, see
    ``archive_years``) and JSON document, and the assets; with ``today``, also every month view in
    every language (the range the month view covers)."""
    static = Path(app.static_folder)
    assets = [
        p.relative_to(static).as_posix()
        for p in sorted(static.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    ]
    urls = list(public_paths(catalog, archives, assets))
    if today is not None:
        first, last = month_range(catalog.events, today)
        months = [(y, m) for y in range(first[0], last[0] + 1) for m in range(1, 13) if first <= (y, m) <= last]
        urls += [Urls(lang=lang).month(y, m) for lang in LANGUAGES for y, m in months]
    return urls
