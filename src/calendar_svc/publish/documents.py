"""The JSON API's documents: catalog data in, plain dicts out, and their stable bytes. Pure."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator

from ..catalog.countries import country_name
from ..catalog.languages import DEFAULT_LANGUAGE, LANGUAGES
from ..catalog.model import CalendarInfo, Catalog, Event
from .urls import Urls, webcal


def start_text(event: Event) -> str:
    """The start as precisely as it is known; a time of day with its zone's offset."""
    return event.start_local.isoformat() if event.is_timed else event.known_start


def event_dict(event: Event, catalog: Catalog, urls: Urls) -> dict:
    return {
        "id": event.id,
        "uid": event.uid_for(catalog.site),
        "title": event.title,
        "category": event.category,
        "status": str(event.status),
        "start": start_text(event),
        "end": None if event.end is None else event.end_local.isoformat(),
        "precision": str(event.precision),
        "timezone": event.timezone,
        "rrule": event.rrule or None,
        "exdates": [x.isoformat() for x in event.exdates],
        "countries": list(event.countries),
        "location": event.location or None,
        "people": [person.name for person in event.persons],  # English names, as before the register
        "person_ids": list(event.people),
        "description": event.description or None,
        "url": event.url or None,
        "sources": list(event.sources),
        "sequence": event.sequence,
        "updated": event.updated.isoformat() if event.updated else None,
        "ics_url": urls.event_file(event.id) if event.is_dated else None,
        "page_url": urls.event_page(event.id),
        "texts": texts(event, ("title", "location", "description")),
    }


def texts(item: Event | CalendarInfo, fields: tuple[str, ...]) -> dict:
    """Each field in every language: {"kk": {"title": {"value": …, "lang": "kk"}}}; ``lang`` says which
    language the value is actually in ("en" where a translation is missing), so a fallback is visible.
    An event's people are listed by name in each language: {"kk": {"people": ["…", …]}}."""
    english = {name: {"value": getattr(item, name), "lang": DEFAULT_LANGUAGE} for name in fields if getattr(item, name)}
    result = {language: dict(english) for language in LANGUAGES}
    for language, name, value in item.translations:
        if name in english:
            result[language][name] = {"value": value, "lang": language}
    if isinstance(item, Event):
        for language in LANGUAGES:
            result[language]["people"] = [name.value for name in item.people_names(language)]
    return result


def people_document(catalog: Catalog, urls: Urls) -> dict:
    """The register: each person's names and roles in every language, pages, feeds and events."""
    people = []
    for person in catalog.people:
        feed = urls.person_feed(person.id)
        people.append({
            "id": person.id,
            "names": {lang: person.text("name", lang).value for lang in LANGUAGES},
            "roles": {lang: person.text("role", lang).value or None for lang in LANGUAGES},
            "page_url": urls.person_page(person.id),
            "feed_url": feed,
            "webcal_url": webcal(feed),
            "events": [event.id for event in catalog.events_by_person[person.id]],
            "sources": list(person.sources),
            "transliterated": list(person.transliterated),
        })  # fmt: skip
    return {"people": people}


EVENTS_HEAD, EVENTS_SEPARATOR, EVENTS_TAIL = b'{"events": [', b", ", b"]}\n"


def event_json(event: Event, catalog: Catalog, urls: Urls) -> bytes:
    """One event's object in the events document, as bytes."""
    return json.dumps(event_dict(event, catalog, urls), ensure_ascii=False).encode()


def events_json_joined(parts: Iterable[bytes]) -> bytes:
    """The events document from its events' objects (``event_json``), in order: the bytes of
    ``json_bytes({"events": [event_dict(…), …]})``, without the whole document as Python objects,
    which takes several times the memory of its bytes (hundreds of MB at 10,000 events)."""
    return b"".join(events_json_stream(parts))


def events_json_stream(parts: Iterable[bytes]) -> Iterator[bytes]:
    """The events document in pieces, as ``parts`` come: only one event's object need exist at a time."""
    yield EVENTS_HEAD
    for number, part in enumerate(parts):
        if number:
            yield EVENTS_SEPARATOR
        yield part
    yield EVENTS_TAIL


def feed_urls(url: str) -> dict[str, str]:
    """A feed's URL and its webcal:// twin."""
    return {"url": url, "webcal_url": webcal(url)}


def archive_list(urls: Urls, slug: str | None, years: dict[int, int]) -> list[dict]:
    return [
        {"year": year, **feed_urls(urls.archive(year, slug)), "count": count} for year, count in sorted(years.items())
    ]


def calendar_dict(calendar: CalendarInfo, urls: Urls, count: int, archives: dict[int, int]) -> dict:
    return {
        "slug": calendar.slug,
        "name": calendar.name,
        "description": calendar.description,
        "colour": calendar.colour,
        **feed_urls(urls.calendar_feed(calendar.slug)),
        "page_url": urls.calendar_page(calendar.slug),
        "count": count,
        "archives": archive_list(urls, calendar.slug, archives),
        "texts": texts(calendar, ("name", "description")),
    }


def calendars_document(
    catalog: Catalog, urls: Urls, counts: dict[str | None, tuple[int, dict[int, int]]], country_counts: dict[str, int]
) -> dict:
    """Every calendar's feed, plus the full feed and each country's; ``counts``: events in each feed and its
    archives (None: the full feed, else by slug; see ``Rendition.feed_counts``), and in each country's."""
    count, archives = counts[None]
    countries = [
        {"code": code, "name": country_name(code), **feed_urls(urls.country_feed(code)),
         "page_url": urls.country_page(code), "count": country_counts.get(code, 0)}
        for code in catalog.countries
    ]  # fmt: skip
    return {
        "calendars": [calendar_dict(c, urls, *counts[c.slug]) for c in catalog.calendars],
        "all": {**feed_urls(urls.full_feed()), "count": count, "archives": archive_list(urls, None, archives)},
        "countries": countries,
    }


def health_document(catalog: Catalog, today: dt.date) -> dict:
    """Status "ok", or "degraded" with the reason while published events are not stamped; ``warnings``
    (which leave the status alone) name what editors should look at, such as tentative events whose
    date has passed by ``today``."""
    document = {"status": "ok", "events": len(catalog.events), "version": catalog.version}
    warnings = [str(problem) for problem in (*catalog.warnings, *catalog.overdue(today))]
    if warnings:
        document["warnings"] = warnings
    if catalog.unstamped:
        document["status"] = "degraded"
        document["reason"] = (
            f"{len(catalog.unstamped)} events differ from the revision record; "
            "they are served with their sequence raised by one until `calendar-svc stamp` records them"
        )
        document["unstamped"] = [str(problem) for problem in catalog.unstamped]
    return document


def json_bytes(document: dict) -> bytes:
    """Stable UTF-8 JSON on one line (indenting would cost the fast C encoder; pipe to jq to read)."""
    return (json.dumps(document, ensure_ascii=False) + "\n").encode()
