"""The build's record of each file's ETag, and what a rebuild does with it.

A build writes, one URL a line, each file's ETag as the app sent it and the
digest of its bytes (``write_etags``). A rebuild asks for each URL with that
ETag (``EarlierFiles.etag``); when the app answers 304, the earlier file is
kept if it still holds the bytes the earlier build wrote (``EarlierFiles.body``).
A record that cannot be read whole only costs rendering.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import ExportError
from .files import ETAGS, ExportedFile, bytes_digest, file_for

RECORD_FORMAT = 1


class EarlierFiles:
    """The earlier export in ``folder``, and what its record says of ``urls`` (URL -> [ETag, digest
    of the bytes]): the ETag to ask for each URL with, and the file to keep when the app answers 304."""

    def __init__(self, folder: Path, recorded: dict[str, list[str]]):
        self.folder = folder
        self.recorded = recorded

    def etag(self, url: str) -> str | None:
        entry = self.recorded.get(url)
        return entry[0] if entry else None

    def body(self, url: str) -> bytes | None:
        """The earlier file's bytes, if they are still those the earlier build wrote; else None."""
        try:
            body = self.folder.joinpath(*file_for(url).parts).read_bytes()
        except (OSError, ExportError):
            return None
        return body if bytes_digest(body) == self.recorded[url][1] else None


def recorded_etags(folder: Path) -> dict[str, list[str]]:
    """The earlier build's record in ``folder`` (URL -> [ETag, digest of the bytes]); empty when it
    has none or it cannot be read whole."""
    try:
        record = json.loads((folder / ETAGS).read_text(encoding="utf-8"))
        urls = record["urls"] if record.get("format") == RECORD_FORMAT else {}
        good = all(isinstance(entry, list) and [type(x) for x in entry] == [str, str] for entry in urls.values())
    except (OSError, ValueError, AttributeError, KeyError):
        return {}
    return urls if good else {}


def write_etags(folder: Path, files: list[ExportedFile]) -> None:
    """Record each file's ETag and the digest of its bytes, one URL a line, in URL order."""
    lines = sorted(f"{json.dumps(f.url)}: {json.dumps([f.etag, f.digest])}" for f in files if f.etag)
    text = ",\n".join(lines)
    (folder / ETAGS).write_text(f'{{"format": {RECORD_FORMAT}, "urls": {{\n{text}\n}}}}\n', encoding="utf-8")
