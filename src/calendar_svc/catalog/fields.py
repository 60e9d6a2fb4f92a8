"""Checks of TOML values shared by event files, calendars.toml and people.toml, and ``TableCheck``,
which applies them to a table's fields.

Each check returns the value as the model wants it or raises ``FieldError``
with a message that completes "path: field: …".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from ..errors import Problem
from .languages import TRANSLATIONS, Translations

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


def text(value: object, *, one_line: bool = False) -> str:
    """A string, its line ends as "\\n"; ``one_line``: one line, not empty, stripped."""
    if not isinstance(value, str):
        raise FieldError(f"must be a string, not {type_name(value)}")
    value = value.replace("\r\n", "\n")
    if one_line and not value.strip():
        raise FieldError("must not be empty")
    pattern = CONTROL_CHARS_ONE_LINE if one_line else CONTROL_CHARS
    if pattern.search(value):
        raise FieldError(
            "must be one line of text" if one_line and "\n" in value else "must not contain control characters"
        )
    return value.strip() if one_line else value


def one_line_text(value: object) -> str:
    return text(value, one_line=True)


def items(value: object, kind: str = "a list") -> list:
    if not isinstance(value, list):
        raise FieldError(f"must be {kind}, not {type_name(value)}")
    return value


def web_url(value: object) -> str:
    url = one_line_text(value)
    if " " in url:
        raise FieldError(f"{url!r} must not contain spaces")
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[x": an unclosed IPv6 address
        raise FieldError(f"{url!r} is not an http or https URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FieldError(f"{url!r} is not an http or https URL")
    return url


def url_list(value: object) -> tuple[str, ...]:
    return tuple(web_url(item) for item in items(value, "a list of URLs"))


def matching(value: object, valid: Callable[[str], object], problem: str) -> str:
    """The one-line text ``value`` when ``valid``; else a FieldError, ``problem`` with the text for "{!r}"."""
    name = one_line_text(value)
    if not valid(name):
        raise FieldError(problem.format(name))
    return name


def distinct(value: object, valid: Callable[[str], object], problem: str) -> tuple[str, ...]:
    """A list of one-line texts, each then ``matching``, each kept once."""
    names = []
    for i, item in enumerate(items(value, "a list of strings"), 1):
        try:
            names.append(one_line_text(item))
        except FieldError as e:
            raise FieldError(f"item {i} {e}") from None
    return tuple(dict.fromkeys(matching(name, valid, problem) for name in names))


def slug(value: object) -> str:
    return matching(value, SLUG.fullmatch, "{!r} must be lowercase letters, digits and hyphens")


class TableCheck:
    """Checking one TOML table: the good values by field name, and a ``Problem`` named ``prefix`` + field
    for each thing wrong."""

    def __init__(self, path: str, table: dict, problems: list[Problem], prefix: str = ""):
        self.path, self.table, self.problems, self.prefix = path, table, problems, prefix
        self.values: dict[str, object] = {}

    def add(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.path, self.prefix + name, message))

    def check(self, name: str, fn: Callable, *args) -> None:
        """Keep ``fn(table[name], *args)`` as the field's value, or its FieldError as a problem (none
        for a field the table does not have)."""
        if name not in self.table:
            return
        try:
            self.values[name] = fn(self.table[name], *args)
        except FieldError as e:
            self.add(name, str(e))

    def check_all(self, checks: dict[str, Callable], required: Iterable[str] = ()) -> dict[str, object]:
        """Check each field of ``checks`` the table has, and say which ``required`` ones it lacks."""
        for name in required:
            if name not in self.table:
                self.add(name, "is required")
        for name, fn in checks.items():
            self.check(name, fn)
        return self.values

    def refuse_unknown(self, known: Iterable[str], message: str = "", hint: Callable[[str], str] | None = None) -> None:
        """A problem for each field not ``known``: ``message``; by default "unknown field" with ``hint(name)``,
        or, for a table named like a language, that the calendar does not speak it."""
        for name in sorted(set(self.table) - set(known)):
            if message:
                self.add(name, message)
            elif isinstance(self.table[name], dict) and len(name) in (2, 3) and name.isalpha() and name.islower():
                self.add(name, f"unknown language {name!r} (translations go in [{'] and ['.join(TRANSLATIONS)}])")
            else:
                self.add(name, "unknown field" + (hint(name) if hint else ""))

    def translations(self, checks: dict[str, Callable]) -> Translations:
        """The fields of ``checks`` in the ``[kk]`` and ``[ru]`` tables, nothing else; each must translate an
        English text the table has (a fallback)."""
        found = []
        for language in TRANSLATIONS:
            section = self.table.get(language, {})
            if not isinstance(section, dict):
                self.add(language, f"must be a table ([{self.prefix}{language}]), not {type_name(section)}")
                continue
            fields = TableCheck(self.path, section, self.problems, f"{self.prefix}{language}.")
            fields.refuse_unknown(checks, f"unknown field (translatable: {', '.join(checks)})")
            for name in sorted(section.keys() & checks.keys()):
                if self.table.get(name):
                    fields.check(name, checks[name])
                else:
                    fields.add(name, f"translates {name!r}, which has no English text")
            found += [(language, name, value) for name, value in fields.values.items()]
        return tuple(sorted(found))
