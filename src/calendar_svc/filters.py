"""Query strings to selections: which categories and countries a request asks for."""

from __future__ import annotations

import pycountry
from werkzeug.datastructures import MultiDict

from .errors import InvalidFilter
from .model import Catalog
from .published import Selection

FILTER_PARAMETERS = ("category", "country")
MAX_VALUES = 50


def selection_from_args(args: MultiDict, catalog: Catalog, allowed: tuple[str, ...] = FILTER_PARAMETERS) -> Selection:
    """Validate ?category=…&country=… (each repeatable); raise InvalidFilter naming the bad value."""
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
        if len(code) != 2 or not code.isascii() or pycountry.countries.get(alpha_2=code) is None:
            raise InvalidFilter(f"unknown country {code!r} (use an ISO 3166-1 alpha-2 code such as KZ)")
    return Selection(frozenset(categories), frozenset(countries))
