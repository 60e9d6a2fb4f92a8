"""The app under gunicorn, the documented alternative to granian: settings, start-up lines, a watcher per worker.

``gunicorn.conf.py`` at the top of the repository uses these settings for
`gunicorn -c gunicorn.conf.py wsgi:app`; `calendar-svc serve --server gunicorn`
runs the same from Python.
"""

from __future__ import annotations

import logging
import sys

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.config import Config as GunicornConfig

from .startup import startup_lines
from .watch import start_watching

# One line per request: client, request line (method, path, query), status, bytes sent,
# duration, user agent. Example:
# 127.0.0.1 "GET /calendar.ics HTTP/1.1" 200 48213 3ms "DAVx5/4.3"
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'


def gunicorn_settings(*, bind: str, workers: int, threads: int = 4) -> dict:
    """gunicorn settings for this service: name -> value, as in a gunicorn config file."""
    settings = {
        "bind": bind,
        "workers": workers,
        # Threads: a slow client holds one thread, not a whole worker. Responses are ready-made bytes.
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 30,
        "graceful_timeout": 30,
        "keepalive": 5,
        # Load and check the data once, before forking: bad data stops the start with one line
        # per problem, and workers share the first catalog's memory until it is reloaded.
        "preload_app": True,
        "accesslog": "-",
        "errorlog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        # Request bounds ahead of the app's own (which stop at 1 KiB paths and 2 KiB queries).
        "limit_request_line": 4094,
        "limit_request_fields": 60,
        "limit_request_field_size": 8190,
        "on_starting": on_starting,
        "when_ready": when_ready,
        "post_fork": post_fork,
    }
    if "control_socket_disable" in GunicornConfig().settings:
        # gunicorn 24+ opens an admin socket under $HOME or $XDG_RUNTIME_DIR by default;
        # one per user would also clash between two instances.
        settings["control_socket_disable"] = True
    return settings


class ToGunicornErrorLog(logging.Handler):
    """Send the app's log records to gunicorn's error log, wherever it is configured to go."""

    def emit(self, record: logging.LogRecord) -> None:
        logging.getLogger("gunicorn.error").handle(record)


def on_starting(server) -> None:
    # One access line per request, written as it happens even when stdout is a pipe (journald).
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)
    app_logger = logging.getLogger("calendar_svc")
    if not any(isinstance(h, ToGunicornErrorLog) for h in app_logger.handlers):
        app_logger.addHandler(ToGunicornErrorLog())
    app_logger.setLevel(logging.INFO)
    app_logger.propagate = False


def when_ready(server) -> None:
    """The start-up lines: version, data directory, event count, data version, address."""
    app = server.app.wsgi()
    for line in startup_lines(app):
        server.log.info("%s", line)
    server.log.info("%d workers with %d threads each", server.num_workers, server.cfg.threads)


def post_fork(server, worker) -> None:
    """Threads do not survive fork: each worker starts its own data watcher."""
    app = worker.app.wsgi()
    if isinstance(app, Flask) and "calendar_svc" in app.extensions:
        start_watching(app)


class GunicornServer(BaseApplication):
    def __init__(self, app: Flask, options: dict):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def run_gunicorn(app: Flask, *, host: str, port: int, workers: int, threads: int = 4) -> int:
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    GunicornServer(app, gunicorn_settings(bind=bind, workers=workers, threads=threads)).run()
    return 0
