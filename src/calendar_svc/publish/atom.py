"""The feed of changes: the latest revisions as an Atom document (RFC 4287). Pure.

One entry per event revision from the revision record, newest first: a stable ``tag:`` id (the event and its
sequence), the revision time as ``updated``, a title saying what happened ("Changed: …", "New: …", "Cancelled: …"),
the summary of what changed, and links to the event's page and ``.ics`` file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from ..catalog.languages import Text
from ..catalog.model import Catalog, Event, Revision
from ..catalog.revisions import utc_text
from ..i18n import translate
from .resource import Resource
from .urls import Urls, language_prefix

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
ENTRIES_SHOWN = 50
TAG_DATE = "2026"  # when these feeds' tag: ids were minted (RFC 4151); ids must never change, so neither may this
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def summary_text(summary: str, lang: str) -> str:
    """A recorded summary ("start 2025-05-29 → 2025-05-30; text") with its field names in ``lang``."""
    names = {
        "start": translate(lang, "start"), "end": translate(lang, "end"), "timezone": translate(lang, "time zone"),
        "location": translate(lang, "place"), "status": translate(lang, "status"), "category": translate(lang, "calendar"),
        "text": translate(lang, "text"), "recurrence": translate(lang, "recurrence"), "countries": translate(lang, "countries"),
        "uid": "UID",
    }  # fmt: skip
    words = (part.partition(" ") for part in summary.split("; "))
    return "; ".join(" ".join(filter(None, [names.get(word, word), rest])) for word, _, rest in words)


def kind_name(kind: str, lang: str) -> str:
    """ "New", "Changed" or "Cancelled", in ``lang``."""
    names = {"new": translate(lang, "New"), "cancelled": translate(lang, "Cancelled")}
    return names.get(kind) or translate(lang, "Changed")


@dataclass(frozen=True)
class Change:
    """One revision of an event still in the catalog, ready to show."""

    revision: Revision
    event: Event

    @property
    def day(self) -> dt.date:
        return self.revision.time.date()


def latest_changes(catalog: Catalog, category: str | None = None) -> list[Change]:
    """The newest revisions of events in the catalog (of one calendar if ``category``), newest first."""
    changes = []
    for revision in catalog.revisions:
        event = catalog.find(revision.event_id)
        if event is None or (category is not None and event.category != category):
            continue
        changes.append(Change(revision, event))
        if len(changes) == ENTRIES_SHOWN:
            break
    return changes


def changes_resource(catalog: Catalog, urls: Urls, title: Text, slug: str | None) -> Resource:
    """The Atom feed of the latest changes (to one calendar, given its ``slug``) in ``urls.lang``.

    Texts that fall back to another language carry their own ``xml:lang``;
    the summaries of what changed are recorded in English. The same changes
    always give the same bytes.
    """
    changes = latest_changes(catalog, slug)
    lang, prefix = urls.lang, language_prefix(urls.lang)
    site = catalog.site
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {XML_LANG: lang})

    def add(parent: ET.Element, name: str, text: str | Text | None = None, **attributes: str) -> ET.Element:
        if isinstance(text, Text):
            if text.lang != lang:
                attributes = {XML_LANG: text.lang, **attributes}
            text = text.value
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{name}", attributes)
        element.text = text
        return element

    add(feed, "id", f"tag:{site.uid_domain},{TAG_DATE}:changes" + (f"/{slug}" if slug else "") + prefix)
    add(feed, "title", title)
    site_title = site.text("title", lang).value
    add(
        feed, "subtitle", translate(lang, "What changed in %(site)s: new, moved and cancelled events.", site=site_title)
    )
    updated = max((c.revision.time for c in changes), default=site.revised_at)
    add(feed, "updated", utc_text(updated))
    add(feed, "link", rel="self", type="application/atom+xml", href=urls.changes_feed(slug))
    add(feed, "link", rel="alternate", type="text/html", href=urls.changes_page())
    author = add(feed, "author")
    add(author, "name", site.text("publisher_name", lang))
    add(feed, "generator", "calendar-svc")
    for change in changes:
        event, revision = change.event, change.revision
        entry = add(feed, "entry")
        # A tag URI (RFC 4151) for the revision in this language: the same in every rendering, process and export.
        tagged = f"{revision.event_id}/{revision.sequence}{prefix}"
        add(entry, "id", f"tag:{site.uid_domain},{revision.time:%Y-%m-%d}:{tagged}")
        event_title = event.text("title", lang)  # "Changed: Astana International Forum 2025"
        add(entry, "title", Text(f"{kind_name(revision.kind, lang)}: {event_title.value}", event_title.lang))
        add(entry, "updated", utc_text(revision.time))
        add(entry, "link", rel="alternate", type="text/html", href=urls.event_page(event.id))
        if event.is_dated:
            add(entry, "link", rel="related", type="text/calendar", href=urls.event_file(event.id))
        add(entry, "category", term=event.category, label=catalog.calendar(event.category).text("name", lang).value)
        revision_label = translate(lang, "Revision %(number)s", number=revision.sequence)
        add(entry, "summary", f"{revision_label}: {summary_text(revision.summary, lang)}")
    ET.register_namespace("", ATOM_NS)
    return Resource(ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n", ATOM_TYPE, updated)
