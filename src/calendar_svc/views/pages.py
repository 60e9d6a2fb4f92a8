"""HTML pages: the event list, the month view, one page per event, and subscribing.

Each page is rendered from (catalog version, base URL, today, path and
query), kept in a small cache under that key, and answered conditionally
(ETag, Last-Modified, 304) like the feeds.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, url_for

from ..add_links import GOOGLE_ADD_BY_URL, OUTLOOK_WORK, google_add_url, outlook_add_url, subscribe_links
from ..errors import EventNotFound
from ..filters import selection_from_args
from ..http import PAGE_MAX_AGE, resource_response
from ..json_ld import event_document, script_text
from ..model import Catalog
from ..occurrences import first_occurrences
from ..pages_data import (
    Feed, day_start, event_row, filters, listing, month_range, month_view, months_with_events,
    selection_label, today_from, zone_from,
)
from ..published import Resource, Selection
from ..render_html import colour_dot, day_name, display_url, duration_text, is_public_origin, month_name
from ..when import event_when
from . import base_url, rendition, store

bp = Blueprint("pages", __name__)

HTML_TYPE = "text/html; charset=utf-8"
PAGES_KEPT = 256
OCCURRENCES_SHOWN = 12


class PageCache:
    """Rendered pages of the current catalog version, least recently used dropped first.

    A page missing from the cache is rendered once: concurrent requests for it
    wait for that render instead of each rendering it again.
    """

    def __init__(self, size: int = PAGES_KEPT):
        self._pages: OrderedDict[tuple, Resource] = OrderedDict()
        self._rendering: dict[tuple, Lock] = {}
        self._version = ""
        self._size = size
        self._lock = Lock()

    def get(self, version: str, key: tuple, make: Callable[[], Resource]) -> Resource:
        with self._lock:
            found = self._lookup(version, key)
            if found is not None:
                return found
            rendering = self._rendering.setdefault((version, key), Lock())
        with rendering:
            with self._lock:
                found = self._lookup(version, key)
            if found is None:
                found = make()
                with self._lock:
                    if version == self._version:
                        self._pages[key] = found
                        while len(self._pages) > self._size:
                            self._pages.popitem(last=False)
        with self._lock:
            self._rendering.pop((version, key), None)
        return found

    def _lookup(self, version: str, key: tuple) -> Resource | None:
        if version != self._version:  # new data: pages of the old version are never asked for again
            self._pages.clear()
            self._version = version
        if key in self._pages:
            self._pages.move_to_end(key)
            return self._pages[key]
        return None


def today() -> dt.date:
    """Today for this request: CALENDAR_SVC_TODAY (app config, then environment) or the clock."""
    if "today" not in g:
        g.today = today_from(current_app.config, os.environ, dt.datetime.now(dt.UTC))
    return g.today


def html_page(template: str, last_modified: dt.datetime, build: Callable[[], dict]) -> Response:
    """Render the page for this request (`build` gives its context) or reuse it; answer conditionally."""
    current = rendition()
    key = (current.base_url, today(), request.path, request.query_string)
    # The page can change when the day does, even when the data does not.
    midnight = day_start(today(), zone_from(current_app.config, os.environ))

    def make() -> Resource:
        origin = current.base_url
        body = render_template(
            template,
            today=today(),
            canonical_url=origin + request.full_path.removesuffix("?"),
            public_origin=is_public_origin(origin),
            origin_host=origin.split("://", 1)[-1],
            **build(),
        ).encode()
        return Resource(body, HTML_TYPE, max(last_modified, midnight))

    cache = current_app.extensions.setdefault("calendar_svc.pages", PageCache())
    return resource_response(cache.get(current.catalog.version, key, make), max_age=PAGE_MAX_AGE)


def requested_selection() -> tuple[Selection, Response | None]:
    """The validated filter, and a redirect when the query is not written the canonical way."""
    selection = selection_from_args(request.args, rendition().catalog)
    canonical = [("category", c) for c in sorted(selection.categories)]
    canonical += [("country", c) for c in sorted(selection.countries)]
    if list(request.args.items(multi=True)) != canonical:
        args = {"category": sorted(selection.categories), "country": sorted(selection.countries)}
        return selection, redirect(url_for(request.endpoint, **(request.view_args or {}), **args))
    return selection, None


def feed_choices(catalog: Catalog) -> dict[str, Feed]:
    """The full feed (key "") and one feed per calendar (key: its slug), with their yearly archives."""
    site = catalog.site
    origin = base_url()
    current = rendition()

    def archives(found: dict, endpoint: str, **values) -> tuple:
        return tuple(
            (year, origin + url_for(endpoint, year=year, **values), archive.count)
            for year, archive in sorted(found.items())
        )

    full_archives = archives(current.archives, "feeds.full_feed_archive")
    feeds = {"": Feed("all", "All events", site.description,
                      len(catalog.dated_events) - sum(count for _, _, count in full_archives),
                      subscribe_links(origin + url_for("feeds.full_feed"), site.title), full_archives)}
    for calendar in catalog.calendars:
        kept = archives(current.calendar_archives.get(calendar.slug, {}), "feeds.calendar_feed_archive", slug=calendar.slug)
        count = sum(1 for e in catalog.dated_events if e.category == calendar.slug) - sum(n for _, _, n in kept)
        url = origin + url_for("feeds.calendar_feed", slug=calendar.slug)
        links = subscribe_links(url, f"{calendar.name} · {site.title}")
        feeds[calendar.slug] = Feed(calendar.slug, calendar.name, calendar.description, count, links, kept)
    return feeds


def selection_feed(catalog: Catalog, selection: Selection) -> Feed:
    """The feed holding exactly the selected events: a calendar's own feed when that is one."""
    if not selection:
        return feed_choices(catalog)[""]
    if len(selection.categories) == 1 and not selection.countries:
        return feed_choices(catalog)[next(iter(selection.categories))]
    label = selection_label(catalog, selection)
    url = base_url() + url_for(
        "feeds.full_feed", category=sorted(selection.categories), country=sorted(selection.countries)
    )
    count = sum(1 for e in catalog.select(selection.categories, selection.countries) if e.is_dated)
    links = subscribe_links(url, f"{catalog.site.title} ({label})")
    return Feed("selection", label, f"Events in {label}", count, links)


@bp.app_context_processor
def site_context() -> dict:
    """What every page's layout needs: the site, and a direct link to this month."""
    try:
        this_month = url_for("pages.month", year=today().year, month=today().month)
    except ValueError:  # a bad CALENDAR_SVC_TODAY must not stop an error page from rendering
        this_month = url_for("pages.calendar_now")
    catalog = g.rendition.catalog if "rendition" in g else store().catalog
    return {"site": catalog.site, "this_month_url": this_month}


for _name, _filter in {"day": day_name, "month_name": month_name, "duration": duration_text,
                       "colour_dot": colour_dot, "display_url": display_url}.items():
    bp.add_app_template_filter(_filter, _name)


@bp.get("/")
def home():
    selection, canonical = requested_selection()
    if canonical:
        return canonical
    catalog = rendition().catalog
    events = rendition().selected(selection)
    return html_page("pages/home.html", catalog.last_modified, lambda: dict(
        listing=listing(events, catalog, today()),
        filters=filters(catalog, selection),
        selection_feed=selection_feed(catalog, selection),
        feeds=feed_choices(catalog),
        add_by_url=GOOGLE_ADD_BY_URL,
    ))


@bp.get("/calendar/")
def calendar_now():
    """This month's page, or the month picked in the "go to month" form (?month=2023-06)."""
    picked = request.args.get("month", "").strip()
    selection = selection_from_args(request.args, rendition().catalog, allowed=("category", "country", "month"))
    args = {"category": sorted(selection.categories), "country": sorted(selection.countries)}
    if picked:
        try:
            year, month = (int(part) for part in picked.split("-"))
            dt.date(year, month, 1)
        except ValueError:
            abort(400, f"month must look like 2023-06, not {picked!r}")
    else:
        year, month = today().year, today().month
    return redirect(url_for("pages.month", year=year, month=month, **args))


@bp.get("/calendar/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/")
def month(year: int, month: int):
    catalog = rendition().catalog
    first, last = month_range(catalog.events, today())
    if not 1 <= month <= 12 or not first <= (year, month) <= last:
        abort(404, f"The month view covers {month_name(first)} to {month_name(last)}.")
    selection, canonical = requested_selection()
    if canonical:
        return canonical
    events = rendition().selected(selection)

    def build() -> dict:
        busy = months_with_events(events, (first, last))
        return dict(
            view=month_view(events, catalog, (year, month), today(), (first, last)),
            bounds=(first, last),
            earlier=max((m for m in busy if m < (year, month)), default=None),
            later=min((m for m in busy if m > (year, month)), default=None),
            filters=filters(catalog, selection),
            selection_feed=selection_feed(catalog, selection),
        )

    return html_page("pages/month.html", catalog.last_modified, build)


@bp.get("/events/<event_id>/")
def event(event_id: str):
    selection_from_args(request.args, rendition().catalog, allowed=())
    catalog = rendition().catalog
    try:
        found = catalog.event(event_id)
    except EventNotFound:
        abort(404, f"There is no event {event_id!r}.")
    page_url = base_url() + url_for("pages.event", event_id=found.id)

    def build() -> dict:
        occurrences = first_occurrences(found, OCCURRENCES_SHOWN + 1) if found.rrule else ()
        return dict(
            row=event_row(found, catalog, today()),
            page_url=page_url,
            google=_link(google_add_url, found, page_url),
            outlook=_link(outlook_add_url, found, page_url),
            outlook_work=_link(outlook_add_url, found, page_url, OUTLOOK_WORK),
            occurrences=[event_when(found, day) for day in occurrences[:OCCURRENCES_SHOWN]],
            more_occurrences=len(occurrences) > OCCURRENCES_SHOWN,
            calendar_feed=feed_choices(catalog)[found.category],
            json_ld=script_text(event_document(found, catalog.site, page_url)),
        )

    return html_page("pages/event.html", found.last_modified(catalog.site), build)


def _link(make: Callable[..., str], *args) -> str:
    """An add-to-calendar link, or "" for an event that cannot have one (no known day)."""
    try:
        return make(*args)
    except ValueError:
        return ""


@bp.get("/subscribe/")
def subscribe():
    selection_from_args(request.args, rendition().catalog, allowed=())
    catalog = rendition().catalog
    return html_page("pages/subscribe.html", catalog.last_modified, lambda: dict(
        feeds=feed_choices(catalog),
        add_by_url=GOOGLE_ADD_BY_URL,
    ))


@bp.get("/robots.txt")
def robots():
    return Response("User-agent: *\nAllow: /\n", mimetype="text/plain")
