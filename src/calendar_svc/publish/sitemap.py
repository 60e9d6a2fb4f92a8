"""The sitemap (sitemaps.org): every page in every language, each with its twins in the others.

Lists what search engines should index: the event list, every event's, calendar's, country's and person's page, the
people, subscribe and changes pages. Month views are left out (they are reached by links, and their range moves with
the day). Pure: the same catalog and origin give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from xml.sax.saxutils import escape, quoteattr

from ..catalog.languages import LANGUAGES
from ..catalog.model import Catalog
from .urls import Urls

XML_TYPE = "application/xml"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)


def page_builders(catalog: Catalog) -> Iterator[tuple[Callable[[Urls], str], str | None]]:
    """(a function from a language's ``Urls`` to the page's URL, the page's last change as a date)."""
    yield Urls.home, None
    yield Urls.subscribe, None
    yield Urls.changes_page, None
    yield Urls.people_page, None
    yield from ((partial(Urls.calendar_page, slug=calendar.slug), None) for calendar in catalog.calendars)
    yield from ((partial(Urls.country_page, code=code), None) for code in catalog.countries)
    yield from ((partial(Urls.person_page, person_id=person.id), None) for person in catalog.people)
    for event in catalog.events:
        yield partial(Urls.event_page, event_id=event.id), event.last_modified(catalog.site).date().isoformat()


def sitemap_bytes(catalog: Catalog, origin: str) -> bytes:
    """The sitemap of the site at ``origin``: one <url> per page and language, with hreflang twins."""
    return b"".join(sitemap_stream(catalog, origin))


def sitemap_stream(catalog: Catalog, origin: str) -> Iterator[bytes]:
    """``sitemap_bytes`` as it is made, one <url> at a time (at 10,000 events the sitemap is 12 MB)."""
    every = [Urls(origin, lang) for lang in LANGUAGES]
    yield HEAD.encode()
    for url_of, changed in page_builders(catalog):
        twins = "".join(
            f'    <xhtml:link rel="alternate" hreflang="{urls.lang}" href={quoteattr(url_of(urls))}/>\n'
            for urls in every
        )
        for urls in every:
            lastmod = f"    <lastmod>{changed}</lastmod>\n" if changed else ""
            yield f"  <url>\n    <loc>{escape(url_of(urls))}</loc>\n{lastmod}{twins}  </url>\n".encode()
    yield b"</urlset>\n"
