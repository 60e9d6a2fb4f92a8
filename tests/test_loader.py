"""Loading and validating event files: every rule, with files named for their case."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from calendar_svc.catalog import parsing
from calendar_svc.catalog.files import folder_listing
from calendar_svc.catalog.loading import CatalogLoader, load_catalog
from calendar_svc.catalog.model import Precision, Status
from calendar_svc.catalog.parsing import from_plain
from calendar_svc.errors import CatalogError

from .conftest import BROKEN, BUNDLED_EVENTS, SMALL

# One broken file each, and the line `validate` must print for it.
BROKEN_CASES = {
    "toml-syntax-error.toml": ": TOML syntax error: ",
    "not-utf8.toml": ": not valid UTF-8 (byte 0xe9 on line 1)",
    "empty-file.toml": ": file is empty",
    "missing-title.toml": ": title: is required",
    "unknown-field-titel.toml": ": titel: unknown field (did you mean 'title'?)",
    "wrong-type-countries.toml": ": countries: must be a list of strings, not a string",
    "unknown-category.toml": ": category: unknown category 'parties' (known: forum, visits)",
    "unknown-timezone.toml": ": timezone: unknown time zone 'Asia/Astana'",
    "timed-without-timezone.toml": ": timezone: is required for an event with a time of day",
    "nonexistent-time-berlin-spring-forward.toml": ": start: 2024-03-31T02:30:00 does not exist in Europe/Berlin",
    "repeated-hour-almaty-2024-02-29.toml": ": start: 2024-02-29T23:30:00 occurs twice in Asia/Almaty",
    "end-before-start.toml": ": end: must not be before start",
    "bad-country-code.toml": ": countries: 'XX' is not an ISO 3166-1 alpha-2 country code",
    "non-http-url.toml": ": url: 'javascript:alert(1)' is not an http or https URL",
    "bad-rrule.toml": ": rrule: 'FREQ=SOMETIMES' is not a valid RFC 5545 recurrence rule",
    "month-precision-with-end.toml": ": end: not allowed when only the month is known",
    "Bad_File_Name.toml": ": file name must be lowercase letters, digits and hyphens",
}


def problems_for(directory) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        load_catalog(directory)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("name", sorted(BROKEN_CASES))
def test_each_broken_file_is_reported_with_its_path_field_and_problem(tmp_path, name):
    shutil.copy(SMALL / "calendars.toml", tmp_path)
    shutil.copy(BROKEN / name, tmp_path)
    lines = problems_for(tmp_path)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{tmp_path / name}: ")
    assert BROKEN_CASES[name] in lines[0]


def test_toml_syntax_errors_name_their_line():
    [line] = [p for p in problems_for(BROKEN) if "toml-syntax-error" in p]
    assert "line 1" in line


def test_every_problem_in_a_directory_is_reported_at_once():
    lines = problems_for(BROKEN)
    for name in BROKEN_CASES:
        assert any(line.startswith(f"{BROKEN / name}: ") for line in lines), name
    assert (
        f"{BROKEN / 'sub' / 'duplicate-id.toml'}: duplicate event id 'duplicate-id' (also {BROKEN / 'duplicate-id.toml'})"
        in lines
    )
    assert any("duplicate-uid-second.toml: uid: duplicate UID 'same@example.org'" in line for line in lines)


def test_a_directory_with_problems_yields_no_catalog_at_all(tmp_path):
    shutil.copytree(SMALL, tmp_path / "events")
    shutil.copy(BROKEN / "end-before-start.toml", tmp_path / "events")
    with pytest.raises(CatalogError):
        load_catalog(tmp_path / "events")


def test_a_missing_directory_is_a_problem_not_a_crash(tmp_path):
    assert problems_for(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: no such directory"]


def test_missing_settings_file_is_reported(tmp_path):
    (tmp_path / "one.toml").write_text('title = "x"\ncategory = "visits"\nstart = 2023-01-01\n')
    assert any("calendars.toml: missing" in line for line in problems_for(tmp_path))


def test_settings_problems_name_the_field(tmp_path):
    (tmp_path / "calendars.toml").write_text(
        (SMALL / "calendars.toml").read_text().replace('"PT6H"', '"six hours"').replace("#8250df", "purple")
    )
    lines = problems_for(tmp_path)
    assert (
        f"{tmp_path / 'calendars.toml'}: site.refresh_interval: 'six hours' is not an ISO 8601 duration such as 'PT12H'"
        in lines
    )
    assert f"{tmp_path / 'calendars.toml'}: calendars[2].colour: 'purple' is not a colour like '#1f6feb'" in lines


def test_small_dataset_loads_with_the_precision_each_start_implies():
    catalog = load_catalog(SMALL)
    precision = {e.id: e.precision for e in catalog.events}
    assert precision["all-day-two-days"] is Precision.DAY
    assert precision["timed-astana-2023"] is Precision.TIME
    assert precision["month-only"] is Precision.MONTH
    assert precision["year-only"] is Precision.YEAR
    assert catalog.event("cancelled-forum").status is Status.CANCELLED
    assert catalog.event("all-day-two-days").end == dt.date(2023, 6, 9)


def test_events_come_in_chronological_order():
    catalog = load_catalog(SMALL)
    keys = [e.sort_key for e in catalog.events]
    assert keys == sorted(keys)
    assert catalog.events[0].id == "year-only"


def test_the_version_changes_when_any_file_changes_and_only_then(events_dir):
    first = load_catalog(events_dir).version
    assert load_catalog(events_dir).version == first
    path = events_dir / "month-only.toml"
    path.write_text(path.read_text().replace("December", "Dec."))
    assert load_catalog(events_dir).version != first


def test_editor_backup_and_hidden_files_are_ignored(events_dir):
    (events_dir / ".#month-only.toml").write_text("garbage = ")
    (events_dir / ".hidden").mkdir()
    (events_dir / ".hidden" / "x.toml").write_text("garbage = ")
    assert len(load_catalog(events_dir).events) == len(load_catalog(SMALL).events)


def test_the_uid_is_derived_from_the_id_and_domain_and_can_be_overridden(write_event, events_dir):
    write_event("own-uid", title="x", category="visits", start=dt.date(2023, 1, 1), uid="abc-123@elsewhere.org")
    catalog = load_catalog(events_dir)
    assert catalog.event("month-only").uid_for(catalog.site) == "month-only@test.calendar-svc.org"
    assert catalog.event("own-uid").uid_for(catalog.site) == "abc-123@elsewhere.org"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sequence", True, "sequence: must be a whole number, not a boolean"),
        ("sequence", -1, "sequence: must be between 0 and 2147483647"),
        ("updated", dt.datetime(2023, 1, 1, 10), "updated: must be a date-time with offset"),
        ("status", "postponed", "status: 'postponed' is not one of confirmed, tentative, cancelled"),
        ("title", "two\nlines", "title: must be one line of text"),
        ("people", ["ok", 3], "people: item 2 must be a string, not an integer"),
        ("sources", ["ftp://example.org/x"], "sources: 'ftp://example.org/x' is not an http or https URL"),
        ("exdates", [dt.datetime(2023, 1, 1, 10)], "exdates: must be a date like start, not a date-time"),
        ("countries", ["kz"], "countries: 'kz' is not an ISO 3166-1 alpha-2 country code"),
        ("rrule", "FREQ=MINUTELY", "rrule: repeats more often than daily"),
    ],
)
def test_wrong_values_are_named_by_field(write_event, events_dir, field, value, message):
    fields = {"title": "x", "category": "visits", "start": dt.date(2023, 1, 1), field: value}
    path = write_event("bad", **fields)
    assert any(line.startswith(f"{path}: {message}") for line in problems_for(events_dir))


def test_a_timed_end_must_be_a_local_time_in_the_same_zone(write_event, events_dir):
    path = write_event(
        "mixed",
        title="x",
        category="visits",
        start=dt.datetime(2023, 1, 1, 10),
        end=dt.date(2023, 1, 2),
        timezone="UTC",
    )
    assert f"{path}: end: must be a local date-time like start, not a date" in problems_for(events_dir)


def test_the_repeated_hour_of_kazakhstans_2024_change_is_rejected_but_the_hours_around_it_pass(write_event, events_dir):
    # At midnight into 1 March the clocks went back from UTC+6 to UTC+5: 23:00-24:00 on 29 February came twice.
    before, after = dt.datetime(2024, 2, 29, 22, 30), dt.datetime(2024, 3, 1, 0, 30)
    write_event("ok-22", title="x", category="visits", start=before, timezone="Asia/Almaty")
    write_event("ok-0", title="x", category="visits", start=after, timezone="Asia/Almaty")
    catalog = load_catalog(events_dir)
    assert catalog.event("ok-22").start_local.utcoffset() == dt.timedelta(hours=6)
    assert catalog.event("ok-0").start_local.utcoffset() == dt.timedelta(hours=5)
    repeated = write_event(
        "repeated", title="x", category="visits", start=before + dt.timedelta(hours=1), timezone="Asia/Almaty"
    )
    assert (
        f"{repeated}: start: 2024-02-29T23:30:00 occurs twice in Asia/Almaty (the clocks repeat it); pick another time"
        in problems_for(events_dir)
    )


@pytest.mark.parametrize("start", [dt.date(9999, 12, 31), dt.datetime(1, 1, 1, 10), "9999"])
def test_dates_beyond_what_clients_can_follow_are_rejected(write_event, events_dir, start):
    zone = {"timezone": "UTC"} if isinstance(start, dt.datetime) else {}
    path = write_event("far", title="x", category="visits", start=start, **zone)
    assert any(
        line.startswith(f"{path}: start: ") and "outside the years 1000–9000" in line
        for line in problems_for(events_dir)
    )


# A load with many files to parse shares them out to a pool of processes.


@pytest.mark.parametrize("folder", [BUNDLED_EVENTS, BROKEN], ids=["bundled", "broken"])
def test_parsing_in_a_pool_gives_what_parsing_in_this_process_gives(folder, monkeypatch):
    def load_or_problems():
        try:
            return load_catalog(folder)
        except CatalogError as error:
            return error.problems

    monkeypatch.setattr(parsing, "PARALLEL_FROM", 10**9)
    alone = load_or_problems()
    monkeypatch.setattr(parsing, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parsing, "pool_size", lambda: 2)
    from_pool = []  # what came back from the pool: the test fails if the pool is never used
    monkeypatch.setattr(
        parsing, "from_plain", lambda answer, people: from_pool.append(answer) or from_plain(answer, people)
    )
    assert load_or_problems() == alone
    events = [p for p in folder.rglob("*.toml") if p.name not in ("calendars.toml", "people.toml")]
    assert len(from_pool) == len(events)  # every file but the settings and the register


def test_a_file_gone_between_listing_and_reading_is_a_problem_naming_it(events_dir):
    listed = folder_listing(events_dir)
    gone = next(p for p in sorted(events_dir.rglob("*.toml")) if p.name not in ("calendars.toml", "people.toml"))
    gone.unlink()
    with pytest.raises(CatalogError) as raised:
        CatalogLoader(events_dir).load(listed)
    assert f"{gone}: cannot be read (No such file or directory)" in str(raised.value)
