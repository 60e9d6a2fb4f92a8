"""A site's pages as files: which file serves a URL, with which type, and how a build writes them.

A file is written (under a staging folder) only when its bytes differ from the earlier export's: an unchanged file
stays where it is, its time (and so static hosts' ETags) kept. Nothing is ever written outside the output folder.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from ..errors import ExportError
from ..publish.resource import bytes_digest

MANIFEST = ".calendar-svc-build.json"
ETAGS = ".calendar-svc-etags.json"  # each file's ETag and the digest of its bytes
RECORD_FORMAT = 1
BUILD_RECORDS = (MANIFEST, ETAGS)  # a build's own hidden files, beside the site's
# The type a static host must send for each file extension; deploy/nginx.conf maps the same.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
    ".json": "application/json",
    ".atom": "application/atom+xml; charset=utf-8",
    ".xml": "application/xml",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
    ".png": "image/png",
    ".ico": "image/vnd.microsoft.icon",
    ".woff2": "font/woff2",
}


@dataclass(frozen=True, slots=True)  # 100,000s of them in a build of 10,000 events
class ExportedFile:
    url: str  # the path part of the public URL, e.g. "/events/aif-2023/"
    path: str  # the file under the output folder, e.g. "events/aif-2023/index.html"
    content_type: str
    size: int
    etag: str  # as the app sent it ("" for none), recorded with the digest of the bytes (``write_etags``)
    digest: str


@dataclass(frozen=True)
class Page:
    url: str
    status: int
    content_type: str
    body: bytes
    linked_from: str
    etag: str = ""  # as the app sent it ("" for none)
    earlier: bool = False  # the earlier build's file: the app answered 304 Not Modified to its ETag
    # Instead of ``body``: its pieces, written as they come (a document too large to hold whole).
    pieces: Iterable[bytes] | None = None


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


@dataclass
class Tally:
    """What a build did to the folder, file by file."""

    written: int = 0  # new, or changed since the earlier export
    kept: int = 0  # the same bytes as the earlier export: its file (and time) kept
    not_modified: int = 0  # of those, confirmed by the app's 304 to the earlier file's ETag: not rendered
    removed: int = 0  # in the earlier export, gone from this one


class Writer:
    """Checks each page and, when its bytes differ from ``previous``'s file for it, writes it under
    ``root`` at once; every failure is reported at the end."""

    def __init__(self, root: Path, previous: Path):
        self.root, self.resolved_root, self.previous = root, root.resolve(), previous
        self.failures: list[str] = []
        self.files: list[ExportedFile] = []
        self.tally = Tally()
        self.gone: list[str] = []  # files of the earlier export that this one no longer has (set by finish)
        self._folders: set[Path] = set()  # made under root, and resolved to a place under it

    def add(self, page: Page) -> None:
        problem = problem_of(page)
        if problem is not None:
            self.failures.append(problem)
            return
        if self.failures:
            return  # the build will fail: check the rest, write nothing more
        relative = file_for(page.url)
        try:
            size, digest, written = self._write(page, relative)
        except (FileExistsError, IsADirectoryError, NotADirectoryError):
            self.failures.append(f"{page.url}: is both a file and a folder")
            return
        self.tally.written += written
        self.tally.kept += not written  # the earlier file stays as it is: bytes and time kept
        self.tally.not_modified += page.earlier
        self.files.append(
            ExportedFile(page.url, relative.as_posix(), CONTENT_TYPES[relative.suffix], size, page.etag, digest)
        )

    def _write(self, page: Page, relative: PurePosixPath) -> tuple[int, str, bool]:
        """Write the page's file unless the earlier export's holds its bytes: (size, digest of the
        bytes, whether written)."""
        earlier = os.path.join(self.previous, relative.as_posix())  # a string: pathlib costs more than the check
        if page.pieces is not None:
            target = self._target(page.url, relative)
            size, digest = write_pieces(target, page.pieces)
            try:
                written = not filecmp.cmp(earlier, target, shallow=False)
            except OSError:  # the earlier export has no such file
                written = True
            if not written:
                target.unlink()
            return size, digest, written
        written = not (page.earlier or same_as_earlier(earlier, page.body))
        if written:
            self._target(page.url, relative).write_bytes(page.body)
        return len(page.body), bytes_digest(page.body), written

    def _target(self, url: str, relative: PurePosixPath) -> Path:
        """Where to write the file ``relative`` of ``url`` under the root; its folder made (and checked
        to lie under the root) on the first file written to it."""
        target = self.root.joinpath(*relative.parts)
        if target.parent not in self._folders:
            if not made_within(target.parent, self.resolved_root):
                raise ExportError([f"{url}: would be written outside {self.root}"])
            self._folders.add(target.parent)
        return target

    def result(self) -> dict:
        """What this writer did, as plain values (for another process's ``absorb``)."""
        files = [[f.url, f.path, f.content_type, f.size, f.etag, f.digest] for f in self.files]
        return {"files": files, "tally": vars(self.tally), "failures": self.failures}

    def absorb(self, result: dict) -> None:
        """Take in what another writer (``result``) wrote under the same root."""
        self.files += [ExportedFile(*fields) for fields in result["files"]]
        self.failures += result["failures"]
        for name, count in result["tally"].items():
            setattr(self.tally, name, getattr(self.tally, name) + count)

    def finish(self) -> list[ExportedFile]:
        """Raise ExportError listing every failure; else list (in ``gone``) and count the earlier
        export's files this build no longer has, and return this build's files."""
        urls = {f.path: f.url for f in self.files}
        directories: set[str] = set()
        for path in urls:
            while "/" in path:
                path = path.rsplit("/", 1)[0]
                if path in directories:
                    break
                directories.add(path)
        self.failures += [f"{urls[p]}: is both a file and a folder" for p in urls if p in directories]
        if self.failures:
            raise ExportError(list(dict.fromkeys(self.failures)))
        if self.previous.is_dir():
            self.gone = [p for p in files_under(self.previous) if p not in urls and p not in BUILD_RECORDS]
            self.tally.removed = len(self.gone)
        return sorted(self.files, key=lambda f: f.path)


def problem_of(page: Page) -> str | None:
    """Why ``page`` cannot be a file a static host serves as the app does; None when it can."""
    origin = f" (linked from {page.linked_from})" if page.linked_from else ""
    if page.status != 200:
        return f"{page.url}: answered {page.status}, not 200{origin}"
    try:
        relative = file_for(page.url)
    except ExportError as error:
        return error.lines[0]
    expected = CONTENT_TYPES.get(relative.suffix)
    if expected is None:
        return (
            f"{page.url}: no known type for {relative.suffix or 'a file without extension'!r} "
            f"(the app sends {page.content_type!r}); a static host would guess"
        )
    if page.content_type != expected:
        return f"{page.url}: the app sends {page.content_type!r}, a static host {expected!r}"
    return None


def files_under(root: Path) -> Iterator[str]:
    """Every file under ``root``, as a relative path with "/"."""
    top = str(root)
    for folder, _, names in os.walk(top):
        relative = os.path.relpath(folder, top)
        for name in names:
            yield name if relative == "." else f"{relative}/{name}".replace(os.sep, "/")


def write_pieces(target: Path, pieces: Iterable[bytes]) -> tuple[int, str]:
    """Write ``pieces`` to ``target`` one after another; return how many bytes that made, and their digest."""
    size, digest = 0, hashlib.sha256()
    with target.open("wb") as file:
        for piece in pieces:
            file.write(piece)
            digest.update(piece)
            size += len(piece)
    return size, digest.hexdigest()[:32]


def same_as_earlier(earlier: str, body: bytes) -> bool:
    """True when the earlier export has this file with exactly these bytes."""
    try:
        with open(earlier, "rb") as file:
            return os.fstat(file.fileno()).st_size == len(body) and file.read() == body
    except OSError:
        return False


def made_within(folder: Path, resolved_root: Path) -> bool:
    """Make ``folder`` (and its parents) if missing; whether it lies under ``resolved_root`` once
    every link on the way is followed."""
    folder.mkdir(parents=True, exist_ok=True)
    return folder.resolve().is_relative_to(resolved_root)


def recorded_etags(folder: Path) -> dict[str, str]:
    """The earlier build's record in ``folder``: URL -> "ETag digest" (one string each: a rebuild of
    10,000 events holds 63,000 of them in every process, and reads them a line at a time); empty
    when it has none, or it is not as ``write_etags`` writes it."""
    urls: dict[str, str] = {}
    try:
        with (folder / ETAGS).open(encoding="utf-8") as file:
            if file.readline() != f'{{"format": {RECORD_FORMAT}, "urls": {{\n':
                return {}
            for line in file:
                if line == "}}\n":
                    return urls
                if line.strip():
                    [(url, (etag, digest))] = json.loads(f"{{{line.rstrip().removesuffix(',')}}}").items()
                    if not all(isinstance(x, str) and " " not in x for x in (etag, digest)):
                        return {}
                    urls[url] = f"{etag} {digest}"
    except (OSError, ValueError, TypeError):
        return {}
    return {}  # cut short


def write_etags(folder: Path, files: list[ExportedFile]) -> None:
    """Record each file's ETag and the digest of its bytes, one URL a line, in URL order (as JSON
    writes it), a line at a time: the whole record as text takes about 30 MB at 10,000 events."""
    recorded = sorted((f for f in files if f.etag), key=lambda f: json.dumps(f.url))
    with (folder / ETAGS).open("w", encoding="utf-8") as out:
        out.write(f'{{"format": {RECORD_FORMAT}, "urls": {{\n')
        separator = ""  # then ",\n" between lines
        for f in recorded:
            out.write(f"{separator}{json.dumps(f.url)}: {json.dumps([f.etag, f.digest])}")
            separator = ",\n"
        out.write("\n}}\n")
