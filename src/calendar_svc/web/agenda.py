"""The agenda as plain text, for terminals: ``curl …/kk/agenda.txt``. Lines stay within ``WIDTH`` characters, but a
longer URL is never cut."""

from __future__ import annotations

import datetime as dt
import textwrap

from flask import Blueprint, request

from ..catalog.model import Catalog, Status
from ..i18n import translate_plural
from ..publish import urls as rules
from ..publish.resource import TEXT_TYPE, Resource
from ..publish.urls import Urls, webcal
from ..serving.conditional import PAGE_MAX_AGE, resource_response
from .context import day_modified, lang, rendition, today
from .languages import gettext, route
from .page_data import EventRow, listing

bp = Blueprint("agenda", __name__)

WIDTH = 100
INDENT = "  "
UPCOMING_SHOWN = 50  # a terminal's answer stays short: the rest is on the event list
PAST_SHOWN = 10


@route(bp, rules.AGENDA)
def agenda():
    current, day = rendition(), today()

    def make() -> Resource:
        text = agenda_text(current.catalog, day, lang(), current.urls)
        return Resource(text.encode(), TEXT_TYPE, day_modified(current.catalog.last_modified))

    return resource_response(current.pages.get((day, request.path), make), max_age=PAGE_MAX_AGE)


def agenda_text(catalog: Catalog, day: dt.date, language: str, urls: Urls) -> str:
    """The whole agenda in ``language`` as of ``day``."""
    shown = listing(catalog.events, catalog, day, UPCOMING_SHOWN, PAST_SHOWN, language)
    upcoming = [row for group in shown.upcoming for row in group.rows]
    more = shown.later[0]  # upcoming events with a known day beyond the first UPCOMING_SHOWN
    vague = [row for row in shown.undated if row.event.latest_day >= day]  # known by month or year
    past = [row for group in shown.past for row in group.rows]
    title = catalog.site.text("title", language).value
    lines = [*wrapped(title, ""), "=" * min(len(title), WIDTH), "", gettext("Upcoming events").upper(), ""]
    if upcoming or vague:
        for row in upcoming:
            lines += entry(row, urls)
        if more > 0:
            later = translate_plural(language, "%(num)d more upcoming event:", "%(num)d more upcoming events:", more)
            lines += [*wrapped(later, ""), INDENT + urls.home(), ""]
        for row in vague:
            lines += entry(row, urls)
    else:
        lines += [gettext("No upcoming events."), ""]
    if past:
        lines += [gettext("Most recent events").upper(), ""]
        for row in past:
            lines += entry(row, urls)
    lines += [gettext("Subscribe to all events:"), INDENT + urls.full_feed(), INDENT + webcal(urls.full_feed())]
    lines += [gettext("All events:"), INDENT + urls.home()]
    return "\n".join(lines) + "\n"


def entry(row: EventRow, urls: Urls) -> list[str]:
    """One event: its date and time, its title with its status unless confirmed, its URL, and a blank line."""
    statuses = {Status.TENTATIVE: gettext("Tentative"), Status.CANCELLED: gettext("Cancelled")}
    title = row.title.value + (f" [{statuses[row.event.status]}]" if row.event.status in statuses else "")
    return [*wrapped(row.when.text, ""), *wrapped(title, INDENT), INDENT + urls.event_page(row.event.id), ""]


def wrapped(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + INDENT, break_on_hyphens=False)
