"""Shared fixtures: the app on a dataset, its test client and CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from calendar_svc import create_app
from calendar_svc.config import Config

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
def write_event(events_dir: Path):
    """Write one event file (TOML text) into the writable dataset; returns its path."""

    def write(name: str, toml_text: str) -> Path:
        path = events_dir / f"{name}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(toml_text, encoding="utf-8")
        return path

    return write


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
