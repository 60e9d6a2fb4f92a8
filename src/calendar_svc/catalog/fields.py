"""Checks of single TOML values shared by event files and calendars.toml.

Each check returns the value as the model wants it or raises ``FieldError``
with a message that completes "path: field: …".
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from ..errors import Problem
from .languages import TRANSLATIONS

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # event ids (file names) and calendar slugs
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
CONTROL_CHARS_ONE_LINE = re.compile(r"[\x00-\x1f\x7f]")


class FieldError(ValueError):
    """One field's value is wrong; the message says how."""


def type_name(value: object) -> str:
    names = {
        bool: "a boolean", int: "an integer", float: "a number", str: "a string",
        list: "a list", dict: "a table", dt.datetime: "a date-time", dt.date: "a date",
        dt.time: "a time",
    }  # fmt: skip
    return names.get(type(value), type(value).__name__)


def text(value: object, *, one_line: bool = False, required: bool = False) -> str:
    if not isinstance(value, str):
        raise FieldError(f"must be a string, not {type_name(value)}")
    value = value.replace("\r\n", "\n")
    if required and not value.strip():
        raise FieldError("must not be empty")
    pattern = CONTROL_CHARS_ONE_LINE if one_line else CONTROL_CHARS
    if pattern.search(value):
        raise FieldError(
            "must be one line of text" if one_line and "\n" in value else "must not contain control characters"
        )
    return value.strip() if one_line else value


def one_line_text(value: object) -> str:
    return text(value, one_line=True, required=True)


def text_list(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise FieldError(f"must be a list of strings, not {type_name(value)}")
    items = []
    for i, item in enumerate(value):
        try:
            items.append(text(item, one_line=True, required=True))
        except FieldError as e:
            raise FieldError(f"item {i + 1} {e}") from None
    return tuple(items)


def web_url(value: object) -> str:
    url = text(value, one_line=True, required=True)
    if " " in url:
        raise FieldError(f"{url!r} must not contain spaces")
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[x": an unclosed IPv6 address
        raise FieldError(f"{url!r} is not an http or https URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FieldError(f"{url!r} is not an http or https URL")
    return url


def slug(value: object) -> str:
    name = one_line_text(value)
    if not SLUG.fullmatch(name):
        raise FieldError(f"{name!r} must be lowercase letters, digits and hyphens")
    return name


def translations(
    path: str, prefix: str, table: dict, checks: dict, english: dict, problems: list
) -> tuple[tuple[str, str, str], ...]:
    """Validate the ``[kk]`` and ``[ru]`` tables of ``table``: the fields in ``checks``, nothing else.

    A translation of a field that has no English text is refused (it would
    have nothing to fall back to). Problems are appended as ``Problem``s
    named ``<prefix><language>.<field>``.
    """
    found = []
    for language in TRANSLATIONS:
        if language not in table:
            continue
        section = table[language]
        if not isinstance(section, dict):
            problems.append(
                Problem(path, prefix + language, f"must be a table ([{prefix}{language}]), not {type_name(section)}")
            )
            continue
        for name in sorted(section):
            field = f"{prefix}{language}.{name}"
            if name not in checks:
                problems.append(Problem(path, field, f"unknown field (translatable: {', '.join(checks)})"))
            elif not english.get(name):
                problems.append(Problem(path, field, f"translates {name!r}, which has no English text"))
            else:
                try:
                    found.append((language, name, checks[name](section[name])))
                except FieldError as e:
                    problems.append(Problem(path, field, str(e)))
    return tuple(sorted(found))


def unknown_language(name: str, value: object) -> str | None:
    """For a table that looks like a translation in a language the calendar does not speak: why it is refused."""
    if isinstance(value, dict) and len(name) in (2, 3) and name.isalpha() and name.islower():
        return f"unknown language {name!r} (translations go in [{'] and ['.join(TRANSLATIONS)}])"
    return None
