"""HTML pages: the event list and one page per event."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template

from ..errors import EventNotFound
from . import rendition

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    current = rendition()
    catalog = current.catalog
    return render_template(
        "pages/home.html",
        site=catalog.site,
        calendars=catalog.calendars,
        events=catalog.events,
        base_url=current.base_url,
    )


@bp.get("/events/<event_id>/")
def event(event_id: str):
    current = rendition()
    try:
        found = current.catalog.event(event_id)
    except EventNotFound:
        abort(404, f"There is no event {event_id!r}.")
    return render_template(
        "pages/event.html",
        site=current.catalog.site,
        event=found,
        calendar=current.catalog.calendar(found.category),
        base_url=current.base_url,
    )


@bp.get("/robots.txt")
def robots():
    return Response("User-agent: *\nAllow: /\n", mimetype="text/plain")
