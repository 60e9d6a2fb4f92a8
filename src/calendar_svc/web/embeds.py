"""Compact lists of events that other sites may show in an <iframe>: /embed/ and its kin.

Each lists upcoming events and the most recent past ones (date, title, status),
every title linking to the event's page on this site in a new tab. No script,
one small stylesheet that follows the light or dark scheme. These are the only
pages that may be framed: ``serving.security`` gives them ``frame-ancestors``
from ``CALENDAR_SVC_FRAME_ANCESTORS`` and no ``X-Frame-Options``.
"""

from __future__ import annotations

from flask import Blueprint, request
from werkzeug.exceptions import NotFound

from ..catalog.countries import country_name
from ..catalog.languages import Text
from ..catalog.model import Event, last_modified
from ..publish import urls as rules
from ..publish.selection import selection_from_args
from .context import lang, rendition, today, urls
from .languages import gettext, route
from .page_data import listing
from .pages import html_page, translated

bp = Blueprint("embeds", __name__)

UPCOMING_SHOWN = 10
PAST_SHOWN = 5


@route(bp, rules.EMBED)
def everything():
    catalog = checked_catalog()
    return embed_page(catalog.site.text("title", lang()), catalog.events, urls().home())


@route(bp, rules.EMBED_CALENDAR)
def calendar(slug: str):
    catalog = checked_catalog()
    if not catalog.has_calendar(slug):
        raise translated(NotFound, gettext("There is no calendar %(slug)s.", slug=repr(slug)))
    events = catalog.select(categories=frozenset({slug}))
    return embed_page(catalog.calendar(slug).text("name", lang()), events, urls().calendar_page(slug))


@route(bp, rules.EMBED_COUNTRY)
def country(code: str):
    catalog = checked_catalog()
    if code != code.lower() or code.upper() not in catalog.countries:
        raise translated(NotFound, gettext("No event involves the country %(code)s.", code=repr(code)))
    events = catalog.select(countries=frozenset({code.upper()}))
    name = Text(country_name(code.upper(), lang()), lang())
    return embed_page(name, events, urls().country_page(code))


@route(bp, rules.EMBED_PERSON)
def person(person_id: str):
    catalog = checked_catalog()
    found = catalog.person(person_id)
    if found is None:
        raise translated(NotFound, gettext("There is no person %(id)s in the calendar.", id=repr(person_id)))
    events = catalog.events_by_person[person_id]
    return embed_page(found.text("name", lang()), events, urls().person_page(person_id))


def checked_catalog():
    catalog = rendition().catalog
    selection_from_args(request.args, catalog, allowed=())
    return catalog


def embed_page(name: Text, events: tuple[Event, ...], more_url: str):
    """The list of ``events`` named ``name``, with a link to all of them (``more_url``) on this site."""
    catalog = rendition().catalog

    def build() -> dict:
        shown = listing(events, catalog, today(), UPCOMING_SHOWN, PAST_SHOWN, lang())
        return dict(name=name, listing=shown, more_url=more_url)

    return html_page("embed.html", last_modified(catalog.site, events), build)
