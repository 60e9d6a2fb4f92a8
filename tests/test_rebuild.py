"""A rebuild takes unchanged event pages and files from the earlier build, and gives a build from scratch's bytes."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from calendar_svc.cli import main
from calendar_svc.config import Config
from calendar_svc.export import export_site
from calendar_svc.export.files import INPUTS_FILE

from .conftest import SMALL

BASE = "https://cal.example.org"
TODAY = dt.date(2024, 3, 15)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def retitle(events: Path, runner) -> None:
    path = events / "weekly-berlin.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('title = "', 'title = "Edited: '), encoding="utf-8")


def move_to_another_calendar(events: Path, runner) -> None:
    # The feed counts of both calendars change: every page of their events shows them.
    path = events / "weekly-berlin.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('category = "visits"', 'category = "forum"'))


def add_an_event(events: Path, runner) -> None:
    (events / "added.toml").write_text(
        'title = "Added"\ncategory = "forum"\nstart = 2024-03-20\ncountries = ["KZ"]\n', encoding="utf-8"
    )


def add_an_event_in_a_new_country(events: Path, runner) -> None:
    # Every month view's filter form offers one country more.
    (events / "added.toml").write_text(
        'title = "Added"\ncategory = "forum"\nstart = 2024-03-20\ncountries = ["NO"]\n', encoding="utf-8"
    )


def remove_an_event(events: Path, runner) -> None:
    (events / "weekly-berlin.toml").unlink()
    assert runner.invoke(main, ["stamp", str(events), "--forget", "weekly-berlin"]).exit_code == 0


def stamp_an_edit(events: Path, runner) -> None:
    retitle(events, runner)
    assert runner.invoke(main, ["stamp", str(events)]).exit_code == 0


def rename_the_site(events: Path, runner) -> None:
    path = events / "calendars.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("Test Calendar", "Renamed Calendar", 1))


def nothing(events: Path, runner) -> None:
    pass


@pytest.mark.parametrize(
    "edit",
    [
        nothing,
        retitle,
        stamp_an_edit,
        move_to_another_calendar,
        add_an_event,
        add_an_event_in_a_new_country,
        remove_an_event,
        rename_the_site,
    ],
)
def test_a_rebuild_after_an_edit_writes_what_a_build_from_scratch_writes(edit, tmp_path, runner):
    events = tmp_path / "events"
    shutil.copytree(SMALL, events)
    config = Config(events_dir=events, base_url=BASE)
    export_site(config, tmp_path / "site", TODAY)
    edit(events, runner)

    rebuilt = export_site(config, tmp_path / "site", TODAY)
    export_site(config, tmp_path / "fresh", TODAY)

    assert tree(tmp_path / "site") == tree(tmp_path / "fresh")
    assert rebuilt.tally.taken > 0 if edit is not rename_the_site else rebuilt.tally.taken == 0


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
    before = TODAY
    for day in map(dt.date.fromisoformat, DAYS):
        rebuilt = export_site(config, tmp_path / "site", day)
        export_site(config, tmp_path / "fresh", day)

        assert tree(tmp_path / "site") == tree(tmp_path / "fresh"), day
        if (day.year, day.month) == (before.year, before.month):  # in a new month every page changes
            assert rebuilt.tally.taken > 0, day
        shutil.rmtree(tmp_path / "fresh")
        before = day


def test_a_rebuild_on_the_next_day_renders_again_only_the_month_views_that_show_either_day(tmp_path):
    config = Config(events_dir=SMALL, base_url=BASE)
    first = export_site(config, tmp_path / "site", TODAY)
    recorded = [f.url for f in first.files if "/events/" in f.url or "/calendar/" in f.url]
    before = json.loads((tmp_path / "site" / INPUTS_FILE).read_text())["urls"]

    next_day = export_site(config, tmp_path / "site", TODAY + dt.timedelta(days=1))

    after = json.loads((tmp_path / "site" / INPUTS_FILE).read_text())["urls"]
    changed = {url for url in after if before[url][0] != after[url][0]}
    # 15 and 16 March 2024 are in the grid of March only, and nothing happens on either day.
    assert changed == {f"{prefix}/calendar/2024/03/" for prefix in ("", "/kk", "/ru")}
    assert next_day.tally.taken == len(recorded) - len(changed)


def test_a_month_view_is_rendered_again_when_an_event_in_it_stops_happening_on_a_day_it_does_not_show(tmp_path):
    config = Config(events_dir=with_a_month_long_summit(tmp_path), base_url=BASE)
    may = tmp_path / "site" / "calendar" / "2024" / "05" / "index.html"
    export_site(config, tmp_path / "site", dt.date(2024, 6, 20))
    assert b"Happening now" in may.read_bytes()

    export_site(config, tmp_path / "site", dt.date(2024, 6, 21))

    assert b"Happening now" not in may.read_bytes()


def test_an_unchanged_rebuild_renders_no_event_page_event_file_or_month_view_again(tmp_path):
    config = Config(events_dir=SMALL, base_url=BASE)
    first = export_site(config, tmp_path / "site", TODAY)
    event_urls = [f.url for f in first.files if "/events/" in f.url]
    month_views = [f.url for f in first.files if "/calendar/" in f.url]

    again = export_site(config, tmp_path / "site", TODAY)

    assert len(event_urls) > 20
    assert len(month_views) > 30
    assert again.tally.taken == len(event_urls) + len(month_views)
    assert again.tally.written == 0


def edit_dates(events: Path, name: str, old: str, new: str) -> None:
    path = events / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def months(first: tuple[int, int], last: tuple[int, int]) -> set[str]:
    return {
        f"/calendar/{y}/{m:02d}/" for y in range(first[0], last[0] + 1) for m in range(1, 13) if first <= (y, m) <= last
    }


@pytest.mark.parametrize(
    ("old", "new", "touched"),
    [
        # Retitled, or moved within its month: that month only, in each language.
        ('title = "', 'title = "Edited: ', {"/calendar/2023/06/"}),
        ("2023-06-08\nend = 2023-06-09", "2023-06-15\nend = 2023-06-16", {"/calendar/2023/06/"}),
        # Moved from June to August: besides both months, every month whose link to the nearest
        # earlier or later month with events changes (from March 2023 to March 2024).
        ("2023-06-08\nend = 2023-06-09", "2023-08-08\nend = 2023-08-09", months((2023, 3), (2024, 3))),
    ],
    ids=["retitled", "same month", "another month"],
)
def test_a_rebuild_renders_again_only_the_month_views_an_edit_touches(old, new, touched, tmp_path):
    events = tmp_path / "events"
    shutil.copytree(SMALL, events)
    config = Config(events_dir=events, base_url=BASE)
    export_site(config, tmp_path / "site", TODAY)
    before = json.loads((tmp_path / "site" / INPUTS_FILE).read_text())["urls"]
    edit_dates(events, "2023/all-day-two-days.toml", old, new)

    export_site(config, tmp_path / "site", TODAY)
    after = json.loads((tmp_path / "site" / INPUTS_FILE).read_text())["urls"]
    export_site(config, tmp_path / "fresh", TODAY)

    assert tree(tmp_path / "site") == tree(tmp_path / "fresh")
    changed = {url for url in after if "/calendar/" in url and before.get(url, [""])[0] != after[url][0]}
    assert changed == {prefix + month for prefix in ("", "/kk", "/ru") for month in touched}


def test_a_file_changed_in_the_earlier_build_is_rendered_again_not_kept(tmp_path):
    config = Config(events_dir=SMALL, base_url=BASE)
    export_site(config, tmp_path / "site", TODAY)
    page = tmp_path / "site" / "events" / "weekly-berlin" / "index.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"Berlin", b"Bonn"))

    again = export_site(config, tmp_path / "site", TODAY)

    assert page.read_bytes() == original
    assert again.tally.written == 1


def test_an_unreadable_record_of_inputs_only_costs_rendering(tmp_path):
    config = Config(events_dir=SMALL, base_url=BASE)
    export_site(config, tmp_path / "site", TODAY)
    (tmp_path / "site" / INPUTS_FILE).write_text("{not json")

    again = export_site(config, tmp_path / "site", TODAY)

    assert again.tally.taken == 0
    assert again.tally.written == 0
    assert json.loads((tmp_path / "site" / INPUTS_FILE).read_text())["format"] == 2


def test_a_copy_of_the_events_folder_elsewhere_builds_onto_the_same_site_without_rendering(tmp_path):
    shutil.copytree(SMALL, tmp_path / "one")
    shutil.copytree(SMALL, tmp_path / "two")
    export_site(Config(events_dir=tmp_path / "one", base_url=BASE), tmp_path / "site", TODAY)

    again = export_site(Config(events_dir=tmp_path / "two", base_url=BASE), tmp_path / "site", TODAY)

    assert again.tally.taken > 20
    assert again.tally.written == 0
