"""A start saves what it parsed and rendered; the next start reuses it, and publishes the same bytes."""

from __future__ import annotations

import gzip
import json
import logging
import os
import pickle
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from calendar_svc import create_app
from calendar_svc.catalog.languages import LANGUAGES
from calendar_svc.catalog.loading import load_catalog
from calendar_svc.cli import main
from calendar_svc.config import Config
from calendar_svc.disk_cache import DiskCache
from calendar_svc.publish import saved_work
from calendar_svc.publish.documents import EventsJson

BASE = "https://cal.test"


def start(events: Path, cache: Path | None):
    """A new app on ``events``, as a server start makes it; returns (store, renditions by language)."""
    store = create_app(Config(events_dir=events, base_url=BASE, cache_dir=cache)).extensions["calendar_svc"]
    return store, {lang: store.rendition(BASE, lang) for lang in LANGUAGES}


def published(renditions) -> dict[str, bytes]:
    """Every feed and archive of each rendition, by language and name."""
    found = {}
    for lang, r in renditions.items():
        found[f"{lang}/full"] = r.full_feed.body
        found |= {f"{lang}/{slug}": feed.body for slug, feed in r.calendar_feeds.items()}
        found |= {f"{lang}/{year}": a.resource.body for year, a in r.archives.items()}
        found |= {f"{lang}/event/{i}": r.event_files[i].body for i in r.event_files}
    return found


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_a_second_start_parses_and_renders_nothing_and_publishes_the_same_bytes(bundled_copy, cache):
    first, first_renditions = start(bundled_copy, cache)
    second, second_renditions = start(bundled_copy, cache)
    _, uncached = start(bundled_copy, None)

    assert first.loader.parsed_last_time == 80
    assert second.loader.parsed_last_time == 0
    assert [r.blocks_rendered for r in second_renditions.values()] == [0, 0, 0]
    assert published(second_renditions) == published(uncached) == published(first_renditions)
    assert second.catalog == first.catalog


def test_a_start_on_the_very_same_files_takes_the_catalog_the_last_one_loaded_and_reloads_from_it(
    bundled_copy, cache, monkeypatch
):
    first, _ = start(bundled_copy, cache)

    def refuse(*args, **kwargs):
        raise AssertionError("worked out again")

    for working_out in ("parse_entry", "parse_record", "apply_record", "record_problems", "duplicate_problems"):
        monkeypatch.setattr(f"calendar_svc.catalog.loading.{working_out}", refuse)
    second = create_app(Config(events_dir=bundled_copy, base_url=BASE, cache_dir=cache)).extensions["calendar_svc"]
    monkeypatch.undo()

    assert second.catalog == first.catalog
    path = bundled_copy / "2023" / "aif-2023.toml"
    path.write_text(path.read_text().replace("Astana International Forum 2023", "Forum in Astana"))
    assert second.reload().swapped
    assert second.loader.parsed_last_time == 1
    assert second.catalog == load_catalog(bundled_copy)


def test_the_same_folder_under_another_path_is_loaded_with_that_path(bundled_copy, cache, tmp_path):
    start(bundled_copy, cache)
    elsewhere = tmp_path / "linked-events"
    elsewhere.symlink_to(bundled_copy)

    store, _ = start(elsewhere, cache)

    assert {e.path.split("/")[-3] for e in store.catalog.events} == {"linked-events"}
    assert store.catalog == load_catalog(elsewhere)


def test_a_file_edited_between_starts_is_parsed_and_rendered_again_and_only_that_one(bundled_copy, cache):
    start(bundled_copy, cache)
    path = bundled_copy / "2023" / "aif-2023.toml"
    path.write_text(path.read_text().replace("Astana International Forum 2023", "Forum in Astana"))

    store, renditions = start(bundled_copy, cache)
    _, uncached = start(bundled_copy, None)

    assert store.loader.parsed_last_time == 1
    assert [r.blocks_rendered for r in renditions.values()] == [1, 1, 1]
    assert b"SUMMARY;LANGUAGE=en:Forum in Astana" in renditions["en"].event_files["aif-2023"].body
    assert published(renditions) == published(uncached)


def served_start(events: Path, cache: Path | None):
    """A server's start: its English rendition, made ready as `calendar-svc serve` does before it forks."""
    _, renditions = start(events, cache)
    return saved_work.warm(renditions["en"], DiskCache(cache) if cache is not None else None, events)


def whole_catalog(rendition) -> dict[str, bytes]:
    """The documents a rendition makes from the whole catalog: the Atom feeds and calendars.json."""
    feeds = rendition.calendar_changes_feeds
    return {
        "changes": rendition.changes_feed.body,
        **{slug: feeds[slug].body for slug in feeds},
        "calendars.json": rendition.calendars_json.body,
    }


def test_a_server_restart_takes_the_feeds_documents_and_gzip_copies_from_the_first_start(
    bundled_copy, cache, monkeypatch
):
    first = served_start(bundled_copy, cache)
    uncached = served_start(bundled_copy, None)

    def refuse(*args, **kwargs):
        raise AssertionError("made again")

    monkeypatch.setattr("calendar_svc.publish.rendition.event_json", refuse)
    monkeypatch.setattr("calendar_svc.publish.resource.gzip.compress", refuse)
    for making in ("split_for_budget", "timezone_blocks", "feed_bytes", "atom_bytes", "calendars_document"):
        monkeypatch.setattr(f"calendar_svc.publish.rendition.{making}", refuse)
    second = served_start(bundled_copy, cache)

    assert second.json_encoded == second.splits_worked_out == 0
    monkeypatch.undo()
    assert published({"en": second}) == published({"en": uncached})
    assert whole_catalog(second) == whole_catalog(uncached)
    assert second.events_json.body == first.events_json.body == uncached.events_json.body
    assert second.gzip_copies() == first.gzip_copies() == uncached.gzip_copies()
    assert all(gzip.decompress(copy) for copy in second.gzip_copies().values())


def test_an_edit_between_server_starts_encodes_and_compresses_again_only_what_it_changed(
    bundled_copy, cache, monkeypatch
):
    first = served_start(bundled_copy, cache)
    path = bundled_copy / "2023" / "aif-2023.toml"
    path.write_text(path.read_text().replace("Astana International Forum 2023", "Forum in Astana"))
    compressed = []  # one per gzip copy made: of a feed or document, or of the events document in chunks
    compress, in_chunks = gzip.compress, EventsJson.gzipped
    monkeypatch.setattr(
        "calendar_svc.publish.resource.gzip.compress", lambda *a, **k: compressed.append(1) or compress(*a, **k)
    )
    monkeypatch.setattr(EventsJson, "gzipped", lambda *a, **k: compressed.append(1) or in_chunks(*a, **k))

    second = served_start(bundled_copy, cache)

    monkeypatch.undo()
    uncached = served_start(bundled_copy, None)
    assert second.json_encoded == 1
    assert second.events_json.body == uncached.events_json.body
    assert "Forum in Astana" in second.events_json.body.decode()
    assert second.gzip_copies() == uncached.gzip_copies()
    assert len(compressed) == len(second.gzip_copies().keys() - first.gzip_copies().keys()) > 0
    assert whole_catalog(second) == whole_catalog(uncached) != whole_catalog(first)


def test_an_edit_recorded_under_the_same_sequence_and_time_is_still_rendered_again(bundled_copy, cache, runner):
    # Two branches can record different text as the same revision; the file's bytes tell them apart.
    start(bundled_copy, cache)
    record_path = bundled_copy / "revisions.json"
    before = json.loads(record_path.read_text())["events"]["aif-2023"]
    path = bundled_copy / "2023" / "aif-2023.toml"
    path.write_text(path.read_text().replace("Astana International Forum 2023", "Forum in Astana"))
    assert runner.invoke(main, ["stamp", str(bundled_copy)]).exit_code == 0
    record = json.loads(record_path.read_text())
    record["events"]["aif-2023"] |= {k: before[k] for k in ("sequence", "last_changed", "history")}
    record_path.write_text(json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n")

    store, renditions = start(bundled_copy, cache)

    assert store.catalog.unstamped == ()
    assert store.catalog.event("aif-2023").sequence == before["sequence"]
    assert b"SUMMARY;LANGUAGE=en:Forum in Astana" in renditions["en"].event_files["aif-2023"].body


def test_a_record_stamped_since_is_read_from_its_file_not_taken_from_the_saved_one(bundled_copy, cache, runner):
    store, _ = start(bundled_copy, cache)
    sequence = store.catalog.event("aif-2023").sequence
    path = bundled_copy / "2023" / "aif-2023.toml"
    path.write_text(path.read_text().replace("Astana International Forum 2023", "Forum in Astana"))
    assert runner.invoke(main, ["stamp", str(bundled_copy)]).exit_code == 0

    store, _ = start(bundled_copy, cache)
    again, _ = start(bundled_copy, cache)

    assert store.catalog.unstamped == ()
    assert store.catalog.event("aif-2023").sequence == sequence + 1
    assert again.catalog.event("aif-2023").sequence == sequence + 1
    assert again.catalog.revisions == store.catalog.revisions


def test_an_event_moved_to_another_folder_is_read_from_its_new_place(bundled_copy, cache):
    start(bundled_copy, cache)
    (bundled_copy / "moved").mkdir()
    (bundled_copy / "2023" / "aif-2023.toml").rename(bundled_copy / "moved" / "aif-2023.toml")

    store, _ = start(bundled_copy, cache)

    assert store.loader.parsed_last_time == 1
    assert store.catalog.event("aif-2023").path == str(bundled_copy / "moved" / "aif-2023.toml")


def test_changed_settings_make_every_file_parse_again(bundled_copy, cache):
    start(bundled_copy, cache)
    settings = bundled_copy / "calendars.toml"
    settings.write_text(settings.read_text() + "\n# a comment\n")

    store, renditions = start(bundled_copy, cache)

    assert store.loader.parsed_last_time == 80
    assert [r.blocks_rendered for r in renditions.values()] == [0, 0, 0]  # same site and calendars


def test_blocks_saved_for_one_origin_are_not_used_for_another(bundled_copy, cache):
    start(bundled_copy, cache)
    config = Config(events_dir=bundled_copy, base_url="https://other.test", cache_dir=cache)

    rendition = create_app(config).extensions["calendar_svc"].rendition("https://other.test")

    assert rendition.blocks_rendered == len(rendition.catalog.dated_events)
    assert b"https://cal.test" not in rendition.full_feed.body


def test_a_damaged_cache_file_is_ignored_with_a_warning_and_replaced(bundled_copy, cache, caplog):
    start(bundled_copy, cache)
    for path in cache.glob("*.pickle"):
        path.write_bytes(path.read_bytes()[:1000])

    with caplog.at_level(logging.WARNING, logger="calendar_svc.cache"):
        store, _ = start(bundled_copy, cache)
    again, _ = start(bundled_copy, cache)

    assert store.loader.parsed_last_time == 80
    warned = sum(1 for r in caplog.records if "ignoring cache file" in r.getMessage())
    assert warned == 5  # parsed, catalog, 3 languages
    assert again.loader.parsed_last_time == 0


def test_a_cache_file_of_another_account_is_not_read(bundled_copy, cache, caplog):
    if os.getuid() != 0:
        pytest.skip("needs to give a file to another account")
    start(bundled_copy, cache)
    for path in cache.glob("parsed-*.pickle"):
        os.chown(path, 65534, 65534)

    with caplog.at_level(logging.WARNING, logger="calendar_svc.cache"):
        store, _ = start(bundled_copy, cache)

    assert store.loader.parsed_last_time == 80
    assert any("belongs to another account" in r.getMessage() for r in caplog.records)


def test_the_cache_folder_is_private_to_the_account(bundled_copy, cache):
    start(bundled_copy, cache)

    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert sorted(p.name.split("-")[0] for p in cache.iterdir()) == ["blocks"] * 3 + ["catalog", "parsed"]


def test_a_cache_folder_that_cannot_be_written_only_costs_a_warning(bundled_copy, tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")

    with caplog.at_level(logging.WARNING, logger="calendar_svc.cache"):
        store, renditions = start(bundled_copy, blocked / "cache")

    assert len(store.catalog.events) == 80
    assert renditions["en"].full_feed.body.startswith(b"BEGIN:VCALENDAR")
    assert any("could not write cache file" in r.getMessage() for r in caplog.records)


def test_a_value_is_read_back_only_under_the_key_it_was_written_with(tmp_path):
    disk = DiskCache(tmp_path)
    disk.write("parsed", "/srv/events", (b"settings",), {"a": 1})

    assert disk.read("parsed", "/srv/events", (b"settings",)) == {"a": 1}
    assert disk.read("parsed", "/srv/events", (b"other settings",)) is None
    assert disk.read("parsed", "/srv/other-events", (b"settings",)) is None
    assert disk.read("blocks", "/srv/events", (b"settings",)) is None


def test_a_cache_written_by_other_code_is_not_used(tmp_path):
    disk = DiskCache(tmp_path)
    path = disk.path("parsed", "/srv/events")
    tmp_path.joinpath(path.name).write_bytes(pickle.dumps(("another version", "/srv/events", b"s")) + pickle.dumps(1))

    assert disk.read("parsed", "/srv/events", (b"s",)) is None


def test_a_value_under_another_key_is_not_even_unpickled(tmp_path, monkeypatch):
    disk = DiskCache(tmp_path)
    disk.write("parsed", "/srv/events", (b"settings",), {"a": 1})
    loads = []
    load = pickle.load
    monkeypatch.setattr(pickle, "load", lambda file: loads.append(1) or load(file))

    assert disk.read("parsed", "/srv/events", (b"other settings",)) is None
    assert len(loads) == 1  # the key
    assert disk.read("parsed", "/srv/events", (b"settings",)) == {"a": 1}
    assert len(loads) == 3


def test_the_cache_folder_follows_the_environment(tmp_path):
    home = {"HOME": str(tmp_path)}

    assert Config.from_env({**home, "CALENDAR_SVC_CACHE_DIR": "/var/cache/cal"}).cache_dir == Path("/var/cache/cal")
    assert Config.from_env({**home, "CALENDAR_SVC_CACHE_DIR": "off"}).cache_dir is None
    assert Config.from_env({**home, "XDG_CACHE_HOME": "/xdg"}).cache_dir == Path("/xdg/calendar-svc")
    assert Config.from_env(home).cache_dir == tmp_path / ".cache" / "calendar-svc"
    assert Config.from_env({}).cache_dir is None
    assert replace(Config(), cache_dir="x").cache_dir == Path("x")
    assert Config().cache_dir is None


def test_cache_files_no_start_has_used_for_a_month_are_deleted_when_another_is_written(tmp_path):
    disk = DiskCache(tmp_path)
    disk.write("blocks", "/srv/old-events", (), {"old": 1})
    disk.write("blocks", "/srv/events", (), {"new": 1})
    month_ago = os.stat(disk.path("blocks", "/srv/old-events")).st_mtime - 31 * 86_400
    os.utime(disk.path("blocks", "/srv/old-events"), (month_ago, month_ago))
    os.utime(disk.path("blocks", "/srv/events"), (month_ago, month_ago))
    assert disk.read("blocks", "/srv/events", ()) == {"new": 1}  # used again: kept

    disk.write("parsed", "/srv/events", (), {})

    assert not disk.path("blocks", "/srv/old-events").exists()
    assert disk.read("blocks", "/srv/events", ()) == {"new": 1}
