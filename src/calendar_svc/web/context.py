"""What every view asks of the request: the settings, the store, this request's rendition and today."""

from __future__ import annotations

import datetime as dt

from flask import current_app, g, request

from ..config import Config
from ..publish.rendition import Rendition
from ..publish.urls import Urls, language_of
from ..serving.store import CatalogStore


def config() -> Config:
    return current_app.config["CALENDAR_SVC"]


def store() -> CatalogStore:
    return current_app.extensions["calendar_svc"]


def lang() -> str:
    """The language of this request: from its route, else from its path's prefix (for errors)."""
    if "lang" not in g:
        g.lang = language_of(request.path)
    return g.lang


def rendition() -> Rendition:
    """This request's rendition: one catalog version, in this request's language, for the whole request,
    with absolute links to the configured public origin, else the request's own."""
    if "rendition" not in g:
        g.rendition = store().rendition(config().base_url or request.host_url.rstrip("/"), lang())
    return g.rendition


def urls() -> Urls:
    """Absolute public URLs for this request's origin."""
    return rendition().urls


def paths() -> Urls:
    """Links within the site, in this request's language: paths under the root the app is served at (``script_root``)."""
    return Urls(request.script_root, lang())


def today() -> dt.date:
    """The date this request's pages are built for (``Config.today``, else the clock in ``Config.timezone``)."""
    if "today" not in g:
        g.today = config().today_at()
    return g.today


def day_modified(last_modified: dt.datetime) -> dt.datetime:
    """The Last-Modified of a page of data changed at ``last_modified``: the page changes when the day does too."""
    try:
        day_start = dt.datetime.combine(today(), dt.time(), tzinfo=config().zone).astimezone(dt.UTC)
    except OverflowError:  # the first day of year 1 east of UTC
        day_start = dt.datetime.combine(today(), dt.time(), tzinfo=dt.UTC)
    return max(last_modified, day_start)
