"""The people register as pages: everyone named in the calendar, and one page per person with
their events and their feed (/people/<id>.ics)."""

from __future__ import annotations

from flask import Blueprint

from ..catalog.countries import sort_key
from ..catalog.model import last_modified
from ..publish import urls as rules
from .calendar_links import GOOGLE_ADD_BY_URL, subscribe_links
from .context import lang, rendition, today, urls
from .json_ld import person_document, script_text
from .languages import route
from .page_data import Feed, listing
from .pages import html_page, topic

bp = Blueprint("people", __name__)


@route(bp, rules.PEOPLE_PAGE)
def index():
    """Everyone in the register, in the alphabetical order of the page's language, with their events."""
    catalog = rendition().catalog

    def build() -> dict:
        language = lang()
        people = [
            (person.text("name", language), person.text("role", language) if person.role else None, person.id,
             len(catalog.events_by_person[person.id]))
            for person in catalog.people
        ]  # fmt: skip
        return dict(people=sorted(people, key=lambda row: sort_key(row[0].value, language)))

    return html_page("pages/people.html", catalog.last_modified, build)


@route(bp, rules.PERSON_PAGE)
def person(person_id: str):
    events, named = topic(person_id=person_id)
    catalog = rendition().catalog
    found, name = catalog.person(person_id), named["name"]

    def build() -> dict:
        language = lang()
        feed_name = f"{name.value} · {catalog.site.text('title', language).value}"
        links = subscribe_links(urls().person_feed(person_id), feed_name)
        page_url = urls().person_page(person_id)
        return dict(
            name=name,
            role=found.text("role", language) if found.role else None,
            listing=listing(events, catalog, today(), len(events), len(events), language),
            feed=Feed("person", name, named["description"], sum(event.is_dated for event in events), links),
            add_by_url=GOOGLE_ADD_BY_URL,
            page_url=page_url,
            json_ld=script_text(person_document(found, page_url, language)),
        )

    return html_page("pages/person.html", last_modified(catalog.site, events), build)
