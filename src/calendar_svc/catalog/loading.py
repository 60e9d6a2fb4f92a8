"""Read an events directory into a validated, immutable Catalog: every file is read and checked and every problem
collected, so either the whole catalog loads or ``CatalogError`` lists what is wrong, never a partial one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import CatalogError, Problem
from .calendars_file import parse_settings
from .files import PEOPLE_FILE, REVISIONS_FILE, SETTINGS_FILE, FolderReading, Listing, folder_listing
from .model import Catalog, Event, Person, Site
from .parsing import ParsedFile, People, parse_files, parse_toml
from .people_file import parse_people
from .revisions import (
    EMPTY,
    Record,
    RecordError,
    all_revisions,
    apply_record,
    parse_record,
    record_problems,
)  # fmt: skip


def load_catalog(directory: str | Path) -> Catalog:
    """Load and validate every file under ``directory``; raise CatalogError on any problem."""
    return CatalogLoader(directory).load()


class CatalogLoader:
    """Loads one folder, again and again, reusing each unchanged file's parse and validation; the checks across
    files (duplicate ids and UIDs, the revision record) run over the whole catalog every time."""

    def __init__(self, directory: str | Path):
        self.root = Path(directory)
        # The calendars.toml and people.toml bytes the kept parses were validated against.
        self._context: tuple[bytes, bytes] | None = None
        self._parsed: dict[str, ParsedFile] = {}  # by path
        # relative name -> ((size, mtime, inode), SHA-256 of its bytes): a file whose stat is unchanged is not read
        self._read: dict[str, tuple[tuple[int, int, int], bytes]] = {}
        # path -> (event as read, as published) by the last load: an unchanged event stays the same object
        self._published: dict[str, tuple[Event, Event]] = {}
        self.parsed_last_time = 0  # event files parsed by the last load (the others were reused)

    def load(self, listing: Listing | None = None) -> Catalog:
        """Load the folder. ``listing``: the folder's ``folder_listing``, when the caller has just taken it."""
        if not self.root.is_dir():
            raise CatalogError([Problem(str(self.root), "", "no such directory")])
        problems: list[Problem] = []
        reading = FolderReading(str(self.root), listing or folder_listing(self.root), self._read)
        self._read = reading.read_now
        (site, calendars), settings_raw = read_settings(reading, problems)
        people, people_raw = read_people(reading, problems)
        context = (settings_raw, people_raw) if site is not None else None
        if context is None or context != self._context:  # categories or people may have changed: all again
            self._parsed = {}
        self._context = context
        categories = frozenset(c.slug for c in calendars) if site is not None else None
        events, fingerprints = self._read_events(reading, categories, {p.id: p for p in people}, problems)
        problems.extend(duplicate_problems(events, site))
        record, record_raw = read_revisions(reading, problems)
        if problems or site is None:
            raise CatalogError(problems)
        if any(e.id in record.entries and record.entries[e.id].fingerprint != fingerprints[e] for e in events):
            record = parse_record(record_raw)  # with the field hashes, to name the fields that changed
        record_path = reading.path(REVISIONS_FILE)
        unstamped = record_problems(events, record, record_path, fingerprints)
        as_read, events = events, apply_record(events, record, site, fingerprints, self._published)
        self._published = {e.path: (e, published) for e, published in zip(as_read, events, strict=True)}
        events.sort(key=lambda e: e.sort_key)
        return Catalog(
            site=site, calendars=calendars, events=tuple(events), people=people,
            version=reading.version()[:16], revisions=tuple(all_revisions(record)),
            unstamped=tuple(sorted(unstamped)), warnings=tuple(unnamed_people(reading, people, events)),
        )  # fmt: skip

    def _read_events(
        self, reading: FolderReading, categories: frozenset[str] | None, people: People, problems: list[Problem]
    ) -> tuple[list[Event], dict[Event, str]]:
        """Each event file's event, read, parsed and validated again only when its stat changed (or the
        settings or the register, which drop every parse), with its fingerprint; each file's problems
        go to ``problems``."""
        names = {
            reading.path(name): name
            for name in reading.stats
            if name not in (SETTINGS_FILE, PEOPLE_FILE, REVISIONS_FILE)
        }
        kept: dict[str, ParsedFile | None] = {}
        for path, name in names.items():
            earlier = self._parsed.get(path)
            # In its place in the folder's order; None: read and parsed below.
            kept[path] = earlier if earlier is not None and earlier[0] == reading.unchanged(name) else None
        to_parse = [path for path, parsed in kept.items() if parsed is None]
        kept.update(zip(to_parse, parse_files(to_parse, categories, people), strict=True))
        for path, name in names.items():
            reading.note(name, kept[path][0])
        self.parsed_last_time = len(to_parse)
        events: list[Event] = []
        fingerprints: dict[Event, str] = {}
        for _, result, fingerprint in kept.values():
            if isinstance(result, Event):
                events.append(result)
                fingerprints[result] = fingerprint
            else:
                problems.extend(result)
        self._parsed = kept  # files that are gone are forgotten
        return events, fingerprints


def read_people(reading: FolderReading, problems: list[Problem]) -> tuple[tuple[Person, ...], bytes]:
    """The register of people (none when there is no people.toml) and its bytes."""
    if PEOPLE_FILE not in reading.stats:
        return (), b""
    return read_toml(reading, PEOPLE_FILE, parse_people, (), problems)


def unnamed_people(reading: FolderReading, people: tuple[Person, ...], events: list[Event]) -> list[Problem]:
    """A warning for each registered person no event names."""
    named = {person_id for event in events for person_id in event.people}
    path = reading.path(PEOPLE_FILE)
    return [Problem(path, person.id, "no event names this person") for person in people if person.id not in named]


def read_revisions(reading: FolderReading, problems: list[Problem]) -> tuple[Record, bytes]:
    """The revision record without its details (empty when there is none; see ``parse_record``) and
    its bytes; a broken one adds a problem."""
    if REVISIONS_FILE not in reading.stats:
        return EMPTY, b""
    raw = reading.read(REVISIONS_FILE)
    try:
        return parse_record(raw, details=False), raw
    except RecordError as error:
        problems.append(Problem(reading.path(REVISIONS_FILE), "", str(error)))
        return EMPTY, raw


def read_settings(reading: FolderReading, problems: list[Problem]) -> tuple[tuple[Site | None, tuple], bytes | None]:
    """The site settings and calendars from the settings file, and its bytes; missing or broken
    settings give ((None, ()), bytes or None) and a problem."""
    if SETTINGS_FILE not in reading.stats:
        problems.append(Problem(reading.path(SETTINGS_FILE), "", "missing: it holds the site settings and calendars"))
        return (None, ()), None
    return read_toml(reading, SETTINGS_FILE, parse_settings, (None, ()), problems)


def read_toml(reading: FolderReading, name: str, parse: Callable, broken: object, problems: list[Problem]) -> tuple:
    """``parse(path, table, problems)`` of the TOML file ``name`` (``broken`` when it does not parse), and its
    bytes; its problems go to ``problems``."""
    path, raw = reading.path(name), reading.read(name)
    table, problem = parse_toml(path, raw)
    if problem:
        problems.append(problem)
    return (parse(path, table, problems) if table is not None else broken), raw


def duplicate_problems(events: list[Event], site: Site | None) -> list[Problem]:
    """A problem for each event with the id, or the UID, of an event in a file before it (by path)."""
    problems = []
    first_path: dict[tuple[str, str], str] = {}  # by ("", id) and ("uid", UID)
    for event in sorted(events, key=lambda e: e.path):
        found = [("", event.id, "duplicate event id")]
        if site is not None:
            found.append(("uid", event.uid_for(site), "duplicate UID"))
        for field, value, what in found:
            first = first_path.setdefault((field, value), event.path)
            if first != event.path:
                problems.append(Problem(event.path, field, f"{what} {value!r} (also {first})"))
    return problems
