"""Thin Flask views; shared request helpers live here."""

from __future__ import annotations

from flask import current_app, g, request

from ..published import Rendition
from ..store import CatalogStore


def store() -> CatalogStore:
    return current_app.extensions["calendar_svc"]


def base_url() -> str:
    """The public origin for absolute links: configured, else the request's own."""
    configured = current_app.config["CALENDAR_SVC"].base_url
    return configured or request.host_url.rstrip("/")


def rendition() -> Rendition:
    """This request's rendition: one catalog version for the whole request."""
    if "rendition" not in g:
        g.rendition = store().rendition(base_url())
    return g.rendition
