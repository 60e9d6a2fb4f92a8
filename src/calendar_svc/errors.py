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
        if self.field:
            return f"{self.path}: {self.field}: {self.message}"
        return f"{self.path}: {self.message}"


class CalendarSvcError(Exception):
    """Base class of every error calendar_svc raises on purpose."""


class CatalogError(CalendarSvcError):
    """The event data has problems; no catalog was built from it."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class EventNotFound(CalendarSvcError, LookupError):
    """No event has the requested id."""


class CalendarNotFound(CalendarSvcError, LookupError):
    """No calendar has the requested slug."""


class InvalidFilter(CalendarSvcError, ValueError):
    """A filter in the query string names something that does not exist."""
