"""The whole public site as files (a static export) for nginx, a CDN or any static host.

Every public URL is fetched through the app's own test client, so each file
holds exactly the bytes the live service sends for the same data, base URL and
day. URLs come from the catalog (every feed, JSON document and event page),
the static folder, and a crawl of every internal link from ``/``. Any URL
that does not answer 200, or whose type a static host would get wrong, stops
the export; nothing is ever written outside the output folder.
"""

from __future__ import annotations

import datetime as dt
import gc
import html
import json
import multiprocessing
import os
import pickle
import queue as queue_module
import re
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from flask import Flask

from . import create_app
from .catalog.languages import LANGUAGES
from .catalog.model import Catalog
from .config import Config
from .disk_cache import DiskCache
from .errors import ExportError
from .page_inputs import EarlierBuild, PageInputs, recorded_inputs, write_inputs, write_inputs_part
from .publish.urls import Urls, language_of, public_paths
from .serving.store import CatalogStore
from .site_files import (  # noqa: F401 - CONTENT_TYPES and write_files are part of this module's interface
    CONTENT_TYPES,
    INPUTS_FILE,
    MANIFEST,
    ExportedFile,
    Page,
    Tally,
    Writer,
    check_replaceable,
    file_for,
    put_in_place,
    write_files,
)
from .web.page_data import month_range

MAX_WORKERS = 4  # processes rendering pages at once (at most one per core)
PARALLEL_FROM_EVENTS = 300  # about 2,000 URLs; smaller sites are quicker in one process than forking
MAX_URLS = 50_000
PAGES_BETWEEN_FORGETTING = 64  # a build worker drops the pages the app keeps this often
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


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
    app = create_app(replace(config, reload_interval=0, today=today), load_in_fork(config), read_from_events_dir=True)
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
        leftovers, archive_feeds = _render_in_parallel(app, config.base_url, seeds, max_urls, staging, workers,
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
    cache = DiskCache(config.cache_dir) if config.cache_dir is not None else None
    catalog = in_forked_process(lambda: CatalogStore.load(config.events_dir, cache=cache).catalog)
    gc.freeze()  # kept for the whole build: the collector need not walk it (as CatalogStore.load does)
    return catalog


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


def _render_in_parallel(
    app, base_url, seeds, max_urls, root, workers, writer, query_links, progress, earlier_build, records
):
    """Write the seeds' pages with forked processes (or in this one); return the links found beyond
    them, and the archive feeds the workers added (see ``export_part``).

    Each language's seeds are split into ``workers`` shares, and each share is
    written by a process forked for it, which renders that language alone and
    exits when done; at most ``workers`` run at once. So no process holds more
    than one language's rendition and the pages it made, and this process
    (whose memory every fork starts with) holds only the catalog. Each process
    takes unchanged files from ``earlier_build(its URLs)``, and writes its part
    of the record of what each page was made from: the part's file goes into
    ``records``.
    """
    if workers <= 1:
        discovered: set[str] = set()
        earlier = earlier_build(None)
        pages = iter_pages(app, base_url, seeds, max_urls, query_links, discovered=discovered, earlier=earlier)
        for done, page in enumerate(pages, 1):
            writer.add(page)
            if progress is not None:
                progress(done, len(seeds))
        records.append(write_inputs_part(root / f"{INPUTS_FILE}.0", earlier.made_from))
        return sorted(discovered - set(seeds)), []
    context = multiprocessing.get_context("fork")
    done, added = context.Value("i", 0), context.Value("i", 0)  # files written; archive feeds added to shares
    results = context.Queue()
    everything = frozenset(seeds)
    by_language = {lang: [url for url in seeds if language_of(url) == lang] for lang in LANGUAGES}
    # (share, the language whose archive feeds it adds: its first share's)
    waiting = deque(
        (urls[i::workers], lang if i == 0 else None) for lang, urls in by_language.items() for i in range(workers)
    )
    shares, started, answers = len(waiting), [], []
    while len(answers) < shares:
        while waiting and sum(p.is_alive() for p in started) < workers:
            share, archives_of = waiting.popleft()
            record = root / f"{INPUTS_FILE}.{len(started)}"
            arguments = (app, base_url, share, archives_of, everything, max_urls, root, (done, added), results,
                         earlier_build, record)  # fmt: skip
            started.append(context.Process(target=export_part, args=arguments, daemon=True))
            started[-1].start()
        answer = next_answer(results, started, len(answers))
        if answer is not None:
            answers.append(answer)
        if progress is not None:
            progress(done.value, len(seeds) + added.value)
    for process in started:
        process.join()
    discovered, archive_feeds = set(), []
    for answer in answers:
        files, tally, failures, links, found, feeds, record = pickle.loads(answer)
        writer.absorb(files, tally, failures)
        query_links |= links
        discovered |= found
        archive_feeds += feeds
        if record is not None:
            records.append(record)
    return sorted(discovered - everything - set(archive_feeds)), archive_feeds


def next_answer(results, processes: list, answered: int, wait: float = 0.2):
    """The next answer of forked ``processes`` (``answered`` of them have), or None after ``wait`` seconds.
    Raises ExportError when one has stopped without answering, so a build never waits for ever."""
    try:
        return results.get(timeout=wait)
    except queue_module.Empty:
        if sum(not p.is_alive() for p in processes) > answered and results.empty():
            raise ExportError(["a build worker stopped without answering"]) from None
        return None


def in_forked_process(make: Callable[[], object]) -> object:
    """``make()``, computed in a forked process: what it renders on the way stays out of this one.
    The process may fork in turn (the loader parses on every core); it is stopped if this one stops
    waiting for it."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()

    def run() -> None:
        try:
            results.put((True, make()))
        except BaseException as error:  # always answer, or the build would wait for ever
            results.put((False, error))

    process = context.Process(target=run)  # not a daemon, which may not fork
    process.start()
    answer = None
    try:
        while answer is None:
            answer = next_answer(results, [process], 0)
    finally:
        if answer is None:
            process.terminate()
        process.join()
    ok, value = answer
    if not ok:
        raise value
    return value


def export_part(
    app, base_url, part, archives_of, all_seeds, max_urls, root, counters, results, earlier_build, record
) -> None:
    """In a forked worker: fetch and write the pages of ``part`` and, given a language ``archives_of``,
    its archive feeds; write what each event page, event file and month view was made from to
    ``record``. Report files, tally, problems, new links, the archive feeds and ``record``.
    ``counters``: files written and archive feeds added, shared by all workers."""
    query_links: set[str] = set()
    discovered: set[str] = set()
    store = app.extensions["calendar_svc"]
    done, added = counters
    archive_feeds: list[str] = []
    try:
        if archives_of is not None:
            urls = Urls(lang=archives_of)
            years = store.rendition(base_url, archives_of).archive_years()
            archive_feeds = [urls.archive(year, slug) for slug, years in years.items() for year in years]
            part = archive_feeds + part  # first: the memory their bytes took is then reused for pages
            with added.get_lock():
                added.value += len(archive_feeds)
        archive_set = frozenset(archive_feeds)
        earlier = earlier_build(frozenset(part))
        writer = Writer(root, earlier.folder)
        pages = iter_pages(
            app, base_url, part, max_urls, query_links, elsewhere=all_seeds, discovered=discovered, earlier=earlier
        )
        for count, page in enumerate(pages, 1):
            writer.add(page)
            with done.get_lock():
                done.value += 1
            # Each is asked for once: keeping them would only cost memory. An archive feed is up to the
            # feed budget (1 MB), so it goes at once.
            if count % PAGES_BETWEEN_FORGETTING == 0 or page.url in archive_set:
                store.forget_pages()
        write_inputs_part(record, earlier.made_from)
        answer = (writer.files, writer.tally, writer.failures, query_links, discovered, archive_feeds, record)
    except ExportError as error:
        answer = ([], Tally(), error.lines, set(), set(), [], None)
    except BaseException as error:  # a worker must always answer, or the build would wait for ever
        answer = ([], Tally(), [f"a build worker failed: {type(error).__name__}: {error}"], set(), set(), [], None)
    # As bytes, which the parent unpacks once every worker is done: unpacked, an answer takes several
    # times the memory, which the workers forked after it would start with.
    results.put(pickle.dumps(answer))


def iter_pages(
    app: Flask,
    base_url: str,
    seeds: list[str],
    max_urls: int,
    query_links: set[str],
    known: list[int] | None = None,
    elsewhere: frozenset[str] = frozenset(),
    discovered: set[str] | None = None,
    earlier: EarlierBuild | None = None,
) -> Iterator[Page]:
    """Fetch the seeds and every internal link they lead to, one page at a time.

    Internal links with a query string go into ``query_links`` instead of
    being fetched. ``known`` (a one-item list) holds how many URLs are known
    so far, for progress reports. Only the page being handled is in memory.
    Links to ``elsewhere`` (fetched by another process) are not followed;
    given a ``discovered`` set, new links go there instead of being followed.
    An ``earlier`` build's file made from the same inputs is taken instead of
    rendering the page again.
    """
    origin = urlsplit(base_url)
    prefix = origin.path  # "" or "/calendar" when the site lives under a path
    client = app.test_client()
    origins = tuple(f"{scheme}://{origin.netloc}" for scheme in ("https", "http", "webcal"))
    # Every page links to the menus, calendars and months: each link's target is worked out once.
    target_of = lru_cache(maxsize=LINKS_KEPT)(partial(quick_target, origins=origins, prefix=prefix))
    off_site = OffSite(origins)
    events_json = Urls().events_json()
    queue = deque((url, "") for url in dict.fromkeys(seeds))
    seen = set(queue_url for queue_url, _ in queue) | elsewhere
    if known is not None:
        known[:] = [len(seen)]
    while queue:
        url, linked_from = queue.popleft()
        body = earlier.body(url) if earlier is not None else None
        if body is not None:
            page = Page(url, 200, CONTENT_TYPES[file_for(url).suffix], body, linked_from, earlier=True)
        elif url == events_json:  # 30 MB at 10,000 events: written as it is made, never held whole
            pieces = app.extensions["calendar_svc"].rendition(base_url).events_json_stream()
            page = Page(url, 200, CONTENT_TYPES[".json"], b"", linked_from, pieces=pieces)
        else:
            with client.get(url, base_url=base_url) as response:
                page = Page(url, response.status_code, response.content_type or "", response.get_data(), linked_from)
            if earlier is not None and page.status == 200:
                earlier.rendered(url, page.body)
        for link in links_in(page, skip=off_site):
            internal = target_of(link)
            if internal is None:  # relative to the page
                internal = internal_target(urljoin(f"{base_url}{url}", link), origin.netloc, prefix)
            if not internal:
                continue
            path, query = internal
            if query:
                query_links.add(f"{path}?{query}")
            elif path not in seen:
                if len(seen) >= max_urls:
                    raise ExportError([f"more than {max_urls} URLs: does a page link to an endless series? ({path})"])
                seen.add(path)
                if discovered is not None:
                    discovered.add(path)
                else:
                    queue.append((path, url))
        if known is not None:
            known[:] = [len(seen)]
        yield page


LINKS_KEPT = 4096  # link targets kept per process crawling: the links most pages share, and more


def quick_target(link: str, origins: tuple[str, ...], prefix: str) -> tuple[str, str] | tuple[()] | None:
    """``internal_target`` of the links most pages are made of, without urljoin: a path from the root,
    a URL on this site (``origins``: its scheme and host in each scheme) or on another; None for any
    other link (relative, with dot segments, a bare origin), which needs urljoin."""
    for own in origins:
        if link.startswith(own) and link[len(own) : len(own) + 1] in ("", "/", "?", "#"):
            link = link[len(own) :]
            break
    else:
        if link.startswith(("https://", "http://", "webcal://")):
            return ()  # another site
    if not link.startswith("/") or link.startswith("//") or "/." in link or "\\" in link:
        return None
    path, _, query = link.split("#", 1)[0].partition("?")
    if not (path == prefix or path.startswith(f"{prefix}/")):
        return ()
    return path[len(prefix) :] or "/", query


def internal_target(url: str, netloc: str, prefix: str) -> tuple[str, str] | tuple[()]:
    """(path under the site, query) of an absolute URL on the site at ``netloc`` + ``prefix``; else ()."""
    target = urlsplit(url)
    if target.scheme not in ("http", "https", "webcal") or target.netloc != netloc:
        return ()
    if not (target.path == prefix or target.path.startswith(f"{prefix}/")):
        return ()
    return target.path[len(prefix) :] or "/", target.query


def crawl(app: Flask, base_url: str, seeds: list[str], max_urls: int) -> tuple[list[Page], set[str]]:
    """Every page ``iter_pages`` finds, in a list, and the internal links with a query string."""
    query_links: set[str] = set()
    pages = list(iter_pages(app, base_url, seeds, max_urls, query_links))
    return pages, query_links


# The href and src attributes of the pages' own markup: always double-quoted (the templates write
# them so, and Jinja escapes quotes and ">" inside); much quicker than an HTML parser over 100,000
# pages. A test holds this to html.parser on every page of the bundled site.
ATTRIBUTE = re.compile(r'\s(?:href|src)="([^"]*)"')
TAG = re.compile(r"<[a-zA-Z][^>]*>")


@dataclass(frozen=True)
class OffSite:
    """Which links ``links_in`` may leave out: those that lead off the site, told by how they are
    written: to another host, or a ``data:``, ``mailto:`` or ``tel:`` URI. Neither their scheme nor
    their host needs unescaping, and they are many: every page has the icon as a ``data:`` URI with
    a dozen escaped quotes, and every event links to Google Calendar and Outlook with a query
    string full of escaped ampersands."""

    origins: tuple[str, ...]  # this site's, in each scheme ("https://host")

    def __call__(self, written: str) -> bool:
        if written.startswith(("data:", "mailto:", "tel:")):
            return True
        return written.startswith(("https://", "http://", "webcal://")) and not written.startswith(self.origins)


def links_in(page: Page, skip: Callable[[str], bool] | None = None) -> list[str]:
    """The links of an HTML or CSS page, unescaped; ``skip``: leaves out each HTML link for which it
    is true, as written (before unescaping)."""
    kind = page.content_type.split(";")[0].strip()
    if page.status != 200:
        return []
    if kind == "text/html":
        text = page.body.decode("utf-8", "replace")
        values = (value for tag in TAG.findall(text) for value in ATTRIBUTE.findall(tag) if value)
        return [html.unescape(value) for value in values if skip is None or not skip(value)]
    if kind == "text/css":
        return [a or b for a, b in CSS_URL.findall(page.body.decode("utf-8", "replace"))]
    return []
