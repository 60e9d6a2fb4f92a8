"""The Jinja filters the HTML templates use: small and pure."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlsplit

from flask import Flask

from .when import MONTHS, day_text


def month_name(value: dt.date | tuple[int, int]) -> str:
    """'June 2023' for a date or a (year, month) pair."""
    year, month = (value.year, value.month) if isinstance(value, dt.date) else value
    return f"{MONTHS[month - 1]} {year}"


def day_name(value: dt.date) -> str:
    """'8 June 2023'."""
    return day_text(value)


def duration_text(value: dt.timedelta) -> str:
    """'12 hours', '1 day', '90 minutes', '1 day and 6 hours'."""
    minutes = int(value.total_seconds()) // 60
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute")) if n
    ]
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


FILTERS = {
    "day": day_name,
    "month_name": month_name,
    "duration": duration_text,
    "colour_dot": colour_dot,
    "display_url": display_url,
}


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(FILTERS)
