"""Reload the catalog when the files under the events directory change (docs/deploying.md, "Live data reload").

One watcher thread per server process (``start_watching``, after any fork): the kernel reports changes (inotify,
through watchfiles), or, where it cannot or ``Config.watch`` is "poll", the directory's listing is compared every
``reload_interval`` seconds.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import threading
import time

import watchfiles
from flask import Flask

from ..catalog.files import IGNORED_PREFIXES, REVISIONS_FILE, Listing
from .store import CatalogStore

log = logging.getLogger("calendar_svc.reload")
EXTENSION = "calendar_svc.watcher"
LOOKS_AT_MOST = 20  # the pause between looks is at least 20 times as long as a look
# Seconds since the data was read within which a new worker catches up in its watcher, not before it
# answers: looking takes a tenth of a second at 10,000 files, and the workers a server forks after its
# first load (2-3 s at 10,000 files) should answer at once; a worker started again later catches up first.
CAUGHT_UP_WITHIN = 5.0
FOLDER_LOOKS_EVERY = 1.0  # seconds between looks at which folder the events path names (``_notified``)
FolderIdentity = tuple[int, int]  # device and inode


class CatalogWatcher:
    """A daemon thread that reloads ``store`` when its directory changes."""

    def __init__(self, store: CatalogStore, interval: float, mode: str = "auto", catch_up: bool = False):
        """``catch_up``: first reload if the files changed since they were last read."""
        if store.directory is None:
            raise ValueError("the store was not loaded from a directory, so there is nothing to watch")
        self.store = store
        self.interval = interval
        # How it watches: "notify" (``mode`` "auto"; polling instead if the kernel cannot notify) or "poll".
        self.method = "poll" if mode == "poll" else "notify"
        self.catch_up = catch_up
        self._pending: Listing | None = None
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
        changed = self.store.needs_reload()
        self.look_seconds = time.thread_time() - started
        if changed is None or changed != self._pending:
            self._pending = changed  # unchanged, or still being written perhaps: look again next time
            return False
        self._pending = None
        self.store.reload()
        return True

    def _run(self) -> None:
        if self.catch_up:
            self._reload_if_changed()
        if self.method == "notify":
            try:
                self._notified()
                return
            except OSError as error:  # no inotify here, or its limit is used up
                log.warning("process %d cannot be notified of changes in %s (%s): polling instead",
                            os.getpid(), self.store.directory, error)  # fmt: skip
                self.method = "poll"
        self._poll()

    def _notified(self) -> None:
        """Have the kernel report changes to data files; reload after each settled batch. The kernel watches
        a folder, not a path, so each second the watcher also asks which folder the path names (one ``stat``);
        when that changes, it looks at the files and watches the folder there."""
        folder = folder_identity(self.store.directory)
        while not self._stopped.is_set():
            if folder is None:
                self._stopped.wait(FOLDER_LOOKS_EVERY)  # nothing to watch: see whether it is back
            else:
                self._watch(folder)  # until stopped, or the path names another folder or none
            now = folder_identity(self.store.directory)
            if now != folder and not self._stopped.is_set():
                self._reload_if_changed()
            folder = now

    def _watch(self, folder: FolderIdentity) -> None:
        """Reload after each settled batch of changes in ``folder``, while the path names it."""
        root = str(self.store.directory)
        changes = watchfiles.watch(
            root, watch_filter=lambda _, path: is_data_change(path, root), debounce=1600, step=50,
            stop_event=self._stopped, rust_timeout=round(FOLDER_LOOKS_EVERY * 1000), yield_on_timeout=True,
            force_polling=False, raise_interrupt=False,
        )  # fmt: skip
        # The kernel reports changes from when the watch is set up, on the first step of ``changes``;
        # one look once it is (a batch, or a second without any) catches a save made before.
        looked_since_watching = False
        try:
            with contextlib.closing(changes):
                for batch in changes:  # empty: a second without changes
                    if folder_identity(self.store.directory) != folder:
                        return
                    if batch or not looked_since_watching:
                        self._reload_if_changed()
                        looked_since_watching = True
        except FileNotFoundError:  # the folder went while the watch was being set up
            if folder_identity(self.store.directory) == folder:
                raise

    def _reload_if_changed(self) -> None:
        try:
            self.store.reload_if_changed()
        except Exception:  # keep watching: one bad reload must not end reloading for good
            log.exception("reloading %s failed", self.store.directory)

    def _poll(self) -> None:
        pause = self.interval
        while not self._stopped.wait(pause):
            try:
                self.check()
            except Exception:  # keep watching: one bad look must not end reloading for good
                log.exception("looking for changes in %s failed", self.store.directory)
            # Looking (not loading) takes at most a twentieth of the time, however many files there are.
            pause = max(self.interval, LOOKS_AT_MOST * self.look_seconds)


def start_watching(app: Flask) -> CatalogWatcher | None:
    """Start this process's watcher for ``app`` (once per process), catching up first if the data it was
    forked with is old (``CAUGHT_UP_WITHIN``); None when reloading is off."""
    store: CatalogStore = app.extensions["calendar_svc"]
    config = app.config["CALENDAR_SVC"]
    interval = config.reload_interval
    if interval <= 0 or store.directory is None:
        return None
    running: CatalogWatcher | None = app.extensions.get(EXTENSION)
    if running is not None and running.is_alive():  # a forked process inherits no running thread
        return running
    recent = time.monotonic() - store.snapshot.read_at < CAUGHT_UP_WITHIN  # read by this process or its parent
    if not recent:
        store.reload_if_changed()
    watcher = CatalogWatcher(store, interval, config.watch, catch_up=recent).start()
    app.extensions[EXTENSION] = watcher
    how = "as the kernel reports them" if watcher.method == "notify" else f"every {interval:g}s"
    log.info("process %d watches %s for changes %s", os.getpid(), store.directory, how)
    return watcher


def is_data_change(path: str, root: str) -> bool:
    """A change the loader would see: to *.toml or revisions.json (or a folder), not under a hidden or
    backup name below ``root``."""
    relative = os.path.relpath(path, root)
    if any(part.startswith(IGNORED_PREFIXES) for part in relative.split(os.sep)):
        return False
    name = os.path.basename(relative)
    return name.endswith(".toml") or name == REVISIONS_FILE or not os.path.splitext(name)[1]


def folder_identity(path: str | os.PathLike) -> FolderIdentity | None:
    """Which folder ``path`` names now (links followed); None when it names none."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None
