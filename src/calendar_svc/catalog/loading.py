"""Read an events directory into a validated, immutable Catalog.

Every file is read and checked; every problem is collected. Either the whole
catalog loads, or ``CatalogError`` lists what is wrong: never a partial one.
"""

from __future__ import annotations

import gc
import hashlib
from pathlib import Path

import tomli as tomllib  # the compiled build of the parser that became tomllib: 2-3x faster

from ..errors import CatalogError, Problem
from .calendars_file import parse_settings
from .event_file import parse_event
from .files import REVISIONS_FILE, SETTINGS_FILE, event_files
from .model import Catalog, Event, Site
from .revisions import EMPTY, RecordError, all_revisions, apply_record, parse_record, record_problems


def load_catalog(directory: str | Path) -> Catalog:
    """Load and validate every file under ``directory``; raise CatalogError on any problem."""
    gc_was_enabled = gc.isenabled()
    gc.disable()  # tens of thousands of small objects and no cycles: skip the collector's passes
    try:
        return _load(Path(directory))
    finally:
        if gc_was_enabled:
            gc.enable()


def _load(root: Path) -> Catalog:
    if not root.is_dir():
        raise CatalogError([Problem(str(root), "", "no such directory")])
    problems: list[Problem] = []
    digest = hashlib.sha256()

    def read(path: Path) -> dict | None:
        raw = path.read_bytes()
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + raw + b"\0")
        table, problem = parse_toml(str(path), raw)
        if problem:
            problems.append(problem)
        return table

    settings_path = root / SETTINGS_FILE
    site, calendars = None, ()
    if not settings_path.is_file():
        problems.append(Problem(str(settings_path), "", "missing: it holds the site settings and calendars"))
    else:
        table = read(settings_path)
        if table is not None:
            site, calendars = parse_settings(str(settings_path), table, problems)

    categories = frozenset(c.slug for c in calendars)
    events: list[Event] = []
    for path in event_files(root):
        table = read(path)
        if table is None:
            continue
        result = parse_event_file(path, table, categories if site else None)
        if isinstance(result, Event):
            events.append(result)
        else:
            problems.extend(result)

    problems.extend(duplicate_problems(events, site))
    record_path = root / REVISIONS_FILE
    record = EMPTY
    if record_path.is_file():
        raw = record_path.read_bytes()
        digest.update(REVISIONS_FILE.encode() + b"\0" + raw + b"\0")
        try:
            record = parse_record(raw)
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
