"""The one place that knows the public URLs: route rules, and the paths and absolute URLs built from them.

These URLs are a public interface (bookmarked, subscribed to, scripted against): docs/urls.md lists them all, and a
test holds that list to the app's URL map.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache, partialmethod
from urllib.parse import quote, urlencode, urlsplit

from ..catalog.languages import DEFAULT_LANGUAGE, LANGUAGES, TRANSLATIONS
from ..catalog.search import SHARD_KEYS

# Route rules (werkzeug syntax), by endpoint.
HOME = "/"
MONTH_PICKER = "/calendar/"
MONTH = "/calendar/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/"
EVENT_PAGE = "/events/<event_id>/"
# "slug" matches lowercase letters, digits and inner hyphens only, so "/calendars/.ics" is no page
# and never redirects (see web/languages.py, which registers the converter).
CALENDAR_PAGE = "/calendars/<slug:slug>/"
COUNTRY_PAGE = "/countries/<slug:code>/"
COUNTRY_FEED = "/countries/<slug:code>.ics"
PEOPLE_PAGE = "/people/"
PERSON_PAGE = "/people/<slug:person_id>/"
PERSON_FEED = "/people/<slug:person_id>.ics"
SUBSCRIBE = "/subscribe/"
AGENDA = "/agenda.txt"  # upcoming and recent events as plain text, for terminals
# Compact lists other sites may show in an <iframe>: the only pages that may be framed.
EMBED = "/embed/"
EMBED_CALENDAR = "/embed/calendars/<slug:slug>/"
EMBED_COUNTRY = "/embed/countries/<slug:code>/"
EMBED_PERSON = "/embed/people/<slug:person_id>/"
ROBOTS = "/robots.txt"
SITEMAP = "/sitemap.xml"
FULL_FEED = "/calendar.ics"
CALENDAR_FEED = "/calendars/<slug>.ics"
EVENT_FILE = "/events/<event_id>.ics"
FULL_FEED_ARCHIVE = "/calendar/<int:year>.ics"
CALENDAR_FEED_ARCHIVE = "/calendars/<slug>/<int:year>.ics"
CHANGES_PAGE = "/changes/"
CHANGES_FEED = "/changes.atom"
CALENDAR_CHANGES_FEED = "/calendars/<slug>.atom"
EVENTS_JSON = "/api/events.json"
CALENDARS_JSON = "/api/calendars.json"
PEOPLE_JSON = "/api/people.json"
SEARCH_PAGE = "/search/"
SEARCH_INDEX = "/search/index.json"  # per language: what the static site's script searches
SEARCH_WORDS = "/search/words/<slug:key>.json"  # per language: one part of the static site's word index
SEARCH_JSON = "/api/search.json"
HEALTH = "/healthz"
STATIC = "/static"

_VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<arguments>[^)]*)\))?:)?(?P<name>\w+)>")
_PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".test", ".example", ".invalid")


def language_prefix(lang: str) -> str:
    """ "" for English, "/kk" and "/ru" for the others: every page and feed exists under each."""
    return "" if lang == DEFAULT_LANGUAGE else f"/{lang}"


def localized_rules(rule: str) -> list[tuple[str, str]]:
    """(rule, language) for the rule in every language: "/x/", "/kk/x/", "/ru/x/"."""
    return [(language_prefix(lang) + rule, lang) for lang in LANGUAGES]


def language_of(path: str) -> str:
    """The language a path is in, by its prefix ("/ru/calendar.ics" -> "ru")."""
    return next((lang for lang in TRANSLATIONS if (path + "/").startswith(f"/{lang}/")), DEFAULT_LANGUAGE)


def fill(rule: str, **values: object) -> str:
    """The path ``rule`` names for ``values``: fill("/events/<event_id>/", event_id="aif-2023")."""
    return _filled(rule, tuple(sorted(values.items())))


@lru_cache(maxsize=1_024)  # pages link to the same menus, feeds and months again and again
def _filled(rule: str, items: tuple[tuple[str, object], ...]) -> str:
    values = dict(items)

    def value(match: re.Match) -> str:
        given = values[match["name"]]
        digits = re.search(r"fixed_digits=(\d+)", match["arguments"] or "")
        text = f"{given:0{digits[1]}d}" if digits else str(given)
        return quote(text, safe="")

    return _VARIABLE.sub(value, rule)


def filter_query(categories: Iterable[str] = (), countries: Iterable[str] = ()) -> str:
    """The canonical query string of a filter: categories, then countries, each sorted."""
    pairs = [("category", c) for c in sorted(categories)] + [("country", c) for c in sorted(countries)]
    return urlencode(pairs, quote_via=quote)


@dataclass(frozen=True)
class Urls:
    """Public URLs under ``origin`` ("https://cal.example.org", or "" for bare paths), in ``lang``.

    Pages and feeds carry the language prefix ("/kk/…"); the JSON API, the
    health check and the static files are the same for every language.
    """

    origin: str = ""
    lang: str = DEFAULT_LANGUAGE

    def _url(self, rule: str, query: str = "", **values: object) -> str:
        path = language_prefix(self.lang) + fill(rule, **values)
        return self.origin + path + (f"?{query}" if query else "")

    def _shared(self, rule: str, query: str = "") -> str:
        return self.origin + rule + (f"?{query}" if query else "")

    # Fixed paths: pages and feeds in ``lang``, then the paths every language shares.
    home = partialmethod(_url, HOME)
    people_page = partialmethod(_url, PEOPLE_PAGE)
    subscribe = partialmethod(_url, SUBSCRIBE)
    agenda = partialmethod(_url, AGENDA)
    search_page = partialmethod(_url, SEARCH_PAGE)
    month_picker = partialmethod(_url, MONTH_PICKER)
    search_index = partialmethod(_url, SEARCH_INDEX)
    changes_page = partialmethod(_url, CHANGES_PAGE)
    calendars_json = partialmethod(_shared, CALENDARS_JSON)
    people_json = partialmethod(_shared, PEOPLE_JSON)
    robots = partialmethod(_shared, ROBOTS)
    sitemap = partialmethod(_shared, SITEMAP)

    def month(self, year: int, month: int, category: Iterable[str] = (), country: Iterable[str] = ()) -> str:
        return self._url(MONTH, filter_query(category, country), year=year, month=month)

    def event_page(self, event_id: str) -> str:
        return self._url(EVENT_PAGE, event_id=event_id)

    def calendar_page(self, slug: str) -> str:
        """One calendar's events as a page: the twin of its feed, and the static site's filter."""
        return self._url(CALENDAR_PAGE, slug=slug)

    def country_page(self, code: str) -> str:
        """The events involving one country ("KZ" -> /countries/kz/)."""
        return self._url(COUNTRY_PAGE, code=code.lower())

    def country_feed(self, code: str) -> str:
        return self._url(COUNTRY_FEED, code=code.lower())

    def person_page(self, person_id: str) -> str:
        return self._url(PERSON_PAGE, person_id=person_id)

    def person_feed(self, person_id: str) -> str:
        """The events that name one person, with their VEVENTs as in the full feed."""
        return self._url(PERSON_FEED, person_id=person_id)

    def embed(self, calendar: str | None = None, country: str | None = None, person: str | None = None) -> str:
        """The embeddable list of every event, or of one calendar's, country's or person's."""
        if calendar:
            return self._url(EMBED_CALENDAR, slug=calendar)
        if country:
            return self._url(EMBED_COUNTRY, code=country.lower())
        if person:
            return self._url(EMBED_PERSON, person_id=person)
        return self._url(EMBED)

    def search_words(self, key: str) -> str:
        """One part of the static site's word index (``catalog.search.shard_key``)."""
        return self._url(SEARCH_WORDS, key=key)

    def full_feed(self, categories: Iterable[str] = (), countries: Iterable[str] = ()) -> str:
        return self._url(FULL_FEED, filter_query(categories, countries))

    def calendar_feed(self, slug: str) -> str:
        return self._url(CALENDAR_FEED, slug=slug)

    def event_file(self, event_id: str) -> str:
        return self._url(EVENT_FILE, event_id=event_id)

    def archive(self, year: int, slug: str | None = None) -> str:
        """The yearly archive of the full feed (``slug`` None) or of one calendar's feed."""
        if slug is None:
            return self._url(FULL_FEED_ARCHIVE, year=year)
        return self._url(CALENDAR_FEED_ARCHIVE, slug=slug, year=year)

    def changes_feed(self, slug: str | None = None) -> str:
        """The Atom feed of changes: to the whole calendar (``slug`` None) or to one calendar."""
        if slug is None:
            return self._url(CHANGES_FEED)
        return self._url(CALENDAR_CHANGES_FEED, slug=slug)

    def events_json(self, categories: Iterable[str] = (), countries: Iterable[str] = ()) -> str:
        return self._shared(EVENTS_JSON, filter_query(categories, countries))

    def static(self, filename: str) -> str:
        return f"{self.origin}{STATIC}/{quote(filename)}"


def public_paths(
    catalog, archives: Mapping[str, Mapping[str | None, Iterable[int]]] = {}, static_files: Iterable[str] = ()
) -> Iterator[str]:
    """Every public path without a query string: pages, feeds, archives, JSON, assets.

    ``archives`` maps each language to its archived years by calendar slug
    (None: the full feed): translated text makes feeds of other sizes, so each
    language may archive other years. ``static_files`` are names under the
    static folder.
    """
    shared = Urls()
    yield from (shared.robots(), shared.sitemap(), shared.events_json(), shared.calendars_json(), shared.people_json())
    yield from (shared.static(name) for name in static_files)
    for lang in LANGUAGES:
        urls = Urls(lang=lang)
        yield from (urls.home(), urls.subscribe(), urls.full_feed(), urls.changes_page(), urls.changes_feed())
        yield from (urls.agenda(), urls.embed())
        yield from (urls.embed(calendar=c.slug) for c in catalog.calendars)
        yield from (urls.embed(country=code) for code in catalog.countries)
        yield from (urls.embed(person=person.id) for person in catalog.people)
        yield from (urls.calendar_feed(c.slug) for c in catalog.calendars)
        yield from (urls.calendar_page(c.slug) for c in catalog.calendars)
        yield from (urls.changes_feed(c.slug) for c in catalog.calendars)
        yield from (urls.country_page(code) for code in catalog.countries)
        yield from (urls.country_feed(code) for code in catalog.countries)
        yield urls.people_page()
        yield from (urls.search_page(), urls.search_index())
        yield from (urls.search_words(key) for key in SHARD_KEYS)
        yield from (urls.person_page(person.id) for person in catalog.people)
        yield from (urls.person_feed(person.id) for person in catalog.people)
        for slug, years in archives.get(lang, {}).items():
            yield from (urls.archive(year, slug) for year in sorted(years))
        yield from (urls.event_file(e.id) for e in catalog.dated_events)
        yield from (urls.event_page(e.id) for e in catalog.events)


def is_embed(path: str) -> bool:
    """Whether ``path`` is one of the embeddable lists (in any language)."""
    return (path.removeprefix(language_prefix(language_of(path))) + "/").startswith(EMBED)


def error_format(path: str) -> str:
    """How an error at ``path`` is written: "text" for feeds, "json" for the API, "html" for pages."""
    if path.endswith((".ics", ".atom")):
        return "text"
    if path.startswith("/api/") or path.endswith(".json") or path == HEALTH:
        return "json"
    return "html"


def is_feed_or_document(path: str) -> bool:
    """Feeds and JSON documents: the URLs calendar clients, feed readers and scripts poll."""
    return path.endswith((".ics", ".atom")) or (path.startswith("/api/") and path.endswith(".json"))


def webcal(url: str) -> str:
    """The webcal:// twin of an http(s) feed URL (Apple Calendar, Outlook desktop)."""
    return "webcal://" + url.split("://", 1)[1]


def is_public_origin(origin: str) -> bool:
    """False for addresses that services on the internet cannot reach (loopback, private, local names)."""
    host = (urlsplit(origin).hostname or "").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." in host and host != "localhost" and not host.endswith(_PRIVATE_SUFFIXES)
    return address.is_global
