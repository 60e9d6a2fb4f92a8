"""The register of people: names in three languages, person pages and feeds, and its validation."""

from __future__ import annotations

import json
import re
import shutil
import tomllib

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from calendar_svc import create_app
from calendar_svc.catalog.loading import load_catalog
from calendar_svc.cli import main
from calendar_svc.config import Config
from calendar_svc.errors import CatalogError

from .conftest import BUNDLED_EVENTS
from .ical_checks import parse_with_icalendar
from .servers import Service, fetch, wait_until
from .toml_text import toml_document

BASE = "http://cal.test"
# The Kazakh alphabet as Kazakh dictionaries order it (42 letters), written out here rather
# than taken from the service, so the test holds the page to the alphabet and not to itself.
KAZAKH = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
LATIN = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture(scope="module")
def client():
    return create_app(Config(events_dir=BUNDLED_EVENTS, base_url=BASE)).test_client()


@pytest.fixture(scope="module")
def register():
    return tomllib.loads((BUNDLED_EVENTS / "people.toml").read_text(encoding="utf-8"))["person"]


def parse(response) -> BeautifulSoup:
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    return BeautifulSoup(response.get_data(as_text=True), "html5lib")


def kazakh_key(name: str) -> list[int]:
    return [KAZAKH.index(c) if c in KAZAKH else 100 + ord(c) for c in name.casefold()]


def test_everyone_named_in_an_event_is_in_the_register_with_a_kazakh_and_a_russian_name(register):
    ids = {person["id"] for person in register}
    for path in BUNDLED_EVENTS.rglob("*.toml"):
        if path.name not in ("calendars.toml", "people.toml"):
            assert set(tomllib.loads(path.read_text(encoding="utf-8")).get("people", [])) <= ids, path
    for person in register:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", person["id"])
        assert person["kk"]["name"]
        assert person["ru"]["name"]
        assert not LATIN.search(person["kk"]["name"] + person["ru"]["name"]), person["id"]


def test_the_kazakh_people_page_lists_everyone_in_kazakh_alphabetical_order(client, register):
    page = parse(client.get("/kk/people/"))
    names = [a.get_text() for a in page.select("ol.people > li > a")]
    assert sorted(names) == sorted(person["kk"]["name"] for person in register)
    assert names == sorted(names, key=kazakh_key)
    assert page.find("html")["lang"] == "kk"


def test_the_people_page_counts_each_persons_events(client):
    events = client.get("/api/events.json").get_json()["events"]
    tokayev = sum("kassym-jomart-tokayev" in e["person_ids"] for e in events)
    page = parse(client.get("/people/"))
    [item] = [li for li in page.select("ol.people > li") if li.a["href"] == "/people/kassym-jomart-tokayev/"]
    assert f"({tokayev} events)" in item.get_text()


@pytest.mark.parametrize("lang", ["", "/kk", "/ru"])
def test_a_persons_feed_holds_exactly_the_events_that_name_them_with_the_main_feeds_bytes(client, lang):
    events = client.get("/api/events.json").get_json()["events"]
    named = {e["uid"] for e in events if "kassym-jomart-tokayev" in e["person_ids"] and e["ics_url"]}
    assert len(named) > 5
    feed = client.get(f"{lang}/people/kassym-jomart-tokayev.ics")
    assert feed.status_code == 200
    assert feed.mimetype == "text/calendar"
    vevents = parse_with_icalendar(feed.data).walk("VEVENT")
    assert {str(v["UID"]) for v in vevents} == named
    main_feed = client.get(f"{lang}/calendar.ics").data
    for block in re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", feed.data, re.S):
        assert block in main_feed  # UID, SEQUENCE and text as in the main feed of the language


def test_a_kazakh_event_page_names_its_people_in_kazakh_linked_to_their_pages(client, register):
    page = parse(client.get("/kk/events/tajani-astana-2023-09/"))
    links = {
        a["href"]: a.get_text() for a in page.find("dl", class_="facts").find_all("a", href=re.compile("/people/"))
    }
    kazakh = {person["id"]: person["kk"]["name"] for person in register}
    assert links == {f"/kk/people/{i}/": kazakh[i] for i in ("antonio-tajani", "murat-nurtleu", "alikhan-smailov")}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_latin_script_name_is_left_in_the_people_lists_of_kazakh_and_russian_pages(client, lang):
    events = client.get("/api/events.json").get_json()["events"]
    for event in [e for e in events if e["person_ids"]][:40]:
        page = parse(client.get(f"/{lang}/events/{event['id']}/"))
        for link in page.find_all("a", href=re.compile(rf"^/{lang}/people/")):
            assert not LATIN.search(link.get_text()), (event["id"], link.get_text())
        assert event["texts"][lang]["people"]
        assert not LATIN.search(" ".join(event["texts"][lang]["people"]))


def test_a_feed_in_russian_names_people_in_russian(client, register):
    russian = {person["id"]: person["ru"]["name"] for person in register}
    [vevent] = parse_with_icalendar(client.get("/ru/events/tajani-astana-2023-09.ics").data).walk("VEVENT")
    assert f"{russian['antonio-tajani']}; {russian['murat-nurtleu']}" in str(vevent["DESCRIPTION"])


def test_a_person_page_shows_name_role_events_feed_and_schema_org_person(client, register):
    tajani = next(person for person in register if person["id"] == "antonio-tajani")
    page = parse(client.get("/ru/people/antonio-tajani/"))
    assert page.h1.get_text() == tajani["ru"]["name"]
    assert tajani["ru"]["role"] in page.find("p", class_="lead").get_text()
    assert page.find("a", href="/ru/events/tajani-astana-2023-09/")
    assert page.find("input", value=f"{BASE}/ru/people/antonio-tajani.ics")
    [data] = [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]
    assert (data["@type"], data["name"], data["alternateName"]) == ("Person", tajani["ru"]["name"], "Antonio Tajani")


@pytest.mark.parametrize(("path", "status"), [
    ("/people/nobody/", 404), ("/kk/people/nobody/", 404), ("/people/nobody.ics", 404),
    ("/people/Antonio-Tajani/", 404), ("/people/antonio-tajani/?x=1", 400),
])  # fmt: skip
def test_an_unknown_person_or_a_stray_parameter_is_a_client_error(client, path, status):
    assert client.get(path).status_code == status


def test_a_missing_person_is_said_in_the_pages_language(client):
    page = parse(client.get("/kk/people/nobody/"))
    assert page.find("html")["lang"] == "kk"
    assert "nobody" in page.find("main").get_text()


def test_the_people_document_lists_names_roles_pages_feeds_and_events(client):
    people = {p["id"]: p for p in client.get("/api/people.json").get_json()["people"]}
    tajani = people["antonio-tajani"]
    assert set(tajani["names"]) == {"en", "kk", "ru"}
    assert tajani["names"]["en"] == "Antonio Tajani"
    assert tajani["page_url"] == f"{BASE}/people/antonio-tajani/"
    assert tajani["feed_url"] == f"{BASE}/people/antonio-tajani.ics"
    assert "tajani-astana-2023-09" in tajani["events"]
    events = client.get("/api/events.json").get_json()["events"]
    assert sorted(tajani["events"]) == sorted(e["id"] for e in events if "antonio-tajani" in e["person_ids"])


def test_the_events_document_keeps_english_names_in_people_and_adds_ids_and_each_languages_names(client):
    event = next(e for e in client.get("/api/events.json").get_json()["events"] if e["id"] == "tajani-astana-2023-09")
    assert event["people"] == ["Antonio Tajani", "Murat Nurtleu", "Alikhan Smailov"]
    assert event["person_ids"] == ["antonio-tajani", "murat-nurtleu", "alikhan-smailov"]
    assert event["texts"]["en"]["people"] == event["people"]
    assert event["texts"]["kk"]["people"][0] == "Антонио Таяни"


# Validation ------------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "events"
    shutil.copytree(BUNDLED_EVENTS, target)
    return target


def problems_of(folder) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        load_catalog(folder)
    return [str(problem) for problem in caught.value.problems]


def test_an_unknown_id_is_named_with_the_closest_known_one(folder):
    path = folder / "2023" / "tajani-astana-2023-09.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('"antonio-tajani"', '"antonio-tajan"'), encoding="utf-8")
    assert problems_of(folder) == [
        f"{path}: people: 'antonio-tajan' is not in people.toml (did you mean 'antonio-tajani'?)"
    ]


def test_a_duplicate_id_and_a_missing_kazakh_name_are_all_reported_at_once(folder):
    register = tomllib.loads((folder / "people.toml").read_text(encoding="utf-8"))
    register["person"].append(dict(register["person"][0]))
    del register["person"][1]["kk"]["name"]
    (folder / "people.toml").write_text(toml_document(register), encoding="utf-8")
    found = problems_of(folder)
    path = folder / "people.toml"
    assert f"{path}: person[{len(register['person'])}].id: duplicate id {register['person'][0]['id']!r}" in found
    assert f"{path}: person[2].kk.name: is required" in found


def test_a_person_without_an_id_is_one_problem_saying_so(folder):
    register = tomllib.loads((folder / "people.toml").read_text(encoding="utf-8"))
    register["person"].append({key: value for key, value in register["person"][0].items() if key != "id"})
    (folder / "people.toml").write_text(toml_document(register), encoding="utf-8")
    assert problems_of(folder) == [f"{folder / 'people.toml'}: person[{len(register['person'])}].id: is required"]


def test_a_person_nobody_names_is_a_warning_not_an_error(folder):
    with (folder / "people.toml").open("a", encoding="utf-8") as register:
        register.write('\n[[person]]\nid = "nobody-yet"\nname = "Nobody Yet"\n\n[person.kk]\nname = "Ешкім"\n'
                       '\n[person.ru]\nname = "Никто"\n')  # fmt: skip
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exit_code == 0, result.output
    assert f"warning: {folder / 'people.toml'}: nobody-yet: no event names this person" in result.stderr


def test_a_changed_name_raises_the_sequence_of_every_event_that_shows_it(folder):
    before = {e.id: e.sequence for e in load_catalog(folder).events}
    named = {e.id for e in load_catalog(folder).events if "murat-nurtleu" in e.people}
    path = folder / "people.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('"Мұрат Нұртілеу"', '"Мұрат Нұртілеу (СІМ)"'), "utf-8")
    result = CliRunner().invoke(main, ["stamp", str(folder)])
    assert result.exit_code == 0, result.output
    changed = {line.split(":")[0] for line in result.stdout.splitlines()}
    assert changed == named
    assert len(named) > 1
    after = load_catalog(folder)
    assert all(e.sequence == before[e.id] + (e.id in named) for e in after.events)
    atom = create_app(Config(events_dir=folder, base_url=BASE)).test_client().get("/changes.atom").data.decode()
    assert sum(f"/events/{event_id}/" in atom for event_id in named) == len(named)


def test_an_edit_to_the_register_is_served_without_a_restart(folder, tmp_path):
    service = Service(folder, tmp_path / "server.log")
    try:
        path = folder / "people.toml"
        path.write_text(path.read_text(encoding="utf-8").replace('"Антонио Таяни"', '"Антонио Таяни (ред.)"'), "utf-8")

        def shown() -> bool:
            reply = fetch(service.port, "/api/people.json")
            names = {p["id"]: p["names"]["ru"] for p in json.loads(reply.body)["people"]}
            return names["antonio-tajani"] == "Антонио Таяни (ред.)"

        wait_until(shown, 15, f"the edit was not served:\n{service.log()}")
    finally:
        service.stop()
