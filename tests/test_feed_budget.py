"""Every feed fits its size budget: the years nearest to this year stay, every other year has its own feed."""

from __future__ import annotations

import datetime as dt

import pytest
from benchmarks.generate import generate

from calendar_svc.catalog.loading import load_catalog
from calendar_svc.ical.feed import last_year
from calendar_svc.publish.memo import Memo
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


def test_a_feed_over_budget_keeps_the_years_nearest_this_year_in_one_run(rendition):
    assert len(rendition.full_feed.body) <= BUDGET
    kept = uids_by_icalendar(rendition.full_feed.body)
    site = rendition.catalog.site
    years = {e.uid_for(site): last_year(e) for e in rendition.catalog.dated_events}
    kept_years = {years[uid] for uid in kept if years[uid] is not None}
    assert THIS_YEAR in kept_years
    assert kept_years == set(range(min(kept_years), max(kept_years) + 1))  # one unbroken run
    all_years = {year for year in years.values() if year is not None}
    assert sorted(rendition.archives) == sorted(all_years - kept_years)
    assert min(rendition.archives) == 2015  # the synthetic history's first year


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


@pytest.mark.parametrize("budget", [10_000, 40_000, 120_000])
def test_at_any_budget_every_feed_fits_and_every_year_left_out_has_its_own_feed(large_catalog, budget):
    tiny = Rendition(large_catalog, "https://cal.test", feed_budget=budget, this_year=THIS_YEAR)
    site = large_catalog.site
    for body in [tiny.full_feed.body, *tiny.calendar_feeds.values()]:
        size = len(body) if isinstance(body, bytes) else len(body.body)
        assert size <= budget
    kept = uids_by_icalendar(tiny.full_feed.body)
    for event in large_catalog.dated_events:
        uid = event.uid_for(site)
        if uid not in kept:  # upcoming years too, when even they do not fit
            assert uid in uids_by_icalendar(tiny.archives[last_year(event)].resource.body)


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
    heading = page.find("h2", string="Other years")
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


def with_archives(rendition: Rendition) -> Rendition:
    """``rendition`` with every yearly archive put together, as subscribers asking for each would."""
    for archive in [
        *rendition.archives.values(),
        *(a for y in rendition.calendar_archives.values() for a in y.values()),
    ]:
        assert archive.resource.body
    return rendition


def feeds_of(rendition: Rendition) -> dict[str, object]:
    """Every subscribable feed of the rendition, archives included, by file name."""
    feeds = {"calendar.ics": rendition.full_feed, **{f"{s}.ics": f for s, f in rendition.calendar_feeds.items()}}
    feeds |= {f"calendar-{y}.ics": a.resource for y, a in rendition.archives.items()}
    for slug, years in rendition.calendar_archives.items():
        feeds |= {f"{slug}-{y}.ics": a.resource for y, a in years.items()}
    return feeds


def test_a_feed_within_its_budget_renders_the_blocks_of_the_years_it_weighs_and_archives_when_asked(tmp_path):
    generate(500, tmp_path / "events")
    catalog = load_catalog(tmp_path / "events")
    memo = Memo()
    rendition = Rendition(catalog, "https://cal.test", memo=memo, feed_budget=BUDGET, this_year=THIS_YEAR)
    assert memo.rendered == 0  # nothing is rendered before a feed needs it
    assert rendition.full_feed.body
    kept = len(rendition._full.kept)
    assert kept <= memo.rendered < len(catalog.dated_events)  # the kept years, and the first that did not fit
    for archive in rendition.archives.values():
        assert archive.resource.body
    assert memo.rendered == len(catalog.dated_events)
    every_block_first = Rendition(catalog, "https://cal.test", feed_budget=BUDGET, this_year=THIS_YEAR)
    assert all(every_block_first.feeds.blocks[e.id] for e in catalog.dated_events)
    assert every_block_first.full_feed.body == rendition.full_feed.body


@pytest.mark.parametrize("year", ["this year", "the first archived year"])
def test_after_an_edit_a_rendition_renders_only_the_edited_event_and_joins_the_feeds_a_fresh_one_would(tmp_path, year):
    directory = tmp_path / "events"
    generate(500, directory)
    memo = Memo()
    before = Rendition(load_catalog(directory), "https://cal.test", memo=memo, feed_budget=BUDGET, this_year=THIS_YEAR)
    made_before = feeds_of(before)
    wanted = THIS_YEAR if year == "this year" else min(before.archives)
    target = next(e for e in before.catalog.dated_events if last_year(e) == wanted)
    path = directory / target.path
    path.write_text(path.read_text(encoding="utf-8").replace('title = "', 'title = "Edited ', 1), encoding="utf-8")
    edited = load_catalog(directory)
    rendered_before = memo.rendered

    after = Rendition(edited, "https://cal.test", memo=memo, feed_budget=BUDGET, this_year=THIS_YEAR)
    made_after = feeds_of(after)

    assert memo.rendered - rendered_before == 1
    assert made_after.keys() == made_before.keys()
    fresh = Rendition(edited, "https://cal.test", feed_budget=BUDGET, this_year=THIS_YEAR)
    assert {name: feed.body for name, feed in feeds_of(after).items()} == {
        name: feed.body for name, feed in feeds_of(fresh).items()
    }  # the same bytes as a rendering from scratch, the edit included
    uid = target.uid_for(edited.site)
    holding_the_edit = {name for name, feed in feeds_of(after).items() if uid in uids_by_icalendar(feed.body)}
    assert len(holding_the_edit) == 2  # the full feed or one of its archives, and its calendar's
    assert all(b"Edited " in feeds_of(after)[name].body for name in holding_the_edit)
