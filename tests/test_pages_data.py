"""What the pages show, built without Flask: dates as read, occurrences, grouping, the month grid."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from calendar_svc.catalog.countries import country_name
from calendar_svc.catalog.loading import load_catalog
from calendar_svc.catalog.model import Precision
from calendar_svc.catalog.recurrence import first_occurrences, last_occurrence_day, next_occurrence_day, occurrence_days
from calendar_svc.config import Config
from calendar_svc.publish.selection import Selection
from calendar_svc.publish.urls import is_public_origin
from calendar_svc.web.calendar_links import add_links, google_add_url, outlook_add_url, subscribe_links
from calendar_svc.web.json_ld import event_document, script_text
from calendar_svc.web.languages import colour_dot, display_url, duration_text
from calendar_svc.web.page_data import (
    add_months,
    events_by_month,
    filters,
    listing,
    month_range,
    month_view,
)
from calendar_svc.web.when import date_range, event_when, join, offset_text, recurrence_text

from .conftest import BUNDLED_EVENTS, SMALL

NOW = dt.datetime(2026, 11, 27, 20, 30, tzinfo=dt.UTC)  # already 28 November in Almaty (UTC+5)


@pytest.fixture(scope="module")
def small():
    return load_catalog(SMALL)


@pytest.fixture(scope="module")
def bundled():
    return load_catalog(BUNDLED_EVENTS)


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


@pytest.mark.parametrize(
    ("first", "last", "text"),
    [
        (dt.date(2023, 6, 8), dt.date(2023, 6, 8), "8 June 2023"),
        # CLDR's British English ranges: an en dash between thin spaces.
        (dt.date(2023, 6, 8), dt.date(2023, 6, 9), "8\u2009–\u20099 June 2023"),
        (dt.date(2022, 11, 30), dt.date(2022, 12, 2), "30 November\u2009–\u20092 December 2022"),
        (dt.date(2022, 12, 31), dt.date(2023, 1, 1), "31 December 2022\u2009–\u20091 January 2023"),
    ],
)
def test_date_ranges_read_naturally_and_mark_each_day(first, last, text):
    pieces = date_range(first, last)
    assert join(pieces) == text
    assert [p.datetime for p in pieces if p.datetime] == sorted({first.isoformat(), last.isoformat()})


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(360, "UTC+06:00"), (300, "UTC+05:00"), (0, "UTC+00:00"), (-210, "UTC-03:30"), (345, "UTC+05:45")],
)
def test_offsets_are_written_as_utc_plus_minus_hours_and_minutes(minutes, text):
    assert offset_text(dt.timedelta(minutes=minutes)) == text


def test_each_precision_reads_as_what_is_known(small):
    assert event_when(small.event("month-only")).text == "December 2022"
    assert [p.datetime for p in event_when(small.event("month-only")).date] == ["2022-12"]
    assert event_when(small.event("year-only")).text == "2022"
    assert [p.datetime for p in event_when(small.event("year-only")).date] == ["2022"]
    day = event_when(small.event("all-day-two-days"))
    assert (day.text, day.time, day.utc) == ("8\u2009–\u20099 June 2023", (), ())


def test_timed_events_name_their_zone_and_offset_and_give_utc(small):
    when = event_when(small.event("timed-astana-2023"))
    assert when.text == "20 March 2023, 10:00–11:30 Asia/Almaty (UTC+06:00)"
    assert join(when.utc) == "20 March 2023, 04:00–05:30 UTC"
    assert (when.start, when.end) == ("2023-03-20T10:00+06:00", "2023-03-20T11:30+06:00")
    assert "2023-03-20T04:00Z" in [p.datetime for p in when.utc]


def test_almaty_moved_from_utc_plus_6_to_plus_5_in_2024(small):
    when = event_when(small.event("timed-astana-2025"))
    assert when.text == "29 May 2025, 10:00 Asia/Almaty (UTC+05:00)"
    assert join(when.utc) == "29 May 2025, 05:00 UTC"


def test_a_series_keeps_its_wall_clock_time_across_dst(small):
    weekly = small.event("weekly-berlin")
    assert event_when(weekly).text == "25 March 2024, 09:00–10:00 Europe/Berlin (UTC+01:00)"
    assert event_when(weekly, dt.date(2024, 4, 15)).text == "15 April 2024, 09:00–10:00 Europe/Berlin (UTC+02:00)"
    assert join(event_when(weekly, dt.date(2024, 4, 15)).utc) == "15 April 2024, 07:00–08:00 UTC"


def test_occurrences_follow_the_rule_and_skip_excluded_dates(small):
    weekly = small.event("weekly-berlin")
    expected = (dt.date(2024, 3, 25), dt.date(2024, 4, 1), dt.date(2024, 4, 15))
    assert first_occurrences(weekly, 10) == expected
    assert occurrence_days(weekly, dt.date(2024, 4, 1), dt.date(2024, 4, 30)) == expected[1:]
    assert last_occurrence_day(weekly) == dt.date(2024, 4, 15)
    assert next_occurrence_day(weekly, dt.date(2024, 4, 2)) == dt.date(2024, 4, 15)
    assert next_occurrence_day(weekly, dt.date(2024, 4, 16)) is None
    assert recurrence_text(weekly) == "Repeats weekly, 4 times, except 8 April 2024"


def test_a_multi_day_event_touches_a_month_it_runs_into(small):
    forum = small.event("all-day-two-days")
    assert occurrence_days(forum, dt.date(2023, 6, 9), dt.date(2023, 6, 30)) == (dt.date(2023, 6, 8),)
    assert occurrence_days(forum, dt.date(2023, 6, 10), dt.date(2023, 6, 30)) == ()


def test_listing_puts_upcoming_first_then_past_newest_first_then_undated(small):
    result = listing(small.events, small, dt.date(2024, 4, 2))
    upcoming = [row.event.id for group in result.upcoming for row in group.rows]
    past = [row.event.id for group in result.past for row in group.rows]
    assert upcoming == ["weekly-berlin", "cancelled-forum", "timed-astana-2025"]
    assert past == ["all-day-two-days", "timed-astana-2023"]
    assert [row.event.id for row in result.undated] == ["month-only", "year-only"]
    assert [g.heading.text for g in result.upcoming] == ["April 2024", "June 2024", "May 2025"]
    # A running series is listed at its next occurrence.
    assert result.upcoming[0].rows[0].when.text.startswith("15 April 2024")
    assert result.count == len(small.events)


def test_an_event_running_today_is_upcoming_and_marked(small):
    result = listing(small.events, small, dt.date(2023, 6, 9))
    first = result.upcoming[0].rows[0]
    assert (first.event.id, first.happening) == ("all-day-two-days", True)


def test_nothing_upcoming_leaves_only_past_and_undated(bundled):
    result = listing(bundled.events, bundled, dt.date(2027, 12, 1))
    assert result.upcoming == ()
    assert result.past[0].rows[0].event.id == "expo-belgrade-2027-05"
    assert result.past[-1].rows[-1].event.id == "eu-kazakhstan-diplomatic-relations-1993"


def test_rows_carry_country_names_and_calendar(small):
    row = next(r for r in listing(small.events, small, dt.date(2024, 1, 1)).undated if r.event.id == "month-only")
    assert row.countries == ("United Kingdom", "Kazakhstan")
    assert row.calendar.slug == "visits"


def test_month_grid_starts_on_monday_and_marks_today_and_event_days(small):
    view = month_view(
        small.events, small, (2023, 6), dt.date(2023, 6, 9), month_range(small.events, dt.date(2023, 6, 9))
    )
    assert all(len(week) == 7 for week in view.weeks)
    assert view.weeks[0][0].day == dt.date(2023, 5, 29)
    assert not view.weeks[0][0].in_month
    days = {d.day: d for week in view.weeks for d in week}
    assert days[dt.date(2023, 6, 9)].is_today
    assert [r.event.id for r in days[dt.date(2023, 6, 8)].rows] == ["all-day-two-days"]
    assert [r.event.id for r in days[dt.date(2023, 6, 9)].rows] == ["all-day-two-days"]
    assert [r.event.id for r in view.agenda] == ["all-day-two-days"]
    assert (view.previous, view.following) == ((2023, 5), (2023, 7))


def test_month_range_spans_the_data_and_today(small):
    assert month_range(small.events, dt.date(2024, 1, 1)) == ((2022, 12), (2025, 5))
    assert month_range(small.events, dt.date(2026, 11, 27)) == ((2022, 12), (2026, 11))
    first, last = month_range(small.events, dt.date(2024, 1, 1))
    view = month_view(small.events, small, first, dt.date(2024, 1, 1), (first, last))
    assert view.previous is None
    assert [r.event.id for r in view.undated] == ["month-only"]
    assert month_view(small.events, small, last, dt.date(2024, 1, 1), (first, last)).following is None


def test_the_month_index_lists_every_covered_month_in_order(small):
    months = tuple(events_by_month(small.events, ((2022, 12), (2025, 5))))
    assert months == ((2022, 12), (2023, 3), (2023, 6), (2024, 3), (2024, 4), (2024, 6), (2025, 5))


@pytest.mark.parametrize("events_dir", [SMALL, BUNDLED_EVENTS], ids=["small", "bundled"])
def test_a_month_view_from_the_month_index_equals_one_from_every_event(events_dir):
    catalog = load_catalog(events_dir)
    today = dt.date(2026, 11, 30)
    bounds = month_range(catalog.events, today)
    index = events_by_month(catalog.events, bounds)
    month = bounds[0]
    while month <= bounds[1]:
        from_index = month_view(index.get(month, ()), catalog, month, today, bounds)
        assert from_index == month_view(catalog.events, catalog, month, today, bounds), month
        month = add_months(month, 1)
    assert list(index) == sorted(index)  # in order


def test_filters_list_calendars_and_countries_by_name(small):
    result = filters(small, Selection(frozenset({"forum"}), frozenset({"DE"})))
    assert [(o.value, o.selected) for o in result.calendars] == [("visits", False), ("forum", True)]
    assert [o.label for o in result.countries] == ["France", "Germany", "Kazakhstan", "United Kingdom"]
    assert result.summary == ("Forum", "Germany")
    assert result.args == {"category": ["forum"], "country": ["DE"]}


def test_today_is_the_pinned_date_else_the_clock_in_the_configured_zone():
    assert Config(today=dt.date(2023, 6, 8)).today_at(NOW) == dt.date(2023, 6, 8)
    assert Config().today_at(NOW) == dt.date(2026, 11, 28)
    assert Config(timezone="Europe/Brussels").today_at(NOW) == dt.date(2026, 11, 27)


def test_today_and_its_zone_are_read_from_the_environment_once():
    config = Config.from_env({"CALENDAR_SVC_TODAY": "2020-01-01", "CALENDAR_SVC_TIMEZONE": "Europe/Brussels"})
    assert (config.today, config.timezone) == (dt.date(2020, 1, 1), "Europe/Brussels")
    with pytest.raises(ValueError, match="CALENDAR_SVC_TODAY must be a date like 2026-11-27, not '27/11/2026'"):
        Config.from_env({"CALENDAR_SVC_TODAY": "27/11/2026"})
    with pytest.raises(
        ValueError, match="CALENDAR_SVC_TIMEZONE must be a time zone like Asia/Almaty, not 'Mars/Olympus'"
    ):
        Config.from_env({"CALENDAR_SVC_TIMEZONE": "Mars/Olympus"})


def test_google_link_for_an_all_day_event_has_an_exclusive_end(small):
    link = google_add_url(small.event("all-day-two-days"), "http://cal.test/events/all-day-two-days/")
    assert link.startswith("https://calendar.google.com/calendar/render?")
    params = query(link)
    assert params["action"] == "TEMPLATE"
    assert params["dates"] == "20230608/20230610"
    assert params["text"] == "Forum, day one; day two"
    assert params["location"] == "Astana"
    assert params["details"].endswith("http://cal.test/events/all-day-two-days/")


def test_google_link_for_a_timed_event_uses_local_times_and_the_zone(small):
    params = query(google_add_url(small.event("timed-astana-2023"), "http://cal.test/e/"))
    assert (params["dates"], params["ctz"]) == ("20230320T100000/20230320T113000", "Asia/Almaty")
    params = query(google_add_url(small.event("weekly-berlin"), "http://cal.test/e/"))
    assert params["recur"] == "RRULE:FREQ=WEEKLY;COUNT=4"


def test_outlook_links_use_dates_for_all_day_and_utc_for_timed(small):
    params = query(outlook_add_url(small.event("all-day-two-days"), "http://cal.test/e/"))
    assert (params["startdt"], params["enddt"], params["allday"]) == ("2023-06-08", "2023-06-10", "true")
    assert (params["path"], params["rru"]) == ("/calendar/action/compose", "addevent")
    links = add_links(small.event("timed-astana-2025"), "http://cal.test/e/", "en")
    params = query(links["outlook_work"])
    assert (params["startdt"], params["enddt"], params["allday"]) == (
        "2025-05-29T05:00:00Z",
        "2025-05-29T05:00:00Z",
        "false",
    )
    assert links["outlook"].startswith("https://outlook.live.com/calendar/0/action/compose?")
    assert links["outlook_work"].startswith("https://outlook.office.com/calendar/0/action/compose?")
    assert query(links["outlook_work"]) == query(links["outlook"])  # the same event, for a work or school account


def test_undated_events_have_no_add_links(small):
    for undated in ("month-only", "year-only"):
        assert add_links(small.event(undated), "http://cal.test/e/", "en") == dict(
            google="", outlook="", outlook_work=""
        )


def test_subscribe_links_encode_the_feed_url_whole():
    feed = "https://cal.example.org/calendar.ics?category=visits&country=DE"
    links = subscribe_links(feed, "Visits, talks; and more · Календарь")
    assert links.webcal == "webcal://cal.example.org/calendar.ics?category=visits&country=DE"
    assert query(links.google) == {"cid": feed}
    assert links.google.startswith("https://calendar.google.com/calendar/r?cid=https://cal.example.org/calendar.ics%3F")
    for link, host in ((links.outlook_personal, "outlook.live.com"), (links.outlook_work, "outlook.office.com")):
        parts = urlsplit(link)
        assert (parts.netloc, parts.path) == (host, "/calendar/0/addfromweb")
        assert query(link) == {"url": feed, "name": "Visits, talks; and more · Календарь"}


def test_json_ld_is_schema_org_event_and_cannot_end_its_script_element(small):
    event = small.event("all-day-two-days")
    document = event_document(event, small.site, "http://cal.test/events/all-day-two-days/")
    assert document["@type"] == "Event"
    assert (document["startDate"], document["endDate"]) == ("2023-06-08", "2023-06-09")
    assert document["eventStatus"] == "https://schema.org/EventScheduled"
    hostile = {"name": "</script><script>alert(1)</script> & <!--", "line": "\u2028"}
    text = script_text(hostile)
    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    assert "\u2028" not in text
    assert json.loads(text) == hostile


def test_cancelled_and_timed_events_in_json_ld(small):
    assert (
        event_document(small.event("cancelled-forum"), small.site, "u")["eventStatus"]
        == "https://schema.org/EventCancelled"
    )
    timed = event_document(small.event("timed-astana-2023"), small.site, "u")
    assert (timed["startDate"], timed["endDate"]) == ("2023-03-20T10:00:00+06:00", "2023-03-20T11:30:00+06:00")
    assert event_document(small.event("month-only"), small.site, "u")["startDate"] == "2022-12"
    assert "endDate" not in event_document(small.event("year-only"), small.site, "u")


@pytest.mark.parametrize(
    ("code", "name"),
    [("KZ", "Kazakhstan"), ("GB", "United Kingdom"), ("BO", "Bolivia"), ("TW", "Taiwan"), ("XK", "Kosovo")],
)
def test_country_names_prefer_common_names(code, name):
    assert country_name(code) == name


def test_template_helpers():
    assert duration_text(dt.timedelta(hours=12)) == "12 hours"
    assert duration_text(dt.timedelta(days=1, hours=6)) == "1 day and 6 hours"
    assert display_url("https://astanatimes.com/2023/06/forum/") == "astanatimes.com/2023/06/forum"
    assert colour_dot("#1f6feb").startswith("data:image/svg+xml,")
    assert "%231f6feb" in colour_dot("#1f6feb")
    assert [
        is_public_origin(o)
        for o in (
            "https://cal.example.org",
            "http://127.0.0.1:8000",
            "http://localhost:8000",
            "http://10.0.0.5",
            "http://cal.test",
            "http://intranet",
            "https://93.184.216.34",
        )
    ] == [True, False, False, False, False, False, True]


def test_precision_of_bundled_aif_2023(bundled):
    aif = bundled.event("aif-2023")
    assert aif.precision is Precision.DAY
    assert event_when(aif).text == "8\u2009–\u20099 June 2023"
