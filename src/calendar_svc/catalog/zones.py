"""Time-zone rules, always from the ``tzdata`` package.

Every machine then renders the same bytes, with rules as current as the installed tzdata, whatever zone files the host
has (Debian's may be older or newer). Zones are read from the package explicitly, so the process's own ``zoneinfo``
search path is left as the caller set it.
"""

from __future__ import annotations

import importlib.resources
import io
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@cache
def zone_names() -> frozenset[str]:
    """Every IANA zone name the tzdata package holds."""
    listing = importlib.resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return frozenset(listing.split())


@cache
def tzif_bytes(name: str) -> bytes:
    """The zone's compiled rules (TZif) as the tzdata package ships them."""
    if name not in zone_names():
        raise ZoneInfoNotFoundError(f"unknown time zone: {name!r}")
    *packages, resource = name.split("/")
    return importlib.resources.files(".".join(["tzdata.zoneinfo", *packages])).joinpath(resource).read_bytes()


@cache
def zone(name: str) -> ZoneInfo:
    """The zone called ``name`` (one shared object per name), e.g. ``zone("Asia/Almaty")``."""
    return ZoneInfo.from_file(io.BytesIO(tzif_bytes(name)), key=name)
