"""gunicorn settings for calendar-svc: `gunicorn -c gunicorn.conf.py wsgi:app`.

The app reads CALENDAR_SVC_EVENTS_DIR, CALENDAR_SVC_BASE_URL,
CALENDAR_SVC_TRUST_PROXY and CALENDAR_SVC_RELOAD_INTERVAL from the
environment. Here: CALENDAR_SVC_BIND (default 127.0.0.1:8000) and
WEB_CONCURRENCY (workers; default: one per CPU, at most 4). The settings are
those `calendar-svc serve` uses (calendar_svc.serving.gunicorn_server.gunicorn_settings), hooks
included: start-up lines, and a data watcher started in every worker after the
fork. Any gunicorn setting assigned below this block overrides them.
"""

import os

from calendar_svc.serving.gunicorn_server import gunicorn_settings

globals().update(
    gunicorn_settings(
        bind=os.environ.get("CALENDAR_SVC_BIND", "127.0.0.1:8000"),
        workers=int(os.environ.get("WEB_CONCURRENCY") or min(4, os.cpu_count() or 1)),
    )
)
