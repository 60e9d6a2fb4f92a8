"""Every page and feed in every language: routes under /kk/ and /ru/, the request's language, interface text through
gettext, links to the same page in the other languages, and the Jinja filters that write dates and durations in the
page's language.

English lives at the unprefixed paths. Nothing here looks at Accept-Language or cookies: the language is part of the
URL, so a URL always gives the same bytes, and sharing a link shares its language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from urllib.parse import quote, urlsplit

from babel.dates import format_timedelta
from babel.lists import format_list
from flask import Blueprint, Flask, g, request, url_for
from jinja2 import pass_context
from markupsafe import Markup, escape
from werkzeug.routing import BaseConverter

from .. import i18n
from ..catalog.languages import LANGUAGES, Text
from ..publish.selection import selection_from_args
from ..publish.urls import localized_rules
from .context import lang, rendition
from .when import day_text, month_text

# Each language's name in itself, for the switcher.
NATIVE_NAMES = {"en": "English", "kk": "Қазақша", "ru": "Русский"}


def route(bp: Blueprint, rule: str, query: tuple[str, ...] | None = ()) -> Callable:
    """Register a GET view at ``rule`` in every language: "/x/", "/kk/x/" and "/ru/x/". A request with
    a query parameter other than ``query`` is a 400 before the view runs (None: the view reads its own)."""

    def register(view: Callable) -> Callable:
        @wraps(view)
        def checked(**values):
            if query is not None:
                selection_from_args(request.args, rendition().catalog, allowed=query)
            return view(**values)

        for path, language in localized_rules(rule):
            bp.add_url_rule(path, view_func=checked, methods=["GET"], defaults={"lang": language})
        return view

    return register


def gettext(message: str, **variables) -> str:
    """``message`` in the request's language, with ``variables`` filled in."""
    return i18n.translate(lang(), message, **variables)


@pass_context
def say(context, text: Text | str) -> Markup:
    """A text for a page: marked with its own ``lang`` where it is not in the page's (its context's ``lang``)."""
    if isinstance(text, Text) and text.lang != context["lang"]:
        return Markup('<span lang="{}">{}</span>').format(text.lang, text.value)
    return escape(str(text))


def alternates(shown: str) -> list[dict]:
    """This page in every language: {lang, name, url (a path), current: whether ``shown``}, English first."""
    if request.endpoint is None or request.url_rule is None or "lang" not in (request.url_rule.defaults or {}):
        return []
    values = dict(request.view_args or {})
    # A query parameter named like a path part or "lang" is refused by the page (400): its links leave it out.
    args = {name: v for name, v in request.args.to_dict(flat=False).items() if name not in values and name != "lang"}
    return [
        {"lang": language, "name": NATIVE_NAMES[language], "current": language == shown,
         "url": url_for(request.endpoint, **values, **args, lang=language)}
        for language in LANGUAGES
    ]  # fmt: skip


class SlugConverter(BaseConverter):
    """A calendar slug or a lower-case country code in a path: no dots, no upper case."""

    regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"


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
        format_timedelta(dt.timedelta(**{unit: n}), granularity=unit[:-1], threshold=10**9, locale=i18n.locale(lang))
        for n, unit in ((days, "days"), (hours, "hours"), (minutes, "minutes"))
        if n
    ] or [format_timedelta(dt.timedelta(0), granularity="minute", locale=i18n.locale(lang))]  # under a minute
    return format_list(parts, locale=i18n.locale(lang))


def colour_dot(colour: str) -> str:
    """A data: URL of a small SVG disc in `colour` ('#1f6feb'), for a calendar's marker."""
    svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'><circle cx='5' cy='5' r='5' fill='{colour}'/></svg>"
    return "data:image/svg+xml," + quote(svg, safe="/:='")


def display_url(url: str) -> str:
    """A URL as link text: without the scheme and a trailing slash."""
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}?{parts.query}" if parts.query else (parts.netloc + parts.path).removesuffix("/")


def in_page_language(function: Callable) -> Callable:
    """A filter in the page's language: its context's ``lang``, which every page's context holds."""
    return pass_context(lambda context, value: function(value, context["lang"]))


FILTERS = {
    "day": in_page_language(day_text),
    "month_name": in_page_language(month_name),
    "duration": in_page_language(duration_text),
    "colour_dot": colour_dot,
    "display_url": display_url,
}


def init_app(app: Flask) -> None:
    @app.url_value_preprocessor
    def take_language(endpoint, values) -> None:
        if values and "lang" in values:
            g.lang = values.pop("lang")

    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # in the page's language (its context's); Jinja fills in the variables
        pass_context(lambda context, message: i18n.translations(context["lang"]).gettext(message)),
        pass_context(lambda context, one, many, n: i18n.translations(context["lang"]).ngettext(one, many, n)),
        newstyle=True,
    )
    app.jinja_env.globals["say"] = say
    app.jinja_env.filters.update(FILTERS)
