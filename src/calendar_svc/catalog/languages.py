"""The languages the calendar speaks, and text that may be written in several of them.

English is required and is what every unprefixed URL and the JSON API's plain fields carry. Kazakh and Russian are
optional per field and fall back to English; a ``Text`` always says which language it is actually in, so pages can mark
a fallback ``lang="en"`` and feeds ``LANGUAGE=en``.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_LANGUAGE = "en"
TRANSLATIONS = ("kk", "ru")  # languages other than English, in the order pages offer them
LANGUAGES = (DEFAULT_LANGUAGE, *TRANSLATIONS)
# The CLDR locale each language's dates and names follow: British English writes "8 June 2023".
CLDR_LOCALES = {"en": "en_GB", "kk": "kk", "ru": "ru"}

# (language, field, text) for every translated field, sorted: hashable and comparable.
Translations = tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Text:
    """A text and the language it is actually written in."""

    value: str
    lang: str

    def __str__(self) -> str:
        return self.value


def joined(texts: list[Text], separator: str, lang: str) -> Text:
    """Texts joined into one, in their common language (``lang`` when they are mixed)."""
    languages = {text.lang for text in texts}
    return Text(separator.join(text.value for text in texts), languages.pop() if len(languages) == 1 else lang)
