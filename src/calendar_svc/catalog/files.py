"""Which files under an events directory make up the data (the one walk the loader and the watcher share), and how a
load reads them.

Every ``*.toml`` file counts, at any depth, except under a name starting with "." or "#" (hidden files, editor backups
and lock files). ``calendars.toml`` at the top holds the site settings and calendars, and ``people.toml`` at the top the
register of people; every other one is an event. ``revisions.json`` at the top is the revision record.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

SETTINGS_FILE = "calendars.toml"
PEOPLE_FILE = "people.toml"
REVISIONS_FILE = "revisions.json"
IGNORED_PREFIXES = (".", "#")

Listing = tuple[tuple[str, int, int, int], ...]


def folder_listing(root: str | Path) -> Listing:
    """What the loader would read, as (path relative to ``root`` with "/", size, mtime_ns, inode) per file,
    sorted; a missing or unreadable folder has none (the loader says why).

    Cheap enough to take every second: it stats files and reads none (about
    50 ms for 10,000 files). Any write, rename, new or deleted file changes it.
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
                        info = entry.stat()
                        found.append((name, info.st_size, info.st_mtime_ns, info.st_ino))
                except OSError:  # vanished between listing and stat
                    pass
    return tuple(sorted(found))


Stat = tuple[int, int, int]  # size, modification time (ns), inode


class FolderReading:
    """One load's reading of the folder: each file's SHA-256 (an event file's is the last load's when
    its stat is the same), and the digest of every name and SHA-256 noted (the catalog's version), in
    the folder's order."""

    def __init__(self, top: str, listing: Listing, known: dict[str, tuple[Stat, bytes]]):
        self.top = top
        self.stats: dict[str, Stat] = {name: (size, mtime, inode) for name, size, mtime, inode in listing}
        self.known = known  # the last load's ``read_now``
        self.read_now: dict[str, tuple[Stat, bytes]] = {}  # name -> (stat, SHA-256) of what this load read

    def path(self, name: str) -> str:
        return str(Path(self.top, name))

    def read(self, name: str) -> bytes:
        """The file's bytes, read whatever its stat (the settings, the register and the record are parsed
        on every load), their SHA-256 noted."""
        raw = Path(self.path(name)).read_bytes()
        self.note(name, hashlib.sha256(raw).digest())
        return raw

    def unchanged(self, name: str) -> bytes | None:
        """The SHA-256 the last load noted for the file when its stat is the same; else None."""
        earlier = self.known.get(name)
        return earlier[1] if earlier is not None and earlier[0] == self.stats[name] else None

    def note(self, name: str, sha: bytes) -> None:
        """Note the SHA-256 of the file's bytes as this load read them."""
        self.read_now[name] = (self.stats[name], sha)

    def version(self) -> str:
        digest = hashlib.sha256()
        for name in self.stats:  # every file a load that succeeds has read
            digest.update(name.encode() + b"\0" + self.read_now[name][1] + b"\0")
        return digest.hexdigest()
