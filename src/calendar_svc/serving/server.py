"""The production server: granian (a Rust HTTP server with a WSGI interface) running the app (docs/deploying.md).

The parent process loads and renders the data once, then granian forks its workers, which share those pages of
memory and each start their own data watcher. Access lines (``AccessLog``), granian's lines and the app's go to
standard output.
"""

from __future__ import annotations

import copy
import logging
import logging.config
import multiprocessing
import os
import re
import sys
from collections.abc import Callable, Iterable
from contextlib import suppress
from time import perf_counter

from flask import Flask
from granian.constants import Interfaces
from granian.http import HTTP1Settings
from granian.log import LOGGING_CONFIG
from granian.server import Server

from .. import __version__
from .watch import start_watching

log = logging.getLogger("calendar_svc.server")
# On SIGTERM or SIGINT, seconds a worker has to finish its requests before it is killed. A worker
# still starting when the signal came can miss it, and granian would otherwise wait for it for
# ever. Below the systemd unit's TimeoutStopSec, so the server stops by itself first.
WORKERS_KILL_TIMEOUT = 30
UNSAFE = re.compile(rb'[^\x20-\x7e]|["\\]')


def logging_config() -> dict:
    """granian's logging, with the app's own logger printing beside it."""
    config = copy.deepcopy(LOGGING_CONFIG)
    # The app's lines name their process: each worker reloads on its own.
    config["formatters"]["app"] = {"()": "logging.Formatter", "fmt": "[%(levelname)s] [%(process)d] %(message)s"}
    config["handlers"]["app"] = {"formatter": "app", "class": "logging.StreamHandler", "stream": "ext://sys.stdout"}
    config["loggers"]["calendar_svc"] = {"handlers": ["app"], "level": "INFO", "propagate": False}
    return config


def startup_lines(app: Flask) -> list[str]:
    """What the server says when it starts: version, data, reloading and public origin."""
    config = app.config["CALENDAR_SVC"]
    catalog = app.extensions["calendar_svc"].catalog
    reloading = (
        f"reloading on change (every {config.reload_interval:g}s)" if config.reload_interval > 0 else "reloading off"
    )
    return [
        f"calendar-svc {__version__}: {len(catalog.events)} events from {config.events_dir.resolve()} "
        f"(data version {catalog.version}), {reloading}",
        f"public origin: {config.base_url or 'from each request'}"
        + (", trusting X-Forwarded-Proto/Host" if config.trust_proxy else ""),
    ]


def worker_app(app: Flask) -> AccessLog:
    """In each worker, after the fork: start this process's data watcher, then serve ``app`` with access lines."""
    start_watching(app)
    return AccessLog(app)


def run_granian(app: Flask, *, host: str, port: int, workers: int, threads: int) -> None:
    """Serve ``app`` until SIGTERM or SIGINT, with ``workers`` processes of ``threads`` request threads."""
    if multiprocessing.get_start_method(allow_none=False) != "fork":
        raise RuntimeError("granian must fork its workers here, so they share the rendered data")
    logging.config.dictConfig(logging_config())
    for line in startup_lines(app):
        log.info("%s", line)
    log.info("%d workers with %d request thread%s each", workers, threads, "" if threads == 1 else "s")
    sys.stdout.reconfigure(line_buffering=True)  # each log line as it happens, even into a pipe (journald)
    server = Server(
        "calendar_svc",  # a label: the app itself comes from the loader below
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        websockets=False,
        log_dictconfig=logging_config(),
        log_access=False,  # the app writes its own access lines, at a fraction of the cost (AccessLog)
        respawn_failed_workers=True,
        workers_kill_timeout=WORKERS_KILL_TIMEOUT,
        # A request's head may take at most 10 s and 64 KiB, ahead of the app's own bounds
        # (1 KiB paths, 2 KiB queries, 60 header fields of 8 KiB: serving/security.py).
        http1_settings=HTTP1Settings(header_read_timeout=10_000, max_buffer_size=65_536),
    )
    server.serve(target_loader=lambda _target: worker_app(app))


def escaped(text: str) -> str:
    """``text`` (as a WSGI server hands it over: one character per byte) with anything outside printable
    ASCII, and the quote and backslash, as ``\\xHH`` escapes of its bytes, as nginx does: the client's text
    cannot forge a line or break one in two."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return text
    raw = text.encode("latin-1", "backslashreplace")
    return UNSAFE.sub(lambda match: b"\\x%02X" % match[0][0], raw).decode("ascii")


def access_line(environ: dict, status: str, seconds: float) -> str:
    query = environ.get("QUERY_STRING")
    target = environ.get("PATH_INFO", "") + ("?" + query if query else "")
    return (
        f"{environ.get('REMOTE_ADDR') or '-'} "
        f'"{escaped(environ.get("REQUEST_METHOD", "-"))} {escaped(target)} {environ.get("SERVER_PROTOCOL", "-")}" '
        f'{status} {seconds * 1000:.1f}ms "{escaped(environ.get("HTTP_USER_AGENT") or "-")}"\n'
    )


class AccessLog:
    """WSGI middleware: after each request, its access line (docs/deploying.md, "Logs") on file descriptor
    ``fd``, written with one system call (never split or mixed with another process's line), at a fraction
    of the cost of granian's own access log (a time stamp and a dictionary per request through logging)."""

    def __init__(self, app: Callable, fd: int = 1):
        self.app = app
        self.fd = fd

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = perf_counter()
        status = "500"  # what the client gets if the app raises before it answers

        def respond(status_line: str, headers: list, exc_info=None):
            nonlocal status
            status = status_line[:3]
            return start_response(status_line, headers, exc_info) if exc_info else start_response(status_line, headers)

        try:
            return self.app(environ, respond)
        finally:
            line = access_line(environ, status, perf_counter() - started)
            with suppress(OSError):  # a closed or full standard output must not fail the request
                os.write(self.fd, line.encode("ascii", "backslashreplace"))
