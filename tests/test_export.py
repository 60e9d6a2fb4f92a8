"""The static export: every public URL as a file, with the bytes the live app sends."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from functools import partial
from urllib.parse import urlsplit

import pytest
from flask import Flask

from calendar_svc import create_app
from calendar_svc.catalog.languages import LANGUAGES
from calendar_svc.cli import main
from calendar_svc.config import Config
from calendar_svc.errors import CatalogError, ExportError
from calendar_svc.export import CONTENT_TYPES, export_site
from calendar_svc.export.build import seed_urls
from calendar_svc.export.crawl import Crawl, Fetcher, links_in, off_site
from calendar_svc.export.files import MANIFEST, file_for
from calendar_svc.publish.urls import Urls

from .conftest import BROKEN, BUNDLED_EVENTS, ROOT, SMALL
from .html_checks import Links
from .static_build import archive_years, asked_by_etag, crawl, write_files

BASE = "https://cal.example.org"
TODAY = dt.date(2024, 3, 15)


@pytest.fixture
def live():
    """The app on the small dataset as the build runs it: pinned to the export's day, for a static
    copy (whose /search/ pages search in the browser)."""
    return create_app(Config(events_dir=SMALL, base_url=BASE, today=TODAY, static_site=True)).test_client()


def test_every_exported_file_holds_the_bytes_the_live_app_sends(tmp_path, live):
    result = export_site(Config(events_dir=SMALL, base_url=BASE), tmp_path / "site", TODAY)
    assert len(result.files) > 20
    for exported in result.files:
        with live.get(exported.url) as response:
            assert response.status_code == 200, exported.url
            assert (tmp_path / "site" / exported.path).read_bytes() == response.data, exported.url
            assert exported.content_type == response.content_type


def test_every_feed_json_document_event_page_and_asset_is_exported(tmp_path):
    result = export_site(Config(events_dir=SMALL, base_url=BASE), tmp_path / "site", TODAY)
    catalog = create_app(Config(events_dir=SMALL)).extensions["calendar_svc"].catalog
    paths = {f.path for f in result.files}
    assert {
        "index.html",
        "calendar.ics",
        "api/events.json",
        "api/calendars.json",
        "api/people.json",
        "robots.txt",
        "sitemap.xml",
        "agenda.txt",
        "kk/agenda.txt",
        "ru/agenda.txt",
        "embed/index.html",
        "kk/embed/index.html",
        "static/embed.css",
        "static/style.css",
        "people/index.html",
        "kk/people/index.html",
    } <= paths
    for prefix in ("", "kk/", "ru/"):
        assert {f"{prefix}people/{p.id}/index.html" for p in catalog.people} <= paths
        assert {f"{prefix}people/{p.id}.ics" for p in catalog.people} <= paths
        assert {f"{prefix}embed/people/{p.id}/index.html" for p in catalog.people} <= paths
        assert {f"{prefix}embed/calendars/{c.slug}/index.html" for c in catalog.calendars} <= paths
    assert {f"calendars/{c.slug}.ics" for c in catalog.calendars} <= paths
    assert {f"events/{e.id}.ics" for e in catalog.dated_events} <= paths
    assert {f"events/{e.id}/index.html" for e in catalog.events} <= paths
    assert not any(path.endswith(".ics") and "month-only" in path for path in paths)  # no day, no .ics


def test_a_site_served_under_a_path_links_to_its_pages_under_that_path_once(tmp_path):
    base = f"{BASE}/site"
    result = export_site(Config(events_dir=SMALL, base_url=base), tmp_path / "site", TODAY)
    page = (tmp_path / "site" / "kk" / "events" / "weekly-berlin" / "index.html").read_text(encoding="utf-8")
    assert f'hreflang="ru" href="{base}/ru/events/weekly-berlin/"' in page
    assert 'href="/site/kk/calendars/' in page  # links within the site keep the path too
    embed = (tmp_path / "site" / "embed" / "index.html").read_text(encoding="utf-8")
    assert f'href="{base}/events/weekly-berlin/"' in embed
    search = json.loads((tmp_path / "site" / "kk" / "search" / "index.json").read_text(encoding="utf-8"))
    assert all(path.startswith("/site/kk/search/words/") for path in search["words"].values())
    assert all(row[0].startswith("/site/kk/events/") for row in search["events"])  # the results' links
    doubled = [f.path for f in result.files if b"/site/site/" in (tmp_path / "site" / f.path).read_bytes()]
    assert not doubled


def test_the_build_records_its_day_data_version_and_origin(tmp_path):
    result = export_site(Config(events_dir=SMALL, base_url=BASE), tmp_path / "site", TODAY)
    manifest = json.loads((tmp_path / "site" / MANIFEST).read_text())
    assert manifest["today"] == "2024-03-15"
    assert manifest["base_url"] == BASE
    assert manifest["data_version"] == result.version
    assert manifest["files"] == len(result.files)


def test_the_build_leaves_the_environment_alone(tmp_path):
    before = dict(os.environ)
    export_site(Config(events_dir=SMALL, base_url=BASE), tmp_path / "site", TODAY)
    assert dict(os.environ) == before


def tiny_site() -> Flask:
    """A site whose pages are found only by following links, with links of every kind."""
    app = Flask(__name__)
    pages = {
        "/": '<a href="/a/">a</a> <a href="b.txt">b</a> <a href="https://elsewhere.example/x">out</a> '
             f'<a href="{BASE}/c/#part">c</a> <a href="/?sort=date">query</a> <a href="mailto:x@y.z">mail</a>',
        "/a/": '<link rel="stylesheet" href="/s.css"><a href="../">up</a>',
        "/c/": "<p>found through an absolute link</p>",
    }  # fmt: skip
    for path, html in pages.items():
        app.add_url_rule(path, path, lambda html=html: html)
    app.add_url_rule("/b.txt", "b", lambda: ("b", {"Content-Type": "text/plain; charset=utf-8"}))
    app.add_url_rule(
        "/s.css", "s", lambda: ("body { background: url('/img.png') }", {"Content-Type": "text/css; charset=utf-8"})
    )
    app.add_url_rule("/img.png", "img", lambda: (b"\x89PNG", {"Content-Type": "image/png"}))
    return app


def test_a_build_answers_ics_urls_that_are_no_events_file_as_the_app_does(live):
    fetch = Fetcher(live.application, BASE, Crawl(100))
    assert fetch("/static/nothing.ics", "").status == 404  # a static file: no language to look it up in
    assert fetch("/ru/events/no-such-event.ics", "").status == 404
    calendar = fetch("/kk/calendars/forum.ics", "")
    assert calendar.status == 200
    assert calendar.body == live.get("/kk/calendars/forum.ics").data


def test_pages_found_only_by_following_links_are_fetched_and_query_links_are_reported():
    pages, not_exported = crawl(tiny_site(), BASE, ["/"], 100)
    assert {p.url for p in pages} == {"/", "/a/", "/b.txt", "/c/", "/s.css", "/img.png"}
    assert not_exported == {"/?sort=date"}


def test_a_linked_page_that_does_not_answer_200_stops_the_build_naming_it(tmp_path):
    app = tiny_site()
    app.add_url_rule("/broken/", "broken", lambda: '<a href="/gone/">gone</a>')
    pages, _ = crawl(app, BASE, ["/", "/broken/"], 100)
    with pytest.raises(ExportError) as error:
        write_files(tmp_path / "site", pages, previous=tmp_path / "none")
    assert "/gone/: answered 404, not 200 (linked from /broken/)" in error.value.lines
    assert not (tmp_path / "site").exists()


def test_a_type_a_static_host_would_get_wrong_stops_the_build(tmp_path):
    app = tiny_site()
    app.add_url_rule("/feed", "feed", lambda: ("x", {"Content-Type": "text/calendar; charset=utf-8"}))
    app.add_url_rule("/data.json", "data", lambda: ("{}", {"Content-Type": "text/plain"}))
    pages, _ = crawl(app, BASE, ["/feed", "/data.json"], 100)
    with pytest.raises(ExportError) as error:
        write_files(tmp_path / "site", pages, previous=tmp_path / "none")
    assert any(line.startswith("/feed: no known type") for line in error.value.lines)
    assert "/data.json: the app sends 'text/plain', a static host 'application/json'" in error.value.lines


@pytest.mark.parametrize(
    "url", ["/../etc/passwd", "/a/%2e%2e/%2e%2e/etc/passwd", "/.hidden", "/a//b", "/a%5cb", "/a/%00.html", "/..%2fx"]
)
def test_no_url_can_name_a_file_outside_the_output_folder(url):
    with pytest.raises(ExportError):
        file_for(url)


def test_urls_map_to_files_a_static_host_serves_for_them():
    assert str(file_for("/")) == "index.html"
    assert str(file_for("/events/aif-2023/")) == "events/aif-2023/index.html"
    assert str(file_for("/calendars/visits.ics")) == "calendars/visits.ics"
    assert str(file_for("/calendar/2023/06/")) == "calendar/2023/06/index.html"


def test_a_folder_that_is_not_an_earlier_export_is_never_replaced(tmp_path):
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    with pytest.raises(ExportError, match="not an earlier export"):
        export_site(Config(events_dir=SMALL, base_url=BASE), precious, TODAY)
    assert [p.name for p in precious.iterdir()] == ["notes.txt"]


def test_rebuilding_replaces_the_export_and_unchanged_files_keep_their_time(tmp_path, events_dir):
    config = Config(events_dir=events_dir, base_url=BASE)
    site = tmp_path / "site"
    export_site(config, site, TODAY)
    os.utime(site / "calendars" / "forum.ics", ns=(0, 10**18))  # a time no new write could have
    feed_time = (site / "calendars" / "forum.ics").stat().st_mtime_ns
    (events_dir / "year-only.toml").unlink()
    text = (events_dir / "timed-astana-2025.toml").read_text().replace('title = "', 'title = "Moved: ')
    (events_dir / "timed-astana-2025.toml").write_text(text)

    export_site(config, site, TODAY)
    assert not (site / "events" / "year-only").exists()
    assert b"Moved: " in (site / "calendar.ics").read_bytes()
    assert (site / "calendars" / "forum.ics").stat().st_mtime_ns == feed_time
    assert [p.name for p in tmp_path.iterdir() if p.name != "events"] == ["site"]  # no staging folders left


def test_bad_data_stops_the_build_with_the_validation_lines(tmp_path):
    with pytest.raises(CatalogError):
        export_site(Config(events_dir=BROKEN, base_url=BASE), tmp_path / "site", TODAY)
    assert not (tmp_path / "site").exists()


def test_calendar_svc_build_writes_the_site_and_says_what_it_wrote(runner, tmp_path):
    result = runner.invoke(
        main, ["build", str(tmp_path / "site"), "--events", str(SMALL), "--base-url", BASE, "--today", "2024-03-15"]
    )
    assert result.exit_code == 0, result.output
    assert re.match(
        rf"{re.escape(str(tmp_path / 'site'))}: \d+ files \(.* MB\) for {BASE}, data version \w+, "
        r"pages as on 2024-03-15",
        result.stdout,  # progress, if the build takes a while, goes to standard error
    )
    assert (tmp_path / "site" / "calendar.ics").is_file()


def test_calendar_svc_build_refuses_bad_data_with_one_line_per_problem(runner, tmp_path):
    result = runner.invoke(main, ["build", str(tmp_path / "site"), "--events", str(BROKEN), "--base-url", BASE])
    assert result.exit_code == 1
    assert f"{BROKEN / 'end-before-start.toml'}: end: must not be before start" in result.output.splitlines()
    assert "Traceback" not in result.output


def test_calendar_svc_build_names_a_folder_it_cannot_make_without_a_traceback(runner, tmp_path):
    (tmp_path / "notes").write_text("a file where the site's parent folder would be\n")
    outdir = tmp_path / "notes" / "site"
    result = runner.invoke(main, ["build", str(outdir), "--events", str(SMALL), "--base-url", BASE, "--quiet"])
    assert result.exit_code == 1
    assert result.output == f"Error: nothing written to {outdir}: {tmp_path / 'notes'}: File exists\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes"]


def test_calendar_svc_build_says_the_disk_is_full_in_one_line(runner, tmp_path, monkeypatch):
    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")  # as a write raises it: without a file name

    monkeypatch.setattr("calendar_svc.export.export_site", full_disk)
    result = runner.invoke(
        main, ["build", str(tmp_path / "site"), "--events", str(SMALL), "--base-url", BASE, "--quiet"]
    )
    assert result.exit_code == 1
    assert result.output == f"Error: nothing written to {tmp_path / 'site'}: No space left on device\n"


def test_calendar_svc_build_needs_the_public_origin(runner, tmp_path):
    result = runner.invoke(
        main, ["build", str(tmp_path / "site"), "--events", str(SMALL)], env={"CALENDAR_SVC_BASE_URL": ""}
    )
    assert result.exit_code == 1
    assert "needs the public origin" in result.output


def test_the_nginx_example_maps_the_same_types_the_export_checks():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    block = re.search(r"types \{(.*?)\}", conf, re.S).group(1)
    mapped = {f".{ext}": kind for kind, ext in re.findall(r"(\S+)\s+(\w+);", block)}
    charset_types = set(re.search(r"charset_types ([^;]*);", conf).group(1).split()) | {"text/html"}
    expected = {ext: value.split(";")[0] for ext, value in CONTENT_TYPES.items()}
    assert mapped == expected
    assert charset_types == {value.split(";")[0] for value in CONTENT_TYPES.values() if "charset" in value}


def test_a_build_into_a_new_nested_folder_creates_it(tmp_path):
    export_site(Config(events_dir=SMALL, base_url=BASE), tmp_path / "a" / "b" / "site", TODAY)
    assert (tmp_path / "a" / "b" / "site" / "index.html").is_file()
    shutil.rmtree(tmp_path / "a")


def test_without_a_day_the_build_uses_the_one_the_live_service_would(tmp_path):
    config = Config(events_dir=SMALL, base_url=BASE, today=dt.date(2025, 5, 29))
    assert export_site(config, tmp_path / "site").today == dt.date(2025, 5, 29)


def test_a_rebuild_after_one_edit_rewrites_only_the_files_whose_bytes_changed(tmp_path):
    events = tmp_path / "events"
    shutil.copytree(SMALL, events)
    config = Config(events_dir=events, base_url=BASE)
    first = export_site(config, tmp_path / "site", TODAY)
    assert (first.tally.written, first.tally.kept, first.tally.removed) == (len(first.files), 0, 0)
    times = {f.path: (tmp_path / "site" / f.path).stat().st_mtime_ns for f in first.files}
    path = events / "weekly-berlin.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('title = "', 'title = "Edited: '), encoding="utf-8")
    second = export_site(config, tmp_path / "site", TODAY)
    assert second.tally.removed == 0
    assert 0 < second.tally.written < len(second.files) // 3
    assert second.tally.kept == len(second.files) - second.tally.written
    kept = [f for f in second.files if (tmp_path / "site" / f.path).stat().st_mtime_ns == times[f.path]]
    assert len(kept) == second.tally.kept
    assert "events/weekly-berlin.ics" not in {f.path for f in kept}


def test_a_rebuild_removes_the_files_of_pages_that_are_gone(tmp_path):
    events = tmp_path / "events"
    shutil.copytree(SMALL, events)
    config = Config(events_dir=events, base_url=BASE)
    export_site(config, tmp_path / "site", TODAY)
    (events / "year-only.toml").unlink()
    second = export_site(config, tmp_path / "site", TODAY)
    assert second.tally.removed >= 3  # its page in each language
    assert not any("year-only" in f.path for f in second.files)
    assert not (tmp_path / "site" / "events" / "year-only").exists()


def snapshot(folder) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder``: its bytes and modification time."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()
    }


def test_a_rebuild_changes_the_output_folder_in_place_not_a_copy_of_it(tmp_path):
    events = tmp_path / "events"
    shutil.copytree(SMALL, events)
    config = Config(events_dir=events, base_url=BASE)
    site = tmp_path / "site"
    export_site(config, site, TODAY)
    folders = {p: p.stat().st_ino for p in [site, site / "events", site / "calendars", site / "ru" / "events"]}
    path = events / "weekly-berlin.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('title = "', 'title = "Edited: '), encoding="utf-8")
    export_site(config, site, TODAY)
    # The same folders (a server or a sync tool holding one keeps seeing the site), with the edit.
    assert {p: p.stat().st_ino for p in folders} == folders
    assert b"Edited: " in (site / "events" / "weekly-berlin.ics").read_bytes()


def test_a_failed_rebuild_leaves_the_earlier_export_as_it_was(tmp_path, monkeypatch):
    from calendar_svc.export import build

    events = tmp_path / "events"
    shutil.copytree(SMALL, events)
    config = Config(events_dir=events, base_url=BASE)
    site = tmp_path / "site"
    export_site(config, site, TODAY)
    before = snapshot(site)
    (events / "year-only.toml").unlink()
    path = events / "weekly-berlin.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('title = "', 'title = "Edited: '), encoding="utf-8")

    def fail(*args):  # the last step before the files are put in place: every page is made by now
        raise ExportError(["the disk is full"])

    monkeypatch.setattr(build, "write_etags", fail)
    with pytest.raises(ExportError, match="the disk is full"):
        export_site(config, site, TODAY)
    assert snapshot(site) == before
    assert [p.name for p in tmp_path.iterdir()] == ["events", "site"]  # no staging folder left


def test_putting_a_build_in_place_turns_files_into_folders_and_back(tmp_path):
    from calendar_svc.export.placing import put_in_place

    site, staging = tmp_path / "site", tmp_path / "staging"
    for path, text in [("a/index.html", "old a"), ("b", "old b"), ("c.ics", "kept"), (MANIFEST, "{}")]:
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(text)
    for path, text in [("a", "new a"), ("b/index.html", "new b"), ("d/e/index.html", "new"), (MANIFEST, "{1}")]:
        (staging / path).parent.mkdir(parents=True, exist_ok=True)
        (staging / path).write_text(text)
    put_in_place(staging, site, gone=["a/index.html", "b"])
    assert {str(p.relative_to(site)): p.read_text() for p in site.rglob("*") if p.is_file()} == {
        "a": "new a", "b/index.html": "new b", "c.ics": "kept", "d/e/index.html": "new", MANIFEST: "{1}",
    }  # fmt: skip
    assert not staging.exists()


def test_the_build_reports_progress_a_line_every_few_seconds_when_not_on_a_terminal(tmp_path):
    import io

    from calendar_svc.cli import ProgressReport

    now = [0.0]
    stream = io.StringIO()  # not a terminal
    report = ProgressReport("building", stream=stream, every=5, clock=lambda: now[0])
    for done in range(1, 6):
        now[0] = done * 3.0  # each file 3 seconds after the last
        report(done * 100, 1000)
    report.finish()
    assert stream.getvalue().splitlines() == [
        "building: 200 / 1,000 files, 33 files/s",
        "building: 400 / 1,000 files, 33 files/s",
    ]


def test_build_quiet_prints_only_the_summary(tmp_path, runner):
    result = runner.invoke(main, ["build", str(tmp_path / "site"), "--events", str(SMALL), "--base-url", BASE,
                                  "--today", "2024-03-15", "--quiet"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.count("\n") == 1
    assert " written, 0 unchanged (0 confirmed by ETag), 0 removed" in result.stdout


@pytest.mark.parametrize(
    ("events", "budget"),
    [(SMALL, 1_000_000), (BUNDLED_EVENTS, 40_000)],
    ids=["small", "archives differing by language"],
)
def test_building_in_several_processes_writes_the_same_files_as_one(events, budget, tmp_path, monkeypatch):
    from calendar_svc.export import build

    config = Config(events_dir=events, base_url=BASE, feed_budget=budget)
    one = export_site(config, tmp_path / "one", TODAY)
    monkeypatch.setattr(build, "PARALLEL_FROM_EVENTS", 0)  # fork workers even for this small site
    monkeypatch.setattr(build.os, "cpu_count", lambda: 2)
    several = export_site(config, tmp_path / "several", TODAY)
    assert [f.path for f in several.files] == [f.path for f in one.files]
    for exported in one.files:
        assert (tmp_path / "several" / exported.path).read_bytes() == (tmp_path / "one" / exported.path).read_bytes()
    assert several.tally.written == len(one.files)
    record = ".calendar-svc-etags.json"  # each file's ETag and the digest of its bytes
    assert (tmp_path / "several" / record).read_bytes() == (tmp_path / "one" / record).read_bytes()
    again = export_site(config, tmp_path / "several", TODAY)  # each part asks with its own URLs' ETags
    assert again.tally.not_modified == len(asked_by_etag(tmp_path / "one")) > 100
    assert again.tally.kept == len(one.files)
    assert again.tally.written == 0


def test_the_link_scan_finds_what_an_html_parser_finds_on_every_page_of_the_bundled_site():
    app = create_app(Config(events_dir=BUNDLED_EVENTS, base_url=BASE, today=TODAY))
    pages, _ = crawl(app, BASE, ["/", "/kk/", "/ru/"], 10_000)
    html_pages = [p for p in pages if p.content_type.startswith("text/html")]
    assert len(html_pages) > 500
    for page in html_pages:
        reference = Links()
        reference.feed(page.body.decode())
        assert links_in(page) == reference.found, page.url


def test_the_link_scan_leaves_out_exactly_the_links_off_the_site_when_asked():
    app = create_app(Config(events_dir=BUNDLED_EVENTS, base_url=BASE, today=TODAY))
    pages, _ = crawl(app, BASE, ["/", "/kk/"], 10_000)
    host = urlsplit(BASE).netloc
    origins = tuple(f"{scheme}://{host}" for scheme in ("https", "http", "webcal"))
    left_out = set()
    for page in pages:
        every = links_in(page)
        elsewhere = [link for link in every if urlsplit(link).scheme in ("data", "mailto", "tel")
                    or (urlsplit(link).scheme in ("http", "https", "webcal") and urlsplit(link).netloc != host)]  # fmt: skip
        assert links_in(page, skip=partial(off_site, origins=origins)) == [
            link for link in every if link not in elsewhere
        ], page.url
        left_out |= {urlsplit(link).scheme + ":" + urlsplit(link).netloc for link in elsewhere}
    # sources, Google Calendar and Outlook links, the icon among them
    assert {"https:calendar.google.com", "https:outlook.live.com", "data:"} <= left_out


@pytest.mark.parametrize("prefix", ["", "/calendar"])
def test_the_quick_link_resolution_agrees_with_urljoin(prefix):
    from urllib.parse import urljoin

    from calendar_svc.export.crawl import internal_target, quick_target

    app = create_app(Config(events_dir=SMALL, base_url=BASE, today=TODAY))
    pages, _ = crawl(app, BASE, ["/", "/kk/events/weekly-berlin/"], 10_000)
    links = {link for page in pages for link in links_in(page)}
    links |= {
        "/", "/a/../b", "/x?category=visits#top", "#main", "../up/", "relative/", "//cal.example.org/x",
        "https://cal.example.org", "https://cal.example.org/calendar", "https://cal.example.org/calendar/x/",
        "https://cal.example.org.evil.test/x", "webcal://cal.example.org/calendar.ics", "http://cal.example.org/?q=1",
        "mailto:someone@example.org", "https://calendar.google.com/calendar/r?cid=x", "/calendarx/y",
    }  # fmt: skip
    origins = tuple(f"{scheme}://cal.example.org" for scheme in ("https", "http", "webcal"))
    page = f"https://cal.example.org{prefix}/events/x/"
    for link in sorted(links):
        quick = quick_target(link, origins, prefix)
        if quick is not None:
            assert quick == internal_target(urljoin(page, link), "cal.example.org", prefix), link


def test_each_language_archive_feeds_are_known_without_crawling():
    """Translated text makes feeds of other sizes, so Kazakh and Russian may archive a year that
    English keeps in its feed: each language's archives are seeds, not left to the crawl."""
    app = create_app(Config(events_dir=BUNDLED_EVENTS, base_url=BASE, today=TODAY, feed_budget=50_000))
    archives = archive_years(app, BASE)
    assert archives["kk"][None] != archives["en"][None]  # the budget is chosen so they differ
    seeds = set(seed_urls(app, app.extensions["calendar_svc"].catalog, archives))
    for lang in LANGUAGES:
        urls = Urls(lang=lang)
        for slug, years in archives[lang].items():
            assert {urls.archive(year, slug) for year in years} <= seeds, (lang, slug)
