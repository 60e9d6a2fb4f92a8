"""Fetching a site's pages through the app, and following the internal links they hold.

Every URL is fetched through the app's own WSGI app, as its test client would (the same environ), so a page holds the
bytes the live service sends; only an event's .ics file is taken from the rendition, as its view takes it. A URL the
earlier export has is asked for with the ETag recorded for it; when the app answers 304, the earlier file is kept if
it still holds the bytes the earlier build wrote (a record that cannot be read whole only costs rendering).
"""

from __future__ import annotations

import html
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from flask import Flask
from flask.testing import EnvironBuilder
from werkzeug.exceptions import HTTPException
from werkzeug.test import run_wsgi_app

from ..errors import ExportError
from ..publish.resource import Resource, bytes_digest
from ..publish.sitemap import sitemap_stream
from ..publish.urls import Urls
from .files import CONTENT_TYPES, Page, file_for

CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")

SCHEMES = ("https://", "http://", "webcal://")  # of absolute links, to this site or another

LINKS_KEPT = 4096  # link targets kept per process crawling: the links most pages share, and more


@dataclass
class Crawl:
    """How a crawl goes, and what it finds besides its pages."""

    max_urls: int
    elsewhere: frozenset[str] = frozenset()  # fetched by another process: not followed
    follow: bool = True  # False: new links are only noted in ``seen``, not fetched
    previous: Path | None = None  # the earlier export: each URL it has is asked for with its ETag
    recorded: dict[str, str] = field(default_factory=dict)  # its record: URL -> "ETag digest"
    kept: frozenset[str] = frozenset()  # pages kept from it already: read from it again, for their links only
    query_links: set[str] = field(default_factory=set)  # internal links with a query: not fetched
    seen: set[str] = field(default_factory=set)  # every other URL known so far: fetched, to fetch, or found

    @property
    def known(self) -> int:
        return len(self.seen) + len(self.elsewhere)


def iter_pages(app: Flask, base_url: str, seeds: list[str], crawl: Crawl) -> Iterator[Page]:
    """Fetch the seeds and every internal link they lead to (as ``crawl`` says), one page at a time:
    only the page being handled is in memory."""
    origin = urlsplit(base_url)
    prefix = origin.path  # "" or "/calendar" when the site lives under a path
    fetch = Fetcher(app, base_url, crawl)
    origins = tuple(f"{scheme}{origin.netloc}" for scheme in SCHEMES)
    # Every page links to the menus, calendars and months: each link's target is worked out once.
    target_of = lru_cache(maxsize=LINKS_KEPT)(partial(quick_target, origins=origins, prefix=prefix))
    leads_off = partial(off_site, origins=origins)
    queue = deque((url, "") for url in dict.fromkeys(seeds))
    # Apart from ``elsewhere`` (as many URLs as the whole site's seeds), which each part would copy.
    elsewhere = crawl.elsewhere
    seen = crawl.seen = set(seeds).difference(elsewhere)
    while queue:
        url, linked_from = queue.popleft()
        page = fetch(url, linked_from)
        for link in links_in(page, skip=leads_off) if crawl.kept or not page.earlier else ():  # see write_every_url
            internal = target_of(link)
            if internal is None:  # relative to the page
                internal = internal_target(urljoin(f"{base_url}{url}", link), origin.netloc, prefix)
            if not internal:
                continue
            path, query = internal
            if query:
                crawl.query_links.add(f"{path}?{query}")
            elif path not in elsewhere and path not in seen:  # most links lead to seeds: elsewhere first
                if crawl.known >= crawl.max_urls:
                    raise ExportError(
                        [f"more than {crawl.max_urls} URLs: does a page link to an endless series? ({path})"]
                    )
                seen.add(path)
                if crawl.follow:
                    queue.append((path, url))
        yield page


class Fetcher:
    """Fetches a URL through the app's own WSGI app, conditionally when the crawl's earlier export has it (a page it
    has ``kept`` already, from that export alone); takes the largest documents and each event's .ics file from the
    rendition, as their views do."""

    def __init__(self, app: Flask, base_url: str, crawl: Crawl):
        self.app, self.base_url, self.crawl = app, base_url, crawl
        # Flask's own WSGI app, as the test client calls it but without its response wrapper, and
        # without the middleware that keeps answers for repeat requests: each URL is asked for once,
        # so what it keeps is never used (and a revalidation would make it render the whole answer).
        self.wsgi = partial(type(app).wsgi_app, app)
        self.routes = app.url_map.bind(urlsplit(base_url).netloc)
        # The largest documents (30 and 12 MB at 10,000 events): written as they are made, never held whole.
        self.streamed = {
            Urls().events_json(): lambda made: (".json", made.events_json_stream()),
            Urls().sitemap(): lambda made: (".xml", sitemap_stream(made.catalog, made.base_url)),
        }

    def __call__(self, url: str, linked_from: str) -> Page:
        if url in self.streamed:
            suffix, pieces = self.streamed[url](self.app.extensions["calendar_svc"].rendition(self.base_url))
            return Page(url, 200, CONTENT_TYPES[suffix], b"", linked_from, pieces=pieces)
        if url.endswith(".ics") and (file := self._event_file(url)) is not None:
            return Page(url, 200, file.content_type, file.body, linked_from, f'"{file.etag}"')
        etag, _, digest = self.crawl.recorded.get(url, "").partition(" ")
        if url not in self.crawl.kept and (page := self._get(url, linked_from, etag)).status != 304:
            return page
        try:
            body = self.crawl.previous.joinpath(*file_for(url).parts).read_bytes()
        except (OSError, ExportError):
            body = None
        if body is None or bytes_digest(body) != digest:  # changed since the earlier build wrote it
            return self._get(url, linked_from, "")
        return Page(url, 200, CONTENT_TYPES[file_for(url).suffix], body, linked_from, etag, earlier=True)

    def _event_file(self, url: str) -> Resource | None:
        """An event's .ics file as its view finds and sends it: a request would cost ten times the look-up."""
        try:
            endpoint, values = self.routes.match(url, method="GET")
        except HTTPException:  # the app's own answer says why
            return None
        if endpoint != "feeds.event_file":  # another feed, or a static file: no language to look it up in
            return None
        made = self.app.extensions["calendar_svc"].rendition(self.base_url, values["lang"])
        return made.event_file(values["event_id"])

    def _get(self, url: str, linked_from: str, etag: str) -> Page:
        headers = {"If-None-Match": etag} if etag else {}
        environ = EnvironBuilder(self.app, url, base_url=self.base_url, headers=headers).get_environ()
        answer, status, sent = run_wsgi_app(self.wsgi, environ, buffered=True)  # buffered: closed already
        code, body = int(status.split(" ", 1)[0]), b"".join(answer)
        return Page(url, code, sent.get("Content-Type", ""), body, linked_from, sent.get("ETag", ""))


def quick_target(link: str, origins: tuple[str, ...], prefix: str) -> tuple[str, str] | tuple[()] | None:
    """``internal_target`` of the links most pages are made of, without urljoin: a path from the root,
    a URL on this site (``origins``: its scheme and host in each scheme) or on another; None for any
    other link (relative, with dot segments, a bare origin), which needs urljoin."""
    for own in origins:
        if link.startswith(own) and link[len(own) : len(own) + 1] in ("", "/", "?", "#"):
            link = link[len(own) :]
            break
    else:
        if link.startswith(SCHEMES):
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


# The href and src attributes of the pages' own markup: always double-quoted (the templates write
# them so, and Jinja escapes quotes and ">" inside); much quicker than an HTML parser over 100,000
# pages. A test holds this to html.parser on every page of the bundled site.
ATTRIBUTE = re.compile(r'\s(?:href|src)="([^"]*)"')

TAG = re.compile(r"<[a-zA-Z][^>]*>")


def off_site(written: str, origins: tuple[str, ...]) -> bool:
    """Whether a link, as written, leads off the site (``origins``: its scheme and host in each scheme)
    to another host, or is a ``data:``, ``mailto:`` or ``tel:`` URI, so ``links_in`` may leave it out
    before unescaping: they are many (every page has the icon as a ``data:`` URI, every event links to
    Google Calendar and Outlook with escaped queries)."""
    return written.startswith(("data:", "mailto:", "tel:")) or (
        written.startswith(SCHEMES) and not written.startswith(origins)
    )


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
