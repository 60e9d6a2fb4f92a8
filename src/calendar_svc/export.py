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
import json
import os
import re
import shutil
import tempfile
from collections import deque
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from flask import Flask

from . import create_app
from .catalog.model import Catalog
from .config import Config
from .errors import ExportError
from .publish.urls import public_paths

MANIFEST = ".calendar-svc-build.json"
MAX_URLS = 50_000
# The type a static host must send for each file extension; deploy/nginx.conf maps the same.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
    ".json": "application/json",
    ".atom": "application/atom+xml; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
    ".png": "image/png",
    ".ico": "image/vnd.microsoft.icon",
    ".woff2": "font/woff2",
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


@dataclass(frozen=True)
class ExportedFile:
    url: str  # the path part of the public URL, e.g. "/events/aif-2023/"
    path: str  # the file under the output folder, e.g. "events/aif-2023/index.html"
    content_type: str
    size: int


@dataclass(frozen=True)
class Export:
    outdir: Path
    base_url: str
    today: dt.date
    version: str  # the catalog's data version
    files: tuple[ExportedFile, ...]


def export_site(config: Config, outdir: str | Path, today: dt.date | None = None, max_urls: int = MAX_URLS) -> Export:
    """Write every public URL of the site for ``config`` under ``outdir``; return what was written.

    ``today`` pins the date the pages are built for (default: today where the
    service is, as the live pages count it). Raises
    CatalogError for bad data and ExportError for pages that fail or files
    that cannot be placed. ``outdir`` is replaced as a whole, and only when it
    is empty, missing, or an earlier export.
    """
    if config.base_url is None:
        raise ExportError(["a static export needs the public origin: set --base-url or CALENDAR_SVC_BASE_URL"])
    # Default: the day the live service would show now (Config.today, else the clock in its zone).
    today = today or config.today_at(dt.datetime.now(dt.UTC))
    outdir = Path(outdir)
    check_replaceable(outdir)
    app = create_app(replace(config, reload_interval=0, today=today))
    store = app.extensions["calendar_svc"]
    catalog = store.catalog
    archives = store.rendition(config.base_url).archive_years()
    pages, query_links = crawl(app, config.base_url, seed_urls(app, catalog, archives), max_urls)
    if query_links:  # a static host ignores the query and would serve another page: such a link lies
        raise ExportError(
            [
                f"{link}: an internal link with a query string, which a static host would ignore"
                for link in sorted(query_links)
            ]
        )
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=outdir.parent))  # same file system: rename works
    try:
        files = write_files(staging, pages, previous=outdir)
        manifest = {
            "base_url": config.base_url, "today": today.isoformat(), "data_version": catalog.version,
            "events": len(catalog.events), "files": len(files),
        }  # fmt: skip
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        staging.chmod(0o755)
        swap_into_place(staging, outdir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Export(outdir, config.base_url, today, catalog.version, tuple(files))


def seed_urls(app: Flask, catalog: Catalog, archives: dict) -> list[str]:
    """The URLs known without crawling: every page, feed, archive and JSON document, and the assets."""
    static = Path(app.static_folder)
    assets = [
        p.relative_to(static).as_posix()
        for p in sorted(static.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    ]
    return list(public_paths(catalog, archives, assets))


@dataclass(frozen=True)
class Page:
    url: str
    status: int
    content_type: str
    body: bytes
    linked_from: str


def crawl(app: Flask, base_url: str, seeds: list[str], max_urls: int) -> tuple[list[Page], set[str]]:
    """Fetch the seeds and every internal link they lead to; return pages and query-string links."""
    origin = urlsplit(base_url)
    prefix = origin.path  # "" or "/calendar" when the site lives under a path
    client = app.test_client()
    queue = deque((url, "") for url in dict.fromkeys(seeds))
    seen = set(seeds)
    pages: list[Page] = []
    not_exported: set[str] = set()
    while queue:
        url, linked_from = queue.popleft()
        with client.get(url, base_url=base_url) as response:
            page = Page(url, response.status_code, response.content_type or "", response.get_data(), linked_from)
        pages.append(page)
        for link in links_in(page):
            target = urlsplit(urljoin(f"{base_url}{url}", link))
            if target.scheme not in ("http", "https", "webcal") or target.netloc != origin.netloc:
                continue
            if not (target.path == prefix or target.path.startswith(f"{prefix}/")):
                continue
            path = target.path[len(prefix) :] or "/"
            if target.query:
                not_exported.add(f"{path}?{target.query}")
            elif path not in seen:
                if len(seen) >= max_urls:
                    raise ExportError([f"more than {max_urls} URLs: does a page link to an endless series? ({path})"])
                seen.add(path)
                queue.append((path, url))
    return pages, not_exported


class LinkParser(HTMLParser):
    ATTRIBUTES = frozenset({"href", "src"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.links += [value for name, value in attrs if name in self.ATTRIBUTES and value]


def links_in(page: Page) -> list[str]:
    kind = page.content_type.split(";")[0].strip()
    if page.status != 200:
        return []
    if kind == "text/html":
        parser = LinkParser()
        parser.feed(page.body.decode("utf-8", "replace"))
        return parser.links
    if kind == "text/css":
        return [a or b for a, b in CSS_URL.findall(page.body.decode("utf-8", "replace"))]
    return []


def file_for(url: str) -> PurePosixPath:
    """The file a static host serves for ``url``: "/" -> index.html, "/events/x/" -> events/x/index.html."""
    path = unquote(url)
    segments = path.strip("/").split("/") if path.strip("/") else []
    for segment in segments:
        if segment in ("", ".", "..") or segment.startswith(".") or "\\" in segment or "\0" in segment:
            raise ExportError([f"{url}: cannot be a file name (empty, dot or hidden segment, backslash or NUL)"])
    if path.endswith("/"):
        segments.append("index.html")
    return PurePosixPath(*segments)


def write_files(root: Path, pages: list[Page], previous: Path) -> list[ExportedFile]:
    """Check every page, then write them all under ``root``; every failure is reported at once."""
    failures: list[str] = []
    planned: dict[PurePosixPath, Page] = {}
    for page in pages:
        origin = f" (linked from {page.linked_from})" if page.linked_from else ""
        if page.status != 200:
            failures.append(f"{page.url}: answered {page.status}, not 200{origin}")
            continue
        try:
            relative = file_for(page.url)
        except ExportError as error:
            failures.extend(error.lines)
            continue
        expected = CONTENT_TYPES.get(relative.suffix)
        if expected is None:
            failures.append(
                f"{page.url}: no known type for {relative.suffix or 'a file without extension'!r} "
                f"(the app sends {page.content_type!r}); a static host would guess"
            )
        elif page.content_type != expected:
            failures.append(f"{page.url}: the app sends {page.content_type!r}, a static host {expected!r}")
        planned[relative] = page
    directories = {parent for path in planned for parent in path.parents}
    failures += [f"{planned[p].url}: is both a file and a folder" for p in planned if p in directories]
    if failures:
        raise ExportError(failures)

    resolved_root = root.resolve()
    written = []
    for relative, page in sorted(planned.items()):
        target = root.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.parent.resolve().is_relative_to(resolved_root):
            raise ExportError([f"{page.url}: would be written outside {root}"])
        target.write_bytes(page.body)
        keep_unchanged_mtime(target, previous.joinpath(*relative.parts), page.body)
        written.append(ExportedFile(page.url, relative.as_posix(), page.content_type, len(page.body)))
    return written


def keep_unchanged_mtime(target: Path, earlier: Path, body: bytes) -> None:
    """A file identical to the earlier export keeps its time, so static hosts' ETags stay valid."""
    try:
        if earlier.is_file() and earlier.stat().st_size == len(body) and earlier.read_bytes() == body:
            info = earlier.stat()
            os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
    except OSError:
        pass  # no earlier copy to compare with: the file is simply new


def check_replaceable(outdir: Path) -> None:
    """Refuse to replace a folder that is neither empty nor an earlier export."""
    if outdir.is_symlink() or (outdir.exists() and not outdir.is_dir()):
        raise ExportError([f"{outdir}: exists and is not a folder"])
    if outdir.is_dir() and any(outdir.iterdir()) and not (outdir / MANIFEST).is_file():
        raise ExportError(
            [f"{outdir}: is not empty and is not an earlier export (no {MANIFEST}); choose an empty or new folder"]
        )


def swap_into_place(staging: Path, outdir: Path) -> None:
    """Put the finished export at ``outdir``; the earlier one is removed only after."""
    if not outdir.exists():
        staging.rename(outdir)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.old.", dir=outdir.parent))
    outdir.rename(retired / outdir.name)
    staging.rename(outdir)
    shutil.rmtree(retired, ignore_errors=True)
