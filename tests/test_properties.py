"""Property tests: any event the loader accepts comes out of every format whole, and never breaks out of its field.

Events are written as TOML files and loaded, as an editor's would be; the
feeds are read back with icalendar and vobject, the JSON with json, the
pages with an HTML parser.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import markupsafe
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from calendar_svc import create_app
from calendar_svc.catalog.event_file import FieldError, check_wall_time
from calendar_svc.catalog.model import Event
from calendar_svc.catalog.zones import zone_names
from calendar_svc.config import Config
from calendar_svc.ical.vevent import UTC_NAMES, event_description

from .conftest import SMALL
from .ical_checks import parse_with_icalendar, parse_with_vobject, unfolded_lines
from .toml_text import toml_document

BASE = "https://cal.example.org"
ZONES = sorted(zone_names())
# Characters that mean something in iCalendar, HTML, JSON or TOML, and some that other parsers treat as line breaks.
SPECIAL = st.sampled_from(
    [";", ",", "\\", ":", '"', "'", "<", ">", "&", "</script>", "BEGIN:VEVENT", "\\n", "\u2028", "\u2029", "\x85",
     "\u00a0", "é", "Ł", "😀", "\u200b", "\ufeff", "#", "=", "^"]
)  # fmt: skip
# What the loader accepts in text: any Unicode but C0 controls and DEL (and unpaired surrogates, which UTF-8 cannot hold).
CHARACTERS = st.characters(exclude_categories=("Cs",), exclude_characters=[chr(c) for c in [*range(32), 127]])


def texts(pieces, min_size: int = 0, max_size: int = 100):
    return st.lists(pieces, min_size=min_size, max_size=max_size).map("".join)


ONE_LINE = texts(st.one_of(CHARACTERS, SPECIAL), 1, 60).filter(str.strip)
MULTI_LINE = texts(st.one_of(CHARACTERS, SPECIAL, st.sampled_from(["\n", "\t", "\n\n"])), 0, 200)
LONG_LINE = texts(st.one_of(CHARACTERS, SPECIAL), 200, 1000).filter(str.strip)
COUNTRIES = st.lists(st.sampled_from(["KZ", "DE", "FR", "GB", "PL", "LT", "AT", "IT", "CZ"]), max_size=3, unique=True)


def wall_time_ok(when: dt.datetime, zone: str) -> bool:
    try:
        check_wall_time(when, zone)
    except FieldError:
        return False
    return True


@st.composite
def events(draw) -> dict:
    """One event file's table: timed in any zone, or all-day; any text in every text field."""
    table = {"title": draw(st.one_of(ONE_LINE, LONG_LINE)), "category": draw(st.sampled_from(["visits", "forum"]))}
    if draw(st.booleans()):
        zone = draw(st.sampled_from(ZONES))
        start = draw(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2199, 12, 31)))
        start = start.replace(microsecond=0)
        end = start + dt.timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))
        assume(wall_time_ok(start, zone) and wall_time_ok(end, zone))
        table.update(start=start, end=end, timezone=zone)
    else:
        start = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31)))
        table.update(start=start, end=start + dt.timedelta(days=draw(st.integers(0, 30))))
    for name, strategy in (("location", MULTI_LINE), ("description", MULTI_LINE)):
        if draw(st.booleans()):
            table[name] = draw(strategy)
    if draw(st.booleans()):
        table["people"] = draw(st.lists(ONE_LINE, max_size=3))
    table["countries"] = draw(COUNTRIES)
    return table


@contextmanager
def served(table: dict, crlf: bool = False) -> Iterator[tuple[Event, FlaskClient]]:
    """The event, written as a TOML file beside the test calendars in a new directory, and a
    client of a new app on that directory: each example starts from nothing, as the service does."""
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "calendars.toml").write_bytes((SMALL / "calendars.toml").read_bytes())
        table = register_people(root, table)
        if crlf:  # an editor on Windows: CRLF line ends, and CRLF inside multi-line text
            table = {k: v.replace("\n", "\r\n") if k in ("description", "location") else v for k, v in table.items()}
        (root / "generated-event.toml").write_text(
            toml_document(table), encoding="utf-8", newline="\r\n" if crlf else "\n"
        )
        app = create_app(Config(events_dir=root, base_url=BASE))
        [event] = app.extensions["calendar_svc"].catalog.events
        yield event, app.test_client()


def register_people(root: Path, table: dict) -> dict:
    """Write a people.toml naming each of ``table``'s people (drawn as names) and list them by id."""
    names = table.get("people", [])
    if not names:
        return table
    register = {"person": [{"id": f"person-{i}", "name": name, "kk": {"name": name}, "ru": {"name": name}}
                           for i, name in enumerate(names, 1)]}  # fmt: skip
    (root / "people.toml").write_text(toml_document(register), encoding="utf-8")
    return {**table, "people": [f"person-{i}" for i in range(1, len(names) + 1)]}


def body_of(client: FlaskClient, url: str) -> bytes:
    with client.get(url) as response:
        assert response.status_code == 200, url
        return response.data


@settings(max_examples=60, deadline=None)
@given(table=events(), crlf=st.booleans())
def test_event_text_round_trips_exactly_through_every_format(table, crlf):
    with served(table, crlf) as (event, client):
        assert_every_format_holds_the_text_whole(table, event, client)


def assert_every_format_holds_the_text_whole(table: dict, event: Event, client: FlaskClient) -> None:
    """The text as written, in the feeds (read by icalendar and vobject), the JSON and the page."""
    assert event.title == table["title"].strip()
    assert event.description == table.get("description", "")
    assert event.location == table.get("location", "")

    for url in (f"/events/{event.id}.ics", "/calendar.ics", f"/calendars/{event.category}.ics"):
        body = body_of(client, url)
        # No property injection: every unfolded line is a property (NAME;params:value) or BEGIN/END.
        for line in unfolded_lines(body):
            assert line == "" or re.match(r"[A-Z][A-Z0-9-]*[;:]", line), (url, line)
        [by_icalendar] = parse_with_icalendar(body).walk("VEVENT")
        assert str(by_icalendar["SUMMARY"]) == event.title
        assert str(by_icalendar.get("DESCRIPTION", "")) == event_description(event).value
        assert str(by_icalendar.get("LOCATION", "")) == event.location
        start = by_icalendar["DTSTART"].dt
        assert start == event.start_local
        if event.is_timed:
            assert start.utcoffset() == event.start_local.utcoffset()

        [by_vobject] = parse_with_vobject(body).vevent_list
        assert by_vobject.summary.value == event.title
        if event_description(event).value:
            assert by_vobject.description.value == event_description(event).value
        if event.location:
            assert by_vobject.location.value == event.location
        assert_same_start_as_written(by_vobject.dtstart, event)

    [document] = json.loads(body_of(client, "/api/events.json"))["events"]
    assert (document["title"], document["description"] or "", document["location"] or "") == (
        event.title,
        event.description,
        event.location,
    )
    assert document["people"] == [person.name for person in event.persons]
    assert document["person_ids"] == list(event.people)

    page = body_of(client, f"/events/{event.id}/").decode()
    assert str(markupsafe.escape(event.title)) in page
    soup = BeautifulSoup(page, "html.parser")
    assert event.title in soup.body.get_text()  # markup in the title would have become tags, not text
    for script in soup.find_all("script"):
        assert script.get("src") or script.get("type", "").endswith("json"), "text broke out into a script"
        if not script.get("src"):
            json.loads(script.string)  # a data block stays valid JSON, whatever the title


def assert_same_start_as_written(dtstart, event) -> None:
    """vobject reads the local time and zone name as written.

    Its instants are not compared: vobject (through dateutil) misreads some
    offsets even from icalendar's own VTIMEZONE (Australia/Tasmania,
    2002-04-01 00:00, gives +11:00 where the zone has +10:00).
    """
    if event.is_timed and event.timezone in UTC_NAMES:
        assert dtstart.value == event.start.replace(tzinfo=dt.UTC)  # written as UTC, with a Z
    elif event.is_timed:
        assert dtstart.value.replace(tzinfo=None) == event.start
        assert dtstart.params["X-VOBJ-ORIGINAL-TZID"] == [event.timezone]
    else:
        assert dtstart.value == event.start


@settings(max_examples=40, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31)),
    hour=st.integers(0, 23),
)
@example(zone="UTC", day=dt.date(2024, 1, 1), hour=12)  # the one zone whose name is also an offset
@example(zone="Australia/Tasmania", day=dt.date(2002, 4, 1), hour=0)  # vobject misreads this instant
def test_a_timed_event_in_any_zone_keeps_its_instant_and_wall_time(zone, day, hour):
    start = dt.datetime.combine(day, dt.time(hour))
    assume(wall_time_ok(start, zone))
    with served({"title": "Meeting", "category": "visits", "start": start, "timezone": zone}) as (event, client):
        body = body_of(client, f"/events/{event.id}.ics")
    lines = unfolded_lines(body)
    written = [line for line in lines[lines.index("BEGIN:VEVENT") :] if line.startswith("DTSTART")]
    local = f"{start:%Y%m%dT%H%M%S}"
    assert written == ([f"DTSTART:{local}Z"] if zone in UTC_NAMES else [f"DTSTART;TZID={zone}:{local}"])
    instant = event.start_local.astimezone(dt.UTC)
    assert parse_with_icalendar(body).walk("VEVENT")[0]["DTSTART"].dt.astimezone(dt.UTC) == instant
    assert_same_start_as_written(parse_with_vobject(body).vevent.dtstart, event)
