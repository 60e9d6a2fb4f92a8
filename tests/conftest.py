"""Shared fixtures: the app on a dataset, its test client and CLI runner."""

from __future__ import annotations

import datetime as dt
import shutil
import zoneinfo
from pathlib import Path

import pytest
from click.testing import CliRunner

from calendar_svc import create_app
from calendar_svc.config import Config

from .toml_text import toml_document

# The service reads zone rules from the tzdata package whatever the host has. The independent
# readers the tests check its feeds with (icalendar, vobject, zoneinfo itself) look zones up by
# name; point them at the same package, so a difference is a bug and not a newer host tzdata.
zoneinfo.reset_tzpath(to=[])

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
BUNDLED_EVENTS = ROOT / "events"
SMALL = DATA / "small"
BROKEN = DATA / "broken"


@pytest.fixture
def events_dir(tmp_path: Path) -> Path:
    """A writable copy of the small test dataset."""
    target = tmp_path / "events"
    shutil.copytree(SMALL, target)
    return target


@pytest.fixture
def bundled_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled events, stamped as they are."""
    target = tmp_path / "bundled-events"
    shutil.copytree(BUNDLED_EVENTS, target)
    return target


@pytest.fixture
def write_event(events_dir: Path):
    """Write one event file into the writable dataset from its fields; returns its path.

    ``write_event("2023/visit", title="x", category="visits", start=dt.date(2023, 1, 1))``
    writes events/2023/visit.toml; dates and date-times become TOML dates.
    """

    def write(name: str, **fields) -> Path:
        path = events_dir / f"{name}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(toml_document(fields), encoding="utf-8")
        return path

    return write


@pytest.fixture
def runner() -> CliRunner:
    """Runs the calendar-svc command in this process, its output captured."""
    return CliRunner()


@pytest.fixture
def app():
    """The app on the small test dataset, links built for http://cal.test."""
    return create_app(Config(events_dir=SMALL, base_url="http://cal.test"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def bundled_app():
    """The app on the bundled events/ directory, as `make run` serves it."""
    return create_app(Config(events_dir=BUNDLED_EVENTS))


@pytest.fixture
def bundled_client(bundled_app):
    return bundled_app.test_client()


# Web pages -------------------------------------------------------------------------------

PAGES_TODAY = "2024-04-01"  # in the small dataset: a series meeting today, events to come and past ones


@pytest.fixture
def make_pages_app():
    """Build the app on a dataset with "today" pinned (Config.today), links built for http://cal.test."""

    def make(events: Path = SMALL, today: str = PAGES_TODAY, base_url: str | None = "http://cal.test"):
        return create_app(Config(events_dir=events, base_url=base_url, today=dt.date.fromisoformat(today)))

    return make


@pytest.fixture
def pages_client(make_pages_app):
    """A test client on the small dataset, today pinned to PAGES_TODAY."""
    return make_pages_app().test_client()
