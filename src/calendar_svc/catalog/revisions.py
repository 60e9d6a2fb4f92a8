"""The revision record: each event's published sequence, when it changed, and what changed.

``events/revisions.json`` is kept beside the data and written only by ``calendar-svc stamp``. For each event id it
holds the current sequence, when the event was first published and last changed, a fingerprint of everything a
subscriber or visitor can see of it, and its history of revisions. Calendar clients apply a change only when SEQUENCE
rises (Google) or LAST-MODIFIED moves (Outlook, Apple), so the record, not the editor's memory, decides both.

Everything here is pure but ``read_record`` and ``write_record`` (atomic). The loader applies the record to the events
it publishes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from operator import attrgetter
from pathlib import Path

from ..errors import Problem
from .languages import LANGUAGES
from .model import Event, Revision, Site

FORMAT = 1
# Values shown as "old → new" in a revision's summary; other fields are named ("text", "countries", …).
FACTS = ("start", "end", "timezone", "location", "status", "category")
TEXT_FIELDS = ("title", "description", "people", "sources", "url")


@dataclass(frozen=True)
class RecordedEvent:
    """What the record holds for one event."""

    sequence: int
    first_published: dt.datetime
    last_changed: dt.datetime
    fingerprint: str
    fields: dict[str, str]  # a short hash per published field, to name what changed
    facts: dict[str, str]  # the values summaries show as "old → new"
    history: tuple[Revision, ...]  # oldest first


@dataclass(frozen=True)
class Record:
    entries: dict[str, RecordedEvent]


EMPTY = Record({})


# Each field of an Event that a subscriber or visitor sees, as the text the record holds under its name.
FIELD_TEXTS: dict[str, Callable[[Event], str]] = {
    **{name: attrgetter(name) for name in ("title", "category", "rrule", "location", "description", "url", "uid")},
    "status": lambda event: str(event.status),
    "start": lambda event: event.known_start,
    "end": lambda event: event.end.isoformat() if event.end is not None else "",
    "timezone": lambda event: event.timezone or "",
    "exdates": lambda event: " ".join(x.isoformat() for x in event.exdates),
    "countries": lambda event: " ".join(event.countries),
    "people": lambda event: "\n".join(event.people),
    "sources": lambda event: "\n".join(event.sources),
}
# Every Event field the fingerprint covers: those above, the precision (within the start's text),
# the translations (each as "kk.title", "ru.description" …) and the people's names from the register
# (as "en.people", "kk.people" and "ru.people"). tests/test_revisions.py holds this to Event's fields:
# a new field must be added here or named there as not published.
PUBLISHED_FIELDS = (*FIELD_TEXTS, "precision", "translations", "persons")


def published_fields(event: Event) -> dict[str, str]:
    """Everything a subscriber or visitor can see of the event, as text per field.

    Values come from the validated event, so file layout, key order, comments
    and how a TOML value is written make no difference. Hand-written
    ``sequence`` and ``updated`` are bookkeeping, not content.
    """
    fields = {name: text(event) for name, text in FIELD_TEXTS.items()}
    # Text in Kazakh and Russian, as "kk.title": only fields that are written, so adding a
    # language is a change to the events that gain it and no other.
    fields.update({f"{language}.{name}": value for language, name, value in event.translations})
    if event.persons:  # a changed spelling in the register changes every event that shows it
        fields.update({f"{lang}.people": "\n".join(map(str, event.people_names(lang))) for lang in LANGUAGES})
    return fields


def field_hashes(fields: dict[str, str]) -> dict[str, str]:
    return {name: hashlib.sha256(value.encode()).hexdigest()[:12] for name, value in sorted(fields.items())}


def fingerprint(fields: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def is_text(name: str) -> bool:
    """Wording, in any language: "title", "description", "kk.location" …"""
    return name in TEXT_FIELDS or "." in name


def event_fingerprint(event: Event) -> str:
    """The fingerprint of everything published about ``event`` (made once per parse: the loader keeps it)."""
    return fingerprint(published_fields(event))


def changed_fields(entry: RecordedEvent, fields: dict[str, str]) -> list[str]:
    """Names of the published fields that differ from the record, in a stable order."""
    hashes = field_hashes(fields)
    return [name for name in sorted(hashes.keys() | entry.fields.keys()) if hashes.get(name) != entry.fields.get(name)]


def summary(entry: RecordedEvent, fields: dict[str, str]) -> str:
    """'start 2025-05-29 → 2025-05-30; end …; text' for what changed since ``entry``."""
    names = changed_fields(entry, fields)
    parts = [
        f"{name} {entry.facts.get(name) or '(none)'} → {fields[name] or '(none)'}" for name in FACTS if name in names
    ]
    if any(is_text(name) for name in names):
        parts.append("text")
    parts += [
        "recurrence" if name in ("rrule", "exdates") else name
        for name in names
        if name not in FACTS and not is_text(name)
    ]
    return "; ".join(dict.fromkeys(parts))


def apply_record(
    events: list[Event],
    record: Record,
    site: Site,
    fingerprints: Mapping[Event, str],
    earlier: Mapping[str, tuple[Event, Event]],
) -> list[Event]:
    """The events as published: with the sequence and last-change time the record gives them
    (hand-written sequence and updated win when higher).

    ``earlier``: by path, each event as read and as published by an earlier call. An event
    that is the very object read then, published the same, is that same published object."""
    # An edit not yet stamped: one second after the record's latest change. Derived from the files alone,
    # so every process and restart serve the same bytes; later than anything before, so Last-Modified rises.
    unstamped = max((e.last_changed for e in record.entries.values()), default=site.revised_at)
    unstamped += dt.timedelta(seconds=1)
    result = []
    for event in events:
        entry = record.entries.get(event.id)
        if entry is not None and entry.fingerprint == fingerprints[event]:
            sequence, changed = entry.sequence, entry.last_changed
        else:
            sequence, changed = (entry.sequence + 1 if entry is not None else 0), unstamped
        sequence = max(sequence, event.sequence or 0)
        if event.updated is not None:
            changed = max(changed, event.updated.astimezone(dt.UTC))
        before = earlier.get(event.path)
        if before is not None and before[0] is event and (before[1].sequence, before[1].updated) == (sequence, changed):
            result.append(before[1])
        else:
            result.append(replace(event, sequence=sequence, updated=changed))
    return result


def record_problems(
    events: list[Event], record: Record, record_path: str, fingerprints: Mapping[Event, str]
) -> list[Problem]:
    """One problem per event that differs from the record or is missing from it, and per removed one."""
    problems = []
    for event in events:
        entry = record.entries.get(event.id)
        if entry is None:
            problems.append(Problem(event.path, "", "not in the revision record yet: run `calendar-svc stamp`"))
        elif entry.fingerprint != fingerprints[event]:
            changed = ", ".join(changed_fields(entry, published_fields(event)))
            problems.append(
                Problem(event.path, "", f"changed since it was stamped ({changed}): run `calendar-svc stamp`")
            )
    present = {e.id for e in events}
    for event_id in sorted(record.entries.keys() - present):
        problems.append(Problem(
            record_path, event_id,
            'published, but its file is gone: restore it with status = "cancelled" so subscribers see it '
            f"called off, or drop it with `calendar-svc stamp --forget {event_id}`",
        ))  # fmt: skip
    return problems


def stamp(events: list[Event], record: Record, now: dt.datetime, forget: frozenset[str] = frozenset()):
    """The next record for ``events`` at ``now`` (UTC), and a line per event it changed ("aif-2025: sequence
    1 → 2: start, title"); unchanged events keep their entry."""
    now = now.astimezone(dt.UTC).replace(microsecond=0)
    entries = {event_id: entry for event_id, entry in record.entries.items() if event_id not in forget}
    changes: list[str] = []
    for event in sorted(events, key=lambda e: e.id):
        fields = published_fields(event)
        digest = fingerprint(fields)
        entry = entries.get(event.id)
        if entry is None:
            sequence = event.sequence or 0
            first = "; ".join(f"{name} {fields[name]}" for name in ("start", "end", "location") if fields[name])
            revision = Revision(event.id, sequence, now, "new", first or "new")
            first_published, history = now, ()
            changes.append(f"{event.id}: new, sequence {sequence}")
        elif entry.fingerprint != digest:
            sequence = max(entry.sequence + 1, event.sequence or 0)
            cancelled = fields["status"] == "cancelled" and entry.facts.get("status") != "cancelled"
            kind = "cancelled" if cancelled else "changed"
            revision = Revision(event.id, sequence, now, kind, summary(entry, fields))
            first_published, history = entry.first_published, entry.history
            names = ", ".join(changed_fields(entry, fields))
            changes.append(f"{event.id}: sequence {entry.sequence} → {sequence}: {names}")
        else:
            continue
        facts = {name: fields[name] for name in FACTS}
        entries[event.id] = RecordedEvent(
            sequence, first_published, now, digest, field_hashes(fields), facts, (*history, revision)
        )
    return Record(dict(sorted(entries.items()))), changes


def all_revisions(record: Record) -> list[Revision]:
    """Every revision in the record, newest first (ties: by event id)."""
    revisions = [r for entry in record.entries.values() for r in entry.history]
    return sorted(revisions, key=lambda r: (r.time, r.event_id, r.sequence), reverse=True)


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record_bytes(record: Record) -> bytes:
    """The record as sorted, indented JSON: the same record always gives the same bytes."""
    document = {
        "format": FORMAT,
        "events": {
            event_id: {
                "sequence": entry.sequence,
                "first_published": utc_text(entry.first_published),
                "last_changed": utc_text(entry.last_changed),
                "fingerprint": entry.fingerprint,
                "fields": entry.fields,
                "facts": entry.facts,
                "history": [
                    {"sequence": r.sequence, "time": utc_text(r.time), "kind": r.kind, "summary": r.summary}
                    for r in entry.history
                ],
            }
            for event_id, entry in sorted(record.entries.items())
        },
    }
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


class RecordError(ValueError):
    """The record file cannot be used; the message says why."""


def parse_record(raw: bytes, details: bool = True) -> Record:
    """The record from its file's bytes; raises RecordError naming what is wrong.

    Each entry is made compact as soon as it is read (``read_object``), so the whole document is
    never held as JSON objects: at 10,000 events that would take four times the record's memory."""
    try:
        document = own_dict(json.loads(raw, object_hook=partial(read_object, details)))
        if document.get("format") != FORMAT:
            raise RecordError(f"unknown format {document.get('format')!r} (expected {FORMAT})")
        entries = {}
        for event_id, (*values, history) in document["events"].items():
            revisions = tuple(Revision(event_id, *revision) for revision in history)
            entries[event_id] = RecordedEvent(*values, revisions)
    except RecordError:
        raise
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RecordError(f"not valid JSON ({error}); it is written by `calendar-svc stamp`") from None
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise RecordError(
            f"not a revision record ({type(error).__name__}: {error}); restore it from version control"
        ) from None
    return Record(entries)


def read_object(details: bool, item: dict) -> dict | tuple:
    """One JSON object of the record, as it is read: a revision, or an event's entry, as a tuple of its
    values (with ``details``, the field hashes and facts, which only stamping and naming the fields
    that changed need; else none); any other object as it is."""
    if item.keys() == {"sequence", "time", "kind", "summary"}:
        return int(item["sequence"]), parse_time(item["time"]), str(item["kind"]), str(item["summary"])
    if "fingerprint" not in item:
        return item
    fields, facts, history = own_dict(item["fields"]), own_dict(item["facts"]), tuple(item["history"])
    if not all(isinstance(revision, tuple) for revision in history):
        raise TypeError("a revision needs exactly sequence, time, kind and summary")
    return (
        int(item["sequence"]), parse_time(item["first_published"]), parse_time(item["last_changed"]),
        str(item["fingerprint"]), fields if details else {}, facts if details else {}, history,
    )  # fmt: skip


def own_dict(value: object) -> dict:
    """A dict the parsed document made, kept as it is (copying 20,000 of them doubles their memory)."""
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, found {type(value).__name__}")
    return value


def parse_time(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no offset")
    return moment.astimezone(dt.UTC)


def read_record(path: Path) -> Record:
    """The record at ``path``; the empty record when there is none yet."""
    return parse_record(path.read_bytes()) if path.is_file() else EMPTY


def write_record(path: Path, record: Record) -> None:
    """Replace the record file atomically: readers see the old file or the new one, never half of one."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(record_bytes(record))
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
