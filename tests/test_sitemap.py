"""The sitemap: every page in every language, with its twins, as search engines read it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from calendar_svc import create_app
from calendar_svc.config import Config

from .conftest import BUNDLED_EVENTS

BASE = "https://cal.example.org"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(scope="module")
def client():
    return create_app(Config(events_dir=BUNDLED_EVENTS, base_url=BASE)).test_client()


@pytest.fixture(scope="module")
def entries(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    return ET.fromstring(response.data).findall("s:url", NS)


def test_every_event_person_and_calendar_page_is_listed_in_each_language(client, entries):
    listed = {entry.find("s:loc", NS).text for entry in entries}
    events = client.get("/api/events.json").get_json()["events"]
    people = client.get("/api/people.json").get_json()["people"]
    for prefix in ("", "/kk", "/ru"):
        assert {f"{BASE}{prefix}/events/{e['id']}/" for e in events} <= listed
        assert {f"{BASE}{prefix}/people/{p['id']}/" for p in people} <= listed
        assert {f"{BASE}{prefix}/", f"{BASE}{prefix}/people/", f"{BASE}{prefix}/calendars/visits/"} <= listed


def test_each_listed_page_answers_and_names_its_twins_in_the_other_languages(client, entries):
    for entry in entries[::25]:
        loc = entry.find("s:loc", NS).text
        assert client.get(loc.removeprefix(BASE)).status_code == 200, loc
        twins = {link.get("hreflang"): link.get("href") for link in entry.findall("x:link", NS)}
        assert set(twins) == {"en", "kk", "ru"}
        assert loc in twins.values()


def test_robots_txt_names_the_sitemap(client):
    assert f"Sitemap: {BASE}/sitemap.xml" in client.get("/robots.txt").get_data(as_text=True)


def test_event_pages_carry_the_day_they_last_changed(client, entries):
    event = next(e for e in client.get("/api/events.json").get_json()["events"] if e["id"] == "aif-2023")
    [entry] = [e for e in entries if e.find("s:loc", NS).text == f"{BASE}/events/aif-2023/"]
    assert entry.find("s:lastmod", NS).text == event["updated"][:10]
