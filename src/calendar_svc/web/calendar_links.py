"""Links that hand an event or a feed to Google Calendar and Outlook on the web (docs/subscribing.md shows their
forms), and the <iframe> code that shows an embeddable list on another site.

None of these URL forms is formally documented by its vendor; they are the forms those services have accepted
for years, written in one place so a change on their side is a change here only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlencode

from ..catalog.languages import DEFAULT_LANGUAGE, Text
from ..catalog.model import Catalog, Event
from ..publish.urls import Urls, webcal

GOOGLE_RENDER = "https://calendar.google.com/calendar/render"
GOOGLE_SUBSCRIBE = "https://calendar.google.com/calendar/r"
GOOGLE_ADD_BY_URL = "https://calendar.google.com/calendar/r/settings/addbyurl"
OUTLOOK_PERSONAL = "outlook.live.com"
OUTLOOK_WORK = "outlook.office.com"
DETAILS_LIMIT = 1200  # characters of description kept in a link (URLs have practical length limits)


@dataclass(frozen=True)
class SubscribeLinks:
    """Every way to subscribe to one feed."""

    name: str
    https: str
    webcal: str
    google: str
    outlook_personal: str
    outlook_work: str


def subscribe_links(feed_url: str, name: str) -> SubscribeLinks:
    def outlook(host: str) -> str:
        return f"https://{host}/calendar/0/addfromweb?{_query([('url', feed_url), ('name', name)])}"

    google = f"{GOOGLE_SUBSCRIBE}?{_query([('cid', feed_url)])}"
    return SubscribeLinks(name, feed_url, webcal(feed_url), google, outlook(OUTLOOK_PERSONAL), outlook(OUTLOOK_WORK))


def _event_params(event: Event, page_url: str, lang: str, title: str, body: str) -> list[tuple[str, str]]:
    """The title, the description (the event's own text, shortened, and a link back to its page) and the
    location, under the names a service gives them."""
    details = event.text("description", lang).value.strip()
    if len(details) > DETAILS_LIMIT:
        details = details[:DETAILS_LIMIT].rsplit(" ", 1)[0] + " …"
    params = [(title, event.text("title", lang).value), (body, f"{details}\n\n{page_url}" if details else page_url)]
    return params + ([("location", event.text("location", lang).value)] if event.location else [])


def google_add_url(event: Event, page_url: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """'Add to Google Calendar' for a dated event (a series keeps its RRULE)."""
    title, details, *location = _event_params(event, page_url, lang, "text", "details")
    if event.is_timed:
        end = event.end if event.end is not None else event.start
        dates = f"{event.start:%Y%m%dT%H%M%S}/{end:%Y%m%dT%H%M%S}"
    else:
        dates = f"{event.first_day:%Y%m%d}/{event.last_day + dt.timedelta(days=1):%Y%m%d}"
    params = [("action", "TEMPLATE"), title, ("dates", dates), details, *location]
    if event.timezone:
        params.append(("ctz", event.timezone))
    if event.rrule:
        params.append(("recur", f"RRULE:{event.rrule}"))
    return f"{GOOGLE_RENDER}?{_query(params)}"


def outlook_add_url(event: Event, page_url: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """'Add to Outlook' (personal) for a dated event; Outlook takes no rule, so a series adds its first occurrence."""
    title, body, *location = _event_params(event, page_url, lang, "subject", "body")
    if event.is_timed:
        start = event.start_local.astimezone(dt.UTC)
        end = event.end_local.astimezone(dt.UTC) if event.end is not None else start
        first, last, all_day = f"{start:%Y-%m-%dT%H:%M:%SZ}", f"{end:%Y-%m-%dT%H:%M:%SZ}", "false"
    else:  # the end is exclusive
        first, last, all_day = event.first_day.isoformat(), (event.last_day + dt.timedelta(days=1)).isoformat(), "true"
    times = [("startdt", first), ("enddt", last), ("allday", all_day)]
    params = [title, *times, body, *location, ("path", "/calendar/action/compose"), ("rru", "addevent")]
    return f"https://{OUTLOOK_PERSONAL}/calendar/0/action/compose?{_query(params)}"


def add_links(event: Event, page_url: str, lang: str) -> dict[str, str]:
    """An event page's links to Google Calendar, Outlook and Outlook for work; empty for an event without a known
    day. (Its dates lie within the years the loader accepts, so every date a link writes exists.)"""
    if not event.is_dated:
        return dict(google="", outlook="", outlook_work="")
    google, outlook = google_add_url(event, page_url, lang), outlook_add_url(event, page_url, lang)
    work = outlook.replace(f"https://{OUTLOOK_PERSONAL}/", f"https://{OUTLOOK_WORK}/", 1)  # the same query
    return dict(google=google, outlook=outlook, outlook_work=work)


def _query(params: list[tuple[str, str]]) -> str:
    """Percent-encode every value (UTF-8; '/' and ':' may stay, as RFC 3986 allows in a query)."""
    return urlencode(params, quote_via=quote, safe="/:")


def embed_snippets(catalog: Catalog, lang: str, urls: Urls) -> list[dict[str, Text | str]]:
    """The <iframe> code, as text to copy, that shows the embeddable list of every event, then each calendar's,
    on another site: {"name" (in ``lang``), "url", "code"}."""
    lists = [(catalog.site.text("title", lang), urls.embed())]
    lists += [(c.text("name", lang), urls.embed(calendar=c.slug)) for c in catalog.calendars]
    frame = '<iframe src="{}" title="{}" width="100%" height="480" style="border:0"></iframe>'
    return [
        {"name": name, "url": url, "code": frame.format(url, escape(name.value, quote=True))} for name, url in lists
    ]
