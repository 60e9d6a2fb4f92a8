"""Changes reach subscribers by themselves: the revision record, `stamp`, and what is published from it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from click.testing import CliRunner

from calendar_svc import create_app
from calendar_svc.catalog.loading import CatalogLoader, load_catalog
from calendar_svc.catalog.model import Event, Person, Precision, Status
from calendar_svc.catalog.revisions import PUBLISHED_FIELDS, event_fingerprint, read_record, record_bytes, stamp
from calendar_svc.cli import main
from calendar_svc.config import Config

from .conftest import BUNDLED_EVENTS
from .ical_checks import parse_with_icalendar, parse_with_vobject

BASE = "http://cal.test"


@pytest.fixture
def events(bundled_copy):
    return bundled_copy


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def move_aif_2025(events) -> None:
    path = events / "2025" / "aif-2025.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("start = 2025-05-29", "start = 2025-06-02").replace("end = 2025-05-30", "end = 2025-06-03")
    path.write_text(text, encoding="utf-8")


def feed_events(events, url: str = "/calendar.ics") -> dict[str, dict]:
    """VEVENTs of a feed by UID: SEQUENCE, LAST-MODIFIED and DTSTAMP, and the block's bytes."""
    with create_app(Config(events_dir=events, base_url=BASE)).test_client().get(url) as response:
        body = response.data
    blocks = {}
    for vevent in parse_with_icalendar(body).walk("VEVENT"):
        blocks[str(vevent["UID"])] = {
            "sequence": int(vevent["SEQUENCE"]),
            "last_modified": vevent["LAST-MODIFIED"].dt,
            "dtstamp": vevent["DTSTAMP"].dt,
            "bytes": vevent.to_ical(),
        }
    return blocks


def test_the_bundled_data_is_stamped():
    result = invoke("validate", str(BUNDLED_EVENTS))
    assert result.exit_code == 0, result.output
    record = read_record(BUNDLED_EVENTS / "revisions.json")
    assert sorted(record.entries) == sorted(e.id for e in load_catalog(BUNDLED_EVENTS).events)


def test_the_record_file_is_sorted_and_stable():
    path = BUNDLED_EVENTS / "revisions.json"
    assert record_bytes(read_record(path)) == path.read_bytes()
    document = json.loads(path.read_bytes())
    assert list(document["events"]) == sorted(document["events"])


def test_validate_fails_on_an_unstamped_edit_until_stamp_runs(events):
    move_aif_2025(events)
    result = invoke("validate", str(events))
    assert result.exit_code == 1
    assert f"{events}/2025/aif-2025.toml: changed since it was stamped (end, start): run `calendar-svc stamp`" in (
        result.output
    )
    stamped = invoke("stamp", str(events))
    assert stamped.exit_code == 0, stamped.output
    before = read_record(BUNDLED_EVENTS / "revisions.json").entries["aif-2025"].sequence
    assert stamped.stdout == f"aif-2025: sequence {before} → {before + 1}: end, start\n"
    assert invoke("validate", str(events)).exit_code == 0


def test_stamping_raises_only_the_edited_events_sequence_by_one(events):
    before = feed_events(events)
    move_aif_2025(events)
    invoke("stamp", str(events))
    after = feed_events(events)
    uid = "aif-2025@kz-eu.calendar-svc.org"
    assert after[uid]["sequence"] == before[uid]["sequence"] + 1
    assert after[uid]["last_modified"] > before[uid]["last_modified"]
    assert after[uid]["dtstamp"] == after[uid]["last_modified"]
    assert {u: b for u, b in after.items() if u != uid} == {u: b for u, b in before.items() if u != uid}


def test_stamping_twice_changes_nothing_the_second_time(events):
    move_aif_2025(events)
    invoke("stamp", str(events))
    record = (events / "revisions.json").read_bytes()
    again = invoke("stamp", str(events))
    assert again.exit_code == 0
    assert again.stdout == ""
    assert f"up to date ({len(load_catalog(events).events)} events)" in again.stderr
    assert (events / "revisions.json").read_bytes() == record


def test_reformatting_a_file_is_not_a_change(events):
    path = events / "2025" / "aif-2025.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    # Another key order, a comment, literal strings instead of basic ones, a multi-line array on one line.
    reordered = [lines[1], "# reviewed", lines[0].replace('"', "'"), *lines[2:]]
    path.write_text("\n".join(reordered) + "\n", encoding="utf-8")
    assert load_catalog(events).version != load_catalog(BUNDLED_EVENTS).version  # the bytes did change
    assert invoke("validate", str(events)).exit_code == 0
    assert invoke("stamp", str(events)).stdout == ""


def test_a_new_event_enters_the_record_at_sequence_zero(events):
    (events / "2025" / "new-visit-2025.toml").write_text(
        'title = "A visit"\ncategory = "visits"\nstart = 2025-09-01\nsources = ["https://example.org/a"]\n',
        encoding="utf-8",
    )
    assert "not in the revision record yet" in invoke("validate", str(events)).output
    assert invoke("stamp", str(events)).stdout == "new-visit-2025: new, sequence 0\n"
    assert read_record(events / "revisions.json").entries["new-visit-2025"].sequence == 0


def test_a_removed_published_event_is_reported_until_forgotten(events):
    (events / "2025" / "aif-2025.toml").unlink()
    result = invoke("validate", str(events))
    assert result.exit_code == 1
    assert f"{events}/revisions.json: aif-2025: published, but its file is gone" in result.output
    assert "calendar-svc stamp --forget aif-2025" in result.output
    assert invoke("stamp", str(events)).stdout == ""  # stamping alone does not drop it
    assert "aif-2025" in read_record(events / "revisions.json").entries
    forgotten = invoke("stamp", str(events), "--forget", "aif-2025")
    assert forgotten.stdout == "aif-2025: forgotten\n"
    assert invoke("validate", str(events)).exit_code == 0


def test_forgetting_an_event_that_still_has_a_file_is_refused(events):
    result = invoke("stamp", str(events), "--forget", "aif-2025")
    assert result.exit_code == 1
    assert "still has a file, so it cannot be forgotten: aif-2025" in result.output


def test_an_unstamped_edit_is_served_one_sequence_higher_the_same_every_time(events):
    before = feed_events(events)
    move_aif_2025(events)
    first, second = feed_events(events), feed_events(events)
    uid = "aif-2025@kz-eu.calendar-svc.org"
    assert first == second
    assert first[uid]["sequence"] == before[uid]["sequence"] + 1
    newest = max(e.last_changed for e in read_record(events / "revisions.json").entries.values())
    assert first[uid]["last_modified"] == newest + dt.timedelta(seconds=1)
    client = create_app(Config(events_dir=events, base_url=BASE)).test_client()
    health = client.get("/healthz").json
    assert health["status"] == "degraded"
    assert health["unstamped"] == [
        f"{events}/2025/aif-2025.toml: changed since it was stamped (end, start): run `calendar-svc stamp`"
    ]


def test_a_reload_keeps_each_unchanged_event_and_publishes_edits_and_stamps_anew(events):
    loader = CatalogLoader(events)
    first = {e.id: e for e in loader.load().events}
    move_aif_2025(events)
    edited = {e.id: e for e in loader.load().events}
    assert [i for i in first if edited[i] is not first[i]] == ["aif-2025"]  # the others: the very same objects
    assert edited["aif-2025"].sequence == first["aif-2025"].sequence + 1
    invoke("stamp", str(events))
    stamped = {e.id: e for e in loader.load().events}
    assert [i for i in first if stamped[i] is not edited[i]] == ["aif-2025"]  # now with the stamp's time
    assert stamped["aif-2025"].updated != edited["aif-2025"].updated
    assert stamped == {e.id: e for e in load_catalog(events).events}  # as a load from scratch publishes them


def test_a_hand_written_sequence_above_the_record_wins_and_the_record_keeps_it(events):
    path = events / "2025" / "aif-2025.toml"
    path.write_text("sequence = 7\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert feed_events(events)["aif-2025@kz-eu.calendar-svc.org"]["sequence"] == 7
    move_aif_2025(events)
    before = read_record(events / "revisions.json").entries["aif-2025"].sequence
    assert invoke("stamp", str(events)).stdout == f"aif-2025: sequence {before} → 7: end, start\n"
    assert read_record(events / "revisions.json").entries["aif-2025"].sequence == 7


def test_the_history_says_what_changed_old_to_new(events):
    move_aif_2025(events)
    path = events / "2025" / "aif-2025.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("Astana hosted", "Astana held"), encoding="utf-8")
    invoke("stamp", str(events))
    latest = read_record(events / "revisions.json").entries["aif-2025"].history[-1]
    assert latest.kind == "changed"
    assert latest.summary == "start 2025-05-29 → 2025-06-02; end 2025-05-30 → 2025-06-03; text"


def test_cancelling_is_recorded_as_a_cancellation(events):
    path = events / "2025" / "aif-2025.toml"
    path.write_text('status = "cancelled"\n' + path.read_text(encoding="utf-8"), encoding="utf-8")
    invoke("stamp", str(events))
    latest = read_record(events / "revisions.json").entries["aif-2025"].history[-1]
    assert latest.kind == "cancelled"
    assert latest.summary == "status confirmed → cancelled"


def test_stamp_times_are_whole_utc_seconds():
    catalog = load_catalog(BUNDLED_EVENTS)
    record, changes = stamp(list(catalog.events), read_record(BUNDLED_EVENTS / "revisions.json"), dt.datetime.now())
    assert changes == []
    assert all(
        e.last_changed.microsecond == 0 and e.last_changed.utcoffset() == dt.timedelta(0)
        for e in record.entries.values()
    )


def test_a_broken_record_is_a_clear_problem(events):
    (events / "revisions.json").write_text("{not json", encoding="utf-8")
    result = invoke("validate", str(events))
    assert result.exit_code == 1
    assert f"{events}/revisions.json: not valid JSON" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("broken", "named"),
    [
        ('"summary": ', '"note": '),  # a revision without its summary
        ('"fields": {', '"fields": ["x"], "was": {'),  # field hashes that are no object
        ('"last_changed": "', '"last_changed": "x'),  # no time
    ],
)
def test_a_record_with_a_broken_entry_is_a_clear_problem_when_served_and_when_stamped(events, broken, named):
    path = events / "revisions.json"
    path.write_text(path.read_text(encoding="utf-8").replace(broken, named, 1), encoding="utf-8")
    for command in ("validate", "stamp"):
        result = invoke(command, str(events))
        assert result.exit_code == 1, command
        assert "revisions.json: not a revision record" in result.output, command
        assert "Traceback" not in result.output


def test_json_and_feeds_agree_on_sequence_and_last_change(events):
    client = create_app(Config(events_dir=events, base_url=BASE)).test_client()
    documents = {e["id"]: e for e in client.get("/api/events.json").json["events"]}
    for uid, published in feed_events(events).items():
        event = documents[uid.split("@")[0]]
        assert event["sequence"] == published["sequence"]
        assert dt.datetime.fromisoformat(event["updated"]) == published["last_modified"]
    with client.get("/events/aif-2025.ics") as response:
        [vevent] = parse_with_vobject(response.data).vevent_list
    assert vevent.sequence.value == str(documents["aif-2025"]["sequence"])


# The fields of Event that are not published content, so changing one alone must not raise
# SEQUENCE. Every other field of Event is in PUBLISHED_FIELDS: a new field is one or the other.
NOT_PUBLISHED = {
    "id",  # the record's key: an event under a new id is a new event, not a change to one
    "path",  # where the file lies; moving it changes nothing anyone sees
    "source",  # the file's bytes: reformatting a file is not a change
    "sequence",  # bookkeeping: what the record says was published, not content
    "updated",  # the same, for the last change
}
FORUM = Event(
    id="forum-2025",
    path="events/2025/forum-2025.toml",
    title="Forum",
    category="forums",
    start=dt.date(2025, 5, 29),
    precision=Precision.DAY,
    end=dt.date(2025, 5, 30),
    location="Astana",
    countries=("KZ",),
    people=("speaker",),
    persons=(Person("speaker", "A Speaker", translations=(("kk", "name", "Спикер"), ("ru", "name", "Спикер"))),),
    description="A forum.",
    url="https://forum.example.org/",
    sources=("https://news.example.org/forum",),
    rrule="FREQ=YEARLY",
    exdates=(dt.date(2026, 5, 29),),
    translations=(("kk", "title", "Форум"),),
    sequence=1,
    updated=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    source=b"digest",
)
# Another value for each field of FORUM: a field missing here fails its test below.
OTHER_VALUES = {
    "id": "forum-2025-moved",
    "path": "events/forum-2025.toml",
    "title": "Forum, renamed",
    "category": "visits",
    "start": dt.date(2025, 5, 28),
    "precision": Precision.MONTH,
    "status": Status.CANCELLED,
    "end": dt.date(2025, 5, 31),
    "timezone": "Asia/Almaty",
    "location": "Almaty",
    "countries": ("KZ", "DE"),
    "people": ("speaker", "guest"),
    "persons": (Person("speaker", "A Speaker", translations=(("kk", "name", "Спикер"), ("ru", "name", "Спикерь"))),),
    "description": "A forum, postponed.",
    "url": "https://forum.example.org/2025",
    "sources": (),
    "rrule": "",
    "exdates": (),
    "uid": "forum-2025@example.org",
    "translations": (("kk", "title", "Форум"), ("ru", "title", "Форум")),
    "sequence": 2,
    "updated": dt.datetime(2025, 2, 1, tzinfo=dt.UTC),
    "source": b"other digest",
}


def test_every_field_of_an_event_is_either_fingerprinted_or_named_as_not_published():
    names = {f.name for f in dataclasses.fields(Event)}
    assert sorted(names - set(PUBLISHED_FIELDS) - NOT_PUBLISHED) == [], "decide: published or not?"
    assert sorted((set(PUBLISHED_FIELDS) | NOT_PUBLISHED) - names) == [], "no longer fields of Event"
    assert sorted(set(PUBLISHED_FIELDS) & NOT_PUBLISHED) == []


@pytest.mark.parametrize("name", PUBLISHED_FIELDS)
def test_changing_a_published_field_changes_the_fingerprint(name):
    changed = dataclasses.replace(FORUM, **{name: OTHER_VALUES[name]})
    assert getattr(changed, name) != getattr(FORUM, name)
    assert event_fingerprint(changed) != event_fingerprint(FORUM)


@pytest.mark.parametrize("name", sorted(NOT_PUBLISHED))
def test_changing_a_field_that_is_not_published_leaves_the_fingerprint_alone(name):
    changed = dataclasses.replace(FORUM, **{name: OTHER_VALUES[name]})
    assert getattr(changed, name) != getattr(FORUM, name)
    assert event_fingerprint(changed) == event_fingerprint(FORUM)
