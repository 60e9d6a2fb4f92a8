"""Kazakh, Russian and English: every page and feed in each, text marked with the language it is in."""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from calendar_svc import create_app
from calendar_svc.catalog.countries import country_name, sort_key
from calendar_svc.catalog.languages import LANGUAGES, TRANSLATIONS
from calendar_svc.config import Config
from calendar_svc.i18n import catalog_path
from calendar_svc.web.when import date_range, join, month_text

from .conftest import BUNDLED_EVENTS, ROOT
from .html_checks import page_at as page
from .ical_checks import parse_with_icalendar, parse_with_vobject, unfolded_lines

BASE = "http://cal.test"
TODAY = dt.date(2026, 11, 27)
PAGES = [
    "/",
    "/calendar/2023/06/",
    "/events/aif-2023/",
    "/subscribe/",
    "/changes/",
    "/events/tileuberdi-london-2022-12/",
]


@pytest.fixture(scope="module")
def client():
    return create_app(Config(events_dir=BUNDLED_EVENTS, base_url=BASE, today=TODAY)).test_client()


def feed(client, url: str):
    with client.get(url) as response:
        assert response.status_code == 200, url
        assert response.content_type == "text/calendar; charset=utf-8"
        return response.data


# Interface text ------------------------------------------------------------------------


def extracted_messages() -> set[str]:
    """Every interface string the code and templates use (what `make translations` extracts)."""
    found = extract_from_dir(
        ROOT / "src",
        method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")],
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords={"_": None, "gettext": None, "ngettext": (1, 2), "translate": (2,), "translate_plural": (2, 3)},
    )
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_every_interface_string_has_a_translation(lang):
    with catalog_path(lang).open("rb") as file:
        catalog = read_po(file, locale=lang)
    translated = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalog
        if message.id
        and not message.fuzzy
        and all(message.string if isinstance(message.string, tuple) else [message.string])
    }
    used = extracted_messages()
    assert len(used) > 120
    assert sorted(used - translated) == []
    assert all(not message.check(catalog) for message in catalog if message.id)


def test_pages_in_kazakh_and_russian_use_no_english_interface_text(client):
    english = page(client, "/subscribe/")
    for lang in TRANSLATIONS:
        translated = page(client, f"/{lang}/subscribe/")
        assert translated.h1.get_text() != english.h1.get_text()
        for phrase in ("Subscribe in Apple Calendar", "Calendar address", "Other apps", "Skip to content"):
            assert phrase not in translated.get_text(), (lang, phrase)


# Pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("url", PAGES)
def test_every_page_says_its_language_and_links_the_other_two(client, lang, url):
    prefix = "" if lang == "en" else f"/{lang}"
    document = page(client, prefix + url)
    assert document.html["lang"] == lang
    alternates = {link["hreflang"]: link["href"] for link in document.find_all("link", rel="alternate", hreflang=True)}
    assert alternates == {
        "en": BASE + url, "kk": f"{BASE}/kk{url}", "ru": f"{BASE}/ru{url}", "x-default": BASE + url,
    }  # fmt: skip
    switcher = document.select_one("nav.languages")
    links = {a["hreflang"]: a["href"] for a in switcher.find_all("a")}
    assert set(links) == set(LANGUAGES) - {lang}
    assert switcher.select_one("[aria-current=page]")["lang"] == lang


def test_the_language_switcher_keeps_the_filter_and_the_month(client):
    document = page(client, "/kk/calendar/2023/06/?category=visits&country=DE")
    links = {a["hreflang"]: a["href"] for a in document.select("nav.languages a")}
    assert links == {
        "en": "/calendar/2023/06/?category=visits&country=DE",
        "ru": "/ru/calendar/2023/06/?category=visits&country=DE",
    }


def test_the_forum_of_2023_reads_in_each_languages_own_convention(client):
    when = {lang: " ".join(page(client, f"/{lang}/events/aif-2023/").select_one(".when-local").get_text().split())
            for lang in TRANSLATIONS}  # fmt: skip
    assert when["kk"].startswith("2023 ж. 8–9 маусым")
    assert when["ru"].startswith("8—9 июня 2023 г.")
    title = {lang: page(client, f"/{lang}/events/aif-2023/").h1.get_text() for lang in TRANSLATIONS}
    assert title == {"kk": "Астана халықаралық форумы 2023", "ru": "Международный форум Астана 2023"}


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "December 2022"), ("kk", "2022\u202fж. желтоқсан"), ("ru", "декабрь 2022\u202fг.")],  # CLDR's narrow spaces
)
def test_a_month_only_event_reads_as_the_month_in_each_language(lang, expected):
    assert month_text(2022, 12, lang) == expected


def test_ranges_across_months_follow_cldr_in_each_language():
    first, last = dt.date(2022, 11, 30), dt.date(2022, 12, 2)
    assert join(date_range(first, last, "ru")) == "30 ноября — 2 декабря 2022\u202fг."
    assert join(date_range(first, last, "kk")) == "2022\u202fж. 30 қараша – 2 желтоқсан"


def test_countries_are_named_and_sorted_in_each_languages_alphabet(client):
    assert [country_name(code, "kk") for code in ("KZ", "GB", "AT")] == ["Қазақстан", "Ұлыбритания", "Австрия"]
    kazakh = [option.get_text() for option in page(client, "/kk/").select("#filter-country option")[1:]]
    assert kazakh == sorted(kazakh, key=lambda name: sort_key(name, "kk"))
    assert kazakh.index("Кипр") < kazakh.index("Қазақстан") < kazakh.index("Литва")  # Қ after К, before Л
    assert kazakh.index("Солтүстік Македония") < kazakh.index("Ұлыбритания") < kazakh.index("Франция")  # Ұ after У
    russian = [option.get_text() for option in page(client, "/ru/").select("#filter-country option")[1:]]
    assert russian.index("Великобритания") < russian.index("Германия") < russian.index("Казахстан")


def test_sorting_kazakh_is_not_code_point_order():
    names = ["Ұлыбритания", "Украина", "Қазақстан", "Кипр", "Ыстық", "Іле"]
    assert sorted(names, key=lambda name: sort_key(name, "kk")) == [
        "Кипр", "Қазақстан", "Украина", "Ұлыбритания", "Ыстық", "Іле",
    ]  # fmt: skip


def test_a_description_that_falls_back_to_english_is_marked_and_says_so(tmp_path):
    import shutil

    events = tmp_path / "events"
    shutil.copytree(BUNDLED_EVENTS, events)
    path = events / "2023" / "aif-2023.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"\n\[ru\]\n(?:.*\n)*", "\n", text), encoding="utf-8")  # no Russian at all
    client = create_app(Config(events_dir=events, base_url=BASE, today=TODAY)).test_client()
    document = page(client, "/ru/events/aif-2023/")
    assert document.h1.find(lang="en").get_text() == "Astana International Forum 2023"
    assert document.select_one("p.description")["lang"] == "en"
    assert document.select_one("p.in-english").get_text() == "Описание приводится на английском языке."
    lines = unfolded_lines(feed(client, "/ru/events/aif-2023.ics"))
    assert "SUMMARY;LANGUAGE=en:Astana International Forum 2023" in lines
    assert any(line.startswith("DESCRIPTION;LANGUAGE=en:") for line in lines)
    assert "CATEGORIES;LANGUAGE=ru:Международный форум Астана" in lines


def test_error_pages_speak_the_language_of_the_path(client):
    with client.get("/kk/events/no-such-event/") as response:
        assert response.status_code == 404
        document = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert document.html["lang"] == "kk"
    assert document.h1.get_text() == "Табылмады"
    with client.get("/ru/no/such/page") as response:
        assert response.status_code == 404
        assert BeautifulSoup(response.get_data(as_text=True), "html.parser").html["lang"] == "ru"


def test_the_subscribe_page_of_a_language_offers_that_languages_feeds(client):
    document = page(client, "/ru/subscribe/")
    addresses = [field["value"] for field in document.select(".copy-field input")]
    assert addresses[0] == f"{BASE}/ru/calendar.ics"
    assert f"{BASE}/ru/calendars/visits.ics" in addresses
    outlook = next(a["href"] for a in document.select(".subscribe-links a") if "outlook.live.com" in a["href"])
    query = parse_qs(urlsplit(outlook).query)
    assert query["url"] == [f"{BASE}/ru/calendars/visits.ics"] or query["url"][0].startswith(f"{BASE}/ru/")


def test_add_to_calendar_links_and_json_ld_carry_the_languages_text(client):
    document = page(client, "/kk/events/aif-2023/")
    google = next(a["href"] for a in document.select("a.button") if "calendar.google.com" in a["href"])
    assert parse_qs(urlsplit(google).query)["text"] == ["Астана халықаралық форумы 2023"]
    data = json.loads(document.find("script", type="application/ld+json").string)
    assert (data["inLanguage"], data["name"]) == ("kk", "Астана халықаралық форумы 2023")


def test_the_publisher_is_named_in_the_languages_words_on_pages_in_feeds_and_changes(client):
    kazakh, english = "Қазақстан – ЕО дипломатиялық күнтізбесі", "Kazakhstan–EU Diplomatic Calendar"
    assert page(client, "/kk/").find("footer").find("a", href=re.compile("^mailto:")).get_text() == kazakh
    event_page = page(client, "/kk/events/aif-2023/")
    assert json.loads(event_page.find("script", type="application/ld+json").string)["organizer"]["name"] == kazakh
    assert feedparser.parse(client.get("/kk/changes.atom").data).feed.author == kazakh
    for url, name in (("/kk/calendar.ics", kazakh), ("/calendar.ics", english)):
        events = parse_with_icalendar(client.get(url).data).walk("VEVENT")
        assert {str(event["ORGANIZER"].params["CN"]) for event in events} == {name}, url


def test_no_page_or_feed_varies_by_accept_language(client):
    for url in ("/", "/calendar.ics", "/ru/calendar.ics", "/kk/"):
        bodies = set()
        for header in ("ru-RU,ru;q=0.9", "kk", "en-GB", ""):
            with client.get(url, headers={"Accept-Language": header}) as response:
                assert response.status_code == 200
                bodies.add(response.data)
        assert len(bodies) == 1, url


# Feeds ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/calendar.ics", "/calendars/visits.ics", "/calendar.ics?country=DE"])
def test_a_languages_feed_has_the_same_events_and_times_only_the_text_differs(client, url):
    def facts(body: bytes) -> dict:
        return {
            str(e["UID"]): (
                e["DTSTART"].to_ical(),
                e.get("DTEND") and e["DTEND"].to_ical(),
                int(e["SEQUENCE"]),
                str(e["STATUS"]),
            )
            for e in parse_with_icalendar(body).walk("VEVENT")
        }

    english = feed(client, url)
    for lang in TRANSLATIONS:
        translated = feed(client, f"/{lang}{url}")
        assert facts(translated) == facts(english)
        assert translated != english
        assert len(parse_with_vobject(translated).vevent_list) == len(facts(english))


def test_the_russian_feed_has_russian_titles_marked_ru_and_links_to_russian_pages(client):
    lines = unfolded_lines(feed(client, "/ru/calendar.ics"))
    assert "SUMMARY;LANGUAGE=ru:Международный форум Астана 2023" in lines
    assert "X-WR-CALNAME;LANGUAGE=ru:Дипломатический календарь Казахстан – ЕС" in lines
    assert f"SOURCE;VALUE=URI:{BASE}/ru/calendar.ics" in lines
    assert all(not line.startswith("URL") or "/ru/events/" in line or "/events/" not in line for line in lines)
    calendar = parse_with_icalendar(feed(client, "/ru/calendar.ics"))
    summaries = [e["SUMMARY"] for e in calendar.walk("VEVENT")]
    assert all(s.params["LANGUAGE"] == "ru" for s in summaries)


def test_single_event_files_and_feeds_of_changes_exist_in_every_language(client):
    import feedparser

    for lang in TRANSLATIONS:
        assert b"LANGUAGE=" + lang.encode() in feed(client, f"/{lang}/events/aif-2023.ics")
        with client.get(f"/{lang}/changes.atom") as response:
            parsed = feedparser.parse(response.data)
        assert not parsed.bozo
        assert parsed.feed.language == lang


# JSON ----------------------------------------------------------------------------------


def test_the_json_api_keeps_english_fields_and_gives_every_language_with_its_actual_language(client):
    events = {e["id"]: e for e in client.get("/api/events.json").json["events"]}
    forum = events["aif-2023"]
    assert forum["title"] == "Astana International Forum 2023"
    assert forum["texts"]["kk"]["title"] == {"value": "Астана халықаралық форумы 2023", "lang": "kk"}
    assert forum["texts"]["en"]["title"] == {"value": "Astana International Forum 2023", "lang": "en"}
    assert set(forum["texts"]) == set(LANGUAGES)
    calendars = client.get("/api/calendars.json").json["calendars"]
    assert {c["texts"]["ru"]["name"]["lang"] for c in calendars} == {"ru"}


def test_every_bundled_event_and_calendar_has_kazakh_and_russian_titles_places_and_names(client):
    for event in client.get("/api/events.json").json["events"]:
        for lang in TRANSLATIONS:
            texts = event["texts"][lang]
            assert texts["title"]["lang"] == lang, (event["id"], lang)
            if event["location"]:
                assert texts["location"]["lang"] == lang, (event["id"], lang)
    for calendar in client.get("/api/calendars.json").json["calendars"]:
        assert {calendar["texts"][lang]["name"]["lang"] for lang in TRANSLATIONS} == set(TRANSLATIONS)


def test_kyrgyzstan_is_named_in_russian_as_the_event_texts_name_it():
    from calendar_svc.catalog.countries import country_name

    assert country_name("KG", "ru") == "Кыргызстан"
