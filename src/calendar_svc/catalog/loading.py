"""Read an events directory into a validated, immutable Catalog.

Every file is read and checked; every problem is collected. Either the whole
catalog loads, or ``CatalogError`` lists what is wrong: never a partial one.

A ``CatalogLoader`` remembers what each file's bytes parsed and validated to,
so loading the same folder again after an edit parses and validates only the
files whose bytes changed; the checks across files (duplicate ids and UIDs,
the revision record) still run over the whole catalog every time. Given a
``DiskCache``, its first load reuses what an earlier process worked out for
files with the same name and bytes, and saves what it had to work out; when
every file's name and bytes are the same (by their digest), it also takes the
rest of the catalog that process made (``CatalogRest``) instead of reading and
applying the revision record again.
A first load that finds nothing saved and has many files to parse shares them
out to forked processes, one per core, when no other thread runs (a fork
copies a lock held by another thread as held); the result is the same.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import multiprocessing
import os
import pickle
import threading
from dataclasses import dataclass
from pathlib import Path

import tomli as tomllib  # the compiled build of the parser that became tomllib: 2-3x faster

from ..disk_cache import DiskCache
from ..errors import CatalogError, Problem
from .calendars_file import parse_settings
from .event_file import parse_event
from .files import REVISIONS_FILE, SETTINGS_FILE, Fingerprint, FolderReading, data_fingerprint, path_in, read_file
from .model import Catalog, Event, Revision, Site
from .revisions import (
    EMPTY,
    RecordError,
    all_revisions,
    apply_record,
    event_fingerprint,
    parse_record,
    record_problems,
)


def load_catalog(directory: str | Path) -> Catalog:
    """Load and validate every file under ``directory``; raise CatalogError on any problem."""
    return CatalogLoader(directory).load()


Parsed = Event | list[Problem]  # what one event file's bytes validate to
Entry = tuple[bytes, Parsed, str]  # a file's SHA-256, what its bytes validate to, and the event's fingerprint or ""
CACHE_NAME = "parsed"
CATALOG_CACHE_NAME = "catalog"


@dataclass(frozen=True)
class CatalogRest:
    """What a load adds to the files' parses to make the catalog: each event's place in it, with the
    sequence and last change it is published with, and what the revision record gives the catalog.
    Saved apart from the parses, under the digest of every file's name and bytes, so that a load of
    other files never reads it."""

    published: tuple[tuple[str, int, dt.datetime], ...]  # (path, sequence, last change), in the catalog's order
    revisions: tuple[Revision, ...]
    unstamped: tuple[Problem, ...]

    @classmethod
    def of(cls, catalog: Catalog) -> CatalogRest:
        published = tuple((e.path, e.sequence, e.updated) for e in catalog.events)
        return cls(published, catalog.revisions, catalog.unstamped)


class CatalogLoader:
    """Loads one folder, again and again, reusing each unchanged file's parse and validation."""

    def __init__(self, directory: str | Path, cache: DiskCache | None = None):
        self.root = Path(directory)
        self.cache = cache
        self._settings: bytes | None = None  # the calendars.toml the cached results were validated against
        # path -> (SHA-256 of its bytes, what they validate to, the event's fingerprint or "")
        self._parsed: dict[str, Entry] = {}
        # relative name -> ((size, mtime, inode), SHA-256 of its bytes): a file whose stat is unchanged is not read
        self._read: dict[str, tuple[tuple[int, int, int], bytes]] = {}
        # path -> (event as read, as published) by the last load: an unchanged event stays the same object
        self._published: dict[str, tuple[Event, Event]] = {}
        self.parsed_last_time = 0  # event files parsed by the last load (the others were reused)

    def load(self, pause_collector: bool = True, listing: Fingerprint | None = None) -> Catalog:
        """Load the folder. ``pause_collector``: skip the garbage collector's passes while loading (tens
        of thousands of small objects, no cycles); not while serving, since that pauses every thread's.
        ``listing``: the folder's ``data_fingerprint``, when the caller has just taken it."""
        if not pause_collector:
            return self._load(listing)
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._load(listing)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _load(self, listing: Fingerprint | None) -> Catalog:
        root = self.root
        if not root.is_dir():
            raise CatalogError([Problem(str(root), "", "no such directory")])
        problems: list[Problem] = []
        top = str(root)
        reading = FolderReading(top, listing if listing is not None else data_fingerprint(root), self._read)
        self._read = reading.read_now
        site, calendars, settings_raw = read_settings(reading, problems)
        first_load = self._settings is None and not self._parsed
        if settings_raw != self._settings or site is None:  # categories may have changed: validate all again
            self._parsed = {}
        self._settings = settings_raw if site is not None else None
        if first_load and site is not None:
            self._parsed = self._saved(settings_raw)

        categories = frozenset(c.slug for c in calendars)
        self.parsed_last_time = 0
        names = [name for name in reading.stats if name not in (SETTINGS_FILE, REVISIONS_FILE)]
        if first_load and site is not None and not self._parsed:
            self._parse_in_parallel(reading, names, categories)
        files = []  # (name, path, SHA-256, bytes when they must be parsed)
        for name in names:
            key = reading.path(name)
            sha, raw = reading.read(name, key)
            cached = self._parsed.get(key)
            files.append((name, key, sha, None if cached is not None and cached[0] == sha else raw))
        record_read = reading.read(REVISIONS_FILE) if REVISIONS_FILE in reading.stats else None
        version = reading.version()  # of every file's name and bytes
        if first_load and site is not None and (taken := self._saved_catalog(files, version, top)) is not None:
            events, rest = taken  # the very same bytes: the same catalog
            return Catalog(
                site=site, calendars=calendars, events=events, version=version[:16],
                revisions=rest.revisions, unstamped=rest.unstamped,
            )  # fmt: skip

        events, fingerprints = self._validate(files, reading, categories if site else None, problems)
        problems.extend(duplicate_problems(events, site))
        record_path = reading.path(REVISIONS_FILE)
        record = EMPTY
        if record_read is not None:
            try:
                # Not kept between loads: at 10,000 events the parsed record is about 25 MB in every
                # server process, and parsing it again takes a sixth of a second. Nor saved: a start on
                # the same files takes what it gives the catalog (``CatalogRest``) instead.
                _, raw = record_read
                record = parse_record(raw if raw is not None else reading.read_bytes(REVISIONS_FILE))
            except RecordError as error:
                problems.append(Problem(record_path, "", str(error)))
        catalog = None
        if not problems and site is not None:
            unstamped = record_problems(events, record, record_path, fingerprints.__getitem__)
            as_read, events = events, apply_record(events, record, site, fingerprints.__getitem__, self._published)
            self._published = {e.path: (e, published) for e, published in zip(as_read, events, strict=True)}
            events.sort(key=lambda e: e.sort_key)
            catalog = Catalog(
                site=site, calendars=calendars, events=tuple(events), version=version[:16],
                revisions=tuple(all_revisions(record)), unstamped=tuple(sorted(unstamped)),
            )  # fmt: skip
        if first_load and site is not None:
            self._save(catalog, version, top)
        if catalog is None:
            raise CatalogError(problems)
        return catalog

    def _parse_in_parallel(self, reading: FolderReading, names: list[str], categories: frozenset[str]) -> None:
        """A first load with nothing saved: share the parsing out over the cores, when there is enough
        of it; the load then finds each file's parse under the digest of the bytes that were parsed."""
        processes = parse_processes()
        if len(names) < PARALLEL_FROM or processes <= 1:
            return
        for name, entry in parse_in_parallel(reading.top, names, categories, processes):
            reading.remember(name, entry[0])
            self._parsed[reading.path(name)] = entry
            self.parsed_last_time += 1

    def _validate(
        self, files: list[tuple[str, str, bytes, bytes | None]], reading: FolderReading,
        categories: frozenset[str] | None, problems: list[Problem],
    ) -> tuple[list[Event], dict[Event, str]]:  # fmt: skip
        """Each file's event, parsed and validated again only when its bytes changed (or the settings,
        which drop every parse), with its fingerprint; each file's problems go to ``problems``."""
        events: list[Event] = []
        fingerprints: dict[Event, str] = {}
        parsed: dict[str, Entry] = {}
        for name, key, sha, raw in files:
            cached = self._parsed.get(key)
            if cached is None or cached[0] != sha:
                if raw is None:  # unchanged since the last load, but its parse was dropped (new settings)
                    raw = reading.read_bytes(name)
                cached = parse_entry(key, raw, sha, categories)
                self.parsed_last_time += 1
            parsed[key] = cached
            result = cached[1]
            if isinstance(result, Event):
                events.append(result)
                fingerprints[result] = cached[2]
            else:
                problems.extend(result)
        self._parsed = parsed  # files that are gone are forgotten
        return events, fingerprints

    @property
    def _scope(self) -> str:
        return str(self.root.resolve())

    def _saved(self, settings_raw: bytes) -> dict[str, Entry]:
        """What an earlier process parsed in this folder under the same settings, if anything."""
        saved = self.cache.read(CACHE_NAME, self._scope, (settings_raw,)) if self.cache else None
        return saved if isinstance(saved, dict) else {}

    def _saved_catalog(
        self, files: list[tuple[str, str, bytes, bytes | None]], version: str, top: str
    ) -> tuple[tuple[Event, ...], CatalogRest] | None:
        """The events of the catalog an earlier process loaded from the very same files (``version``),
        as published, with the rest of that catalog; None if none was saved."""
        rest = self.cache.read(CATALOG_CACHE_NAME, self._scope, (self._settings, version, top)) if self.cache else None
        if not isinstance(rest, CatalogRest):
            return None
        sha_of = {key: sha for _, key, sha, _ in files}
        published: dict[str, tuple[Event, Event]] = {}
        for path, sequence, changed in rest.published:
            entry = self._parsed.get(path)
            if entry is None or entry[0] != sha_of.get(path) or not isinstance(entry[1], Event):
                return None  # the parses saved are not those of these files
            published[path] = (entry[1], entry[1].as_published(sequence, changed))
        if len(published) != len(files):
            return None
        self._parsed = {key: self._parsed[key] for _, key, _, _ in files}
        self._published = published
        return tuple(event for _, event in published.values()), rest

    def _save(self, catalog: Catalog | None, version: str, top: str) -> None:
        """Save what this first load worked out: the parses, if it parsed any; the rest of the catalog,
        if the files had no problems."""
        if self.cache is None:
            return
        if self.parsed_last_time:
            self.cache.write(CACHE_NAME, self._scope, (self._settings,), self._parsed)
        if catalog is not None:
            self.cache.write(CATALOG_CACHE_NAME, self._scope, (self._settings, version, top), CatalogRest.of(catalog))


def read_settings(reading: FolderReading, problems: list[Problem]) -> tuple[Site | None, tuple, bytes | None]:
    """The site settings and calendars from the settings file, and its bytes; missing or broken
    settings give (None, (), bytes or None) and a problem."""
    path = reading.path(SETTINGS_FILE)
    if SETTINGS_FILE not in reading.stats:
        problems.append(Problem(path, "", "missing: it holds the site settings and calendars"))
        return None, (), None
    reading.read(SETTINGS_FILE)  # for the version; the settings are parsed on every load
    raw = reading.read_bytes(SETTINGS_FILE)
    table, problem = parse_toml(path, raw)
    if problem:
        problems.append(problem)
    if table is None:
        return None, (), raw
    site, calendars = parse_settings(path, table, problems)
    return site, calendars, raw


def parse_entry(path: str, raw: bytes, sha: bytes, categories: frozenset[str] | None) -> Entry:
    """What the loader keeps for one event file: its bytes' digest, what they validate to, the fingerprint."""
    table, problem = parse_toml(path, raw)
    result = [problem] if problem else parse_event_file(Path(path), table, categories, sha)
    return sha, result, event_fingerprint(result) if isinstance(result, Event) else ""


PARALLEL_FROM = 2_000  # event files a first load must parse before it shares them out over the cores
MAX_PARSE_PROCESSES = 8


def parse_processes() -> int:
    """How many processes a first load may parse in: one per core available, when this process
    may fork (a process running other threads might fork while one of them holds a lock)."""
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(len(os.sched_getaffinity(0)), MAX_PARSE_PROCESSES)


def parse_files(top: str, names: list[str], categories: frozenset[str]) -> list[tuple[str, Entry]]:
    """Read, hash, parse and validate the event files ``names`` (relative to ``top``). A file that
    cannot be read is left out: the loader reads every file itself and reports it then."""
    done = []
    for name in names:
        path = path_in(top, name)
        try:
            raw = read_file(path)
        except OSError:
            continue
        done.append((name, parse_entry(path, raw, hashlib.sha256(raw).digest(), categories)))
    return done


def parse_in_parallel(
    top: str, names: list[str], categories: frozenset[str], processes: int
) -> list[tuple[str, Entry]]:
    """``parse_files`` of every name, in ``processes`` processes: this one and forked ones, each
    parsing its share. A forked process that fails to answer only costs its share parsed here."""
    context = multiprocessing.get_context("fork")
    shares = [names[i::processes] for i in range(processes)]
    forked = []
    for share in shares[1:]:
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_parse_share, args=(send, top, share, categories), daemon=True)
        process.start()
        send.close()
        forked.append((process, receive, share))
    done = parse_files(top, shares[0], categories)
    for process, receive, share in forked:
        try:
            done += pickle.loads(receive.recv_bytes())
        except (EOFError, OSError, pickle.UnpicklingError):
            done += parse_files(top, share, categories)
        finally:
            receive.close()
            process.join()
    return done


def _parse_share(send, top: str, names: list[str], categories: frozenset[str]) -> None:
    """In a forked process: parse ``names`` and send the results back (nothing if it fails)."""
    try:
        send.send_bytes(pickle.dumps(parse_files(top, names, categories), protocol=pickle.HIGHEST_PROTOCOL))
    finally:
        send.close()


def parse_event_file(
    path: Path, table: dict, categories: frozenset[str] | None, source: bytes = b""
) -> Event | list[Problem]:
    # Without valid settings every category would look unknown; skip that one check.
    if categories is None:
        categories = frozenset([table.get("category")]) if isinstance(table.get("category"), str) else frozenset()
    return parse_event(path.stem, str(path), table, categories, source)


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
