"""Compact lists of upcoming and recent events that other sites may show in an <iframe>: /embed/ and its kin.

Every title links to the event's page here in a new tab; no script. These are the only pages that may be
framed: ``serving.security`` gives them ``frame-ancestors`` from ``CALENDAR_SVC_FRAME_ANCESTORS``.
"""

from __future__ import annotations

from flask import Blueprint

from ..catalog.languages import Text
from ..catalog.model import Event, last_modified
from ..publish import urls as rules
from .context import lang, rendition, today, urls
from .languages import route
from .page_data import listing
from .pages import html_page, topic

bp = Blueprint("embeds", __name__)

UPCOMING_SHOWN = 10
PAST_SHOWN = 5


@route(bp, rules.EMBED)
def everything():
    catalog = rendition().catalog
    return embed_page(catalog.events, {"name": catalog.site.text("title", lang())}, urls().home())


@route(bp, rules.EMBED_CALENDAR)
def calendar(slug: str):
    return embed_page(*topic(slug=slug), urls().calendar_page(slug))


@route(bp, rules.EMBED_COUNTRY)
def country(code: str):
    return embed_page(*topic(code=code), urls().country_page(code))


@route(bp, rules.EMBED_PERSON)
def person(person_id: str):
    return embed_page(*topic(person_id=person_id), urls().person_page(person_id))


def embed_page(events: tuple[Event, ...], named: dict[str, Text], more_url: str):
    """The list of ``events`` with their ``named["name"]``, and a link to all of them (``more_url``) on this site."""
    catalog = rendition().catalog

    def build() -> dict:
        shown = listing(events, catalog, today(), UPCOMING_SHOWN, PAST_SHOWN, lang())
        return dict(name=named["name"], listing=shown, more_url=more_url)

    return html_page("embed.html", last_modified(catalog.site, events), build)
