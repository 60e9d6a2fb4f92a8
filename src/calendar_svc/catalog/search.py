"""Search, pure: how text is folded (``fold``) and cut into words, an index per catalog and language
(``search_index`` says which texts of an event count), and which events a query finds (``search``), in which order.

The static site's script (web/static/search.js) folds a query and ranks the same way, from an index written by this
module's words; tests/data/search-folding.json holds both to the same cases.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from .countries import country_name
from .languages import DEFAULT_LANGUAGE
from .model import Catalog, Event
from .recurrence import next_occurrence_day

MAX_QUERY_LENGTH = 200  # characters; a longer query is cut to this
# Letters a reader types another way ("токаев" finds «Тоқаев»).
FOLDED_LETTERS = {
    "ё": "е", "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
    "ß": "ss", "ς": "σ",
}  # fmt: skip
# A combining mark after anything but a Cyrillic letter, dropped ("á" -> "a"); marks on Cyrillic letters stay (й ≠ и).
_LATIN_MARK = re.compile(r"(?<![\u0400-\u04ff])[\u0300-\u036f]")
_FOLDED = str.maketrans(FOLDED_LETTERS)
# A word (captured, so that splitting keeps it): letters and digits (Unicode categories L and N).
_WORD = re.compile(r"([^\W_]+)")


def fold(text: str) -> str:
    """``text`` as search compares it: "Тоқаев" -> "токаев", "Orbán" -> "orban", "Ёлка" -> "елка"."""
    if text.isascii():
        return text.lower()
    decomposed = _LATIN_MARK.sub("", unicodedata.normalize("NFKD", text.lower()))
    return unicodedata.normalize("NFC", decomposed).translate(_FOLDED)


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order: "Orbán, Тоқаев" -> ["orban", "токаев"]."""
    return _WORD.findall(fold(text))


def query_words(query: str) -> tuple[str, ...]:
    """The distinct folded words of a query, in the order typed."""
    return tuple(dict.fromkeys(words(query)))


@dataclass(frozen=True)
class WordIndex:
    """Sorted distinct words, each with the positions of the events that hold it (an array of
    machine integers: a tenth of the memory of a set of Python ints, at 10,000 events)."""

    vocabulary: tuple[str, ...]
    postings: tuple[array, ...]

    @classmethod
    def of(cls, found: dict[str, array]) -> WordIndex:
        vocabulary = tuple(sorted(found))
        return cls(vocabulary, tuple(found[word] for word in vocabulary))

    def starting_with(self, prefix: str) -> set[int]:
        """Positions of the events with a word that begins with ``prefix``."""
        found: set[int] = set()
        index = bisect_left(self.vocabulary, prefix)
        while index < len(self.vocabulary) and self.vocabulary[index].startswith(prefix):
            found.update(self.postings[index])
            index += 1
        return found


@dataclass(frozen=True)
class SearchIndex:
    """One catalog's events in one language, ready for queries: built once per catalog version."""

    events: tuple[Event, ...]
    everything: WordIndex  # every text of each event
    titles: WordIndex  # each event's title only


def search_index(catalog: Catalog, lang: str) -> SearchIndex:
    """The index of ``catalog``'s events in ``lang``, built an event at a time: each event's words go
    into the postings at once, so no list of every event's words is ever held."""
    in_titles: defaultdict[str, array] = defaultdict(partial(array, "i"))
    in_texts: defaultdict[str, array] = defaultdict(partial(array, "i"))
    for position, event in enumerate(catalog.events):
        # Besides the title: description, location, people (in ``lang`` and in English), countries, calendar.
        texts = [event.text("description", lang), event.text("location", lang), *event.people_names(lang)]
        texts += [*event.people_names(DEFAULT_LANGUAGE), *(country_name(code, lang) for code in event.countries)]
        texts.append(catalog.calendar(event.category).text("name", lang))
        title_words = set(words(event.text("title", lang).value))
        for word in title_words:
            in_titles[word].append(position)
        for word in title_words.union(*(words(str(text)) for text in texts)):
            in_texts[word].append(position)
    return SearchIndex(catalog.events, WordIndex.of(in_texts), WordIndex.of(in_titles))


def rank_order(events: Iterable[Event], today: dt.date) -> dict[str, int]:
    """Each event's place by day: upcoming soonest first, then past newest first, then undated
    (month or year only) newest first. Ties go by time of day and id."""
    upcoming, past, undated = [], [], []
    for event in events:
        following = next_occurrence_day(event, today) if event.is_dated else None
        if following is not None:
            upcoming.append(((following, event.sort_key), event.id))
        else:
            (past if event.is_dated else undated).append(((event.first_day, event.sort_key), event.id))
    ranked = sorted(upcoming) + sorted(past, reverse=True) + sorted(undated, reverse=True)
    return {event_id: place for place, (_, event_id) in enumerate(ranked)}


def search(index: SearchIndex, words_sought: Sequence[str], order: dict[str, int]) -> list[Event]:
    """Events holding every word sought (as a word's beginning): title matches first, each part in
    ``order`` (see ``rank_order``). No words, no hits."""
    if not words_sought:
        return []
    found = set.intersection(*(index.everything.starting_with(word) for word in words_sought))
    in_title = set().union(*(index.titles.starting_with(word) for word in words_sought)) & found
    events = index.events
    ranked = sorted(found, key=lambda position: (position not in in_title, order[events[position].id]))
    return [events[position] for position in ranked]


def marked(text: str, words_sought: Sequence[str]) -> list[tuple[str, bool]]:
    """``text`` in pieces, each word that begins with a word sought marked: ("Orbán", True)."""
    pieces: list[tuple[str, bool]] = []
    # Split on a captured word: the words are every other piece, from the second on.
    for i, piece in enumerate(_WORD.split(unicodedata.normalize("NFC", text))):
        if not piece:
            continue
        hit = i % 2 == 1 and any(folded.startswith(sought) for folded in words(piece) for sought in words_sought)
        if pieces and pieces[-1][1] == hit:
            pieces[-1] = (pieces[-1][0] + piece, hit)
        else:
            pieces.append((piece, hit))
    return pieces


def shard_key(word: str) -> str:
    """Which part of the static site's word index holds ``word`` (a folded word): its first letter's
    code point in hex for a-z, 0-9 and а-я ("0442" for "т…"), else "other"."""
    first = word[:1]
    if "a" <= first <= "z" or "0" <= first <= "9" or "а" <= first <= "я":
        return f"{ord(first):04x}"
    return "other"


SHARD_KEYS = (
    *(shard_key(letter) for letter in "0123456789abcdefghijklmnopqrstuvwxyzабвгдежзийклмнопрстуфхцчшщъыьэюя"),
    "other",
)
