"""A lean path for the requests subscribers repeat all day: feeds and JSON by GET or HEAD.

The first request for a URL goes through Flask; when Flask answers it with a 200 from the rendition, the headers are
kept with a reference to that resource (no copy of the bytes), and later requests for the URL, until the catalog
version changes, are answered from there: no routing, no template, no JSON. A revalidation (If-None-Match) that finds
nothing kept, which is how most URLs are first asked for after a start, has Flask make the URL's 200 to keep, so
each worker goes through Flask (about 100 times the cost) once per URL. Anything unusual (a query string,
If-Modified-Since without If-None-Match, another method, an error) simply goes to Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from werkzeug.http import is_entity_header, parse_etags

from ..publish.resource import Resource
from ..publish.urls import is_feed_or_document
from .conditional import RESOURCE_KEY, names_etag
from .store import CatalogStore

MAX_ENTRIES = 2048  # (URL, host, encoding) variants kept; cleared when full
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE", "HTTP_RANGE",
    "HTTP_IF_RANGE",
)  # fmt: skip
NOT_IN_304 = frozenset({"content-disposition"})  # besides the entity headers werkzeug drops from a 304


@dataclass(frozen=True)
class CachedAnswer:
    """A cached 200: its headers, those of its 304, the resource it was made from, and the copy of the
    resource's bytes it sends (plain or gzip)."""

    headers: list[tuple[str, str]]
    not_modified_headers: list[tuple[str, str]]  # as werkzeug writes them
    resource: Resource
    body: bytes
    etag: str  # as sent, with quotes: what a client repeats in If-None-Match


class ResponseCache:
    """WSGI middleware in front of the Flask app (see the module docstring)."""

    def __init__(self, app: Callable, store: CatalogStore):
        self.app = app
        self.store = store
        self.entries: dict[tuple, CachedAnswer] = {}
        self.version = ""

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        path = environ.get("PATH_INFO", "")
        if method not in ("GET", "HEAD") or environ.get("QUERY_STRING") or not is_feed_or_document(path):
            return self.app(environ, start_response)
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match is None and any(name in environ for name in CONDITIONAL_HEADERS):
            return self.app(environ, start_response)

        version = self.store.catalog.version
        if version != self.version:
            self.entries, self.version = {}, version
        key = (path, environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("HTTP_X_FORWARDED_PROTO"),
               environ.get("HTTP_X_FORWARDED_HOST"), environ.get("HTTP_ACCEPT_ENCODING"))  # fmt: skip
        entry = self.entries.get(key)
        if entry is None and if_none_match is not None:
            entry = self._learn(environ, key, version)
        if entry is None:
            return self._through_flask(environ, start_response, key, version)
        # A client repeating the ETag it was sent is the common case: compare the strings first.
        if if_none_match is not None and (
            if_none_match == entry.etag or names_etag(parse_etags(if_none_match), entry.resource.etag)
        ):
            start_response("304 NOT MODIFIED", entry.not_modified_headers)
            return [b""]
        start_response("200 OK", entry.headers)
        return [b""] if method == "HEAD" else [entry.body]

    def _learn(self, environ: dict, key: tuple, version: str) -> CachedAnswer | None:
        """Keep Flask's answer to the request without its If-None-Match, when that is a 200 made from a
        resource; None otherwise (the request then goes to Flask as it came)."""
        unconditional = {name: value for name, value in environ.items() if name != "HTTP_IF_NONE_MATCH"}
        answer = self._through_flask(unconditional, lambda status, headers, exc_info=None: None, key, version)
        if hasattr(answer, "close"):
            answer.close()
        return self.entries.get(key)

    def _through_flask(self, environ: dict, start_response: Callable, key: tuple, version: str) -> Iterable[bytes]:
        """Let Flask answer, and keep its answer when it is a 200 made from a rendition's resource."""

        def remember(status: str, headers: list[tuple[str, str]], exc_info=None):
            answered = environ.get(RESOURCE_KEY)
            if status.startswith("200 ") and answered is not None and self.store.catalog.version == version:
                resource, gzipped = answered
                if len(self.entries) >= MAX_ENTRIES:
                    self.entries = {}
                etag = next((value for name, value in headers if name.lower() == "etag"), "")
                in_304 = [(n, v) for n, v in headers if not is_entity_header(n) and n.lower() not in NOT_IN_304]
                body = resource.gzipped if gzipped else resource.body
                self.entries[key] = CachedAnswer(list(headers), in_304, resource, body, etag)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return self.app(environ, remember)
