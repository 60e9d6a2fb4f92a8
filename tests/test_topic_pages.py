"""Filters as paths: every calendar and every country has a page and a feed of its own, in every language,
so a static copy of the site needs no query string."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from calendar_svc import create_app
from calendar_svc.config import Config
from calendar_svc.errors import ExportError
from calendar_svc.export import export_site

from .conftest import BUNDLED_EVENTS, SMALL
from .html_checks import page_at as soup
from .ical_checks import parse_with_icalendar, parse_with_vobject, unfolded_lines

BASE = "http://cal.test"
TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def client():
    return create_app(Config(events_dir=BUNDLED_EVENTS, base_url=BASE, today=TODAY)).test_client()


def titles(page: BeautifulSoup) -> set[str]:
    return {" ".join(a.get_text().split()) for a in page.select("li.event .event-title a")}


@pytest.mark.parametrize("prefix", ["", "/kk", "/ru"])
def test_a_calendars_page_lists_its_events_and_offers_its_own_feed(client, prefix):
    page = soup(client, f"{prefix}/calendars/election/")
    feed = [link["href"] for link in page.find_all("link", rel="alternate", type="text/calendar")]
    assert feed == [f"{BASE}{prefix}/calendars/election.ics"]
    with client.get(f"{prefix}/calendars/election.ics") as response:
        in_feed = len(parse_with_icalendar(response.data).walk("VEVENT"))
    days = [time["datetime"] for time in page.select("li.event .event-date time:first-child")]
    assert len([day for day in days if len(day) == 10]) == in_feed == 12  # rows with a day; others show a month


def test_a_countrys_page_and_feed_hold_exactly_the_events_involving_it(client):
    page = soup(client, "/countries/de/")
    assert page.h1.get_text() == "Germany"
    with client.get("/countries/de.ics") as response:
        assert response.headers["Content-Disposition"] == 'inline; filename="de.ics"'
        body = response.data
    calendar = parse_with_icalendar(body)
    expected = {e["id"] for e in client.get("/api/events.json?country=DE").json["events"] if e["ics_url"]}
    assert {str(e["UID"]).split("@")[0] for e in calendar.walk("VEVENT")} == expected
    assert f"SOURCE;VALUE=URI:{BASE}/countries/de.ics" in unfolded_lines(body)
    assert len(parse_with_vobject(body).vevent_list) == len(expected)


def test_country_pages_speak_each_language(client):
    assert soup(client, "/kk/countries/de/").h1.get_text() == "Германия"
    assert soup(client, "/ru/countries/kz/").h1.get_text() == "Казахстан"


@pytest.mark.parametrize("url", ["/countries/DE/", "/countries/zz/", "/countries/de.ics?x=1", "/calendars/nope/",
                                 "/countries/zz.ics", "/calendars/visits/?category=forum"])  # fmt: skip
def test_unknown_calendars_and_countries_and_any_query_are_refused(client, url):
    with client.get(url) as response:
        assert response.status_code in (400, 404), url


def test_event_pages_link_their_calendar_and_countries_by_path(client):
    page = soup(client, "/events/steinmeier-state-visit-2023-06/")
    hrefs = [a["href"] for a in page.select("nav.breadcrumbs a, dl.facts a")]
    assert "/calendars/visits/" in hrefs
    assert {"/countries/kz/", "/countries/de/"} <= set(hrefs)
    assert not any("?" in href for href in hrefs if href.startswith("/"))


def test_every_list_page_links_each_calendar_and_country_page(client):
    page = soup(client, "/ru/")
    links = [a["href"] for a in page.select("nav.browse a")]
    assert "/ru/calendars/multilateral/" in links
    assert "/ru/countries/de/" in links


def test_calendars_json_lists_the_country_feeds(client):
    document = client.get("/api/calendars.json").json
    germany = next(c for c in document["countries"] if c["code"] == "DE")
    assert germany["url"] == f"{BASE}/countries/de.ics"
    assert germany["page_url"] == f"{BASE}/countries/de/"
    with client.get("/countries/de.ics") as response:
        assert germany["count"] == len(parse_with_icalendar(response.data).walk("VEVENT"))
    assert document["calendars"][0]["page_url"] == f"{BASE}/calendars/visits/"


def test_the_exported_site_has_no_internal_link_with_a_query_string(tmp_path):
    result = export_site(Config(events_dir=BUNDLED_EVENTS, base_url=BASE), tmp_path / "site", TODAY)
    paths = {f.path for f in result.files}
    assert {"calendars/visits/index.html", "countries/de/index.html", "countries/de.ics",
            "kk/countries/kz/index.html", "ru/calendars/election/index.html"} <= paths  # fmt: skip
    for exported in result.files:
        if exported.path.endswith(".html"):
            page = BeautifulSoup((tmp_path / "site" / exported.path).read_text(encoding="utf-8"), "html.parser")
            for element in page.find_all(href=True):
                href = element["href"]
                if href.startswith("/") or href.startswith(BASE):
                    assert "?" not in href, (exported.path, href)


def test_the_build_fails_on_an_internal_link_with_a_query_string(tmp_path, monkeypatch):
    from calendar_svc.export import build

    app_dir = tmp_path / "site"
    original = build.iter_pages

    def pages_with_a_query_link(app, base_url, seeds, crawl):
        crawl.query_links.add("/?sort=date")
        yield from original(app, base_url, seeds, crawl)

    monkeypatch.setattr(build, "iter_pages", pages_with_a_query_link)
    with pytest.raises(ExportError) as raised:
        export_site(Config(events_dir=SMALL, base_url=BASE), app_dir, TODAY)
    assert raised.value.lines == ["/?sort=date: an internal link with a query string, which a static host would ignore"]
    assert not app_dir.exists()
