"""One response body with what HTTP caching needs to know about it."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from .gzip_chunks import LEVEL

ICS_TYPE = "text/calendar; charset=utf-8"
JSON_TYPE = "application/json"
HTML_TYPE = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Resource:
    """Bytes to send, their type, when they last changed, and their strong ETag (a hash of the bytes)."""

    body: bytes
    content_type: str
    last_modified: dt.datetime
    filename: str = ""
    attachment: bool = False
    etag: str = field(init=False)
    # What makes the gzip copy, when not ``gzip_bytes`` of the body (a large document's chunks).
    compress: Callable[[], bytes] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "etag", hashlib.sha256(self.body).hexdigest()[:32])

    @cached_property
    def gzipped(self) -> bytes:
        """The gzip copy (made once; feeds make it before they are served)."""
        return gzip_bytes(self.body) if self.compress is None else self.compress()

    def gzip_ready(self, made_earlier: bytes | None = None) -> bool:
        """Whether the gzip copy is made; ``made_earlier`` (a copy of these very bytes, found by their
        ETag) becomes it, if it is not."""
        if "gzipped" not in self.__dict__ and made_earlier is not None:
            self.__dict__["gzipped"] = made_earlier
        return "gzipped" in self.__dict__


def gzip_bytes(body: bytes) -> bytes:
    """The same bytes for the same body: no time in the header, one compression level."""
    return gzip.compress(body, compresslevel=LEVEL, mtime=0)
