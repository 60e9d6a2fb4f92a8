"""JSON API and health check."""

from __future__ import annotations

from flask import Blueprint, request

from ..publish import urls
from ..publish.documents import health_document
from ..publish.selection import selection_from_args
from ..serving.conditional import resource_response
from .context import rendition, store, today

bp = Blueprint("api", __name__)


@bp.get(urls.EVENTS_JSON)
def events():
    current = rendition()
    return resource_response(current.events_document(selection_from_args(request.args, current.catalog)))


@bp.get(urls.CALENDARS_JSON)
def calendars():
    current = rendition()
    selection_from_args(request.args, current.catalog, allowed=())
    return resource_response(current.calendars_json)


@bp.get(urls.PEOPLE_JSON)
def people():
    current = rendition()
    selection_from_args(request.args, current.catalog, allowed=())
    return resource_response(current.people_json)


@bp.get(urls.HEALTH)
def health():
    """200 while a catalog is served; "degraded" with every problem while newer data is bad."""
    snapshot = store().snapshot
    document = health_document(snapshot.catalog, today())
    if snapshot.problems:
        document["status"] = "degraded"
        document["problems"] = [str(problem) for problem in snapshot.problems]
    return document, 200, {"Cache-Control": "no-store"}
