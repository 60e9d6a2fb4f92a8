"""The calendar-svc command: validate the data, serve it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__, create_app
from .config import Config
from .errors import CatalogError
from .loader import load_catalog


def load_or_exit(directory: Path):
    """Load the catalog, or print every problem (one per line) and exit 1."""
    try:
        return load_catalog(directory)
    except CatalogError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        count = len(error.problems)
        raise click.ClickException(f"{count} problem{'s' if count != 1 else ''} in {directory}") from None


@click.group()
@click.version_option(__version__, prog_name="calendar-svc")
def main() -> None:
    """Publish official events as iCalendar feeds, JSON and web pages."""


@main.command()
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def validate(directory: Path | None) -> None:
    """Check every event file in DIRECTORY (default: $CALENDAR_SVC_EVENTS_DIR or ./events)."""
    directory = directory or Config.from_env().events_dir
    catalog = load_or_exit(directory)
    dated = len(catalog.dated_events)
    click.echo(
        f"{directory}: {len(catalog.events)} events OK ({dated} dated, {len(catalog.events) - dated} "
        f"with only a month or year) in {len(catalog.calendars)} calendars, version {catalog.version}"
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--events", "events_dir", type=click.Path(path_type=Path), help="Events directory.")
@click.option("--base-url", help="Public origin for absolute links, e.g. https://cal.example.org.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, events_dir: Path | None, base_url: str | None, workers: int) -> None:
    """Serve the events with gunicorn, a production WSGI server."""
    try:
        config = Config.from_env(events_dir=events_dir, base_url=base_url)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    catalog = load_or_exit(config.events_dir)
    app = create_app(config, catalog)
    click.echo(
        f"calendar-svc {__version__}: serving {len(catalog.events)} events from {config.events_dir} "
        f"(version {catalog.version}) at http://{host}:{port}/",
        err=True,
    )
    from .server import run_gunicorn

    sys.exit(run_gunicorn(app, host=host, port=port, workers=workers))
