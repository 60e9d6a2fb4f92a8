"""HTML pages: the event list (also per calendar and country), the month view, one page per event, subscribing and
changes; each kept with its rendition and answered conditionally (``html_page``). Also the embeds (blueprint
``embeds``, see docs/urls.md), the only pages other sites may frame (``serving.security`` sets ``frame-ancestors``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Blueprint, Response, g, redirect, render_template, request
from werkzeug.exceptions import BadRequest, HTTPException, NotFound

from ..catalog.countries import country_name
from ..catalog.languages import Text
from ..catalog.model import Catalog, Event, Site, last_modified
from ..catalog.recurrence import first_occurrences
from ..errors import EventNotFound
from ..publish import urls as rules
from ..publish.atom import kind_name, latest_changes, summary_text
from ..publish.resource import HTML_TYPE, Resource
from ..publish.selection import FILTER_PARAMETERS, Selection, selection_from_args
from ..publish.sitemap import XML_TYPE, sitemap_bytes
from ..publish.urls import filter_query, is_public_origin
from ..serving.conditional import PAGE_MAX_AGE, names_etag, resource_response, validated_response
from .calendar_links import GOOGLE_ADD_BY_URL, SubscribeLinks, add_links, embed_snippets, subscribe_links
from .context import day_modified, lang, paths, rendition, store, today, urls
from .json_ld import event_document, script_text
from .languages import alternates, gettext, route
from .page_data import Feed, event_row, events_by_month, filters, listing, month_range, month_view
from .page_digest import page_etag
from .when import event_when, month_text, weekday_name

bp = Blueprint("pages", __name__)
embeds = Blueprint("embeds", __name__)
bp.add_app_template_global(alternates, "page_in_languages")  # from the request's URL: a 304 never works it out

OCCURRENCES_SHOWN = 12
EMBED_SHOWN = (10, 5)  # upcoming and past events in an embed


def translated(kind: type[HTTPException], message: str) -> HTTPException:
    """An HTTP error whose message is already in the request's language (others show as English)."""
    error = kind(message)
    error.lang = lang()
    return error


def html_page(template: str, last_modified: dt.datetime, build: Callable[[], dict], keep: bool = True) -> Response:
    """Render the page for this request (``build`` gives its own context) or reuse the one kept with the rendition
    for this day, path and query; answer conditionally: an If-None-Match naming its ``page_etag`` gets a 304 without
    rendering. With ``keep`` False (free text in the query, which would crowd the others out) it is not kept and its
    ETag is its bytes'."""
    key = (today(), request.path, request.query_string)
    modified = day_modified(last_modified)
    context = etag = None
    if request.if_none_match and keep:
        context = page_context(build)
        etag = page_etag(template, context)
        if names_etag(request.if_none_match, etag):
            return validated_response(etag, modified, PAGE_MAX_AGE, status=304)

    def make() -> Resource:
        shown = context if context is not None else page_context(build)
        body = render_template(template, **shown).encode()
        return Resource(body, HTML_TYPE, modified, etag=(etag or page_etag(template, shown)) if keep else "")

    return resource_response(rendition().pages.get(key, make) if keep else make(), max_age=PAGE_MAX_AGE)


def page_context(build: Callable[[], dict]) -> dict:
    """Everything a page's template receives: the layout's context, the page's own links, ``build()``."""
    origin = rendition().base_url
    return {
        **layout_context(),
        "canonical_url": origin + request.full_path.removesuffix("?"),
        "public_origin": is_public_origin(origin),
        "origin_host": origin.split("://", 1)[-1],
        **build(),
    }


def requested_selection() -> tuple[Selection, Response | None]:
    """The validated filter, and a redirect when the query is not written the canonical way."""
    selection = selection_from_args(request.args, rendition().catalog)
    args = selection.args
    if list(request.args.items(multi=True)) != [(name, value) for name, values in args.items() for value in values]:
        query = filter_query(selection.categories, selection.countries)  # the same path, its query written canonically
        return selection, redirect(request.script_root + request.path + (f"?{query}" if query else ""))
    return selection, None


def feed_choices(catalog: Catalog) -> dict[str, Feed]:
    """The full feed (key "") and one feed per calendar (key: its slug), with their yearly archives:
    the same for every page of the rendition (whose catalog ``catalog`` is), so worked out once."""
    return rendition().page_values.get("feed choices", lambda: _feed_choices(catalog))


def _feed_choices(catalog: Catalog) -> dict[str, Feed]:
    site, language, links = catalog.site, lang(), urls()
    title = site.text("title", language).value

    def feed(slug: str | None, name: Text, about: Text) -> Feed:
        count, archives = rendition().feed_counts[slug]
        years = tuple((year, links.archive(year, slug), n) for year, n in sorted(archives.items()))
        url, feed_name = (links.calendar_feed(slug), f"{name.value} · {title}") if slug else (links.full_feed(), title)
        return Feed(slug or "all", name, about, count, subscribe_links(url, feed_name), years)

    feeds = {"": feed(None, Text(gettext("All events"), language), site.text("description", language))}
    for calendar in catalog.calendars:
        feeds[calendar.slug] = feed(
            calendar.slug, calendar.text("name", language), calendar.text("description", language)
        )
    return feeds


def selection_links(catalog: Catalog, selection: Selection) -> SubscribeLinks:
    """The subscribe links of the feed holding exactly the selected events: a calendar's own feed when that is one.
    A page holds these, not the feed with its count of events: it shows the count in its own listing, if at all."""
    if not selection:
        return feed_choices(catalog)[""].links
    if len(selection.categories) == 1 and not selection.countries:
        return feed_choices(catalog)[next(iter(selection.categories))].links
    language = lang()
    label = ", ".join(filters(catalog, selection, language).summary)
    if len(selection.countries) == 1 and not selection.categories:  # a country's feed has a path of its own
        url = urls().country_feed(next(iter(selection.countries)))
    else:
        url = urls().full_feed(selection.categories, selection.countries)
    return subscribe_links(url, f"{catalog.site.text('title', language).value} ({label})")


def layout_context() -> dict:
    """What every page's layout shows (error pages' too): the site, its language, a link to this month."""
    site, links = (g.rendition.catalog if "rendition" in g else store().catalog).site, paths()
    return {
        "site": site,
        "site_title": site.text("title", lang()),
        "site_description": site.text("description", lang()),
        # What a path (which starts with the root the app is served at) follows in an absolute link.
        "origin": g.rendition.base_url.removesuffix(request.script_root) if "rendition" in g else "",
        "paths": links,
        "this_month_url": links.month(today().year, today().month),
        "lang": lang(),
    }


@route(bp, rules.HOME, query=None)
def home():
    selection, canonical = requested_selection()
    return canonical or listing_page(selection, rendition().selected(selection))


def listing_page(selection: Selection, events: tuple[Event, ...], topic: dict[str, Text] | None = None) -> Response:
    """The list of ``events`` (those ``selection`` selects); ``topic`` names a calendar's or a country's own page."""
    catalog = rendition().catalog

    def build() -> dict:
        shown = listing(events, catalog, today(), lang=lang())
        return dict(
            listing=shown,
            today=None if shown.upcoming else today(),  # shown only when nothing is upcoming
            filters=filters(catalog, selection, lang()),
            feed_links=selection_links(catalog, selection),
            feeds=feed_choices(catalog),
            add_by_url=GOOGLE_ADD_BY_URL,
            topic=topic,
            browse=browse_links(catalog),
        )

    return html_page("pages/home.html", catalog.last_modified, build)


def browse_links(catalog: Catalog) -> dict:
    """Every calendar's and every country's own page, for lists of links (the filter form needs the live service)."""
    language, links = lang(), paths()
    calendars = [(c.text("name", language), links.calendar_page(c.slug)) for c in catalog.calendars]
    countries = filters(catalog, Selection(), language).countries  # in the language's alphabetical order
    return {"calendars": calendars, "countries": [(c.label, links.country_page(c.value)) for c in countries]}


def topic(slug: str = "", code: str = "", person_id: str = "") -> tuple[tuple[Event, ...], dict[str, Text]]:
    """The events, and the name and description, of the calendar (``slug``), country (``code``, lower case)
    or person that a page or an embed without query parameters is about; 404 when there is none."""
    catalog, language = rendition().catalog, lang()
    if slug:
        if not catalog.has_calendar(slug):
            raise translated(NotFound, gettext("There is no calendar %(slug)s.", slug=repr(slug)))
        name, about = (catalog.calendar(slug).text(field, language) for field in ("name", "description"))
        return catalog.select(categories=frozenset({slug})), {"name": name, "description": about}
    if code:
        if code != code.lower() or code.upper() not in catalog.countries:
            raise translated(NotFound, gettext("No event involves the country %(code)s.", code=repr(code)))
        name = country_name(code.upper(), language)
        about = gettext("Visits, talks, meetings and other events involving %(country)s.", country=name)
        named = {"name": Text(name, language), "description": Text(about, language)}
        return catalog.select(countries=frozenset({code.upper()})), named
    if catalog.person(person_id) is None:
        raise translated(NotFound, gettext("There is no person %(id)s in the calendar.", id=repr(person_id)))
    name = catalog.person(person_id).text("name", language)
    about = Text(gettext("Every dated event that names %(name)s.", name=name.value), language)
    return catalog.events_by_person[person_id], {"name": name, "description": about}


@route(bp, rules.CALENDAR_PAGE)
def calendar_page(slug: str):
    return listing_page(Selection(categories=frozenset({slug})), *topic(slug=slug))


@route(bp, rules.COUNTRY_PAGE)
def country_page(code: str):
    return listing_page(Selection(countries=frozenset({code.upper()})), *topic(code=code))


@route(bp, rules.MONTH_PICKER, query=None)
def calendar_now():
    """This month's page, or the month picked in the "go to month" form (?month=2023-06)."""
    picked = request.args.get("month", "").strip()
    selection = selection_from_args(request.args, rendition().catalog, allowed=(*FILTER_PARAMETERS, "month"))
    if picked:
        try:
            year, month = (int(part) for part in picked.split("-"))
            dt.date(year, month, 1)
        except ValueError:
            message = gettext("The month must look like 2023-06, not %(value)s.", value=repr(picked))
            raise translated(BadRequest, message) from None
    else:
        year, month = today().year, today().month
    return redirect(paths().month(year, month, **selection.args))


@route(bp, rules.MONTH, query=None)
def month(year: int, month: int):
    catalog = rendition().catalog
    shared = rendition().page_values  # worked out once for every month view
    first, last = shared.get(("month range", today()), lambda: month_range(catalog.events, today()))
    if not 1 <= month <= 12 or not first <= (year, month) <= last:
        first_text, last_text = month_text(*first, lang()), month_text(*last, lang())
        covers = gettext("The month view covers %(first)s to %(last)s.", first=first_text, last=last_text)
        raise translated(NotFound, covers)
    selection, canonical = requested_selection()
    if canonical:
        return canonical
    by_month = shared.get(
        ("events by month", selection, first, last),
        lambda: events_by_month(rendition().selected(selection), (first, last)),
    )

    def build() -> dict:
        return dict(
            view=month_view(by_month.get((year, month), ()), catalog, (year, month), today(), (first, last), lang()),
            weekdays=[(weekday_name(i, lang()), weekday_name(i, lang(), "abbreviated")) for i in range(7)],
            bounds=(first, last),
            this_month=(today().year, today().month),
            earlier=max((busy for busy in by_month if busy < (year, month)), default=None),
            later=min((busy for busy in by_month if busy > (year, month)), default=None),
            filters=filters(catalog, selection, lang()),
            feed_links=selection_links(catalog, selection),
        )

    return html_page("pages/month.html", catalog.last_modified, build)


@route(bp, rules.EVENT_PAGE)
def event(event_id: str):
    catalog = rendition().catalog
    try:
        found = catalog.event(event_id)
    except EventNotFound:
        raise translated(NotFound, gettext("There is no event %(id)s.", id=repr(event_id))) from None
    page_url = urls().event_page(found.id)

    def build() -> dict:
        return dict(
            row=event_row(found, catalog, today(), lang=lang()),
            overdue=found.is_overdue(today()),
            page_url=page_url,
            calendar_feed_name=feed_choices(catalog)[found.category].links.name,  # not its count: shown elsewhere
        )

    return html_page("pages/event.html", found.last_modified(catalog.site), build)


@bp.app_template_global()
def event_page_extras(event: Event, site: Site, page_url: str, language: str) -> dict:
    """What an event page shows that follows from its context's event, site, URL and language alone: its links
    to add it elsewhere, its next dates, its JSON-LD. Its template asks for them, so a 304 never works them out."""
    occurrences = first_occurrences(event, OCCURRENCES_SHOWN + 1) if event.rrule else ()
    return dict(
        **add_links(event, page_url, language),
        occurrences=[event_when(event, day, language) for day in occurrences[:OCCURRENCES_SHOWN]],
        more_occurrences=len(occurrences) > OCCURRENCES_SHOWN,
        json_ld=script_text(event_document(event, site, page_url, language)),
    )


@route(bp, rules.SUBSCRIBE)
def subscribe():
    catalog = rendition().catalog
    return html_page(
        "pages/subscribe.html",
        catalog.last_modified,
        lambda: dict(
            feeds=feed_choices(catalog), add_by_url=GOOGLE_ADD_BY_URL, embeds=embed_snippets(catalog, lang(), urls())
        ),
    )


@route(bp, rules.CHANGES_PAGE)
def changes():
    """The latest revisions, grouped by day, for people (the Atom feed's twin)."""
    catalog = rendition().catalog
    latest = latest_changes(catalog)
    newest = max((c.revision.time for c in latest), default=catalog.site.revised_at)
    return html_page(
        "pages/changes.html", newest, lambda: dict(changes=latest, kind_name=kind_name, summary_text=summary_text)
    )


@bp.get(rules.ROBOTS)
def robots():
    return Response(f"User-agent: *\nAllow: /\nSitemap: {urls().sitemap()}\n", mimetype="text/plain")


@bp.get(rules.SITEMAP)
def sitemap():
    """Every page in every language, for search engines (see ``publish.sitemap``)."""
    current = rendition()
    catalog = current.catalog
    selection_from_args(request.args, catalog, allowed=())
    made = current.pages.get(
        "sitemap", lambda: Resource(sitemap_bytes(catalog, current.base_url), XML_TYPE, catalog.last_modified)
    )
    return resource_response(made)


@route(embeds, rules.EMBED)
def everything():
    catalog = rendition().catalog
    return embed_page(catalog.events, {"name": catalog.site.text("title", lang())}, urls().home())


@route(embeds, rules.EMBED_CALENDAR)
def calendar(slug: str):
    return embed_page(*topic(slug=slug), urls().calendar_page(slug))


@route(embeds, rules.EMBED_COUNTRY)
def country(code: str):
    return embed_page(*topic(code=code), urls().country_page(code))


@route(embeds, rules.EMBED_PERSON)
def person(person_id: str):
    return embed_page(*topic(person_id=person_id), urls().person_page(person_id))


def embed_page(events: tuple[Event, ...], named: dict[str, Text], more_url: str):
    """The list of ``events`` with their ``named["name"]``, and a link to all of them (``more_url``) on this site."""
    catalog = rendition().catalog

    def build() -> dict:
        shown = listing(events, catalog, today(), *EMBED_SHOWN, lang())
        return dict(name=named["name"], listing=shown, more_url=more_url)

    return html_page("embed.html", last_modified(catalog.site, events), build)
