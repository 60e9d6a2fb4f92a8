"""Small pure helpers the HTML templates use as filters."""

from __future__ import annotations

import datetime as dt
import ipaddress
from urllib.parse import quote, urlsplit

from .when import MONTHS, day_text

PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".test", ".example", ".invalid")


def month_name(value: dt.date | tuple[int, int]) -> str:
    """'June 2023' for a date or a (year, month) pair."""
    year, month = (value.year, value.month) if isinstance(value, dt.date) else value
    return f"{MONTHS[month - 1]} {year}"


def day_name(value: dt.date) -> str:
    return day_text(value)


def duration_text(value: dt.timedelta) -> str:
    """'12 hours', '1 day', '90 minutes', '1 day and 6 hours'."""
    minutes = int(value.total_seconds()) // 60
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute")) if n]
    if not parts:
        return "0 minutes"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def colour_dot(colour: str) -> str:
    """A data: URL of a small SVG disc in `colour` ('#1f6feb'), for a calendar's marker."""
    svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'><circle cx='5' cy='5' r='5' fill='{colour}'/></svg>"
    return "data:image/svg+xml," + quote(svg, safe="/:='")


def display_url(url: str) -> str:
    """A URL as link text: without the scheme and a trailing slash."""
    parts = urlsplit(url)
    text = parts.netloc + parts.path
    if parts.query:
        text += "?" + parts.query
    return text.removesuffix("/") if not parts.query else text


def is_public_origin(origin: str) -> bool:
    """False for addresses that services on the internet cannot reach (loopback, private, local names)."""
    host = (urlsplit(origin).hostname or "").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." in host and host != "localhost" and not host.endswith(PRIVATE_SUFFIXES)
    return address.is_global
