"""Country names for the ISO 3166-1 alpha-2 codes events carry."""

from __future__ import annotations

from functools import lru_cache

import pycountry


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
