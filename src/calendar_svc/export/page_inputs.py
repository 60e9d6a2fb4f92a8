"""What each event page, event file and month view is made from, as one digest, so a rebuild can
take unchanged ones as they are.

An event's page (``/events/<id>/``) and its single-event file
(``/events/<id>.ics``), in each language, are most of a large site's files;
the month views (``/calendar/<year>/<month>/``) are most of what is left.
An event page or file is made from: the event as read from its file (the
file's path in the events folder and the SHA-256 of its bytes) and its
revision (sequence, last change); the site settings and calendars (names,
feed titles); the language and origin; the month the site is built in (every
page's menu links to it); and this package's code, templates and
translations and the libraries installed with it. Nothing else: an event's
page shows no other event, no count (a test moves an event between calendars
to hold that) and nothing of the day but its month. A month view is made
from the same site-wide inputs and: the events that fall in that month, each
as an event page stands for it, in their order; the months the month view
covers; the nearest earlier and later months with events; the countries the
filter form offers; the day, when its grid shows that day; and which of its
occurrences are happening on the day. So a rebuild on the next day renders
again only the month views that show either day or an event that starts or
stops happening.
A build records a digest of these for each such URL in
``.calendar-svc-inputs.json`` (a hidden file the static host does not serve).
A rebuild whose digest for a URL equals the recorded one takes the earlier
file as it is, instead of rendering it again. Every other URL is rendered on
every build. Tests hold rebuilds after edits of every kind, and on days of
every kind, to a build from scratch, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import json
import os
import re
from collections.abc import Container, Iterable
from functools import cache, cached_property
from pathlib import Path

from ..catalog.model import Event
from ..errors import EventNotFound, ExportError
from ..publish.urls import language_of, language_prefix
from ..serving.store import CatalogStore
from ..web.page_data import (
    Month,
    events_by_month,
    is_happening,
    month_range,
    month_rows,
    month_weeks,
    nearest_busy_months,
)
from .files import INPUTS_FILE, file_for

PACKAGE = Path(__file__).resolve().parent.parent


@cache
def code_digest() -> str:
    """A digest of what turns the same data into other bytes: this package's code, templates, static
    files and translations, and the Python that runs them."""
    import sys

    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


FORMAT = 2  # 1: the same document on one line
MONTH_PATH = re.compile(r"/calendar/([0-9]{4})/([0-9]{2})/")


class PageInputs:
    """The digest of what made each event page and event file of a site (None for other URLs)."""

    def __init__(self, store: CatalogStore, base_url: str, today: dt.date):
        self.store = store
        self.base_url = base_url
        self.today = today
        self._shared: dict[str, str] = {}  # by language: what every page in it is made from

    def digest(self, url: str) -> str | None:
        lang = language_of(url)
        path = url[len(language_prefix(lang)) :]
        if path.startswith("/calendar/"):
            return self._month_digest(lang, path)
        if not path.startswith("/events/"):
            return None
        name = path[len("/events/") :]
        if name.endswith("/"):
            kind, event_id = "page", name[:-1]
        elif name.endswith(".ics"):
            kind, event_id = "file", name[: -len(".ics")]
        else:
            return None
        if not event_id or "/" in event_id:
            return None
        catalog = self.store.catalog
        try:
            event = catalog.event(event_id)
        except EventNotFound:
            return None
        stands_for = self._stands_for(event)
        if stands_for is None:
            return None
        return hashlib.sha256("\0".join([self._shared_by(lang), kind, stands_for]).encode()).hexdigest()[:32]

    def _stands_for(self, event: Event) -> str | None:
        """What stands for the event's fields: its file and revision; None when not read from a file."""
        if not event.source:
            return None
        where = os.path.relpath(event.path, self.store.directory) if self.store.directory else event.path
        return "\0".join([where, event.source.hex(), repr(event.sequence), repr(event.updated)])

    def _month_digest(self, lang: str, path: str) -> str | None:
        match = MONTH_PATH.fullmatch(path)
        if match is None:
            return None
        month = (int(match[1]), int(match[2]))
        bounds, by_month, busy, countries = self._months
        if not 1 <= month[1] <= 12 or not bounds[0] <= month <= bounds[1]:
            return None
        in_month = by_month.get(month, ())
        events = [self._stands_for(event) for event in in_month]
        if None in events:
            return None
        earlier, later = nearest_busy_months(busy, month)
        parts = [self._shared_by(lang), "month", repr(month), repr(bounds), repr(earlier), repr(later), countries]
        parts += [self._day_in(month), *self._happening_in(in_month, month)]
        return hashlib.sha256("\0".join(parts + events).encode()).hexdigest()[:32]

    def _day_in(self, month: Month) -> str:
        """The day the site is built for, when the month's grid shows it (marked as today); else ""."""
        shown = any(day == self.today for week in month_weeks(*month) for day in week)
        return self.today.isoformat() if shown else ""

    def _happening_in(self, events: tuple[Event, ...], month: Month) -> list[str]:
        """The rows of the month view that are marked as happening on the day the site is built for."""
        occurrences, undated = month_rows(events, month)
        happening = [f"{e.id}@{start}" for start, e, first_day in occurrences if is_happening(e, self.today, first_day)]
        return happening + [f"{e.id}@month" for e in undated if is_happening(e, self.today)]

    @cached_property
    def _months(self) -> tuple[tuple[Month, Month], dict[Month, tuple[Event, ...]], tuple[Month, ...], str]:
        """What month views share: the months covered, each month's events, the months with events,
        and the countries of the filter form."""
        catalog = self.store.catalog
        bounds = month_range(catalog.events, self.today)
        by_month = events_by_month(catalog.events, bounds)
        return bounds, by_month, tuple(by_month), repr(catalog.countries)

    def _shared_by(self, lang: str) -> str:
        if lang not in self._shared:
            catalog = self.store.catalog
            # The month, not the day: every page's menu links to this month's view.
            parts = [code_digest(), self.base_url, f"{self.today:%Y-%m}", lang, repr(catalog.site)]
            parts += [repr(c) for c in catalog.calendars]
            self._shared[lang] = hashlib.sha256("\0".join(parts).encode()).hexdigest()
        return self._shared[lang]


Recorded = dict[str, tuple[str, str]]  # URL -> (digest of its inputs, SHA-256 of the file's bytes)


class EarlierBuild:
    """The files of the earlier build in ``folder`` that this build can take as they are: those made
    from the same inputs, and still holding the bytes that build wrote."""

    def __init__(self, inputs: PageInputs, folder: Path, recorded: Recorded):
        self.inputs = inputs
        self.folder = folder
        self.recorded = recorded
        self.made_from: dict[str, tuple[str, str]] = {}  # this build's record, by URL: to write
        self._digests: dict[str, str] = {}  # input digests of the URLs asked about but not taken
        self.taken = 0  # files taken as they were

    def body(self, url: str) -> bytes | None:
        """The earlier file's bytes, when it was made from what ``url`` would be made from now."""
        digest = self.inputs.digest(url)
        if digest is None:
            return None
        earlier = self.recorded.get(url)
        if earlier is not None and earlier[0] == digest:
            try:
                body = self.folder.joinpath(*file_for(url).parts).read_bytes()
            except (OSError, ExportError):
                body = None
            if body is not None and bytes_digest(body) == earlier[1]:  # else changed since that build wrote it
                self.made_from[url] = earlier
                self.taken += 1
                return body
        self._digests[url] = digest
        return None

    def rendered(self, url: str, body: bytes) -> None:
        """Note what ``url`` was rendered to, when it is one this build records."""
        digest = self._digests.pop(url, None)
        if digest is not None:
            self.made_from[url] = (digest, bytes_digest(body))


def bytes_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


# The record is one JSON document with an entry a line, so that a process can read the entries of its
# own URLs a line at a time and write its own sorted part, and the parts merge without being held.
RECORD_HEAD, RECORD_TAIL = f'{{"format":{FORMAT},"urls":{{', "}}"


def recorded_inputs(folder: Path, urls: Container[str] | None = None) -> Recorded:
    """What an earlier build recorded in ``folder`` for ``urls`` (default: every URL); nothing if it
    recorded nothing or the record cannot be read whole."""
    recorded: Recorded = {}
    try:
        with (folder / INPUTS_FILE).open(encoding="utf-8") as file:
            if file.readline().rstrip("\n") != RECORD_HEAD:
                return {}
            for line in file:
                line = line.rstrip("\n").removesuffix(",")
                if line == RECORD_TAIL:
                    return recorded
                ((url, pair),) = json.loads(f"{{{line}}}").items()
                if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
                    return {}
                if urls is None or url in urls:
                    recorded[url] = (pair[0], pair[1])
    except (OSError, ValueError):
        pass
    return {}  # unreadable, damaged or cut short


def write_inputs_part(path: Path, made_from: Recorded) -> Path:
    """Write one process's share of the record to ``path``, sorted, for ``write_inputs`` to merge."""
    lines = sorted(record_line(url, pair) for url, pair in made_from.items())
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def write_inputs(folder: Path, parts: Iterable[Path]) -> None:
    """Record what each event page, event file and month view of the build in ``folder`` was made from,
    and its bytes' digest: the ``parts`` (``write_inputs_part``) merged in order, then removed."""
    files = [part.open(encoding="utf-8") for part in parts]
    try:
        with (folder / INPUTS_FILE).open("w", encoding="utf-8") as record:
            record.write(RECORD_HEAD)
            separator = ""
            for line in heapq.merge(*files):
                record.write(f"{separator}\n{line.rstrip()}")
                separator = ","
            record.write(f"\n{RECORD_TAIL}\n")
    finally:
        for file in files:
            file.close()
            os.unlink(file.name)


def record_line(url: str, pair: tuple[str, str]) -> str:
    return f"{json.dumps(url)}:{json.dumps(list(pair), separators=(',', ':'))}"
