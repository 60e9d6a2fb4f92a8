"""Embeddable lists: what other sites may frame, what they show, and everything else stays unframeable."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from calendar_svc import create_app
from calendar_svc.config import Config

from .conftest import BUNDLED_EVENTS

BASE = "http://cal.test"
EMBEDS = [
    "/embed/", "/kk/embed/", "/ru/embed/", "/embed/calendars/visits/", "/kk/embed/countries/de/",
    "/ru/embed/people/antonio-tajani/",
]  # fmt: skip


@pytest.fixture(scope="module")
def client():
    return create_app(Config(events_dir=BUNDLED_EVENTS, base_url=BASE)).test_client()


def soup(response) -> BeautifulSoup:
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    return BeautifulSoup(response.get_data(as_text=True), "html5lib")


@pytest.mark.parametrize("path", EMBEDS)
def test_an_embeddable_list_may_be_framed_by_any_site_by_default(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "frame-ancestors *;" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers


@pytest.mark.parametrize("path", ["/", "/kk/events/aif-2023/", "/subscribe/", "/people/", "/calendar.ics"])
def test_every_other_page_refuses_to_be_framed(client, path):
    response = client.get(path)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_setting_names_who_may_frame_the_lists():
    app = create_app(
        Config(events_dir=BUNDLED_EVENTS, frame_ancestors="https://embassy.example https://*.news.example")
    )
    policy = app.test_client().get("/embed/").headers["Content-Security-Policy"]
    assert "frame-ancestors https://embassy.example https://*.news.example;" in policy


@pytest.mark.parametrize("value", ["x; script-src *", "https://a.example,https://b.example", ""])
def test_a_setting_that_could_break_the_policy_is_refused(value):
    with pytest.raises(ValueError, match="CALENDAR_SVC_FRAME_ANCESTORS"):
        Config(frame_ancestors=value)


def test_a_list_shows_upcoming_then_recent_events_each_opening_our_page_outside_the_frame(client):
    page = soup(client.get("/embed/countries/rs/"))
    headings = [h.get_text() for h in page.find_all("h2")]
    assert headings == ["Upcoming events", "Most recent events"]
    links = page.select("li a")
    assert links[0]["href"] == f"{BASE}/events/expo-belgrade-2027-05/"
    assert all(a["target"] == "_blank" and "noopener" in a["rel"] for a in page.find_all("a"))
    assert "Tentative" in links[0].find_parent("li").get_text()
    assert not page.find_all("script")
    assert [link["href"] for link in page.find_all("link", rel="stylesheet")] == ["/static/embed.css"]


def test_a_persons_list_in_kazakh_names_them_and_lists_only_their_events(client):
    page = soup(client.get("/kk/embed/people/antonio-tajani/"))
    assert page.find("html")["lang"] == "kk"
    assert page.h1.get_text() == "Антонио Таяни"
    people = {p["id"]: p for p in client.get("/api/people.json").get_json()["people"]}
    shown = {a["href"].rsplit("/", 2)[-2] for a in page.select("li a")}
    assert shown == set(people["antonio-tajani"]["events"])


@pytest.mark.parametrize("path", ["/embed/calendars/nope/", "/embed/countries/zz/", "/kk/embed/people/nobody/"])
def test_an_unknown_list_is_a_404(client, path):
    assert client.get(path).status_code == 404


def test_the_subscribe_page_gives_iframe_code_to_copy_for_each_list(client):
    page = soup(client.get("/ru/subscribe/"))
    codes = [field["value"] for field in page.select("#embed ~ .copy-field input")]
    assert len(codes) == 1 + len(client.get("/api/calendars.json").get_json()["calendars"])
    frame = BeautifulSoup(codes[0], "html.parser").iframe
    assert frame["src"] == f"{BASE}/ru/embed/"
    assert frame["title"]
    assert BeautifulSoup(codes[1], "html.parser").iframe["src"].startswith(f"{BASE}/ru/embed/calendars/")
