"""What the rendition holds ready, answered as is: iCalendar feeds (the full calendar, one per calendar,
country and person, one per event), Atom changes, the JSON API, and the health check."""

from __future__ import annotations

from flask import Blueprint, abort, request

from ..publish import urls
from ..publish.documents import health_document
from ..publish.resource import Resource
from ..publish.selection import selection_from_args
from ..serving.conditional import resource_response
from .context import rendition, store, today
from .languages import route

bp = Blueprint("feeds", __name__)
api = Blueprint("api", __name__)


@route(bp, urls.FULL_FEED, query=None)
def full_feed():
    current = rendition()
    return resource_response(current.feed(selection_from_args(request.args, current.catalog)))


@route(bp, urls.CALENDAR_FEED)
def calendar_feed(slug: str):
    return answer(rendition().calendar_feeds.get(slug), f"no calendar {slug!r}")


@route(bp, urls.EVENT_FILE)
def event_file(event_id: str):
    current = rendition()
    if (file := current.event_file(event_id)) is not None:
        return resource_response(file)
    if current.catalog.find(event_id) is None:
        abort(404, f"no event {event_id!r}")
    abort(404, f"event {event_id!r} has no known day yet, so it has no .ics file")


@route(bp, urls.COUNTRY_FEED)
def country_feed(code: str):
    """The events involving one country; the code is lower case in the path (/countries/kz.ics)."""
    current = rendition()
    if code != code.lower() or code.upper() not in current.catalog.countries:
        abort(404, f"no events involve the country {code!r}")
    return resource_response(current.country_feed(code.upper()))


@route(bp, urls.PERSON_FEED)
def person_feed(person_id: str):
    """The events that name one registered person (/people/viktor-orban.ics)."""
    current = rendition()
    if current.catalog.person(person_id) is None:
        abort(404, f"no person {person_id!r} in the register")
    return resource_response(current.person_feed(person_id))


@route(bp, urls.CHANGES_FEED)
def changes_feed():
    """The latest changes to the whole calendar, as Atom."""
    return resource_response(rendition().changes_feed)


@route(bp, urls.CALENDAR_CHANGES_FEED)
def calendar_changes_feed(slug: str):
    return answer(rendition().calendar_changes_feeds.get(slug), f"no calendar {slug!r}")


@route(bp, urls.FULL_FEED_ARCHIVE)
def full_feed_archive(year: int):
    archive = rendition().archives.get(year)
    missing = f"no archive for {year}: the full feed holds every event of that year, if any"
    return answer(archive and archive.resource, missing)


@route(bp, urls.CALENDAR_FEED_ARCHIVE)
def calendar_feed_archive(slug: str, year: int):
    current = rendition()
    if slug not in current.calendar_archives:
        abort(404, f"no calendar {slug!r}")
    archive = current.calendar_archives[slug].get(year)
    missing = f"no archive of {slug!r} for {year}: its feed holds every event of that year, if any"
    return answer(archive and archive.resource, missing)


def answer(resource: Resource | None, missing: str):
    """The resource as a conditional response, or a 404 saying what is missing."""
    if resource is None:
        abort(404, missing)
    return resource_response(resource)


@api.get(urls.EVENTS_JSON)
def events():
    current = rendition()
    return resource_response(current.events_document(selection_from_args(request.args, current.catalog)))


@api.get(urls.CALENDARS_JSON, endpoint="calendars", defaults={"document": "calendars_json"})
@api.get(urls.PEOPLE_JSON, endpoint="people", defaults={"document": "people_json"})
def unfiltered(document: str):
    """The calendars' or the people's JSON document (either takes no query parameters)."""
    current = rendition()
    selection_from_args(request.args, current.catalog, allowed=())
    return resource_response(getattr(current, document))


@api.get(urls.HEALTH)
def health():
    """200 while a catalog is served; "degraded" with every problem while newer data is bad."""
    snapshot = store().snapshot
    document = health_document(snapshot.catalog, today())
    if snapshot.problems:
        document["status"] = "degraded"
        document["problems"] = [str(problem) for problem in snapshot.problems]
    return document, 200, {"Cache-Control": "no-store"}
