"""Settings from arguments and the environment, as one frozen value."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_EVENTS_DIR = "events"


@dataclass(frozen=True)
class Config:
    events_dir: Path = Path(DEFAULT_EVENTS_DIR)
    # Public origin for absolute links ("https://calendar.example.org"); None: the request's host.
    base_url: str | None = None
    # Honour X-Forwarded-Proto/Host (only behind a proxy that sets them).
    trust_proxy: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "events_dir", Path(self.events_dir))
        object.__setattr__(self, "base_url", normalise_base_url(self.base_url))

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Config:
        env = os.environ if environ is None else environ
        config = cls(
            events_dir=Path(env.get("CALENDAR_SVC_EVENTS_DIR") or DEFAULT_EVENTS_DIR),
            base_url=env.get("CALENDAR_SVC_BASE_URL") or None,
            trust_proxy=env.get("CALENDAR_SVC_TRUST_PROXY", "").lower() in ("1", "true", "yes", "on"),
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
