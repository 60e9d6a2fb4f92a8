"""Read an events directory into a validated, immutable Catalog.

Every file is read and checked; every problem is collected. Either the whole
catalog loads, or ``CatalogError`` lists what is wrong: never a partial one.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import re
import tomli as tomllib  # the compiled build of the parser that became tomllib: 2-3x faster
from pathlib import Path

from icalendar import vDuration

from .errors import CatalogError, Problem
from .model import CalendarInfo, Catalog, Event, Site
from .schema import EVENT_ID, FieldError, one_line_text, parse_event, text, type_name

SETTINGS_FILE = "calendars.toml"
SITE_FIELDS = (
    "title", "description", "uid_domain", "publisher_name", "publisher_uri",
    "refresh_interval", "revised",
)  # fmt: skip
CALENDAR_FIELDS = ("slug", "name", "description", "colour")
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
IGNORED_PREFIXES = (".", "#")  # hidden files and editor backups
DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


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
    if problems or site is None:
        raise CatalogError(problems)
    events.sort(key=lambda e: e.sort_key)
    return Catalog(site=site, calendars=calendars, events=tuple(events), version=digest.hexdigest()[:16])


def event_files(root: Path) -> list[Path]:
    """Every event file under root in a stable order, skipping hidden and editor temp files."""
    found = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [d for d in subfolders if not d.startswith(IGNORED_PREFIXES)]
        found += [
            os.path.join(folder, name)
            for name in names
            if name.endswith(".toml") and not name.startswith(IGNORED_PREFIXES)
        ]
    settings = str(root / SETTINGS_FILE)
    return [Path(p) for p in sorted(found) if p != settings]


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
        return None, Problem(path, "", f"not valid UTF-8 (byte 0x{raw[e.start]:02x} on line {line}); save the file as UTF-8")
    if source.startswith("\ufeff"):
        source = source[1:]
    if not source.strip():
        return None, Problem(path, "", "file is empty")
    try:
        return tomllib.loads(source), None
    except tomllib.TOMLDecodeError as e:
        return None, Problem(path, "", f"TOML syntax error: {e}")


def parse_settings(path: str, table: dict, problems: list[Problem]) -> tuple[Site | None, tuple[CalendarInfo, ...]]:
    before = len(problems)
    for name in sorted(set(table) - {"site", "calendars"}):
        problems.append(Problem(path, name, "unknown section (expected [site] and [[calendars]])"))
    site_table = table.get("site")
    if not isinstance(site_table, dict):
        problems.append(Problem(path, "site", "a [site] table is required"))
        site_table = {}
    values = checked_fields(path, "site.", site_table, SITE_FIELDS, SITE_CHECKS, problems)

    calendars: list[CalendarInfo] = []
    entries = table.get("calendars")
    if not isinstance(entries, list) or not entries or not all(isinstance(c, dict) for c in entries):
        problems.append(Problem(path, "calendars", "at least one [[calendars]] entry is required"))
        entries = []
    seen: set[str] = set()
    for i, entry in enumerate(entries, 1):
        fields = checked_fields(path, f"calendars[{i}].", entry, CALENDAR_FIELDS, CALENDAR_CHECKS, problems)
        if len(fields) == len(CALENDAR_FIELDS):
            if fields["slug"] in seen:
                problems.append(Problem(path, f"calendars[{i}].slug", f"duplicate slug {fields['slug']!r}"))
            seen.add(fields["slug"])
            calendars.append(CalendarInfo(**fields))
    if len(problems) > before:
        return None, ()
    return Site(**values), tuple(calendars)


def checked_fields(path, prefix, table, names, checks, problems) -> dict:
    values = {}
    for name in sorted(set(table) - set(names)):
        problems.append(Problem(path, prefix + name, "unknown field"))
    for name in names:
        if name not in table:
            problems.append(Problem(path, prefix + name, "is required"))
            continue
        try:
            values[name] = checks.get(name, one_line_text)(table[name])
        except FieldError as e:
            problems.append(Problem(path, prefix + name, str(e)))
    return values


def duration(value: object) -> dt.timedelta:
    raw = one_line_text(value)
    try:
        result = vDuration.from_ical(raw)
    except ValueError:
        raise FieldError(f"{raw!r} is not an ISO 8601 duration such as 'PT12H'") from None
    if not isinstance(result, dt.timedelta) or result <= dt.timedelta(0):
        raise FieldError(f"{raw!r} must be a positive duration such as 'PT12H'")
    return result


def plain_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise FieldError(f"must be a date like 2026-11-27, not {type_name(value)}")
    return value


def slug(value: object) -> str:
    name = one_line_text(value)
    if not EVENT_ID.fullmatch(name):
        raise FieldError(f"{name!r} must be lowercase letters, digits and hyphens")
    return name


def colour(value: object) -> str:
    name = one_line_text(value)
    if not COLOUR.fullmatch(name):
        raise FieldError(f"{name!r} is not a colour like '#1f6feb'")
    return name.lower()


def domain(value: object) -> str:
    name = one_line_text(value)
    if not DOMAIN.fullmatch(name):
        raise FieldError(f"{name!r} is not a domain name")
    return name


def uri(value: object) -> str:
    name = one_line_text(value)
    if not re.fullmatch(r"(mailto:[^\s@]+@[^\s@]+|https?://\S+)", name):
        raise FieldError(f"{name!r} must be a mailto: or http(s) URI")
    return name


SITE_CHECKS = {
    "description": text, "uid_domain": domain, "publisher_uri": uri,
    "refresh_interval": duration, "revised": plain_date,
}  # fmt: skip
CALENDAR_CHECKS = {"slug": slug, "description": text, "colour": colour}


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
