"""Which files under an events directory make up the data: the one walk the loader and the watcher share.

Every ``*.toml`` file counts, at any depth, except under a name starting with
"." or "#" (hidden files, editor backups and lock files). ``calendars.toml``
at the top holds the site settings and calendars; every other one is an
event. ``revisions.json`` at the top is the revision record.
"""

from __future__ import annotations

import os
from pathlib import Path

SETTINGS_FILE = "calendars.toml"
REVISIONS_FILE = "revisions.json"
IGNORED_PREFIXES = (".", "#")

Fingerprint = tuple[tuple[str, int, int, int], ...]


def data_files(root: str | Path) -> list[tuple[str, os.stat_result | None]]:
    """(path relative to ``root`` with "/", its stat or None if it vanished) for every data file, sorted.

    A missing or unreadable folder yields nothing (the loader says why).
    """
    top = str(root)
    found = []
    folders = [""]
    while folders:
        folder = folders.pop()
        try:
            listing = os.scandir(os.path.join(top, folder))
        except OSError:
            continue
        with listing:
            for entry in listing:
                if entry.name.startswith(IGNORED_PREFIXES):
                    continue
                name = f"{folder}/{entry.name}" if folder else entry.name
                try:
                    if entry.is_dir():
                        folders.append(name)
                    elif entry.name.endswith(".toml") or name == REVISIONS_FILE:
                        found.append((name, entry.stat()))
                except OSError:  # vanished between listing and stat
                    found.append((name, None))
    return sorted(found, key=lambda pair: pair[0])


def read_file(path: str, size: int = 0) -> bytes:
    """The bytes of the file at ``path``; ``size``: its size when last seen (a hint).

    Plain system calls: a small file takes two reads, and none of the buffered
    file object ``open()`` makes, which costs as much again (10,000 event files:
    45 ms against 90 ms).
    """
    chunk = max(size + 1, 16_384)
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        data = os.read(fd, chunk)
        if not data:
            return data
        parts = [data]
        while data := os.read(fd, chunk):
            parts.append(data)
        return parts[0] if len(parts) == 1 else b"".join(parts)
    finally:
        os.close(fd)


def data_fingerprint(root: str | Path) -> Fingerprint:
    """What the loader would read, as (relative name, size, mtime_ns, inode) per file, sorted.

    Cheap enough to take every second: it stats files and reads none (about
    50 ms for 10,000 files). Any write, rename, new or deleted file changes it.
    """
    return tuple(
        (name, info.st_size, info.st_mtime_ns, info.st_ino) for name, info in data_files(root) if info is not None
    )
