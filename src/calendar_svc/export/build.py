"""A build: the whole public site written as files under one folder.

``export_site`` loads the catalog, lists the URLs known without crawling
(every feed, JSON document, event page, month view and asset), has them
written (``workers``), follows the links they lead to (``crawl``), and puts the
result in place (``placing``). Each file holds exactly the bytes the live
service sends for the same data, base URL and day. Any URL that does not
answer 200, or whose type a static host would get wrong, stops the build.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from flask import Flask

from .. import create_app
from ..catalog.languages import LANGUAGES
from ..catalog.model import Catalog
from ..config import Config
from ..errors import ExportError
from ..publish.urls import Urls, public_paths
from ..web.page_data import month_range
from .files import MANIFEST, ExportedFile, Tally, Writer
from .placing import check_replaceable, put_in_place
from .record import recorded_etags, write_etags
from .workers import Job, Progress, export_in_pools, export_part, recorded_of, shared

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


def export_site(
    config: Config,
    outdir: str | Path,
    today: dt.date | None = None,
    progress: Progress | None = None,
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
    today = today or config.today_at(dt.datetime.now(dt.UTC))
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
        job = Job(app, config.base_url, staging, outdir, frozenset(), max_urls)
        write_every_url(job, catalog, today, workers, writer, progress)
        files = writer.finish()
        manifest = {
            "base_url": config.base_url, "today": today.isoformat(), "data_version": catalog.version,
            "events": len(catalog.events), "files": len(files),
        }  # fmt: skip
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        write_etags(staging, writer.etags)
        put_in_place(staging, outdir, writer.gone)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Export(outdir, config.base_url, today, catalog.version, tuple(files), writer.tally)


def write_every_url(
    job: Job, catalog: Catalog, today: dt.date, workers: int, writer: Writer, progress: Progress | None
) -> None:
    """Fetch and write every URL of the site into ``writer``'s folder, taking in each part's result.

    In one process: the seeds (with every language's archive feeds) and every
    link they lead to. With ``workers``: the seeds in pools of forked
    processes, each language's archive feeds added by its first part, then the
    links they lead to beyond those, in this process.
    """
    recorded = recorded_etags(job.previous)
    if workers <= 1:
        seeds = list(dict.fromkeys(seed_urls(job.app, catalog, archive_years(job.app, job.base_url), today)))
        with shared(job):
            writer.absorb(export_part(seeds, recorded, follow=True, progress=progress))
        return
    seeds = list(dict.fromkeys(seed_urls(job.app, catalog, {}, today)))
    found: set[str] = set()
    archive_feeds: list[str] = []
    with shared(replace(job, fetched=frozenset(seeds))):
        for result in export_in_pools(seeds, recorded, workers, progress):
            writer.absorb(result)
            found.update(result["found"])
            archive_feeds += result["archive_feeds"]
    fetched = frozenset(seeds).union(archive_feeds)
    leftovers = sorted(found - fetched)
    with shared(replace(job, fetched=fetched)):
        done = len(writer.files) + len(writer.failures)
        tell = (lambda count, known: progress(done + count, known)) if progress is not None else None
        writer.absorb(export_part(leftovers, recorded_of(recorded, leftovers), follow=True, progress=tell))


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
