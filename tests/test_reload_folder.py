"""The events folder itself moved away, brought back or replaced: the service says so, and recovers on its own."""

from __future__ import annotations

import os
import shutil

import pytest

from calendar_svc.serving.store import CatalogStore
from calendar_svc.serving.watch import CatalogWatcher

from .servers import Service, wait_until
from .test_reload import TIMEOUT, everyone_sees, has_the_edit, health, retitle

BACK_WITHIN = 2  # seconds from the folder's return to every worker saying "ok"


def says_the_folder_is_missing(port: int, folder) -> bool:
    state = health(port)
    return state["status"] == "degraded" and state["problems"] == [f"{folder}: no such directory"]


@pytest.mark.parametrize("mode", ["auto", "poll"])
def test_a_folder_moved_away_and_back_unchanged_is_ok_again_within_two_seconds(events_dir, tmp_path, mode):
    server = Service(events_dir, tmp_path / "server.log", env={"CALENDAR_SVC_WATCH": mode})
    try:
        assert everyone_sees(server.port, lambda port: health(port)["status"] == "ok")
        away = tmp_path / "away"
        os.rename(events_dir, away)
        wait_until(
            lambda: everyone_sees(server.port, lambda port: says_the_folder_is_missing(port, events_dir)),
            TIMEOUT,
            f"not every worker said the folder is missing:\n{server.log()}",
        )

        os.rename(away, events_dir)
        wait_until(
            lambda: everyone_sees(server.port, lambda port: health(port)["status"] == "ok"),
            BACK_WITHIN,
            f"not every worker was ok again:\n{server.log()}",
        )
        assert "problems" not in health(server.port)
    finally:
        server.stop()


def test_a_folder_removed_and_copied_back_is_watched_again(events_dir, tmp_path):
    store = CatalogStore.load(events_dir)
    watcher = CatalogWatcher(store, interval=3600).start()  # a poll would come only after an hour
    try:
        assert watcher.method == "notify"
        shutil.copytree(events_dir, tmp_path / "copy")
        shutil.rmtree(events_dir)
        wait_until(lambda: store.snapshot.problems, TIMEOUT, "the folder's removal was not seen")

        shutil.copytree(tmp_path / "copy", events_dir)  # another folder, with other inodes, at the same path
        wait_until(lambda: not store.snapshot.problems, TIMEOUT, "the folder's return was not seen")
        retitle(events_dir / "year-only.toml", 'title = "', 'title = "Edited: ')
        wait_until(lambda: has_the_edit(store), TIMEOUT, "an edit in the returned folder was not reported")
    finally:
        watcher.stop()


def test_an_empty_folder_in_place_of_a_missing_one_is_read_not_reported_missing(events_dir):
    store = CatalogStore.load(events_dir)
    shutil.rmtree(events_dir)
    store.reload()
    assert [str(p) for p in store.snapshot.problems] == [f"{events_dir}: no such directory"]

    events_dir.mkdir()  # no files, as no folder has none
    assert store.needs_reload() is not None
    store.reload()
    assert [str(p) for p in store.snapshot.problems] == [
        f"{events_dir / 'calendars.toml'}: missing: it holds the site settings and calendars"
    ]
