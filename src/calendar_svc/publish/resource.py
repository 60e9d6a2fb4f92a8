"""One response body with what HTTP caching needs to know about it."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
from dataclasses import dataclass
from functools import cached_property

ICS_TYPE = "text/calendar; charset=utf-8"
JSON_TYPE = "application/json"
HTML_TYPE = "text/html; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
GZIP_LEVEL = 6  # of every gzip copy


@dataclass(frozen=True)
class Resource:
    """Bytes to send, their type, when they last changed, and their strong ETag: a hash of the bytes unless
    given (a page's is the digest of what it is rendered from, ``page_etag``)."""

    body: bytes
    content_type: str
    last_modified: dt.datetime
    filename: str = ""
    attachment: bool = False
    etag: str = ""

    def __post_init__(self) -> None:
        if not self.etag:
            object.__setattr__(self, "etag", bytes_digest(self.body))

    @cached_property
    def gzipped(self) -> bytes:
        """The gzip copy, made once (a server makes its feeds' copies before it forks); the same bytes
        for the same body: no time in the header, one compression level."""
        return gzip.compress(self.body, compresslevel=GZIP_LEVEL, mtime=0)


def bytes_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]
