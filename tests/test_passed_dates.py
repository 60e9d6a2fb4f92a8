"""Tentative events whose date has passed: editors are told, readers see it, feeds stay as they are."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from calendar_svc.catalog.model import Event, Precision, Status
from calendar_svc.cli import main

from .conftest import BUNDLED_EVENTS

KURULTAI = "kurultai-election-2026-08"  # tentative, 23 August 2026
BEFORE, AFTER = "2026-08-22", "2026-12-06"
NOTICES = {
    "": "The date of this tentative event has passed",
    "/kk": "Бұл алдын ала іс-шараның күні өтіп кетті",
    "/ru": "Дата этого предварительного события прошла",
}


def notice(client, prefix: str) -> str | None:
    page = BeautifulSoup(client.get(f"{prefix}/events/{KURULTAI}/").get_data(as_text=True), "html5lib")
    found = page.select_one("p.notice.overdue")
    return found.get_text(" ", strip=True) if found else None


@pytest.mark.parametrize("prefix", list(NOTICES))
def test_the_page_of_a_tentative_event_whose_day_has_passed_says_so_in_each_language(make_pages_app, prefix):
    after = make_pages_app(BUNDLED_EVENTS, today=AFTER).test_client()
    assert notice(after, prefix).startswith(NOTICES[prefix])
    before = make_pages_app(BUNDLED_EVENTS, today=BEFORE).test_client()
    assert notice(before, prefix) is None


def test_on_the_day_itself_the_date_has_not_passed(make_pages_app):
    assert notice(make_pages_app(BUNDLED_EVENTS, today="2026-08-23").test_client(), "") is None


def test_feeds_are_the_same_bytes_before_and_after_the_date(make_pages_app):
    before = make_pages_app(BUNDLED_EVENTS, today=BEFORE).test_client()
    after = make_pages_app(BUNDLED_EVENTS, today=AFTER).test_client()
    for path in ("/calendar.ics", "/kk/calendar.ics", f"/events/{KURULTAI}.ics", "/api/events.json"):
        assert before.get(path).data == after.get(path).data, path


def test_healthz_lists_it_under_warnings_and_stays_ok(make_pages_app):
    after = make_pages_app(BUNDLED_EVENTS, today=AFTER).test_client().get("/healthz").get_json()
    assert after["status"] == "ok"
    assert any(KURULTAI in line and "2026-08-23" in line for line in after["warnings"])
    before = make_pages_app(BUNDLED_EVENTS, today=BEFORE).test_client().get("/healthz").get_json()
    assert not any(KURULTAI in line for line in before.get("warnings", []))


def test_validate_warns_naming_the_file_and_the_date_and_still_succeeds(monkeypatch):
    monkeypatch.setenv("CALENDAR_SVC_TODAY", AFTER)
    result = CliRunner().invoke(main, ["validate", str(BUNDLED_EVENTS)])
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.stderr.splitlines() if KURULTAI in line]
    assert line.startswith(f"warning: {BUNDLED_EVENTS / '2026' / KURULTAI}.toml: status: ")
    assert "2026-08-23" in line
    monkeypatch.setenv("CALENDAR_SVC_TODAY", BEFORE)
    assert KURULTAI not in CliRunner().invoke(main, ["validate", str(BUNDLED_EVENTS)]).stderr


@pytest.mark.parametrize(
    ("start", "precision", "today", "overdue"),
    [
        (dt.date(2026, 8, 23), Precision.DAY, dt.date(2026, 8, 24), True),
        (dt.date(2026, 8, 1), Precision.MONTH, dt.date(2026, 8, 31), False),  # may still be in August
        (dt.date(2026, 8, 1), Precision.MONTH, dt.date(2026, 9, 1), True),
        (dt.date(2026, 12, 1), Precision.MONTH, dt.date(2027, 1, 1), True),
        (dt.date(2026, 1, 1), Precision.YEAR, dt.date(2026, 12, 31), False),
        (dt.date(2026, 1, 1), Precision.YEAR, dt.date(2027, 1, 1), True),
    ],
)
def test_an_event_known_only_by_month_or_year_has_passed_once_all_of_it_has(start, precision, today, overdue):
    event = Event(id="e", path="e.toml", title="E", category="c", start=start, precision=precision,
                  status=Status.TENTATIVE)  # fmt: skip
    assert event.is_overdue(today) is overdue


def test_confirmed_and_cancelled_events_are_never_overdue():
    for status in (Status.CONFIRMED, Status.CANCELLED):
        event = Event(id="e", path="e.toml", title="E", category="c", start=dt.date(2020, 1, 1),
                      precision=Precision.DAY, status=status)  # fmt: skip
        assert not event.is_overdue(dt.date(2026, 1, 1))
