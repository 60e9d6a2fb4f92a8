"""Search: the results page (/search/?q=…), its JSON twin (/api/search.json) and the index the static site's script
(web/static/search.js) searches. Thin views over ``catalog.search``.

``/search/index.json`` lists every event in the day's order (``catalog.search.rank_order``) with what a result shows:
[page path, title, title's language, when, calendar (its place in "calendars"), status]. The words are in parts by
their first letter (``shard_key``), ``/search/words/<key>.json``: {"words": {word: positions}, "titles": {word:
positions}}, each list of positions into "events" written as differences from the one before (the first as is), so a
query downloads the list and only the parts its words begin in."""

from __future__ import annotations

import datetime as dt
import unicodedata

from flask import Blueprint, Response, g, request
from werkzeug.exceptions import BadRequest, NotFound

from ..catalog.languages import LANGUAGES
from ..catalog.model import Catalog, Event
from ..catalog.search import (
    MAX_QUERY_LENGTH,
    SHARD_KEYS,
    SearchIndex,
    WordIndex,
    marked,
    query_words,
    rank_order,
    search,
    search_index,
    shard_key,
)
from ..publish import urls as rules
from ..publish.documents import EVENTS_TAIL, json_bytes, start_text
from ..publish.resource import JSON_TYPE, Resource
from ..publish.selection import selection_from_args
from ..publish.urls import Urls
from ..serving.conditional import resource_response
from .context import config, lang, paths, rendition, today, urls
from .languages import gettext, route
from .page_data import event_row
from .pages import browse_links, html_page, translated
from .when import event_when

bp = Blueprint("search", __name__)

RESULTS_SHOWN = 50  # on the page; the rest is counted, and the reader asked to narrow the search


def requested_query(value: str) -> tuple[str, bool]:
    """The query as searched (stripped, at most MAX_QUERY_LENGTH characters), and whether it was cut.
    A control character (NUL, a line break) is a 400 in the page's language."""
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise translated(BadRequest, gettext("A search may not contain control characters such as line breaks."))
    query = value.strip()
    return query[:MAX_QUERY_LENGTH].strip(), len(query) > MAX_QUERY_LENGTH


def current_index() -> SearchIndex:
    """This rendition's index: built on the first search of its catalog version and language."""
    current = rendition()
    return current.page_values.get("search index", lambda: search_index(current.catalog, current.lang))


def current_order() -> dict[str, int]:
    """Every event's place by day, for today."""
    current = rendition()
    return current.page_values.get(("search order", today()), lambda: rank_order(current.catalog.events, today()))


@route(bp, rules.SEARCH_PAGE, query=("q",))
def page():
    catalog = rendition().catalog
    query, cut = requested_query(request.args.get("q", ""))
    static = config().static_site

    def build() -> dict:
        sought = query_words(query)
        found = [] if static else search(current_index(), sought, current_order())  # static: search.js fills it
        rows = [event_row(event, catalog, today(), lang=lang()) for event in found[:RESULTS_SHOWN]]
        return dict(
            query=query,
            cut=cut,
            max_length=MAX_QUERY_LENGTH,
            results=[(row, row.title.lang, marked(row.title.value, sought)) for row in rows],
            count=len(found),
            static=static,
            index_url=paths().search_index() if static else "",  # a path: the site may be served elsewhere
            shown_at_most=RESULTS_SHOWN,
            browse=browse_links(catalog),
        )

    return html_page("pages/search.html", catalog.last_modified, build, keep=not request.query_string)


@bp.get(rules.SEARCH_JSON)
def api():
    """The same results as JSON: {"query", "lang", "results": [{"id", "title", "start", "url", "ics_url"}]}."""
    language = request.args.get("lang", "en")
    if language not in LANGUAGES:
        raise BadRequest(f"unknown language {language!r} for 'lang' (known: {', '.join(LANGUAGES)})")
    g.lang = language  # this request's rendition is the one in that language
    selection_from_args(request.args, rendition().catalog, allowed=("q", "lang"))
    query, _ = requested_query(request.args.get("q", ""))
    links = urls()
    results = [
        {
            "id": event.id,
            "title": event.text("title", language).value,
            "start": start_text(event),
            "url": links.event_page(event.id),
            "ics_url": links.event_file(event.id) if event.is_dated else None,
        }
        for event in search(current_index(), query_words(query), current_order())
    ]
    return Response(json_bytes({"query": query, "lang": language, "results": results}), mimetype=JSON_TYPE)


@route(bp, rules.SEARCH_INDEX)
def index():
    """The list of events the static site's script searches, in this language."""
    current = rendition()

    def make() -> Resource:
        body = index_document(current.catalog, current_index(), current_order(), today(), paths())
        return Resource(body, JSON_TYPE, current.catalog.last_modified)

    return resource_response(current.pages.get(("search index", today()), make))


@route(bp, rules.SEARCH_WORDS)
def words_part(key: str):
    """One part of the word index the static site's script searches."""
    current = rendition()
    if key not in SHARD_KEYS:
        raise translated(NotFound, gettext("There is no such part of the search index."))
    shards = current.page_values.get(
        ("search words", today()), lambda: shard_documents(current_index(), current_order())
    )
    return resource_response(
        current.pages.get(
            ("search words", key, today()), lambda: Resource(shards[key], JSON_TYPE, current.catalog.last_modified)
        )
    )


def index_document(catalog: Catalog, built: SearchIndex, order: dict[str, int], today: dt.date, paths: Urls) -> bytes:
    """The list of events, in ``order``, with what their results show, in the language of ``paths`` (which
    its links are): the bytes of ``json_bytes`` of the document, each event's row written out as it is made
    (the rows as Python objects would take several times the memory of their bytes)."""
    position = {calendar.slug: place for place, calendar in enumerate(catalog.calendars)}
    lang = paths.lang
    head = {
        "lang": lang,
        "today": today.isoformat(),
        "calendars": [calendar.text("name", lang).value for calendar in catalog.calendars],
        "words": {key: paths.search_words(key) for key in SHARD_KEYS},
        "events": [],
    }

    def row(event: Event) -> bytes:
        title, when = event.text("title", lang), event_when(event, lang=lang)
        cells = [paths.event_page(event.id), title.value, title.lang, when.text, position[event.category]]
        return json_bytes([*cells, str(event.status)])[:-1]  # without the line break

    rows = b", ".join(row(event) for event in sorted(built.events, key=lambda event: order[event.id]))
    return json_bytes(head).removesuffix(EVENTS_TAIL) + rows + EVENTS_TAIL  # the rows in the empty list


def shard_documents(built: SearchIndex, order: dict[str, int]) -> dict[str, bytes]:
    """Every part of the word index by its key (``SHARD_KEYS``; a part no word begins in is empty), as
    JSON bytes: each part is made and written out before the next, so the index is never held whole
    as lists of numbers."""
    places = [order[event.id] for event in built.events]
    parts = {name: {key: [] for key in SHARD_KEYS} for name in ("words", "titles")}  # word numbers by key
    for name, index in (("words", built.everything), ("titles", built.titles)):
        for number, word in enumerate(index.vocabulary):
            parts[name][shard_key(word)].append(number)

    def part(name: str, index: WordIndex, key: str) -> dict[str, list[int]]:
        return {
            index.vocabulary[n]: differences(sorted(places[p] for p in index.postings[n])) for n in parts[name][key]
        }

    return {
        key: json_bytes({"words": part("words", built.everything, key), "titles": part("titles", built.titles, key)})
        for key in SHARD_KEYS
    }


def differences(numbers: list[int]) -> list[int]:
    """[3, 5, 9] -> [3, 2, 4]."""
    return [number - before for number, before in zip(numbers, [0, *numbers], strict=False)]
