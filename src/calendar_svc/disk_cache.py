"""Work an earlier start did, kept on disk so that the next start can skip it. Safe to delete.

Two kinds of work are kept: what each event file's bytes parsed and validated
to (``catalog.loading``), and what was rendered per language and origin: each
event's VEVENT block with the feeds made from the blocks, the events document,
the documents made from the whole catalog and gzip copies
(``publish.saved_work``). Each cache file holds the key it was written under
and is used only when that key equals the one asked for; every key includes a
digest of this package's own code and of the Python that runs it, so an upgrade
never meets an older cache. The users check the contents again entry by entry:
a parse result by the file's name and bytes, a block or an event's JSON object
by the event's every field, a feed by the very blocks it holds, a whole-catalog
document by the digest of every file's name and bytes, a gzip copy by the
digest of the bytes it compresses. A cache never changes a byte of what is
published.

The files are pickles, so the folder must be writable only by the account the
service runs as: it is created with mode 0700, and files in it are read only
when they belong to that account. Any problem reading or writing a cache file
is logged and the work is simply done again. Files no start has used for 30
days (those of folders or origins no longer served) are deleted when another
is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

log = logging.getLogger("calendar_svc.cache")
UNUSED_DAYS = 30  # a cache file no start has read or written for this long is deleted

PACKAGE = Path(__file__).resolve().parent


@cache
def code_digest() -> str:
    """A digest of what turns the same data into other bytes: this package's code, templates, static
    files and translations, the Python that runs them, and every library installed with them (zone
    rules, CLDR data and the iCalendar writer among them)."""
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update("\n".join(installed_libraries()).encode())
    return digest.hexdigest()[:16]


def installed_libraries() -> list[str]:
    """Names of the installed distributions' metadata folders ("icalendar-6.1.0.dist-info"), which
    carry their versions: listing them is quicker than reading every distribution's metadata."""
    found = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found.update(f"{entry}/{n}" for n in names if n.endswith((".dist-info", ".egg-info")))
    return sorted(found)


class DiskCache:
    """Cache files in ``folder``, each written atomically: the key's pickle, then the value's. A file
    under another key is left after its key is read (the value may be tens of megabytes)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def path(self, name: str, scope: str) -> Path:
        """The file for ``name`` (a kind of work) in ``scope`` (which data: an events folder, an origin)."""
        return self.folder / f"{name}-{hashlib.sha256(scope.encode()).hexdigest()[:16]}.pickle"

    def read(self, name: str, scope: str, key: tuple) -> object | None:
        """The value written for ``scope`` under ``key``, or None: missing, another key, or unreadable."""
        path = self.path(name, scope)
        try:
            with open(path, "rb") as file:
                if os.fstat(file.fileno()).st_uid != os.getuid():
                    log.warning("ignoring cache file %s: it belongs to another account", path)
                    return None
                if pickle.load(file) != (code_digest(), scope, *key):
                    return None
                value = pickle.load(file)
        except FileNotFoundError:
            return None
        except Exception as error:  # a truncated or foreign file: the work is done again
            log.warning("ignoring cache file %s: %s", path, error)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # in use: not to be pruned
        return value

    def write(self, name: str, scope: str, key: tuple, value: object) -> None:
        """Store ``value``; readers see the old file or the new one, never half of one."""
        path = self.path(name, scope)
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.folder, prefix=f".{path.name}.", delete=False) as file:
                try:
                    pickle.dump((code_digest(), scope, *key), file, protocol=pickle.HIGHEST_PROTOCOL)
                    pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:
                    os.unlink(file.name)
                    raise
            os.replace(file.name, path)
        except Exception as error:
            log.warning("could not write cache file %s: %s", path, error)
            return
        self.prune()

    def prune(self, now: float | None = None) -> None:
        """Delete the cache files no start has used for UNUSED_DAYS (of folders or origins no longer served)."""
        cutoff = (time.time() if now is None else now) - UNUSED_DAYS * 86_400
        with contextlib.suppress(OSError), os.scandir(self.folder) as entries:
            for entry in entries:
                if entry.name.endswith(".pickle") and entry.is_file() and entry.stat().st_mtime < cutoff:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
