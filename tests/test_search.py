"""Search on the live service: folding, matching, ranking, the results page, the JSON API and bad input.

The folding cases come from tests/data/search-folding.json, which also drives the test of the
static site's script in Chromium (tests/test_browser.py), so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from bs4 import BeautifulSoup

from calendar_svc import create_app
from calendar_svc.catalog.search import fold, marked, query_words, shard_key, words
from calendar_svc.config import Config
from calendar_svc.web.search_pages import RESULTS_SHOWN

from .conftest import BUNDLED_EVENTS, DATA

TABLE = json.loads((DATA / "search-folding.json").read_text(encoding="utf-8"))
TODAY = dt.date(2026, 12, 6)


@pytest.fixture(scope="module")
def bundled():
    """The bundled events, on 6 December 2026."""
    return create_app(Config(events_dir=BUNDLED_EVENTS, base_url="http://cal.test", today=TODAY)).test_client()


def parse(response) -> BeautifulSoup:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    return BeautifulSoup(response.get_data(as_text=True), "html5lib")


def result_ids(soup: BeautifulSoup) -> list[str]:
    return [a["href"].rstrip("/").rsplit("/", 1)[-1] for a in soup.select("ol.search-results .event-title a")]


def found(client, query: str, lang: str = "en") -> list[str]:
    """The ids the JSON API finds for ``query`` in ``lang``."""
    response = client.get("/api/search.json", query_string={"q": query, "lang": lang})
    assert response.status_code == 200
    return [result["id"] for result in response.json["results"]]


@pytest.mark.parametrize(("text", "folded"), TABLE["folding"])
def test_text_folds_as_the_shared_table_says(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(("text", "expected"), TABLE["words"])
def test_text_is_cut_into_words_as_the_shared_table_says(text, expected):
    assert words(text) == expected


@pytest.mark.parametrize(("query", "expected"), TABLE["query_words"])
def test_a_query_keeps_each_folded_word_once(query, expected):
    assert list(query_words(query)) == expected


@pytest.mark.parametrize(("text", "sought", "expected"), TABLE["marked"])
def test_the_words_a_query_matches_are_marked_whole(text, sought, expected):
    assert [list(piece) for piece in marked(text, sought)] == expected


@pytest.mark.parametrize(("word", "key"), TABLE["shard_keys"])
def test_each_word_lives_in_the_index_part_of_its_first_letter(word, key):
    assert shard_key(word) == key


def test_a_russian_keyboard_finds_tokayev_written_in_kazakh(bundled):
    soup = parse(bundled.get("/kk/search/", query_string={"q": "токаев"}))
    titles = [a.get_text() for a in soup.select("ol.search-results .event-title a")]
    assert titles
    assert all("Тоқаев" in title for title in titles[:3])
    assert "Тоқаев" in [mark.get_text() for mark in soup.select("ol.search-results mark")]


def test_orban_without_the_accent_finds_orban_in_english_and_through_the_english_name_in_kazakh(bundled):
    assert "orban-astana-2023-11" in found(bundled, "orban")
    assert "orban-astana-2023-11" in found(bundled, "orban", "kk")  # the people's English names count too
    assert "orban-astana-2023-11" in found(bundled, "орбан", "kk")  # and their Kazakh ones


def test_a_word_matches_as_the_beginning_of_a_word_only(bundled):
    assert "orban-astana-2023-11" in found(bundled, "orb")
    assert "orban-astana-2023-11" not in found(bundled, "rban")


def test_every_word_must_match_in_any_order(bundled):
    both = found(bundled, "orban budapest")
    assert both == found(bundled, "budapest orban")
    assert set(both) == set(found(bundled, "orban")) & set(found(bundled, "budapest"))
    assert "orban-astana-2023-11" not in both  # Astana, not Budapest
    assert found(bundled, "orban zzzzzz") == []


def test_a_country_name_in_the_pages_language_finds_the_events_involving_it(bundled):
    involving = {e["id"] for e in bundled.get("/api/events.json?country=HU").json["events"]}
    assert "orban-astana-2023-11" in involving
    assert involving <= set(found(bundled, "венгрия", "ru"))
    assert involving <= set(found(bundled, "hungary"))
    assert involving <= set(found(bundled, "венгрия", "kk"))


def test_a_calendar_name_finds_its_events(bundled, tmp_path):
    api = bundled.get("/api/events.json").json["events"]
    forum = {event["id"] for event in api if event["category"] == "forum"}
    calendar = bundled.get("/api/calendars.json").json["calendars"]
    name = next(c["name"] for c in calendar if c["slug"] == "forum")
    assert forum
    assert forum <= set(found(bundled, name))


@pytest.fixture
def ranked(events_dir, write_event):
    """Four events about a forum, on either side of 1 June 2030, two with the word in the title."""
    write_event("far-future", title="Steppe forum", category="forum", start=dt.date(2030, 9, 1))
    write_event("near-future", title="Talks", category="visits", start=dt.date(2030, 6, 10), description="Steppe talk")
    write_event("near-past", title="Steppe summit", category="visits", start=dt.date(2030, 5, 1))
    write_event("far-past", title="Meeting", category="visits", start=dt.date(2029, 1, 1), location="Steppe hall")
    app = create_app(Config(events_dir=events_dir, base_url="http://cal.test", today=dt.date(2030, 6, 1)))
    return app.test_client()


def test_title_matches_come_first_then_upcoming_soonest_then_past_newest(ranked):
    expected = ["far-future", "near-past", "near-future", "far-past"]
    assert found(ranked, "steppe") == expected
    assert result_ids(parse(ranked.get("/search/", query_string={"q": "STEPPE"}))) == expected


def test_a_result_shows_its_date_in_the_language_its_calendar_and_its_status(bundled):
    soup = parse(bundled.get("/ru/search/", query_string={"q": "орбан"}))
    first = soup.select_one("ol.search-results li")
    assert first.select_one(".event-date time")["datetime"] == "2025-05-20"
    assert "мая" in first.select_one(".event-date").get_text()
    assert first.select_one(".calendar-name").get_text().strip()
    small = create_app(Config(events_dir=DATA / "small", today=TODAY)).test_client()
    cancelled = parse(small.get("/search/", query_string={"q": "forum"}))
    assert "Cancelled" in [badge.get_text() for badge in cancelled.select("ol.search-results .badge")]


def test_no_results_are_said_in_the_language_with_links_to_people_and_countries(bundled):
    soup = parse(bundled.get("/kk/search/", query_string={"q": "zzzzzz"}))
    none = soup.select_one(".search-none")
    assert "Сұрауыңызға сәйкес іс-шара табылмады" in none.get_text()
    links = [a["href"] for a in none.select("a")]
    assert "/kk/people/" in links
    assert "/kk/countries/hu/" in links


def test_an_empty_query_shows_the_form_and_no_results(bundled):
    for query in ({}, {"q": ""}, {"q": "   "}):
        soup = parse(bundled.get("/search/", query_string=query))
        assert soup.select_one("main form.search-form input[name=q]") is not None
        assert not soup.select("ol.search-results")
        assert not soup.select(".search-none")


def test_a_query_over_200_characters_is_cut_and_the_page_says_so(bundled):
    query = "токаев " + "x" * 300
    soup = parse(bundled.get("/kk/search/", query_string={"q": query}))
    assert soup.select_one("#search-query")["value"] == query[:200]
    assert "200" in soup.select_one(".search-results-area .notice").get_text()
    assert bundled.get("/api/search.json", query_string={"q": query}).json["query"] == query[:200]


@pytest.mark.parametrize("query", ["a\x00b", "line\nbreak", "tab\there", "\x7f"])
def test_a_control_character_is_a_400_in_the_pages_language(bundled, query):
    response = bundled.get("/ru/search/", query_string={"q": query})
    assert response.status_code == 400
    assert "управляющие символы" in response.get_data(as_text=True)
    assert bundled.get("/api/search.json", query_string={"q": query}).status_code == 400


def test_markup_in_a_query_is_shown_as_text(bundled):
    query = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    response = bundled.get("/search/", query_string={"q": query})
    body = response.get_data(as_text=True)
    assert "<script>alert(1)" not in body
    assert "<img src=x" not in body
    soup = parse(response)
    assert soup.select_one("#search-query")["value"] == query
    assert not soup.select("main script")
    assert not soup.select("main img")


def test_the_json_api_gives_query_language_and_results_with_links(bundled):
    response = bundled.get("/api/search.json", query_string={"q": "Тоқаев орбан", "lang": "kk"})
    assert response.status_code == 200
    assert response.content_type == "application/json"
    document = response.json
    assert list(document) == ["query", "lang", "results"]
    assert (document["query"], document["lang"]) == ("Тоқаев орбан", "kk")
    first = document["results"][0]
    assert list(first) == ["id", "title", "start", "url", "ics_url"]
    assert first["url"] == f"http://cal.test/kk/events/{first['id']}/"
    assert first["ics_url"] == f"http://cal.test/kk/events/{first['id']}.ics"
    assert "Тоқаев" in first["title"]


def test_the_json_api_and_the_page_find_the_same_events_in_the_same_order(bundled):
    for lang, prefix in (("en", ""), ("kk", "/kk"), ("ru", "/ru")):
        page = result_ids(parse(bundled.get(f"{prefix}/search/", query_string={"q": "astana"})))
        assert page == found(bundled, "astana", lang)[:RESULTS_SHOWN]


@pytest.mark.parametrize("query", [{"q": "x", "lang": "de"}, {"q": "x", "lang": ""}, {"q": "x", "extra": "1"}])
def test_an_unknown_language_or_parameter_is_a_400_in_json(bundled, query):
    response = bundled.get("/api/search.json", query_string=query)
    assert response.status_code == 400
    assert set(response.json["error"]) == {"status", "title", "message"}


@pytest.mark.parametrize("path", ["/", "/kk/people/", "/ru/calendar/2026/12/", "/kk/no-such-page/"])
def test_every_page_has_a_search_box_sending_its_own_language(bundled, path):
    response = bundled.get(path)
    soup = BeautifulSoup(response.get_data(as_text=True), "html5lib")
    form = soup.select_one("header form.site-search")
    prefix = "/kk" if path.startswith("/kk") else "/ru" if path.startswith("/ru") else ""
    assert (form["action"], form["method"]) == (f"{prefix}/search/", "get")
    assert form.select_one("input[type=search]")["name"] == "q"
    label = soup.select_one(f"label[for={form.select_one('input')['id']}]")
    assert label is not None
    assert label.get_text().strip()


def test_the_same_search_gives_the_same_bytes(bundled):
    first = bundled.get("/kk/search/", query_string={"q": "астана"}).data
    assert bundled.get("/kk/search/", query_string={"q": "астана"}).data == first
