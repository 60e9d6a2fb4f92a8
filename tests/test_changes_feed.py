"""The feed of changes (Atom), its page, and a running server picking up a new revision record."""

from __future__ import annotations

import gzip

import feedparser
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from calendar_svc import create_app
from calendar_svc.catalog.revisions import read_record
from calendar_svc.cli import main
from calendar_svc.config import Config

from .ical_checks import parse_with_icalendar
from .servers import Service, fetch, wait_until

BASE = "http://cal.test"


@pytest.fixture
def events(bundled_copy):
    return bundled_copy


def sequence_of(events, event_id: str) -> int:
    return read_record(events / "revisions.json").entries[event_id].sequence


def move_and_stamp_aif_2025(events) -> int:
    """Move AIF 2025's last day and stamp it; return its new sequence."""
    before = sequence_of(events, "aif-2025")
    path = events / "2025" / "aif-2025.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("end = 2025-05-30", "end = 2025-05-31"), encoding="utf-8")
    result = CliRunner().invoke(main, ["stamp", str(events)])
    assert result.stdout == f"aif-2025: sequence {before} → {before + 1}: end\n"
    return before + 1


def client_for(events):
    return create_app(Config(events_dir=events, base_url=BASE)).test_client()


def test_the_feed_of_changes_parses_and_lists_the_latest_change_first(events):
    sequence = move_and_stamp_aif_2025(events)
    with client_for(events).get("/changes.atom") as response:
        assert response.status_code == 200
        assert response.content_type == "application/atom+xml; charset=utf-8"
        feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Changes · Kazakhstan–EU Diplomatic Calendar"
    assert feed.feed.id == "tag:kz-eu.calendar-svc.org,2026:changes"
    first = feed.entries[0]
    assert first.title == "Changed: Astana International Forum 2025"
    assert first.summary == f"Revision {sequence}: end 2025-05-30 → 2025-05-31"
    assert first.id.startswith("tag:kz-eu.calendar-svc.org,")
    assert first.id.endswith(f":aif-2025/{sequence}")
    links = {link.rel: link.href for link in first.links}
    assert links == {"alternate": f"{BASE}/events/aif-2025/", "related": f"{BASE}/events/aif-2025.ics"}
    assert {entry.title.split(":")[0] for entry in feed.entries[1:]} <= {"New", "Changed", "Cancelled"}
    assert len(feed.entries) == 50


def test_the_feed_of_changes_holds_at_most_fifty_revisions_newest_first(events):
    for end in ("2025-05-31", "2025-06-01"):
        path = events / "2025" / "aif-2025.toml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(text.split("end = ")[1].split("\n")[0], end, 1), encoding="utf-8")
        CliRunner().invoke(main, ["stamp", str(events)])
    for number in range(12):
        (events / "2025" / f"extra-{number}.toml").write_text(
            f'title = "Extra {number}"\ncategory = "visits"\nstart = 2025-09-01\n', encoding="utf-8"
        )
    CliRunner().invoke(main, ["stamp", str(events)])
    feed = feedparser.parse(client_for(events).get("/changes.atom").data)
    assert len(feed.entries) == 50
    times = [entry.updated for entry in feed.entries]
    assert times == sorted(times, reverse=True)


def test_each_calendar_has_its_own_feed_of_changes(events):
    move_and_stamp_aif_2025(events)
    client = client_for(events)
    forum = feedparser.parse(client.get("/calendars/forum.atom").data)
    visits = feedparser.parse(client.get("/calendars/visits.atom").data)
    assert forum.entries[0].title == "Changed: Astana International Forum 2025"
    assert {entry.tags[0].term for entry in forum.entries} == {"forum"}
    assert all("Astana International Forum 2025" not in entry.title for entry in visits.entries)
    assert client.get("/calendars/nope.atom").status_code == 404
    assert client.get("/changes.atom?x=1").status_code == 400


def test_the_feed_of_changes_is_conditional_and_compressed(events):
    client = client_for(events)
    first = client.get("/changes.atom")
    assert client.get("/changes.atom", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    zipped = client.get("/changes.atom", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == first.data


def test_every_page_advertises_the_feed_of_changes(events):
    client = client_for(events)
    for url in ("/", "/events/aif-2023/", "/subscribe/", "/changes/", "/calendar/2023/06/"):
        page = BeautifulSoup(client.get(url).data, "html.parser")
        links = page.find_all("link", rel="alternate", type="application/atom+xml")
        assert [link["href"] for link in links] == ["/changes.atom"], url


def test_the_changes_page_lists_the_revisions_by_day(events):
    move_and_stamp_aif_2025(events)
    page = BeautifulSoup(client_for(events).get("/changes/").data, "html.parser")
    assert page.h1.get_text() == "Changes"
    first_day = page.select_one("section.change-day")
    first = first_day.select_one("li.change")
    assert first.select_one(".badge").get_text() == "Changed"
    assert first.a["href"] == "/events/aif-2025/"
    assert "end 2025-05-30 → 2025-05-31" in first.get_text()
    assert page.select_one("nav a[aria-current=page]").get_text() == "Changes"


def test_a_running_server_picks_up_a_new_record_without_restart(events, tmp_path):
    server = Service(events, tmp_path / "server.log", workers=2)
    try:
        before = parse_with_icalendar(fetch(server.port, "/events/aif-2025.ics").body)
        [event] = before.walk("VEVENT")
        assert int(event["SEQUENCE"]) == sequence_of(events, "aif-2025")
        expected = f"SEQUENCE:{move_and_stamp_aif_2025(events)}\r\n".encode()

        def everyone_sees_the_new_record() -> bool:
            # An edit seen before its stamp is served with the same raised sequence, as unstamped.
            bodies = {fetch(server.port, "/events/aif-2025.ics").body for _ in range(12)}
            healthy = all(b'"status":"ok"' in fetch(server.port, "/healthz").body for _ in range(6))
            return len(bodies) == 1 and expected in bodies.pop() and healthy

        wait_until(everyone_sees_the_new_record, 15, f"the new record was not served by every worker:\n{server.log()}")
    finally:
        server.stop()


def test_an_unstamped_edit_is_served_identically_by_both_workers(events, tmp_path):
    server = Service(events, tmp_path / "server.log", workers=2)
    try:
        expected = f"SEQUENCE:{sequence_of(events, 'aif-2025') + 1}\r\n".encode()
        path = events / "2025" / "aif-2025.toml"
        path.write_text(path.read_text(encoding="utf-8").replace("end = 2025-05-30", "end = 2025-05-31"), "utf-8")

        def served() -> set[bytes]:
            return {fetch(server.port, "/events/aif-2025.ics").body for _ in range(16)}

        wait_until(lambda: all(expected in body for body in served()), 15, "the edit was not served")
        assert len(served()) == 1
        assert b'"status":"degraded"' in fetch(server.port, "/healthz").body
    finally:
        server.stop()
