"""Filters: which categories and countries a request asks for, validated against the catalog."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..catalog.countries import is_country_code
from ..catalog.model import Catalog
from ..errors import InvalidFilter

FILTER_PARAMETERS = ("category", "country")
MAX_VALUES = 50


@dataclass(frozen=True)
class Selection:
    """A filter on the catalog: any of these categories, involving any of these countries."""

    categories: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.categories or self.countries)

    @property
    def args(self) -> dict[str, list[str]]:
        """The canonical query arguments (sorted) that reproduce the selection."""
        return {"category": sorted(self.categories), "country": sorted(self.countries)}


def selection_from_args(args: Mapping, catalog: Catalog, allowed: tuple[str, ...] = FILTER_PARAMETERS) -> Selection:
    """Validate ?category=…&country=… (each repeatable); raise InvalidFilter naming the bad value.

    ``args`` is a MultiDict (``request.args``): ``getlist`` gives every value of a name.
    """
    for name in args:
        if name not in allowed:
            raise InvalidFilter(f"unknown parameter {name!r} (allowed: {', '.join(allowed)})")
    categories = [c.strip() for c in args.getlist("category") if c.strip()]
    countries = [c.strip().upper() for c in args.getlist("country") if c.strip()]
    if len(categories) + len(countries) > MAX_VALUES:
        raise InvalidFilter(f"too many filter values (at most {MAX_VALUES})")
    for slug in categories:
        if not catalog.has_calendar(slug):
            known = ", ".join(c.slug for c in catalog.calendars)
            raise InvalidFilter(f"unknown category {slug!r} (known: {known})")
    for code in countries:
        if not is_country_code(code):
            raise InvalidFilter(f"unknown country {code!r} (use an ISO 3166-1 alpha-2 code such as KZ)")
    return Selection(frozenset(categories), frozenset(countries))
