"""iCalendar feeds: the full calendar, one per calendar, one per event."""

from __future__ import annotations

from flask import Blueprint, abort, request

from ..errors import EventNotFound
from ..filters import selection_from_args
from ..http import resource_response
from . import rendition

bp = Blueprint("feeds", __name__)


@bp.get("/calendar.ics")
def full_feed():
    current = rendition()
    return resource_response(current.feed(selection_from_args(request.args, current.catalog)))


@bp.get("/calendars/<slug>.ics")
def calendar_feed(slug: str):
    current = rendition()
    selection_from_args(request.args, current.catalog, allowed=())
    if slug not in current.calendar_feeds:
        abort(404, f"no calendar {slug!r}")
    return resource_response(current.calendar_feeds[slug])


@bp.get("/events/<event_id>.ics")
def event_file(event_id: str):
    current = rendition()
    selection_from_args(request.args, current.catalog, allowed=())
    if event_id not in current.event_files:
        try:
            current.catalog.event(event_id)
        except EventNotFound:
            abort(404, f"no event {event_id!r}")
        abort(404, f"event {event_id!r} has no known day yet, so it has no .ics file")
    return resource_response(current.event_files[event_id])


@bp.get("/calendar/<int:year>.ics")
def full_feed_archive(year: int):
    current = rendition()
    selection_from_args(request.args, current.catalog, allowed=())
    if year not in current.archives:
        abort(404, f"no archive for {year}: the full feed holds every event of that year, if any")
    return resource_response(current.archives[year].resource)


@bp.get("/calendars/<slug>/<int:year>.ics")
def calendar_feed_archive(slug: str, year: int):
    current = rendition()
    selection_from_args(request.args, current.catalog, allowed=())
    if slug not in current.calendar_archives:
        abort(404, f"no calendar {slug!r}")
    if year not in current.calendar_archives[slug]:
        abort(404, f"no archive of {slug!r} for {year}: its feed holds every event of that year, if any")
    return resource_response(current.calendar_archives[slug][year].resource)
