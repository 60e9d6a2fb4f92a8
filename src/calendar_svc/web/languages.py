"""Every page and feed in every language: routes under /kk/ and /ru/, the request's language,
interface text through gettext, and links to the same page in the other languages.

English lives at the unprefixed paths. Nothing here looks at Accept-Language
or cookies: the language is part of the URL, so a URL always gives the same
bytes, and sharing a link shares its language.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, Flask, g, request, url_for
from markupsafe import Markup, escape
from werkzeug.routing import BaseConverter

from .. import i18n
from ..catalog.languages import LANGUAGES, Text
from ..publish.selection import selection_from_args
from ..publish.urls import localized_rules
from .context import lang, rendition

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


def say(text: Text | str) -> Markup:
    """A text for a page: marked with its own ``lang`` where it is not in the page's language."""
    if isinstance(text, Text) and text.lang != lang():
        return Markup('<span lang="{}">{}</span>').format(text.lang, text.value)
    return escape(str(text))


def alternates() -> list[dict]:
    """This page in every language: {lang, name, url (a path), current}, English first."""
    if request.endpoint is None or request.url_rule is None or "lang" not in (request.url_rule.defaults or {}):
        return []
    values = dict(request.view_args or {})
    args = request.args.to_dict(flat=False)
    return [
        {"lang": language, "name": NATIVE_NAMES[language], "current": language == lang(),
         "url": url_for(request.endpoint, **values, **args, lang=language)}
        for language in LANGUAGES
    ]  # fmt: skip


class SlugConverter(BaseConverter):
    """A calendar slug or a lower-case country code in a path: no dots, no upper case."""

    regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"


def init_app(app: Flask) -> None:
    @app.url_value_preprocessor
    def take_language(endpoint, values) -> None:
        if values and "lang" in values:
            g.lang = values.pop("lang")

    @app.url_defaults
    def keep_language(endpoint, values) -> None:
        if "lang" not in values and app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = lang()

    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # Jinja fills in the variables
        lambda message: i18n.translations(lang()).gettext(message),
        lambda singular, plural, number: i18n.translations(lang()).ngettext(singular, plural, number),
        newstyle=True,
    )
    app.jinja_env.globals["say"] = say
