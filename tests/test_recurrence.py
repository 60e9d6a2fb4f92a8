"""One answer to "when does a series end", bounded in cost, the same for feeds, archives and pages."""

from __future__ import annotations

import datetime as dt

import pytest

from calendar_svc.catalog.model import Event, Precision
from calendar_svc.catalog.recurrence import MAX_EXPANDED, last_occurrence_day, series_end
from calendar_svc.ical.feed import last_year, zone_windows
from calendar_svc.web.page_data import month_range

TODAY = dt.date(2026, 11, 30)


def series(rule: str, **fields) -> Event:
    values = {"id": "series", "path": "series.toml", "title": "Series", "category": "visits",
              "start": dt.date(2020, 1, 1), "precision": Precision.DAY, "rrule": rule}  # fmt: skip
    return Event(**{**values, **fields})


def test_a_two_day_series_ends_on_the_last_day_of_its_last_occurrence():
    event = series("FREQ=WEEKLY;COUNT=3", end=dt.date(2020, 1, 2))
    assert last_occurrence_day(event) == dt.date(2020, 1, 15)
    assert series_end(event) == dt.date(2020, 1, 16)


def test_excluded_last_occurrences_do_not_count():
    assert series_end(series("FREQ=DAILY;COUNT=3", exdates=(dt.date(2020, 1, 3),))) == dt.date(2020, 1, 2)


@pytest.mark.parametrize("rule", [f"FREQ=DAILY;COUNT={MAX_EXPANDED + 1}", "FREQ=DAILY;UNTIL=80000101", "FREQ=DAILY"])
def test_a_series_longer_than_the_cap_counts_as_open_ended_on_pages_and_in_archives(rule):
    event = series(rule)
    assert series_end(event) is None
    assert last_year(event) is None  # never moved to a yearly archive
    _, last = month_range([event], TODAY)
    assert last == (2028, 11)  # the month view runs an open series 24 months past today


def test_a_timed_series_longer_than_the_cap_gets_an_open_ended_vtimezone():
    timed = {"start": dt.datetime(2020, 1, 1, 10), "precision": Precision.TIME, "timezone": "Europe/Berlin"}
    assert zone_windows([series(f"FREQ=DAILY;COUNT={MAX_EXPANDED + 1}", **timed)]) == {"Europe/Berlin": (2020, None)}
    assert zone_windows([series("FREQ=DAILY;COUNT=400", **timed)]) == {"Europe/Berlin": (2020, 2021)}


def test_a_series_at_the_cap_still_has_an_end():
    event = series(f"FREQ=DAILY;COUNT={MAX_EXPANDED}")
    assert series_end(event) == dt.date(2020, 1, 1) + dt.timedelta(days=MAX_EXPANDED - 1)
    assert last_year(event) == series_end(event).year
