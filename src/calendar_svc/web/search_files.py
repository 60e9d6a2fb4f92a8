"""The static site's search index, in the language of a rendition: what web/static/search.js reads.

``/search/index.json`` lists every event in the day's order (``catalog.search.rank_order``) with
what a result shows: [page path, title, title's language, when, calendar (its place in
"calendars"), status]. The words are in parts by their first letter (``shard_key``),
``/search/words/<key>.json``: {"words": {word: positions}, "titles": {word: positions}}, each
list of positions into "events" written as differences from the one before (the first as is),
so a query downloads the list and only the parts its words begin in.
"""

from __future__ import annotations

import datetime as dt

from ..catalog.model import Catalog
from ..catalog.search import SHARD_KEYS, SearchIndex, shard_key
from ..publish.urls import Urls
from .page_data import event_row


def index_document(catalog: Catalog, built: SearchIndex, order: dict[str, int], today: dt.date, lang: str) -> dict:
    """The list of events, in ``order``, with what their results show."""
    position = {calendar.slug: place for place, calendar in enumerate(catalog.calendars)}
    paths = Urls(lang=lang)
    events = []
    for event in sorted(built.events, key=lambda event: order[event.id]):
        row = event_row(event, catalog, today, lang=lang)
        events.append([
            paths.event_page(event.id), row.title.value, row.title.lang, row.when.text, position[event.category],
            str(event.status),
        ])  # fmt: skip
    return {
        "lang": lang,
        "today": today.isoformat(),
        "calendars": [calendar.text("name", lang).value for calendar in catalog.calendars],
        "words": {key: paths.search_words(key) for key in SHARD_KEYS},
        "events": events,
    }


def shard_documents(built: SearchIndex, order: dict[str, int]) -> dict[str, dict]:
    """Every part of the word index by its key (``SHARD_KEYS``; a part no word begins in is empty)."""
    places = [order[event.id] for event in built.events]
    shards: dict[str, dict] = {key: {"words": {}, "titles": {}} for key in SHARD_KEYS}
    for name, words in (("words", built.everything), ("titles", built.titles)):
        for word, postings in zip(words.vocabulary, words.postings, strict=True):
            shards[shard_key(word)][name][word] = differences(sorted(places[p] for p in postings))
    return shards


def differences(numbers: list[int]) -> list[int]:
    """[3, 5, 9] -> [3, 2, 4]."""
    return [number - before for number, before in zip(numbers, [0, *numbers], strict=False)]
