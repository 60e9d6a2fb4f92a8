"""Every feed fits its size budget: old years move to archive feeds, nothing is lost."""

from __future__ import annotations

import datetime as dt

import pytest
from benchmarks.generate import generate

from calendar_svc.catalog.loading import load_catalog
from calendar_svc.publish.rendition import Rendition

from .conftest import BUNDLED_EVENTS
from .ical_checks import uids_by_icalendar

BUDGET = 250_000
THIS_YEAR = 2026


@pytest.fixture(scope="module")
def large_catalog(tmp_path_factory):
    directory = tmp_path_factory.mktemp("large") / "events"
    generate(500, directory)
    return load_catalog(directory)


@pytest.fixture(scope="module")
def rendition(large_catalog):
    return Rendition(large_catalog, "https://cal.test", feed_budget=BUDGET, this_year=THIS_YEAR)


def test_a_feed_over_budget_keeps_its_newest_years_and_archives_the_oldest(rendition):
    assert len(rendition.full_feed.body) <= BUDGET
    archived = sorted(rendition.archives)
    assert archived[:1] == [2015]  # the synthetic history's first year
    assert archived == list(range(2015, archived[-1] + 1))  # and the years after it, with no gap
    kept = uids_by_icalendar(rendition.full_feed.body)
    site = rendition.catalog.site
    # Recurring events stay while any occurrence is after the archived years.
    kept_years = {e.first_day.year for e in rendition.catalog.dated_events if e.uid_for(site) in kept and not e.rrule}
    assert max(rendition.archives) < min(kept_years)


def test_every_calendar_feed_fits_its_budget(rendition):
    for slug, feed in rendition.calendar_feeds.items():
        assert len(feed.body) <= BUDGET, slug


def test_the_feed_and_its_archives_hold_every_event_exactly_once(rendition):
    site = rendition.catalog.site
    everything = {e.uid_for(site) for e in rendition.catalog.dated_events}
    parts = [uids_by_icalendar(rendition.full_feed.body)]
    parts += [uids_by_icalendar(a.resource.body) for a in rendition.archives.values()]
    assert set().union(*parts) == everything
    assert sum(len(p) for p in parts) == len(everything)
    for year, archive in rendition.archives.items():
        assert archive.count == len(uids_by_icalendar(archive.resource.body))
        assert b"X-WR-CALNAME;LANGUAGE=en:Synthetic benchmark calendar (%d)" % year in archive.resource.body


def test_upcoming_events_are_never_moved_to_an_archive(large_catalog):
    tiny = Rendition(large_catalog, "https://cal.test", feed_budget=10_000, this_year=THIS_YEAR)
    kept = uids_by_icalendar(tiny.full_feed.body)
    upcoming = {e.uid_for(large_catalog.site) for e in large_catalog.dated_events if e.first_day.year >= THIS_YEAR}
    assert len(upcoming) == 145  # the synthetic events of 2026 to 2029
    assert upcoming <= kept
    assert max(tiny.archives) < THIS_YEAR


def test_calendars_json_lists_the_archives_with_working_urls(rendition):
    import json

    document = json.loads(rendition.calendars_json.body)
    full = document["all"]
    assert [a["year"] for a in full["archives"]] == sorted(rendition.archives)
    assert full["archives"][0]["url"] == f"https://cal.test/calendar/{full['archives'][0]['year']}.ics"
    assert full["count"] == len(uids_by_icalendar(rendition.full_feed.body))
    visits = next(c for c in document["calendars"] if c["slug"] == "visits")
    assert [a["year"] for a in visits["archives"]] == sorted(rendition.calendar_archives["visits"])


def test_filtered_feeds_never_hold_archived_events(rendition):
    from calendar_svc.publish.selection import Selection

    filtered = uids_by_icalendar(rendition.feed(Selection(countries=frozenset({"KZ"}))).body)
    assert filtered <= uids_by_icalendar(rendition.full_feed.body)


def test_the_bundled_data_is_far_below_the_default_budget_and_unaffected():
    rendition = Rendition(load_catalog(BUNDLED_EVENTS), "https://cal.test", this_year=THIS_YEAR)
    assert rendition.archives == {}
    assert all(archives == {} for archives in rendition.calendar_archives.values())
    assert len(uids_by_icalendar(rendition.full_feed.body)) == len(rendition.catalog.dated_events)


def test_the_subscribe_page_lists_the_archives_with_working_links(large_catalog, tmp_path):
    from bs4 import BeautifulSoup

    from calendar_svc import create_app
    from calendar_svc.config import Config

    config = Config(
        events_dir=tmp_path, base_url="https://cal.test", feed_budget=BUDGET, today=dt.date(THIS_YEAR, 11, 27)
    )
    app = create_app(config, catalog=large_catalog)
    client = app.test_client()
    page = BeautifulSoup(client.get("/subscribe/").data, "html.parser")
    heading = page.find("h2", string="Archives of past years")
    assert heading is not None
    links = [a["href"] for a in heading.find_next("ul").find_all("a")]
    assert "https://cal.test/calendar/2015.ics" in links
    for href in links:
        assert client.get(href.removeprefix("https://cal.test")).status_code == 200


def test_the_budget_comes_from_the_environment_and_is_checked():
    from calendar_svc.config import Config

    assert Config.from_env({"CALENDAR_SVC_FEED_BUDGET": "250000"}).feed_budget == 250_000
    assert Config.from_env({}).feed_budget == 1_000_000
    with pytest.raises(ValueError, match="CALENDAR_SVC_FEED_BUDGET"):
        Config.from_env({"CALENDAR_SVC_FEED_BUDGET": "1MB"})
