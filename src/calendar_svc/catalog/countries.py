"""ISO 3166-1 alpha-2 country codes: which exist, their names in each language, and sorting by them.

Names come from CLDR (through Babel) in the language asked for, with one deliberate exception listed in NAME_OVERRIDES.
Sorting follows each language's own alphabet: a plain code-point sort puts Kazakh Ә, Қ, Ү, Ұ and І after Я, and Russian
order applied to Kazakh is wrong as well.
"""

from __future__ import annotations

from functools import cache, lru_cache

import pycountry
from babel import Locale

from .languages import CLDR_LOCALES, DEFAULT_LANGUAGE

# CLDR 47+ writes Austria "Аустрия" in Kazakh; older CLDR, gov.kz and the Kazakh press write
# "Австрия", the form readers know. CLDR's Russian "Киргизия" is not what Kazakhstan's and
# Kyrgyzstan's own Russian-language press and the event texts write: "Кыргызстан".
NAME_OVERRIDES = {("kk", "AT"): "Австрия", ("ru", "KG"): "Кыргызстан"}
ALPHABETS = {
    "kk": "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
}


@cache
def country_codes() -> frozenset[str]:
    """Every assigned alpha-2 code, upper case."""
    return frozenset(country.alpha_2 for country in pycountry.countries)


def is_country_code(code: str) -> bool:
    """True for an assigned alpha-2 code written in upper case ("KZ", not "kz" or "KAZ")."""
    return code in country_codes()


@lru_cache(maxsize=2048)
def country_name(code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """'KZ' -> 'Kazakhstan', 'Қазақстан', 'Казахстан'; unknown codes as given."""
    code = code.upper()
    name = NAME_OVERRIDES.get((lang, code)) or Locale.parse(CLDR_LOCALES[lang]).territories.get(code)
    if name is None:
        country = pycountry.countries.get(alpha_2=code)
        return code if country is None else getattr(country, "common_name", None) or country.name
    return name


def sort_key(text: str, lang: str = DEFAULT_LANGUAGE) -> tuple:
    """A key that sorts ``text`` in the alphabetical order of ``lang`` (case-insensitive).

    Letters of the language's alphabet sort by their place in it; Latin and
    other letters after them by code point.
    """
    alphabet = ALPHABETS.get(lang)
    folded = text.casefold()
    if alphabet is None:
        return (folded, text)
    return (tuple((0, alphabet.index(c)) if c in alphabet else (1, ord(c)) for c in folded), text)
