"""JSON API and health check."""

from __future__ import annotations

from flask import Blueprint, request

from ..filters import selection_from_args
from ..http import resource_response
from ..render_json import health_document
from . import rendition, store

bp = Blueprint("api", __name__)


@bp.get("/api/events.json")
def events():
    current = rendition()
    return resource_response(current.events_document(selection_from_args(request.args, current.catalog)))


@bp.get("/api/calendars.json")
def calendars():
    current = rendition()
    selection_from_args(request.args, current.catalog, allowed=())
    return resource_response(current.calendars_json)


@bp.get("/healthz")
def health():
    response = health_document(store().catalog)
    return response, 200, {"Cache-Control": "no-store"}
