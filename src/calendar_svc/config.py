"""Every setting, from arguments and the environment, as one frozen value read once.

docs/configuration.md lists each field and its environment variable (a test holds the two together).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from .catalog.zones import zone, zone_names

DEFAULT_EVENTS_DIR = "events"
DEFAULT_FEED_BUDGET = 1_000_000  # bytes; Google Calendar stops reading a feed at about 1 MB
DEFAULT_TIMEZONE = "Asia/Almaty"
# One CSP source expression: '*', 'self' or 'none', a scheme ("https:"), or a host with optional
# scheme, wildcard and port. Nothing that could end the directive (';' or ',').
FRAME_SOURCE = re.compile(
    r"'self'|'none'|\*|[a-z][a-z0-9+.-]*:|([a-z][a-z0-9+.-]*://)?(\*\.)?[A-Za-z0-9.-]+(:(\d+|\*))?"
)


@dataclass(frozen=True)
class Config:
    events_dir: Path = Path(DEFAULT_EVENTS_DIR)
    base_url: str | None = None
    trust_proxy: bool = False
    reload_interval: float = 1.0
    watch: str = "auto"
    feed_budget: int = DEFAULT_FEED_BUDGET
    today: dt.date | None = None
    timezone: str = DEFAULT_TIMEZONE
    frame_ancestors: str = "*"
    static_site: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "events_dir", Path(self.events_dir))
        object.__setattr__(self, "base_url", normalise_base_url(self.base_url))
        if self.watch not in ("auto", "poll"):
            raise ValueError(f"CALENDAR_SVC_WATCH must be auto or poll, not {self.watch!r}")
        if not all(FRAME_SOURCE.fullmatch(source) for source in self.frame_ancestors.split(" ")):
            raise ValueError(
                "CALENDAR_SVC_FRAME_ANCESTORS must be CSP sources separated by spaces, such as "
                f"'https://example.org https://*.example.net' or '*', not {self.frame_ancestors!r}"
            )
        if self.timezone not in zone_names():
            raise ValueError(f"CALENDAR_SVC_TIMEZONE must be a time zone like Asia/Almaty, not {self.timezone!r}")

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.timezone)

    def today_at(self, now: dt.datetime | None = None) -> dt.date:
        """The date pages are built for at the UTC instant ``now`` (default: the clock's): ``today`` if pinned."""
        return self.today or (now or dt.datetime.now(dt.UTC)).astimezone(self.zone).date()

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Config:
        env = os.environ if environ is None else environ
        config = cls(
            events_dir=Path(env.get("CALENDAR_SVC_EVENTS_DIR") or DEFAULT_EVENTS_DIR),
            base_url=env.get("CALENDAR_SVC_BASE_URL") or None,
            trust_proxy=env.get("CALENDAR_SVC_TRUST_PROXY", "").lower() in ("1", "true", "yes", "on"),
            reload_interval=seconds(env.get("CALENDAR_SVC_RELOAD_INTERVAL") or "1"),
            feed_budget=byte_count(env.get("CALENDAR_SVC_FEED_BUDGET") or str(DEFAULT_FEED_BUDGET)),
            watch=(env.get("CALENDAR_SVC_WATCH") or "auto").strip().lower(),
            today=iso_date(env.get("CALENDAR_SVC_TODAY") or None),
            timezone=(env.get("CALENDAR_SVC_TIMEZONE") or DEFAULT_TIMEZONE).strip(),
            frame_ancestors=" ".join((env.get("CALENDAR_SVC_FRAME_ANCESTORS") or "*").split()),
        )
        overrides = {k: v for k, v in overrides.items() if v is not None}
        return replace(config, **overrides)


def normalise_base_url(value: str | None) -> str | None:
    """'https://cal.example.org/' -> 'https://cal.example.org'; reject anything else."""
    if value is None:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"CALENDAR_SVC_BASE_URL must be an http(s) origin like https://cal.example.org, not {value!r}")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def seconds(value: str) -> float:
    """'2', '0.5' -> seconds; reject anything that is not a finite number >= 0."""
    with suppress(ValueError):
        if 0 <= (number := float(value)) < float("inf"):
            return number
    raise ValueError(f"CALENDAR_SVC_RELOAD_INTERVAL must be a number of seconds (0 turns reloading off), not {value!r}")


def byte_count(value: str) -> int:
    """'1000000' -> 1000000; at least 10,000 bytes, so a feed always has room for events."""
    if not value.strip().isdigit() or int(value) < 10_000:
        raise ValueError(f"CALENDAR_SVC_FEED_BUDGET must be a number of bytes of at least 10000, not {value!r}")
    return int(value)


def iso_date(value: str | None) -> dt.date | None:
    """'2026-11-27' -> a date; None stays None."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"CALENDAR_SVC_TODAY must be a date like 2026-11-27, not {value!r}") from None
