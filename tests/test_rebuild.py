"""A rebuild asks for each URL with the ETag it had, keeps what the app confirms, and gives a build from scratch's bytes."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from flask import request

from calendar_svc.cli import main
from calendar_svc.config import Config
from calendar_svc.errors import ExportError
from calendar_svc.export import crawl, export_site
from calendar_svc.export.files import ETAGS, ExportedFile, recorded_etags, write_etags
from calendar_svc.publish.resource import bytes_digest
from calendar_svc.web import pages

from .conftest import SMALL
from .static_build import asked_by_etag

BASE = "https://cal.example.org"
TODAY = dt.date(2024, 3, 15)
LANGUAGE_PREFIXES = ("", "/kk", "/ru")


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (the build's records too) and its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def edit(events: Path, name: str, old: str, new: str) -> None:
    path = events / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def retitle(events: Path, runner) -> None:
    edit(events, "weekly-berlin.toml", 'title = "', 'title = "Edited: ')


def move_to_another_month_and_year(events: Path, runner) -> None:
    edit(events, "2023/all-day-two-days.toml", "2023-06-08\nend = 2023-06-09", "2024-08-08\nend = 2024-08-09")


def cancel(events: Path, runner) -> None:
    edit(events, "timed-astana-2025.toml", 'category = "visits"', 'category = "visits"\nstatus = "cancelled"')


def delete(events: Path, runner) -> None:
    (events / "weekly-berlin.toml").unlink()
    assert runner.invoke(main, ["stamp", str(events), "--forget", "weekly-berlin"]).exit_code == 0


def add(events: Path, runner) -> None:
    (events / "added.toml").write_text(
        'title = "Added"\ncategory = "forum"\nstart = 2024-03-20\ncountries = ["NO"]\n', encoding="utf-8"
    )


def change_the_calendars(events: Path, runner) -> None:
    edit(events, "calendars.toml", 'name = "Forum"', 'name = "Forums and congresses"')


@pytest.mark.parametrize("change", [retitle, move_to_another_month_and_year, cancel, delete, add, change_the_calendars])
def test_a_rebuild_after_an_edit_writes_what_a_build_from_scratch_writes(change, tmp_path, runner):
    events = tmp_path / "events"
    shutil.copytree(SMALL, events)
    config = Config(events_dir=events, base_url=BASE)
    export_site(config, tmp_path / "site", TODAY)
    change(events, runner)

    export_site(config, tmp_path / "site", TODAY)
    export_site(config, tmp_path / "fresh", TODAY)

    assert tree(tmp_path / "site") == tree(tmp_path / "fresh")


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """The URLs of the pages rendered, in order."""
    urls: list[str] = []
    real = pages.render_template

    def counting(template, **context):
        urls.append(request.path)
        return real(template, **context)

    monkeypatch.setattr(pages, "render_template", counting)
    return urls


def html_files(site: Path) -> dict[str, bytes]:
    return {url: body for url, body in tree(site).items() if url.endswith(".html")}


def test_a_rebuild_with_nothing_changed_renders_no_page_again(tmp_path, rendered):
    config = Config(events_dir=SMALL, base_url=BASE)
    first = export_site(config, tmp_path / "site", TODAY)
    pages_made = len(rendered)
    rendered.clear()

    again = export_site(config, tmp_path / "site", TODAY)

    assert pages_made == len([f for f in first.files if f.path.endswith(".html")]) > 50
    assert rendered == []
    assert again.tally.written == 0
    assert len(asked_by_etag(tmp_path / "site")) == again.tally.not_modified < again.tally.kept == len(first.files)


def pages_rendered_and_changed(change, tmp_path: Path, rendered: list[str], runner) -> tuple[set[str], set[str]]:
    """Build the small dataset, ``change`` it and build again: the files of the pages rendered again, and
    the files whose bytes changed."""
    events = tmp_path / "events"
    shutil.copytree(SMALL, events)
    config = Config(events_dir=events, base_url=BASE)
    export_site(config, tmp_path / "site", TODAY)
    before = html_files(tmp_path / "site")
    change(events, runner)
    rendered.clear()

    export_site(config, tmp_path / "site", TODAY)

    after = html_files(tmp_path / "site")
    return {file_of(url) for url in rendered}, {path for path in after if before.get(path) != after[path]}


def test_an_edit_renders_again_exactly_the_pages_that_show_the_event(tmp_path, rendered, runner):
    made, changed = pages_rendered_and_changed(retitle, tmp_path, rendered, runner)

    assert made == changed
    assert {
        f"{prefix.lstrip('/')}/events/weekly-berlin/index.html".lstrip("/") for prefix in LANGUAGE_PREFIXES
    } <= changed
    assert not any("events/timed-astana-2025" in path for path in changed)


@pytest.mark.parametrize("change", [add, delete])
def test_adding_or_deleting_an_event_renders_again_exactly_the_pages_that_change(change, tmp_path, rendered, runner):
    made, changed = pages_rendered_and_changed(change, tmp_path, rendered, runner)

    assert made == changed


def file_of(url: str) -> str:
    return url.lstrip("/") + "index.html"


def with_a_month_long_summit(tmp_path: Path) -> Path:
    """The small dataset and an event from 20 May to 20 June 2024: listed in the month view of May,
    whose grid (to 2 June) does not show the days in June when it is still happening."""
    events = tmp_path / "events"
    shutil.copytree(SMALL, events)
    (events / "summit.toml").write_text(
        'title = "Month-long summit"\ncategory = "forum"\nstart = 2024-05-20\nend = 2024-06-20\n', encoding="utf-8"
    )
    return events


# Each a rebuild for the day after the one before: the next day; the first and the second occurrence
# of the weekly series (25 March; 1 April, a new month: every page's menu links to it); the summit's
# days in June, the cancelled forum's (13-14 June) and the days after; and a year later.
DAYS = ["2024-03-16", "2024-03-25", "2024-04-01", "2024-06-10", "2024-06-13", "2024-06-21", "2025-06-15"]


def test_a_rebuild_on_each_following_day_writes_what_a_build_from_scratch_on_that_day_writes(tmp_path):
    config = Config(events_dir=with_a_month_long_summit(tmp_path), base_url=BASE)
    export_site(config, tmp_path / "site", TODAY)
    for day in map(dt.date.fromisoformat, DAYS):
        export_site(config, tmp_path / "site", day)
        export_site(config, tmp_path / "fresh", day)

        assert tree(tmp_path / "site") == tree(tmp_path / "fresh"), day
        shutil.rmtree(tmp_path / "fresh")


def test_a_rebuild_on_the_next_day_renders_again_only_the_pages_that_change(tmp_path, rendered):
    config = Config(events_dir=SMALL, base_url=BASE)
    export_site(config, tmp_path / "site", TODAY)
    before = html_files(tmp_path / "site")
    rendered.clear()

    export_site(config, tmp_path / "site", TODAY + dt.timedelta(days=1))

    after = html_files(tmp_path / "site")
    assert {file_of(url) for url in rendered} == {path for path in after if before[path] != after[path]}
    # 15 and 16 March 2024 are in the grid of March only, and nothing starts or stops on either day;
    # beside that month's views, only the lists that say nothing is upcoming after the day name it.
    months = {url for url in rendered if "/calendar/" in url}
    assert months == {f"{prefix}/calendar/2024/03/" for prefix in LANGUAGE_PREFIXES}
    assert not any("/events/" in url for url in rendered)
    lists = [before[file_of(url)] for url in rendered if url not in months]
    assert all(b"nothing-upcoming" in page for page in lists)


def test_a_month_view_is_rendered_again_when_an_event_in_it_stops_happening_on_a_day_it_does_not_show(tmp_path):
    config = Config(events_dir=with_a_month_long_summit(tmp_path), base_url=BASE)
    may = tmp_path / "site" / "calendar" / "2024" / "05" / "index.html"
    export_site(config, tmp_path / "site", dt.date(2024, 6, 20))
    assert b"Happening now" in may.read_bytes()

    export_site(config, tmp_path / "site", dt.date(2024, 6, 21))

    assert b"Happening now" not in may.read_bytes()


@pytest.fixture
def links_read(monkeypatch) -> list[str]:
    """The URLs of the HTML pages whose links a build reads, in order."""
    urls: list[str] = []
    real = crawl.links_in

    def counting(page, skip=None):
        urls.extend([page.url] if page.content_type.startswith("text/html") else [])
        return real(page, skip)

    monkeypatch.setattr(crawl, "links_in", counting)
    return urls


def test_a_rebuild_reads_the_links_of_the_pages_it_renders_not_of_those_it_keeps(tmp_path, links_read):
    events = tmp_path / "events"
    shutil.copytree(SMALL, events)
    config = Config(events_dir=events, base_url=BASE)
    first = export_site(config, tmp_path / "site", TODAY)
    assert len(links_read) == len([f for f in first.files if f.path.endswith(".html")])
    retitle(events, None)
    links_read.clear()

    export_site(config, tmp_path / "site", TODAY)

    assert "/events/weekly-berlin/" in links_read
    assert "/events/aif-2023/" not in links_read
    assert 0 < len(links_read) < len(first.files) / 4


def test_once_a_url_is_gone_the_links_of_kept_pages_are_read_and_one_leading_there_fails_the_build(tmp_path):
    config = Config(events_dir=SMALL, base_url=BASE)
    site = tmp_path / "site"
    export_site(config, site, TODAY)
    # As if the earlier build had a page /events/ghost/, which the kept /subscribe/ page linked to.
    page = site / "subscribe" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"</main>", b'<a href="/events/ghost/">Ghost</a></main>'))
    recorded = recorded_etags(site)
    etag = recorded["/subscribe/"].split()[0]
    recorded.update({"/subscribe/": f"{etag} {bytes_digest(page.read_bytes())}", "/events/ghost/": '"x" y'})
    write_etags(site, [ExportedFile(url, "", "", 0, *entry.split()) for url, entry in recorded.items()])

    with pytest.raises(ExportError) as failed:
        export_site(config, site, TODAY)

    assert failed.value.lines == ["/events/ghost/: answered 404, not 200 (linked from /subscribe/)"]


def test_a_file_changed_in_the_earlier_build_is_written_again_not_kept(tmp_path):
    config = Config(events_dir=SMALL, base_url=BASE)
    export_site(config, tmp_path / "site", TODAY)
    page = tmp_path / "site" / "events" / "weekly-berlin" / "index.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"Berlin", b"Bonn"))

    again = export_site(config, tmp_path / "site", TODAY)

    assert page.read_bytes() == original
    assert again.tally.written == 1


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda text: "{not json",
        lambda text: json.dumps(json.loads(text), indent=2),  # the same record, laid out otherwise
        lambda text: text.replace('": ["', '": [1, "', 1),  # an entry that is not two strings
        lambda text: text[: len(text) // 2],  # cut short
    ],
    ids=["not JSON", "laid out otherwise", "a broken entry", "cut short"],
)
def test_an_unreadable_record_of_etags_only_costs_rendering(tmp_path, rewrite):
    config = Config(events_dir=SMALL, base_url=BASE)
    export_site(config, tmp_path / "site", TODAY)
    record = tmp_path / "site" / ETAGS
    record.write_text(rewrite(record.read_text()))

    again = export_site(config, tmp_path / "site", TODAY)

    assert again.tally.not_modified == 0
    assert again.tally.written == 0
    assert json.loads((tmp_path / "site" / ETAGS).read_text())["format"] == 1


def test_a_rebuild_over_an_export_with_the_former_record_of_inputs_removes_it(tmp_path):
    config = Config(events_dir=SMALL, base_url=BASE)
    export_site(config, tmp_path / "site", TODAY)
    (tmp_path / "site" / ".calendar-svc-inputs.json").write_text("{}")

    again = export_site(config, tmp_path / "site", TODAY)

    assert not (tmp_path / "site" / ".calendar-svc-inputs.json").exists()
    assert again.tally.removed == 1
