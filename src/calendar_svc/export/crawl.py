"""Fetching a site's pages through the app, and following the internal links they hold.

Every URL is fetched through the app's own test client, so a page holds the
bytes the live service sends. The links of each HTML and CSS page are read
with two regular expressions (the templates always write double-quoted
attributes; a test holds this to an HTML parser on every bundled page), and
each shared link's target is worked out once.
"""

from __future__ import annotations

import html
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from urllib.parse import urljoin, urlsplit

from flask import Flask

from ..errors import ExportError
from ..publish.urls import Urls
from .files import CONTENT_TYPES, Page, file_for
from .page_inputs import EarlierBuild

CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")

LINKS_KEPT = 4096  # link targets kept per process crawling: the links most pages share, and more


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
