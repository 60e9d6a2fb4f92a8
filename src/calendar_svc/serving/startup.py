"""What a server says when it starts: version, data, reloading and public origin."""

from __future__ import annotations

from flask import Flask

from .. import __version__


def startup_lines(app: Flask) -> list[str]:
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
