"""ISO 3166-1 alpha-2 country codes: which exist, and their English names."""

from __future__ import annotations

from functools import cache, lru_cache

import pycountry


@cache
def country_codes() -> frozenset[str]:
    """Every assigned alpha-2 code, upper case."""
    return frozenset(country.alpha_2 for country in pycountry.countries)


def is_country_code(code: str) -> bool:
    """True for an assigned alpha-2 code written in upper case ("KZ", not "kz" or "KAZ")."""
    return code in country_codes()


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """'KZ' -> 'Kazakhstan'; the common name where ISO has one ('Bolivia'); unknown codes as given."""
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def country_names(codes) -> tuple[str, ...]:
    """Names in the order the codes are given."""
    return tuple(country_name(code) for code in codes)
