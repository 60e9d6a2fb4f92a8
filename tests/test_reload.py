"""Live data reload under the real server (granian): edits show up in every worker, bad edits never take the site down."""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest
import watchfiles

from calendar_svc import create_app
from calendar_svc.catalog.loading import load_catalog
from calendar_svc.config import Config
from calendar_svc.publish.render_cache import RenderCache
from calendar_svc.publish.rendition import Rendition
from calendar_svc.serving import watch
from calendar_svc.serving.store import CatalogStore
from calendar_svc.serving.watch import CAUGHT_UP_WITHIN, CatalogWatcher, start_watching

from .conftest import ROOT, SMALL
from .ical_checks import parse_with_icalendar
from .servers import Service, fetch, wait_until

TIMEOUT = 15  # seconds; a change normally shows within about two reload intervals (0.5 s each here)
ASKS = 24  # requests on new connections, enough to reach both workers many times over


@pytest.fixture
def data(tmp_path):
    target = tmp_path / "events"
    shutil.copytree(SMALL, target)
    return target


@pytest.fixture
def server(data, tmp_path):
    running = Service(data, tmp_path / "server.log")
    yield running
    running.stop()


def titles(port: int) -> set[str]:
    reply = fetch(port, "/api/events.json")
    assert reply.status == 200
    return {e["title"] for e in json.loads(reply.body)["events"]}


def health(port: int) -> dict:
    reply = fetch(port, "/healthz")
    assert reply.status == 200
    assert reply.headers["cache-control"] == "no-store"
    return json.loads(reply.body)


def everyone_sees(port: int, check) -> bool:
    return all(check(port) for _ in range(ASKS))


def every_worker_logged(server: Service, text: str) -> bool:
    lines = server.log().splitlines()
    return all(any(f"[{pid}]" in line and text in line for line in lines) for pid in server.worker_pids())


def retitle(path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_an_edit_is_served_by_every_worker_within_seconds(server, data):
    assert not any(title.startswith("Moved: ") for title in titles(server.port))
    retitle(data / "timed-astana-2025.toml", 'title = "', 'title = "Moved: ')
    version = load_catalog(data).version

    wait_until(
        lambda: every_worker_logged(server, f"version {version}"),
        TIMEOUT,
        f"not every worker reloaded:\n{server.log()}",
    )
    assert everyone_sees(server.port, lambda port: any(title.startswith("Moved: ") for title in titles(port)))
    # The edit is served, and reported until it is stamped in the revision record.
    assert everyone_sees(server.port, lambda port: health(port)["version"] == version)
    assert everyone_sees(server.port, lambda port: health(port)["status"] == "degraded")


def test_a_new_file_and_a_deleted_file_are_picked_up(server, data):
    shutil.copy(data / "year-only.toml", data / "year-only-copy.toml")
    retitle(data / "year-only-copy.toml", 'title = "', 'title = "Copy of ')
    wait_until(
        lambda: everyone_sees(server.port, lambda port: health(port)["events"] == 8),
        TIMEOUT,
        f"the new file was not picked up:\n{server.log()}",
    )
    (data / "year-only-copy.toml").unlink()
    wait_until(
        lambda: everyone_sees(server.port, lambda port: health(port)["events"] == 7),
        TIMEOUT,
        f"the deleted file was still served:\n{server.log()}",
    )


def test_a_broken_edit_keeps_the_last_good_data_and_reports_degraded_until_repaired(server, data):
    good = health(server.port)
    before = titles(server.port)
    failures: list[str] = []
    stop = threading.Event()

    def keep_asking() -> None:
        """Meanwhile, every feed and document is complete: never an error, never half a catalog."""
        while not stop.is_set():
            for path in ("/calendar.ics", "/api/events.json"):
                reply = fetch(server.port, path)
                if reply.status != 200:
                    failures.append(f"{path}: {reply.status}")
                elif path.endswith(".ics"):
                    parse_with_icalendar(reply.body)
                elif len(json.loads(reply.body)["events"]) != 7:
                    failures.append(f"{path}: {len(json.loads(reply.body)['events'])} events")

    asker = threading.Thread(target=keep_asking)
    asker.start()
    try:
        broken = data / "timed-astana-2025.toml"
        original = broken.read_text(encoding="utf-8")
        broken.write_text(original + "this line is not TOML\n", encoding="utf-8")
        problem = f"{broken}: TOML syntax error:"

        wait_until(
            lambda: every_worker_logged(server, problem),
            TIMEOUT,
            f"not every worker logged the problem:\n{server.log()}",
        )
        for _ in range(ASKS):
            state = health(server.port)
            assert state["status"] == "degraded"
            assert (state["events"], state["version"]) == (good["events"], good["version"])
            assert len(state["problems"]) == 1
            assert state["problems"][0].startswith(problem)
        assert everyone_sees(server.port, lambda port: titles(port) == before)

        broken.write_text(original, encoding="utf-8")
        wait_until(
            lambda: everyone_sees(server.port, lambda port: health(port)["status"] == "ok"),
            TIMEOUT,
            f"the repair was not picked up:\n{server.log()}",
        )
        assert everyone_sees(server.port, lambda port: titles(port) == before)
        assert "problems" not in health(server.port)
    finally:
        stop.set()
        asker.join(30)
    assert failures == []
    assert "Traceback" not in server.log()


def test_a_worker_started_after_an_edit_serves_the_edit_from_its_first_request(data, tmp_path):
    server = Service(data, tmp_path / "server.log", workers=1, env={"CALENDAR_SVC_RELOAD_INTERVAL": "3600"})
    try:
        time.sleep(CAUGHT_UP_WITHIN)  # the data the server read, and forks every new worker from, is older
        retitle(data / "year-only.toml", 'title = "', 'title = "Edited: ')
        [worker] = server.worker_pids()
        os.kill(worker, signal.SIGKILL)  # the server forks a new worker from its first copy of the data
        wait_until(
            lambda: len(server.worker_pids()) == 2 and f"process {server.worker_pids()[-1]} watches" in server.log(),
            30,
            f"no new worker:\n{server.log()}",
        )
        assert any(title.startswith("Edited: ") for title in titles(server.port))
    finally:
        server.stop()


def test_access_log_has_one_line_per_request_and_start_up_names_data_and_version(server, data):
    fetch(server.port, "/calendar.ics?category=visits")
    fetch(server.port, "/no-such-page")
    version = load_catalog(data).version
    wait_until(lambda: "/no-such-page" in server.log(), TIMEOUT, "no access line")
    log = server.log()
    assert f"7 events from {data.resolve()} (data version {version})" in log
    assert '"GET /calendar.ics?category=visits HTTP/1.1" 200 ' in log
    line = next(line for line in log.splitlines() if "/no-such-page" in line)
    _, rest = line.split('" ', 1)
    status, duration = rest.split(" ")[:2]
    assert (status, duration.endswith("ms"), float(duration[:-2]) >= 0) == ("404", True, True)


# The store and the watcher on their own, without a server.


@pytest.fixture
def store(data):
    return CatalogStore.load(data)


def test_a_reload_renders_for_every_base_url_and_language_in_use_before_the_swap(store, data, monkeypatch):
    in_use = [("https://a.example", "en"), ("https://b.example", "en"), ("https://b.example", "ru")]
    for origin, lang in in_use:
        store.rendition(origin, lang)
    retitle(data / "year-only.toml", 'title = "', 'title = "Edited: ')
    renders = []

    def render(catalog, url, lang):
        renders.append((url, lang))
        return Rendition(catalog, url, lang)

    monkeypatch.setattr(store, "render", render)
    assert store.reload()
    assert sorted(renders) == in_use
    for origin, lang in in_use:
        assert store.rendition(origin, lang).catalog is store.catalog  # ready: no request renders
    assert len(renders) == 3
    assert any(e.title.startswith("Edited: ") for e in store.catalog.events)


SERVED_BEFORE = [
    "/calendar.ics", "/calendars/visits.ics", "/calendars/forum.ics", "/calendar.ics?country=KZ",
    "/countries/kz.ics", "/changes.atom", "/calendars/visits.atom", "/api/events.json",
    "/api/events.json?country=KZ", "/api/calendars.json", "/people/eoghan-murphy.ics",
]  # fmt: skip


def test_after_a_reload_what_was_served_before_is_ready_new_without_rendering(data, monkeypatch):
    app = create_app(Config(events_dir=data, reload_interval=0))
    client = app.test_client()
    for url in SERVED_BEFORE:
        assert client.get(url, headers={"Accept-Encoding": "gzip"}).status_code == 200
    retitle(data / "timed-astana-2025.toml", 'title = "', 'title = "Moved: ')
    assert app.extensions["calendar_svc"].reload()
    from_scratch = create_app(Config(events_dir=data, reload_interval=0)).test_client()
    expected = {url: from_scratch.get(url).data for url in SERVED_BEFORE}

    def refuse(*args, **kwargs):
        raise AssertionError("rendered after the swap")

    for name in ("event_json", "events_json_joined", "json_bytes"):
        monkeypatch.setattr(f"calendar_svc.publish.rendition.{name}", refuse)
    monkeypatch.setattr("calendar_svc.publish.rendition.changes_resource", refuse)
    monkeypatch.setattr("calendar_svc.publish.feeds.feed_bytes", refuse)
    monkeypatch.setattr("calendar_svc.publish.resource.gzip.compress", refuse)
    for url in SERVED_BEFORE:
        reply = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert reply.status_code == 200, url
        assert reply.headers["Content-Encoding"] == "gzip", url
        assert gzip.decompress(reply.data) == expected[url], url
    assert b"Moved: " in expected["/calendar.ics"]


def test_a_render_that_failed_is_tried_again_by_the_next_request():
    cache: RenderCache[str] = RenderCache(4)

    def fail() -> str:
        raise RuntimeError("the template has a bug")

    with pytest.raises(RuntimeError):
        cache.get("/", fail)

    assert cache.get("/", lambda: "the new page") == "the new page"


def test_a_reload_of_bad_data_keeps_the_catalog_and_logs_each_problem_once(store, data, caplog):
    good = store.catalog
    (data / "year-only.toml").write_text('title = "No category"\nstart = 2023-01-01\n', encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="calendar_svc"):
        swapped = store.reload()
        store.reload()
    assert not swapped
    assert store.catalog is good
    assert [str(p) for p in store.snapshot.problems] == [f"{data / 'year-only.toml'}: category: is required"]
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [
        f"event data in {data} has 1 problem; still serving version {good.version}",
        f"{data / 'year-only.toml'}: category: is required",
    ]


def test_healthz_is_degraded_with_the_problem_lines_while_the_data_is_bad(data):
    app = create_app(Config(events_dir=data))
    (data / "year-only.toml").write_text("start = [\n", encoding="utf-8")
    app.extensions["calendar_svc"].reload()
    health = app.test_client().get("/healthz").json
    assert health["status"] == "degraded"
    assert health["events"] == 7
    assert len(health["problems"]) == 1
    assert health["problems"][0].startswith(f"{data / 'year-only.toml'}: TOML syntax error")
    assert set(health) == {"status", "events", "version", "problems", "warnings"}


def test_rewriting_a_file_with_the_same_bytes_swaps_nothing(store, data):
    before = store.catalog
    path = data / "year-only.toml"
    path.write_bytes(path.read_bytes())
    assert store.needs_reload() is not None
    assert not store.reload()
    assert store.catalog is before
    assert store.needs_reload() is None


def test_a_file_that_vanishes_mid_read_is_a_problem_not_a_crash(store, data, monkeypatch):
    def vanish(listing=None):
        raise FileNotFoundError(2, "No such file or directory", str(data / "year-only.toml"))

    monkeypatch.setattr(store.loader, "load", vanish)
    store.reload()
    assert [str(p) for p in store.snapshot.problems] == [
        f"{data / 'year-only.toml'}: cannot be read: No such file or directory"
    ]


def test_the_watcher_waits_for_a_change_to_hold_still_before_loading(store, data):
    watcher = CatalogWatcher(store, interval=60)
    assert not watcher.check()
    retitle(data / "year-only.toml", 'title = "', 'title = "Edited: ')
    assert not watcher.check()  # seen once: perhaps still being written
    retitle(data / "year-only.toml", 'title = "', 'title = "Again ')
    assert not watcher.check()  # changed again since
    assert watcher.check()  # held still: loaded
    assert any(e.title.startswith("Again Edited: ") for e in store.catalog.events)
    assert not watcher.check()


def test_the_watcher_thread_reloads_on_its_own_and_stops(store, data):
    watcher = CatalogWatcher(store, interval=0.05).start()
    try:
        retitle(data / "year-only.toml", 'title = "', 'title = "Edited: ')
        wait_until(lambda: any(e.title.startswith("Edited: ") for e in store.catalog.events), TIMEOUT, "no reload")
    finally:
        watcher.stop()
    assert not watcher.is_alive()


def test_editor_temp_and_hidden_files_do_not_count_as_changes(store, data):
    (data / ".year-only.toml.swp").write_bytes(b"\0")
    (data / "#year-only.toml#").write_text("x")
    (data / "notes.txt").write_text("x")
    assert store.needs_reload() is None


def has_the_edit(store: CatalogStore) -> bool:
    return any(e.title.startswith("Edited: ") for e in store.catalog.events)


@contextlib.contextmanager
def watching(app):
    """``app``'s store, while this process's watcher for it runs (``start_watching``)."""
    watcher = start_watching(app)
    try:
        yield app.extensions["calendar_svc"]
    finally:
        watcher.stop()


def reloads_in(app, monkeypatch) -> list[str]:
    """The name of the thread of each reload of ``app``'s store, as they happen."""
    store = app.extensions["calendar_svc"]
    threads, reload = [], store.reload
    monkeypatch.setattr(store, "reload", lambda *a: threads.append(threading.current_thread().name) or reload(*a))
    return threads


@pytest.mark.parametrize("mode", ["auto", "poll"])
def test_a_worker_forked_just_after_the_data_was_read_answers_at_once_and_its_watcher_catches_up(
    data, monkeypatch, mode
):
    app = create_app(Config(events_dir=data, reload_interval=3600, watch=mode))
    reloads = reloads_in(app, monkeypatch)
    retitle(data / "year-only.toml", 'title = "', 'title = "Edited: ')

    with watching(app) as store:
        wait_until(lambda: has_the_edit(store), TIMEOUT, "no catch-up")
    assert reloads == ["calendar-svc-watcher"]


@pytest.mark.parametrize("mode", ["auto", "poll"])
def test_a_worker_forked_from_older_data_catches_up_before_it_answers(data, monkeypatch, mode):
    app = create_app(Config(events_dir=data, reload_interval=3600, watch=mode))
    reloads = reloads_in(app, monkeypatch)
    retitle(data / "year-only.toml", 'title = "', 'title = "Edited: ')
    monkeypatch.setattr(watch, "CAUGHT_UP_WITHIN", 0)  # the data read above counts as old

    with watching(app) as store:
        assert has_the_edit(store)
        assert reloads == [threading.current_thread().name]


def test_a_save_made_while_the_kernel_watch_is_set_up_is_still_served(data, monkeypatch):
    app = create_app(Config(events_dir=data, reload_interval=3600))

    def watch_set_up_after_a_save(*args, stop_event, yield_on_timeout=False, **kwargs):
        """watchfiles.watch as it behaves when a file is saved just before its watch is set up."""
        retitle(data / "year-only.toml", 'title = "', 'title = "Edited: ')
        if yield_on_timeout:
            yield set()  # a second passed without a change it saw
        stop_event.wait()

    monkeypatch.setattr(watchfiles, "watch", watch_set_up_after_a_save)
    with watching(app) as store:
        wait_until(lambda: has_the_edit(store), TIMEOUT, "missed")


def test_reloading_is_off_for_an_app_given_a_catalog_or_an_interval_of_zero(data):
    assert start_watching(create_app(Config(events_dir=data), load_catalog(data))) is None
    assert start_watching(create_app(Config(events_dir=data, reload_interval=0))) is None


def test_the_wsgi_entry_refuses_bad_data_with_the_problem_lines(data):
    (data / "year-only.toml").write_text('title = "No category"\nstart = 2023-01-01\n', encoding="utf-8")
    process = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env={**os.environ, "CALENDAR_SVC_EVENTS_DIR": str(data)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == 1
    assert f"{data / 'year-only.toml'}: category: is required" in process.stderr.splitlines()
    assert "Traceback" not in process.stderr


@pytest.mark.parametrize(("value", "seconds"), [("0.5", 0.5), ("0", 0.0), ("", 1.0), ("2", 2.0)])
def test_the_reload_interval_comes_from_the_environment(value, seconds):
    assert Config.from_env({"CALENDAR_SVC_RELOAD_INTERVAL": value}).reload_interval == seconds


@pytest.mark.parametrize("value", ["-1", "soon", "nan", "inf"])
def test_a_reload_interval_that_is_not_a_number_of_seconds_is_refused(value):
    with pytest.raises(ValueError, match="CALENDAR_SVC_RELOAD_INTERVAL"):
        Config.from_env({"CALENDAR_SVC_RELOAD_INTERVAL": value})


def test_a_reload_parses_only_the_changed_file_and_renders_only_the_changed_event(store, data):
    english = store.rendition("https://a.example")
    assert english.full_feed.body  # every block rendered: this feed keeps every event
    rendered = english.memo.rendered
    retitle(data / "year-only.toml", 'title = "', 'title = "Edited: ')  # month-only: no VEVENT
    retitle(data / "timed-astana-2025.toml", 'title = "', 'title = "Moved: ')
    assert store.reload()
    assert store.loader.parsed_last_time == 2
    fresh = store.rendition("https://a.example")
    assert fresh is not english
    assert fresh.memo is english.memo
    assert fresh.memo.rendered - rendered == 1  # every other block taken from the memo
    assert b"SUMMARY;LANGUAGE=en:Moved: " in fresh.event_file("timed-astana-2025").body
    # The same bytes as a rendering from scratch:
    assert fresh.full_feed.body == Rendition(fresh.catalog, "https://a.example").full_feed.body


def test_by_default_the_kernel_reports_edits_so_no_polling_interval_is_waited_for(store, data):
    watcher = CatalogWatcher(store, interval=3600).start()  # a poll would come only after an hour
    try:
        assert watcher.method == "notify"
        before = store.catalog.version
        retitle(data / "year-only.toml", 'title = "', 'title = "Edited: ')
        wait_until(lambda: store.catalog.version != before, TIMEOUT, "the edit was not reported")
        assert any(e.title.startswith("Edited: ") for e in store.catalog.events)
    finally:
        watcher.stop()


def test_polling_can_be_forced_and_still_reloads(store, data):
    watcher = CatalogWatcher(store, interval=0.2, mode="poll").start()
    try:
        assert watcher.method == "poll"
        before = store.catalog.version
        (data / "year-only.toml").unlink()
        wait_until(lambda: store.catalog.version != before, TIMEOUT, "the removal was not seen")
        assert len(store.catalog.events) == 6
    finally:
        watcher.stop()


@pytest.mark.parametrize(
    ("relative", "counts"),
    [("a.toml", True), ("2023/b.toml", True), ("revisions.json", True), ("2026", True), (".a.toml.swp", False),
     (".git/index", False), ("#a.toml#", False), ("2023/.hidden/c.toml", False), ("notes.md", False)],
)  # fmt: skip
def test_only_changes_to_data_files_wake_the_watcher(relative, counts):
    from calendar_svc.serving.watch import is_data_change

    assert is_data_change(f"/srv/.config/events/{relative}", "/srv/.config/events") is counts


def test_the_watch_setting_is_auto_or_poll():
    assert Config.from_env({"CALENDAR_SVC_WATCH": "poll"}).watch == "poll"
    with pytest.raises(ValueError, match="CALENDAR_SVC_WATCH must be auto or poll, not 'sometimes'"):
        Config.from_env({"CALENDAR_SVC_WATCH": "sometimes"})
