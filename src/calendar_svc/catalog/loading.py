"""Read an events directory into a validated, immutable Catalog.

Every file is read and checked; every problem is collected. Either the whole
catalog loads, or ``CatalogError`` lists what is wrong: never a partial one.

A ``CatalogLoader`` remembers what each file's bytes parsed and validated to,
so loading the same folder again after an edit parses and validates only the
files whose bytes changed; the checks across files (duplicate ids and UIDs,
the revision record) still run over the whole catalog every time.
"""

from __future__ import annotations

import gc
import hashlib
from pathlib import Path

import tomli as tomllib  # the compiled build of the parser that became tomllib: 2-3x faster

from ..errors import CatalogError, Problem
from .calendars_file import parse_settings
from .event_file import parse_event
from .files import REVISIONS_FILE, SETTINGS_FILE, data_files, event_files
from .model import Catalog, Event, Site
from .revisions import EMPTY, RecordError, all_revisions, apply_record, parse_record, record_problems


def load_catalog(directory: str | Path) -> Catalog:
    """Load and validate every file under ``directory``; raise CatalogError on any problem."""
    return CatalogLoader(directory).load()


Parsed = Event | list[Problem]  # what one event file's bytes validate to


class CatalogLoader:
    """Loads one folder, again and again, reusing each unchanged file's parse and validation."""

    def __init__(self, directory: str | Path):
        self.root = Path(directory)
        self._settings: bytes | None = None  # the calendars.toml the cached results were validated against
        self._parsed: dict[str, tuple[bytes, Parsed]] = {}  # path -> (bytes, result)
        self._read: dict[str, tuple[tuple[int, int, int], bytes]] = {}  # relative name -> (size, mtime, inode), bytes
        self.parsed_last_time = 0  # event files parsed by the last load (the others were reused)

    def load(self, pause_collector: bool = True) -> Catalog:
        """Load the folder. ``pause_collector``: skip the garbage collector's passes while loading (tens
        of thousands of small objects, no cycles); not while serving, since that pauses every thread's."""
        if not pause_collector:
            return self._load()
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._load()
        finally:
            if gc_was_enabled:
                gc.enable()

    def _load(self) -> Catalog:
        root = self.root
        if not root.is_dir():
            raise CatalogError([Problem(str(root), "", "no such directory")])
        problems: list[Problem] = []
        digest = hashlib.sha256()
        # A file whose size, time and inode are those of the last load is not read again.
        stats = {name: (s.st_size, s.st_mtime_ns, s.st_ino) for name, s in data_files(root) if s is not None}
        known, self._read = self._read, {}

        def read(path: Path) -> bytes:
            name = path.relative_to(root).as_posix()
            earlier = known.get(name)
            if earlier is not None and name in stats and earlier[0] == stats[name]:
                raw = earlier[1]
            else:
                raw = path.read_bytes()
            if name in stats:
                self._read[name] = (stats[name], raw)
            digest.update(name.encode() + b"\0" + raw + b"\0")
            return raw

        settings_path = root / SETTINGS_FILE
        site, calendars, settings_raw = None, (), None
        if not settings_path.is_file():
            problems.append(Problem(str(settings_path), "", "missing: it holds the site settings and calendars"))
        else:
            settings_raw = read(settings_path)
            table, problem = parse_toml(str(settings_path), settings_raw)
            if problem:
                problems.append(problem)
            if table is not None:
                site, calendars = parse_settings(str(settings_path), table, problems)
        if settings_raw != self._settings or site is None:  # categories may have changed: validate all again
            self._parsed = {}
        self._settings = settings_raw if site is not None else None

        categories = frozenset(c.slug for c in calendars)
        events: list[Event] = []
        parsed: dict[str, tuple[bytes, Parsed]] = {}
        self.parsed_last_time = 0
        for path in event_files(root):
            raw = read(path)
            key = str(path)
            cached = self._parsed.get(key)
            if cached is not None and cached[0] == raw:
                result = cached[1]
            else:
                result = self._parse_event(path, raw, categories if site else None)
                self.parsed_last_time += 1
            parsed[key] = (raw, result)
            if isinstance(result, Event):
                events.append(result)
            else:
                problems.extend(result)
        self._parsed = parsed  # files that are gone are forgotten

        problems.extend(duplicate_problems(events, site))
        record_path = root / REVISIONS_FILE
        record = EMPTY
        if record_path.is_file():
            try:
                record = parse_record(read(record_path))
            except RecordError as error:
                problems.append(Problem(str(record_path), "", str(error)))
        if problems or site is None:
            raise CatalogError(problems)
        unstamped = record_problems(events, record, str(record_path))
        events = apply_record(events, record, site)
        events.sort(key=lambda e: e.sort_key)
        return Catalog(
            site=site, calendars=calendars, events=tuple(events), version=digest.hexdigest()[:16],
            revisions=tuple(all_revisions(record)), unstamped=tuple(sorted(unstamped)),
        )  # fmt: skip

    @staticmethod
    def _parse_event(path: Path, raw: bytes, categories: frozenset[str] | None) -> Parsed:
        table, problem = parse_toml(str(path), raw)
        if problem:
            return [problem]
        return parse_event_file(path, table, categories)


def parse_event_file(path: Path, table: dict, categories: frozenset[str] | None) -> Event | list[Problem]:
    # Without valid settings every category would look unknown; skip that one check.
    if categories is None:
        categories = frozenset([table.get("category")]) if isinstance(table.get("category"), str) else frozenset()
    return parse_event(path.stem, str(path), table, categories)


def parse_toml(path: str, raw: bytes) -> tuple[dict | None, Problem | None]:
    """Decode and parse one file, or say why it cannot be read."""
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        return None, Problem(
            path, "", f"not valid UTF-8 (byte 0x{raw[e.start]:02x} on line {line}); save the file as UTF-8"
        )
    if source.startswith("\ufeff"):
        source = source[1:]
    if not source.strip():
        return None, Problem(path, "", "file is empty")
    try:
        return tomllib.loads(source), None
    except tomllib.TOMLDecodeError as e:
        return None, Problem(path, "", f"TOML syntax error: {e}")


def duplicate_problems(events: list[Event], site: Site | None) -> list[Problem]:
    problems = []
    first_by_id: dict[str, Event] = {}
    first_by_uid: dict[str, Event] = {}
    for event in sorted(events, key=lambda e: e.path):
        if event.id in first_by_id:
            other = first_by_id[event.id].path
            problems.append(Problem(event.path, "", f"duplicate event id {event.id!r} (also {other})"))
        first_by_id.setdefault(event.id, event)
        if site is not None:
            uid = event.uid_for(site)
            if uid in first_by_uid:
                other = first_by_uid[uid].path
                problems.append(Problem(event.path, "uid", f"duplicate UID {uid!r} (also {other})"))
            first_by_uid.setdefault(uid, event)
    return problems
