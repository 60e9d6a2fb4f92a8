"""The Jinja filters the HTML templates use: small and pure, in the page's language (its ``lang``)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlsplit

from babel.dates import format_timedelta
from babel.lists import format_list
from flask import Flask
from jinja2 import pass_context

from ..i18n import locale
from .when import day_text, month_text


def month_name(value: dt.date | tuple[int, int], lang: str = "en") -> str:
    """'June 2023', 'июнь 2023 г.', '2023 ж. маусым' for a date or a (year, month) pair."""
    year, month = (value.year, value.month) if isinstance(value, dt.date) else value
    return month_text(year, month, lang)


def duration_text(value: dt.timedelta, lang: str = "en") -> str:
    """'12 hours', '1 day and 6 hours', '12 часов', as CLDR writes units and lists."""
    minutes = int(value.total_seconds()) // 60
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        format_timedelta(dt.timedelta(**{unit: n}), granularity=unit[:-1], threshold=10**9, locale=locale(lang))
        for n, unit in ((days, "days"), (hours, "hours"), (minutes, "minutes"))
        if n
    ]
    if not parts:
        return format_timedelta(dt.timedelta(0), granularity="minute", locale=locale(lang))
    return format_list(parts, locale=locale(lang))


def colour_dot(colour: str) -> str:
    """A data: URL of a small SVG disc in `colour` ('#1f6feb'), for a calendar's marker."""
    svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'><circle cx='5' cy='5' r='5' fill='{colour}'/></svg>"
    return "data:image/svg+xml," + quote(svg, safe="/:='")


def display_url(url: str) -> str:
    """A URL as link text: without the scheme and a trailing slash."""
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}?{parts.query}" if parts.query else (parts.netloc + parts.path).removesuffix("/")


def in_page_language(function):
    """A filter that takes the page's language from the template context."""

    @pass_context
    def filter_(context, value):
        return function(value, context.get("lang", "en"))

    return filter_


FILTERS = {
    "day": in_page_language(day_text),
    "month_name": in_page_language(month_name),
    "duration": in_page_language(duration_text),
    "colour_dot": colour_dot,
    "display_url": display_url,
}


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(FILTERS)
