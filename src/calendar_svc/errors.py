"""The errors calendar_svc raises, and the validation problem record."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the event data: which file, which field, what."""

    path: str
    field: str
    message: str

    def __str__(self) -> str:
        parts = (self.path, self.field, self.message) if self.field else (self.path, self.message)
        return ": ".join(one_line(part) for part in parts)


def one_line(text: str) -> str:
    """Line breaks and other unprintable characters as escapes: a problem is always one line."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class CalendarSvcError(Exception):
    """Base class of every error calendar_svc raises on purpose."""


class CatalogError(CalendarSvcError):
    """The event data has problems; no catalog was built from it."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class EventNotFound(CalendarSvcError, LookupError):
    """No event has the requested id."""


class InvalidFilter(CalendarSvcError, ValueError):
    """A filter in the query string names something that does not exist."""


class ExportError(CalendarSvcError):
    """The static export could not be written; ``lines`` says why, one line per URL or file."""

    def __init__(self, lines: list[str]):
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))

    def __reduce__(self):
        return type(self), (self.lines,)
