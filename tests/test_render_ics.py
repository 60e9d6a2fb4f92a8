"""The iCalendar renderer on its own, without Flask: wire format, time zones, determinism."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_svc.catalog.languages import LANGUAGES, Text
from calendar_svc.catalog.loading import load_catalog
from calendar_svc.catalog.revisions import read_record
from calendar_svc.i18n import translate
from calendar_svc.ical.vevent import EventRenderer, Labels, component_bytes, fold
from calendar_svc.publish.rendition import Rendition
from calendar_svc.publish.urls import Urls

from .conftest import ROOT, SMALL
from .ical_checks import (
    occurrences_utc,
    parse_with_icalendar,
    parse_with_vobject,
    uids_by_icalendar,
    uids_by_vobject,
    unfolded_lines,
)
from .ical_oracle import vevent

BASE = "https://cal.test"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(SMALL)


@pytest.fixture(scope="module")
def feed(catalog) -> bytes:
    return Rendition(catalog, BASE).full_feed.body


def test_every_line_ends_in_crlf_and_is_folded_at_75_octets(feed):
    assert feed.endswith(b"END:VCALENDAR\r\n")
    lines = feed.split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75


def test_the_calendar_announces_itself_with_escaped_names_and_refresh_hints(feed):
    lines = unfolded_lines(feed)
    assert "METHOD:PUBLISH" in lines
    assert "VERSION:2.0" in lines
    assert r"NAME;LANGUAGE=en:Test Calendar\; with\, punctuation" in lines
    assert r"X-WR-CALNAME;LANGUAGE=en:Test Calendar\; with\, punctuation" in lines
    assert "X-WR-CALDESC;LANGUAGE=en:Events used by the tests" in lines
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H" in lines
    assert "X-PUBLISHED-TTL:PT6H" in lines
    assert f"SOURCE;VALUE=URI:{BASE}/calendar.ics" in lines


def test_only_events_with_a_known_day_are_in_the_feed(catalog, feed):
    dated = {e.uid_for(catalog.site) for e in catalog.events if e.is_dated}
    assert uids_by_icalendar(feed) == dated
    assert "month-only@test.calendar-svc.org" not in dated
    assert len(dated) == 5


def test_an_independent_parser_sees_the_same_events(feed):
    assert uids_by_vobject(feed) == uids_by_icalendar(feed)


def test_every_event_has_the_properties_clients_and_rfc_5546_require(feed):
    for event in parse_with_icalendar(feed).walk("VEVENT"):
        for name in ("UID", "DTSTAMP", "DTSTART", "SUMMARY", "STATUS", "CATEGORIES", "URL", "ORGANIZER"):
            assert name in event, (name, event.get("UID"))
        assert str(event["ORGANIZER"]) == "mailto:editors@test.calendar-svc.org"
        assert event["ORGANIZER"].params["CN"] == "Test Publisher"


def test_all_day_events_have_a_date_value_and_an_exclusive_end(feed):
    lines = unfolded_lines(feed)
    assert "DTSTART;VALUE=DATE:20230608" in lines
    assert "DTEND;VALUE=DATE:20230610" in lines


def test_timed_events_carry_their_zone_and_a_vtimezone_for_it(feed):
    lines = unfolded_lines(feed)
    assert "DTSTART;TZID=Asia/Almaty:20230320T100000" in lines
    tzids = [str(tz["TZID"]) for tz in parse_with_icalendar(feed).walk("VTIMEZONE")]
    assert tzids == ["Asia/Almaty", "Europe/Berlin"]


def test_a_10_am_astana_event_is_04_utc_in_2023_and_05_utc_in_2025(feed):
    found = occurrences_utc(feed, dt.date(2023, 1, 1), dt.date(2026, 1, 1))
    assert found["Press conference at 10:00 Astana time (UTC+6 then)"] == [dt.datetime(2023, 3, 20, 4, tzinfo=dt.UTC)]
    assert found["Briefing at 10:00 Astana time (UTC+5 since March 2024)"] == [
        dt.datetime(2025, 5, 29, 5, tzinfo=dt.UTC)
    ]


def test_vobject_reads_the_same_utc_times(feed):
    calendar = parse_with_vobject(feed)
    starts = {
        e.uid.value: e.dtstart.value.astimezone(dt.UTC)
        for e in calendar.vevent_list
        if isinstance(e.dtstart.value, dt.datetime)
    }
    assert starts["timed-astana-2023@test.calendar-svc.org"] == dt.datetime(2023, 3, 20, 4, tzinfo=dt.UTC)
    assert starts["timed-astana-2025@test.calendar-svc.org"] == dt.datetime(2025, 5, 29, 5, tzinfo=dt.UTC)


def test_a_weekly_event_keeps_its_local_time_across_the_dst_change_and_skips_its_exdate(feed):
    found = occurrences_utc(feed, dt.date(2024, 3, 1), dt.date(2024, 5, 1))
    assert found["Weekly meeting in Berlin across the DST change"] == [
        dt.datetime(2024, 3, 25, 8, tzinfo=dt.UTC),  # CET, UTC+1
        dt.datetime(2024, 4, 1, 7, tzinfo=dt.UTC),  # CEST, UTC+2
        dt.datetime(2024, 4, 15, 7, tzinfo=dt.UTC),
    ]
    lines = unfolded_lines(feed)
    assert "RRULE:FREQ=WEEKLY;COUNT=4" in lines
    assert "EXDATE;TZID=Europe/Berlin:20240408T090000" in lines


def test_cancelled_events_stay_in_the_feed_marked_cancelled(feed):
    statuses = {str(e["UID"]): str(e["STATUS"]) for e in parse_with_icalendar(feed).walk("VEVENT")}
    assert statuses["cancelled-forum@test.calendar-svc.org"] == "CANCELLED"
    assert statuses["all-day-two-days@test.calendar-svc.org"] == "CONFIRMED"


def test_sequence_dtstamp_and_last_modified_come_from_the_revision_record(feed):
    record = read_record(SMALL / "revisions.json")
    vevents = parse_with_icalendar(feed).walk("VEVENT")
    assert len(vevents) == 5
    for component in vevents:
        entry = record.entries[str(component["UID"]).split("@")[0]]
        assert component["SEQUENCE"] == entry.sequence
        assert component["LAST-MODIFIED"].dt == entry.last_changed
        assert component["DTSTAMP"].dt == entry.last_changed
    # A sequence written in the file (2) was above the record's start (0): the record kept it.
    assert record.entries["timed-astana-2023"].sequence == 2


def test_text_with_commas_semicolons_backslashes_and_newlines_survives_the_round_trip(catalog, feed):
    events = {str(e["UID"]): e for e in parse_with_icalendar(feed).walk("VEVENT")}
    event = events["timed-astana-2023@test.calendar-svc.org"]
    description = str(event["DESCRIPTION"])
    assert description.startswith(catalog.event("timed-astana-2023").description.strip())
    assert "https://example.org/a\nhttps://example.org/b" in description
    assert str(events["all-day-two-days@test.calendar-svc.org"]["SUMMARY"]) == "Forum, day one; day two"


def test_url_is_the_official_page_or_else_the_event_page_here(feed):
    events = {str(e["UID"]): e for e in parse_with_icalendar(feed).walk("VEVENT")}
    assert str(events["timed-astana-2023@test.calendar-svc.org"]["URL"]) == "https://example.org/press"
    assert str(events["all-day-two-days@test.calendar-svc.org"]["URL"]) == f"{BASE}/events/all-day-two-days/"


def test_two_loads_give_identical_bytes(catalog):
    assert Rendition(load_catalog(SMALL), BASE).full_feed.body == Rendition(catalog, BASE).full_feed.body


def test_another_process_gives_identical_bytes(feed):
    script = (
        "import sys; from calendar_svc.catalog.loading import load_catalog; from calendar_svc.publish.rendition import Rendition;"
        f"sys.stdout.buffer.write(Rendition(load_catalog({str(SMALL)!r}), {BASE!r}).full_feed.body)"
    )
    for seed in ("1", "2"):
        other = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, check=True, cwd=ROOT, env={"PYTHONHASHSEED": seed}
        ).stdout
        assert other == feed


def test_per_calendar_feeds_hold_only_their_calendar(catalog):
    rendition = Rendition(catalog, BASE)
    forum = parse_with_icalendar(rendition.calendar_feeds["forum"].body)
    assert {str(e["UID"]).split("@")[0] for e in forum.walk("VEVENT")} == {"all-day-two-days", "cancelled-forum"}
    assert forum.walk("VTIMEZONE") == []
    assert "X-WR-CALNAME;LANGUAGE=en:Forum · Test Calendar\\; with\\, punctuation" in unfolded_lines(
        rendition.calendar_feeds["forum"].body
    )


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=400))
def test_our_fast_fold_gives_exactly_icalendars_bytes(line):
    from icalendar.parser.string import _foldline

    assert fold(line) == _foldline(line).encode()


def test_folding_never_splits_a_multibyte_character_or_an_escape():
    line = "DESCRIPTION:" + "Қазақстан\\, " * 30
    physical = fold(line).split(b"\r\n")
    assert all(len(p) <= 75 for p in physical)
    for piece in physical:
        piece.decode("utf-8")  # each physical line is valid UTF-8 on its own
        assert not piece.endswith(b"\\")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("directory", [SMALL, ROOT / "events"], ids=["small", "bundled"])
def test_the_fast_renderer_writes_exactly_what_the_icalendar_component_writes(directory, lang):
    catalog = load_catalog(directory)
    names = {c.slug: c.text("name", lang) for c in catalog.calendars}
    labels = Labels(lang, translate(lang, "People"), translate(lang, "Sources"))
    renderer = EventRenderer(catalog.site, names, labels)
    for event in catalog.dated_events:
        page_url = Urls(BASE, lang).event_page(event.id)
        component = vevent(event, catalog.site, names[event.category], page_url, labels)
        assert renderer.block(event, page_url) == component.to_ical(), event.id
        assert component_bytes(component) == component.to_ical(), event.id


def test_a_literal_backslash_n_in_text_survives_where_icalendars_own_escaping_breaks_it(write_event, events_dir):
    write_event(
        "windows-path", title="Files on C:\\Network\\Share; see, also", category="visits", start=dt.date(2023, 1, 1)
    )
    body = Rendition(load_catalog(events_dir), BASE).event_file("windows-path").body
    assert "SUMMARY;LANGUAGE=en:Files on C:\\\\Network\\\\Share\\; see\\, also" in unfolded_lines(body)
    [event] = parse_with_icalendar(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Files on C:\\Network\\Share; see, also"
    assert parse_with_vobject(body).vevent.summary.value == "Files on C:\\Network\\Share; see, also"


@pytest.mark.parametrize(
    "zone", ["UTC", "Etc/UTC", "Europe/London", "America/Argentina/Buenos_Aires", "Africa/Abidjan"]
)
def test_the_fast_renderer_matches_icalendar_for_utc_and_other_zones(write_event, events_dir, zone):
    write_event(
        "in-zone",
        title="x",
        category="visits",
        start=dt.datetime(2024, 1, 1, 12),
        end=dt.datetime(2024, 1, 1, 13),
        timezone=zone,
    )
    catalog = load_catalog(events_dir)
    event = catalog.event("in-zone")
    page_url = Urls(BASE).event_page(event.id)
    block = EventRenderer(catalog.site, {"visits": Text("V", "en")}).block(event, page_url)
    assert block == vevent(event, catalog.site, Text("V", "en"), page_url).to_ical()
    [parsed] = parse_with_icalendar(b"BEGIN:VCALENDAR\r\n" + block + b"END:VCALENDAR\r\n").walk("VEVENT")
    assert parsed["DTSTART"].dt.astimezone(dt.UTC).hour == (15 if "Buenos_Aires" in zone else 12)
    assert (b"DTSTART:20240101T120000Z" in block) is zone.endswith("UTC")


def test_a_zone_once_off_utc_keeps_its_tzid_and_its_history(write_event, events_dir):
    # Abidjan kept local mean time (UTC-0:16:08) until 1912; icalendar alone would write 12:00Z here.
    write_event(
        "abidjan-1900", title="x", category="visits", start=dt.datetime(1900, 1, 1, 12), timezone="Africa/Abidjan"
    )
    body = Rendition(load_catalog(events_dir), BASE).event_file("abidjan-1900").body
    assert "DTSTART;TZID=Africa/Abidjan:19000101T120000" in unfolded_lines(body)
    found = occurrences_utc(body, dt.date(1899, 12, 31), dt.date(1900, 1, 2))
    assert found["x"] == [dt.datetime(1900, 1, 1, 12, 16, 8, tzinfo=dt.UTC)]
