"""Parsing event files: one file read to its validated event, with its people looked up in the register (or its
problems), and its fingerprint; and many files at once on every core.

A load that must parse many files (the first load of a large folder) shares them out to a pool of processes, which read
the files too. What crosses between processes is plain values: paths and the register's field values going out; each
file's digest, the event's field values or its problems as (path, field, message), and its fingerprint coming back.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import astuple, fields, replace
from itertools import repeat
from pathlib import Path

import tomli as tomllib  # the compiled build of the parser that became tomllib: 2-3x faster

from ..errors import Problem
from .event_file import did_you_mean, parse_event
from .files import PEOPLE_FILE
from .model import Event, Person
from .revisions import event_fingerprint

People = Mapping[str, Person]  # the register, by id
Parsed = Event | list[Problem]  # what one event file's bytes validate to
ParsedFile = tuple[bytes, Parsed, str]  # a file's SHA-256, what its bytes validate to, the event's fingerprint or ""

PARALLEL_FROM = 2_000  # files to parse before a pool of processes pays for itself
FILES_PER_TASK = 250
MAX_PROCESSES = 8
EVENT_ATTRIBUTES = tuple(f.name for f in fields(Event))  # the model's, as a parse sends them back in order


def parse_file(path: str, categories: frozenset[str] | None, people: People) -> ParsedFile:
    """What the loader keeps for one event file: its bytes' SHA-256, what they validate to, the
    fingerprint (of everything published, the people's names from the register included)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:  # gone or unreadable since the folder was listed
        return b"", [Problem(path, "", f"cannot be read ({error.strerror})")], ""
    sha = hashlib.sha256(raw).digest()
    table, problem = parse_toml(path, raw)
    if problem:
        return sha, [problem], ""
    # Without valid settings every category would look unknown; skip that one check.
    if categories is None:
        categories = frozenset([table.get("category")]) if isinstance(table.get("category"), str) else frozenset()
    result = parse_event(Path(path).stem, path, table, categories, sha)
    if isinstance(result, Event) and result.people:
        result = with_persons(result, people)
    return sha, result, event_fingerprint(result) if isinstance(result, Event) else ""


def with_persons(event: Event, people: People) -> Parsed:
    """The event with its people's register entries; an id the register lacks is a problem."""
    unknown = [i for i in event.people if i not in people]
    if unknown:
        return [
            Problem(event.path, "people", f"{i!r} is not in {PEOPLE_FILE}{did_you_mean(i, people)}") for i in unknown
        ]
    return replace(event, persons=tuple(people[i] for i in event.people))


def parse_toml(path: str, raw: bytes) -> tuple[dict | None, Problem | None]:
    """Decode and parse one file, or say why it cannot be read."""
    try:
        source = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        return None, Problem(
            path, "", f"not valid UTF-8 (byte 0x{raw[e.start]:02x} on line {line}); save the file as UTF-8"
        )
    if not source.strip():
        return None, Problem(path, "", "file is empty")
    try:
        return tomllib.loads(source), None
    except tomllib.TOMLDecodeError as e:
        return None, Problem(path, "", f"TOML syntax error: {e}")


def parse_files(files: list[str], categories: frozenset[str] | None, people: People) -> list[ParsedFile]:
    """``parse_file`` of each file, in order: on every core when there are many."""
    processes = pool_size()
    if len(files) < PARALLEL_FROM or processes < 2:
        return [parse_file(path, categories, people) for path in files]
    tasks = [files[i : i + FILES_PER_TASK] for i in range(0, len(files), FILES_PER_TASK)]
    register = [astuple(person) for person in people.values()]
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
        answers = pool.map(parse_plainly, tasks, repeat(categories), repeat(register))
        return [from_plain(answer, people) for task in answers for answer in task]


def pool_size() -> int:
    """Processes to parse in: one per core available, when this process may fork (a process running
    other threads might fork while one of them holds a lock)."""
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(len(os.sched_getaffinity(0)), MAX_PROCESSES)


def parse_plainly(files: list[str], categories: frozenset[str] | None, register: list[tuple]) -> list[tuple]:
    """In a pool process: each file parsed, as plain values (see ``from_plain``); ``register``: each
    person's field values."""
    people = {values[0]: Person(*values) for values in register}
    answers = []
    for path in files:
        sha, result, fingerprint = parse_file(path, categories, people)
        if isinstance(result, Event):  # the people as their ids alone: the loader has the register
            values = tuple(() if name == "persons" else getattr(result, name) for name in EVENT_ATTRIBUTES)
            answers.append((sha, values, None, fingerprint))
        else:
            answers.append((sha, None, [astuple(problem) for problem in result], ""))
    return answers


def from_plain(answer: tuple, people: People) -> ParsedFile:
    """The ``ParsedFile`` that ``parse_plainly`` gave as plain values, its people from ``people``."""
    sha, values, problems, fingerprint = answer
    if values is None:
        return sha, [Problem(*problem) for problem in problems], fingerprint
    known = dict(zip(EVENT_ATTRIBUTES, values, strict=True))
    known["persons"] = tuple(people[i] for i in known["people"])
    return sha, Event(**known), fingerprint
