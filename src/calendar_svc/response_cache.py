"""A lean path for the requests subscribers repeat all day: feeds and JSON by GET or HEAD.

Calendar clients poll the same few URLs. The first request for a URL goes
through Flask as usual; its 200 answer (and the 304 the app gives for its
ETag) are kept, byte for byte and header for header, until the catalog
version changes. Later requests for that URL are answered from there: a
dictionary lookup and an ETag comparison, no routing, no template, no JSON.
Anything unusual (a query string, If-Modified-Since without If-None-Match,
another method, an error) simply goes to Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .store import CatalogStore

MAX_ENTRIES = 2048  # (URL, host, encoding) variants kept; cleared when full
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE", "HTTP_RANGE", "HTTP_IF_RANGE")


@dataclass(frozen=True)
class Answer:
    status: str
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class Entry:
    ok: Answer  # the 200
    not_modified: Answer  # the 304 for its ETag
    etag: str  # as sent, with quotes


def cacheable_path(path: str) -> bool:
    return path.endswith(".ics") or (path.startswith("/api/") and path.endswith(".json"))


def etag_listed(header: str, etag: str) -> bool:
    """Weak comparison against an If-None-Match list (RFC 9110 13.1.2)."""
    if header.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in header.split(","))


class ResponseCache:
    """WSGI middleware in front of the Flask app (see the module docstring)."""

    def __init__(self, app: Callable, store: CatalogStore):
        self.app = app
        self.store = store
        self.entries: dict[tuple, Entry] = {}
        self.version = ""

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        path = environ.get("PATH_INFO", "")
        if method not in ("GET", "HEAD") or environ.get("QUERY_STRING") or not cacheable_path(path):
            return self.app(environ, start_response)
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match is None and any(name in environ for name in CONDITIONAL_HEADERS):
            return self.app(environ, start_response)

        version = self.store.catalog.version
        if version != self.version:
            self.entries, self.version = {}, version
        key = (
            path,
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_HOST"),
            environ.get("HTTP_X_FORWARDED_PROTO"),
            environ.get("HTTP_X_FORWARDED_HOST"),
            environ.get("HTTP_ACCEPT_ENCODING"),
        )
        entry = self.entries.get(key)
        if entry is None:
            entry = self._fill(environ)
            if entry is None or self.store.catalog.version != version:
                return self.app(environ, start_response)
            if len(self.entries) >= MAX_ENTRIES:
                self.entries = {}
            self.entries[key] = entry

        answer = entry.not_modified if if_none_match is not None and etag_listed(if_none_match, entry.etag) else entry.ok
        start_response(answer.status, answer.headers)
        return [b""] if method == "HEAD" else [answer.body]

    def _fill(self, environ: dict) -> Entry | None:
        """Ask the app for the 200 and for the 304 of its ETag; None if it is not a plain 200."""
        plain = {k: v for k, v in environ.items() if k not in CONDITIONAL_HEADERS}
        plain["REQUEST_METHOD"] = "GET"
        ok = self._ask(plain)
        etag = dict((name.lower(), value) for name, value in ok.headers).get("etag")
        if not ok.status.startswith("200") or etag is None:
            return None
        not_modified = self._ask({**plain, "HTTP_IF_NONE_MATCH": etag})
        if not not_modified.status.startswith("304"):
            return None
        return Entry(ok, not_modified, etag)

    def _ask(self, environ: dict) -> Answer:
        captured: list = []

        def start_response(status, headers, exc_info=None):
            captured[:] = [status, list(headers)]

        chunks = self.app(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        return Answer(captured[0], captured[1], body)
