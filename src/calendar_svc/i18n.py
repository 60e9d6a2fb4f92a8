"""Interface text in each language: gettext catalogs, read from ``translations/<lang>/LC_MESSAGES/messages.po`` and
compiled in memory when first used, so the repository holds no compiled files. English is the source language: its
catalog is empty. Dates, numbers and country names do not come from here but from CLDR (Babel)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from .catalog.languages import CLDR_LOCALES, DEFAULT_LANGUAGE, LANGUAGES

CATALOGS = Path(__file__).parent / "translations"
DOMAIN = "messages"


def catalog_path(lang: str) -> Path:
    return CATALOGS / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalog of ``lang`` (English: no translation needed)."""
    if lang == DEFAULT_LANGUAGE or lang not in LANGUAGES:
        return NullTranslations()
    with catalog_path(lang).open("rb") as file:
        messages = read_po(file, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, messages, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def translate(lang: str, message: str, **variables: object) -> str:
    """``message`` in ``lang``, with ``variables`` filled in ("%(name)s")."""
    text = translations(lang).gettext(message)
    return text % variables if variables else text


def translate_plural(lang: str, singular: str, plural: str, number: int) -> str:
    """The form of ``singular``/``plural`` for ``number`` in ``lang``; "%(num)d" is the number."""
    return translations(lang).ngettext(singular, plural, number) % {"num": number}


@cache
def locale(lang: str) -> Locale:
    return Locale.parse(CLDR_LOCALES[lang])
