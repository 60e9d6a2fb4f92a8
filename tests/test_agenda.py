"""The plain-text agenda: what a terminal shows for `curl …/agenda.txt`, in three languages."""

from __future__ import annotations

import datetime as dt

import pytest

from .conftest import BUNDLED_EVENTS

BASE = "http://cal.test"
HEADINGS = {
    "": ("UPCOMING EVENTS", "MOST RECENT EVENTS", "No upcoming events."),
    "/kk": ("АЛДАҒЫ ІС-ШАРАЛАР", "СОҢҒЫ ІС-ШАРАЛАР", "Алдағы іс-шаралар жоқ."),
    "/ru": ("ПРЕДСТОЯЩИЕ СОБЫТИЯ", "ПОСЛЕДНИЕ СОБЫТИЯ", "Предстоящих событий нет."),
}


def agenda(client, prefix: str = "") -> str:
    response = client.get(f"{prefix}/agenda.txt")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    return response.get_data(as_text=True)


@pytest.mark.parametrize("prefix", list(HEADINGS))
def test_the_agenda_lists_upcoming_then_recent_events_in_the_language(make_pages_app, prefix):
    text = agenda(make_pages_app(BUNDLED_EVENTS, today="2026-12-06").test_client(), prefix)
    upcoming, recent, _ = HEADINGS[prefix]
    assert text.index(upcoming) < text.index(f"{BASE}{prefix}/events/expo-belgrade-2027-05/") < text.index(recent)
    assert text.index(recent) < text.index(f"{BASE}{prefix}/events/kurultai-election-2026-08/")
    past = text[text.index(recent) :].count(f"{BASE}{prefix}/events/")
    assert past == 10
    assert f"{BASE}{prefix}/calendar.ics" in text.splitlines()[-4]  # the footer names the feed
    assert all(len(line) <= 100 for line in text.splitlines())


def block_before(text: str, url: str) -> str:
    """The lines of the entry that ends with ``url``."""
    return text[: text.index(url)].rsplit("\n\n", 1)[-1]


def test_each_event_gives_its_date_time_zone_title_status_and_url(make_pages_app):
    text = agenda(make_pages_app(BUNDLED_EVENTS, today="2023-03-01").test_client())
    timed = block_before(text, f"{BASE}/events/odihr-preliminary-findings-2023/")
    assert timed.startswith("20 March 2023, 15:00")
    assert "Asia/Almaty" in timed
    confirmed = block_before(text, f"{BASE}/events/aif-2023/")
    assert "Astana International Forum 2023" in confirmed
    assert "[" not in confirmed  # no status for a confirmed event
    later = agenda(make_pages_app(BUNDLED_EVENTS, today="2026-12-06").test_client(), "/ru")
    assert "[Предварительно]" in block_before(later, f"{BASE}/ru/events/kurultai-election-2026-08/")


def test_a_long_title_is_wrapped_within_the_line_width_without_losing_a_word(make_pages_app, write_event, events_dir):
    title = " ".join(f"word{i}" for i in range(60))
    write_event("2024/long", title=title, category="visits", start=dt.date(2024, 5, 1), status="tentative")
    text = agenda(make_pages_app(events_dir, today="2024-04-01").test_client())
    lines = text.splitlines()
    end = lines.index(f"  {BASE}/events/long/")
    start = max(i for i in range(end) if lines[i].startswith("  word0"))
    assert len(lines[start:end]) > 2
    assert all(len(line) <= 100 for line in lines)
    assert " ".join(line.strip() for line in lines[start:end]) == title + " [Tentative]"


@pytest.mark.parametrize("prefix", list(HEADINGS))
def test_with_nothing_upcoming_the_agenda_says_so_in_the_language(make_pages_app, prefix):
    text = agenda(make_pages_app(BUNDLED_EVENTS, today="2031-01-01").test_client(), prefix)
    upcoming, recent, nothing = HEADINGS[prefix]
    assert text.index(upcoming) < text.index(nothing) < text.index(recent)


def test_the_agenda_answers_conditional_requests_and_refuses_stray_parameters(make_pages_app):
    client = make_pages_app(BUNDLED_EVENTS, today="2026-12-06").test_client()
    etag = client.get("/agenda.txt").headers["ETag"]
    assert client.get("/agenda.txt", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/agenda.txt?x=1").status_code == 400


def test_a_long_run_of_upcoming_events_stops_at_fifty_and_says_how_many_more(make_pages_app, write_event, events_dir):
    for i in range(53):
        write_event(f"2030/many-{i:02d}", title=f"Meeting {i}", category="visits", start=dt.date(2030, 1, 1 + i % 28))
    text = agenda(make_pages_app(events_dir, today="2029-12-01").test_client(), "/ru")
    assert text.count(f"{BASE}/ru/events/many-") == 50
    assert f"Еще 3 предстоящих события:\n  {BASE}/ru/\n" in text
