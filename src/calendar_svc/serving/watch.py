"""Reload the catalog when the files under the events directory change.

Each server process runs one watcher thread that compares the directory's
fingerprint (names, sizes, mtimes: no file is read) with the one last loaded,
every ``reload_interval`` seconds (longer for trees so large that a look
takes more than a twentieth of that). A change is loaded once it has held still
for one interval, so an editor or ``git checkout`` writing several files is
read as one change. Threads do not survive ``fork``: a pre-forking server
starts the watcher in each worker, after the fork (``start_watching``).
"""

from __future__ import annotations

import logging
import os
import threading
import time

from flask import Flask

from ..catalog.files import Fingerprint, data_fingerprint
from .store import CatalogStore

log = logging.getLogger("calendar_svc.reload")
EXTENSION = "calendar_svc.watcher"
LOOKS_AT_MOST = 20  # the pause between looks is at least 20 times as long as a look


class CatalogWatcher:
    """A daemon thread that reloads ``store`` when its directory changes."""

    def __init__(self, store: CatalogStore, interval: float):
        if store.directory is None:
            raise ValueError("the store was not loaded from a directory, so there is nothing to watch")
        self.store = store
        self.interval = interval
        self.pid = os.getpid()
        self._pending: Fingerprint | None = None
        self.look_seconds = 0.0  # the CPU time the last look took
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="calendar-svc-watcher", daemon=True)

    def start(self) -> CatalogWatcher:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def check(self) -> bool:
        """Look once; reload when the files changed and have held still since the last look."""
        started = time.thread_time()  # this thread's own CPU time: not inflated by waiting for busy threads
        current = data_fingerprint(self.store.directory)
        self.look_seconds = time.thread_time() - started
        if current == self.store.snapshot.fingerprint:
            self._pending = None
            return False
        if current != self._pending:
            self._pending = current  # still being written, perhaps: look again next time
            return False
        self._pending = None
        self.store.reload()
        return True

    def _run(self) -> None:
        pause = self.interval
        while not self._stopped.wait(pause):
            try:
                self.check()
            except Exception:  # keep watching: one bad look must not end reloading for good
                log.exception("looking for changes in %s failed", self.store.directory)
            # Looking (not loading) takes at most a twentieth of the time, however many files there are.
            pause = max(self.interval, LOOKS_AT_MOST * self.look_seconds)


def start_watching(app: Flask) -> CatalogWatcher | None:
    """Start this process's watcher for ``app`` (once per process); None when reloading is off.

    A process forked from an older copy of the data (a worker started long
    after the server) first catches up, before it answers any request.
    """
    store: CatalogStore = app.extensions["calendar_svc"]
    interval = app.config["CALENDAR_SVC"].reload_interval
    if interval <= 0 or store.directory is None:
        return None
    running: CatalogWatcher | None = app.extensions.get(EXTENSION)
    if running is not None and running.pid == os.getpid() and running.is_alive():
        return running
    if store.needs_reload():
        store.reload()
    watcher = CatalogWatcher(store, interval).start()
    app.extensions[EXTENSION] = watcher
    log.info("process %d watches %s for changes every %gs", os.getpid(), store.directory, interval)
    return watcher
