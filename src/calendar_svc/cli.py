"""The calendar-svc command: validate the data, stamp its revisions, serve it, build it as a static site."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
import sys
import time
from pathlib import Path
from typing import TextIO

import click

from . import Catalog, __version__, create_app
from .catalog.files import REVISIONS_FILE
from .catalog.loading import load_catalog
from .catalog.revisions import read_record, write_record
from .catalog.revisions import stamp as stamp_record
from .config import Config
from .errors import CatalogError, ExportError

BAR_WIDTH = 24  # characters of the progress bar


def load_or_exit(directory: Path | None) -> tuple[Path, Catalog]:
    """The directory (default: the configured one) and its catalog; or print every problem and exit 1."""
    directory = directory or config_or_exit().events_dir
    try:
        return directory, load_catalog(directory)
    except CatalogError as error:
        raise problems_exit(error, directory) from None


def problems_exit(error: CatalogError, directory: Path) -> click.ClickException:
    """Print every problem, one per line; return the exception that ends the command."""
    for problem in error.problems:
        click.echo(str(problem), err=True)
    count = len(error.problems)
    return click.ClickException(f"{count} problem{'s' if count != 1 else ''} in {directory}")


@click.group()
@click.version_option(__version__, prog_name="calendar-svc")
def main() -> None:
    """Publish official events as iCalendar feeds, JSON and web pages."""


@main.command()
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def validate(directory: Path | None) -> None:
    """Check every event file in DIRECTORY (default: $CALENDAR_SVC_EVENTS_DIR or ./events)."""
    directory, catalog = load_or_exit(directory)
    today = config_or_exit().today_at()
    for warning in (*catalog.warnings, *catalog.overdue(today)):
        click.echo(f"warning: {warning}", err=True)
    if catalog.unstamped:
        raise problems_exit(CatalogError(list(catalog.unstamped)), directory)
    dated = len(catalog.dated_events)
    click.echo(
        f"{directory}: {len(catalog.events)} events OK ({dated} dated, {len(catalog.events) - dated} "
        f"with only a month or year) in {len(catalog.calendars)} calendars, version {catalog.version}"
    )


@main.command()
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option(
    "--forget",
    multiple=True,
    metavar="ID",
    help="Drop a published event whose file was removed from the record (repeatable).",
)
def stamp(directory: Path | None, forget: tuple[str, ...]) -> None:
    """Record every change to the events in DIRECTORY/revisions.json.

    Each event whose published content changed gets its sequence raised by one
    and its last-change time set to now; new events start at sequence 0. Prints
    one line per change; running it again changes nothing.
    """
    directory, catalog = load_or_exit(directory)
    path = directory / REVISIONS_FILE
    record = read_record(path)
    if unknown := sorted(set(forget) - set(record.entries)):
        raise click.ClickException(f"not in {path}: {', '.join(unknown)}")
    if present := sorted(set(forget) & {e.id for e in catalog.events}):
        raise click.ClickException(f"still has a file, so it cannot be forgotten: {', '.join(present)}")
    new_record, changes = stamp_record(list(catalog.events), record, dt.datetime.now(dt.UTC), frozenset(forget))
    for event_id in forget:
        click.echo(f"{event_id}: forgotten")
    for change in changes:
        click.echo(change)
    if new_record != record:
        write_record(path, new_record)
    else:
        click.echo(f"{path}: up to date ({len(record.entries)} events)", err=True)


def ip_address(_context: click.Context, _parameter: click.Parameter, value: str) -> str:
    """The address a server listens on: granian takes an IP address, not a host name."""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an IP address (such as 127.0.0.1, 0.0.0.0 or ::)") from None


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, callback=ip_address, help="IP address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--events", "events_dir", type=click.Path(path_type=Path), help="Events directory.")
@click.option("--base-url", help="Public URL for absolute links, e.g. https://cal.example.org (served under its path).")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option(
    "--threads", default=1, show_default=True, type=click.IntRange(1, 256), help="Request threads per worker."
)
def serve(host: str, port: int, events_dir: Path | None, base_url: str | None, workers: int, threads: int) -> None:
    """Serve the events with granian, a production HTTP server.

    Each worker reloads the data within seconds when files under the events
    directory change, and keeps the last good data while they have problems.
    """
    config = config_or_exit(events_dir=events_dir, base_url=base_url)
    try:
        app = create_app(config)  # loads the data and remembers what it read, for reloading
    except CatalogError as error:
        raise problems_exit(error, config.events_dir) from None
    try:  # granian would share a port another granian holds (SO_REUSEPORT): each would answer some requests
        socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET).close()
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {os.strerror(error.errno)}") from None
    # Render before the workers fork, so they start ready and share these pages of memory.
    app.extensions["calendar_svc"].rendition(config.base_url or f"http://{host}:{port}").warm()
    from .serving.server import run_granian

    run_granian(app, host=host, port=port, workers=workers, threads=threads)


@main.command()
@click.argument("outdir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--events", "events_dir", type=click.Path(path_type=Path), help="Events directory.")
@click.option("--base-url", help="Public origin the site will be served from (or $CALENDAR_SVC_BASE_URL).")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Build the pages as on this date (default: today, recorded in the export).",
)
@click.option("--quiet", is_flag=True, help="No progress on standard error (for scripts).")
def build(outdir: Path, events_dir: Path | None, base_url: str | None, today, quiet: bool) -> None:
    """Write the whole public site as static files under OUTDIR.

    Every page, feed, JSON document and asset, with the bytes the live service
    sends for the same data and base URL. OUTDIR is replaced as a whole; it
    must be new, empty, or an earlier export: files whose bytes did not change
    keep their time, and files of pages that are gone are removed. Each URL of
    the earlier export but an event's .ics file is asked for with its ETag; on
    a 304 (for a page: the same template and context, so it is not rendered),
    the earlier file is kept. Progress goes to standard error
    (a bar on a terminal, a line every few seconds elsewhere) unless --quiet.
    """
    config = config_or_exit(events_dir=events_dir, base_url=base_url)
    from .export import export_site  # here: a server start need not import the build (25 ms)

    progress = None if quiet else ProgressReport("building")
    try:
        result = export_site(config, outdir, today.date() if today else None, progress=progress)
    except CatalogError as error:
        raise problems_exit(error, config.events_dir) from None
    except ExportError as error:
        for line in error.lines:
            click.echo(line, err=True)
        raise click.ClickException(f"nothing written to {outdir}") from None
    except OSError as error:  # a folder that cannot be made, a full disk: the staging folder is gone already
        where = f"{error.filename}: " if error.filename else ""  # a write to a full disk names no file
        raise click.ClickException(f"nothing written to {outdir}: {where}{error.strerror or error}") from None
    finally:
        if progress is not None:
            progress.finish()
    size = sum(f.size for f in result.files)
    tally = result.tally
    click.echo(
        f"{outdir}: {len(result.files)} files ({size / 1e6:.1f} MB) for {result.base_url}, "
        f"data version {result.version}, pages as on {result.today.isoformat()}; "
        f"{tally.written} written, {tally.kept} unchanged ({tally.not_modified} confirmed by ETag), {tally.removed} removed"
    )


def config_or_exit(**overrides) -> Config:
    try:
        return Config.from_env(**overrides)
    except ValueError as error:
        raise click.ClickException(str(error)) from None


class ProgressReport:
    """A long command's progress on standard error: called with (done, known) after each step;
    ``finish()`` ends the bar's line.

    On a terminal the bar is redrawn at most ten times a second; in a log
    (not a terminal) a line is written every ``every`` seconds, so a long
    build is never silent and the log stays short.
    """

    def __init__(self, what: str, stream: TextIO | None = None, every: float = 5.0, clock=time.monotonic):
        self.what = what
        self.stream = stream or sys.stderr
        self.terminal = self.stream.isatty()
        self.every = every
        self.clock = clock
        self.started = self.last = clock()
        self.done = self.known = 0

    def __call__(self, done: int, known: int) -> None:
        self.done, self.known = done, max(known, done)
        now = self.clock()
        if now - self.last < (0.1 if self.terminal else self.every):
            return
        self.last = now
        self._write()

    def _write(self, end: str = "") -> None:
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = self.done / elapsed
        text = f"{self.what}: {self.done:,} / {self.known:,} files, {rate:,.0f} files/s"
        if self.terminal:
            filled = round(BAR_WIDTH * self.done / self.known) if self.known else 0
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            self.stream.write(f"\r[{bar}] {text}\x1b[K{end}")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.done and self.terminal:
            self._write(end="\n")
