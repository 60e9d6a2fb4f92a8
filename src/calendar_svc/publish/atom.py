"""The feed of changes: the latest revisions as an Atom document (RFC 4287). Pure.

One entry per event revision from the revision record, newest first: a stable
``tag:`` id (the event and its sequence), the revision time as ``updated``, a
title saying what happened ("Changed: …", "New: …", "Cancelled: …"), the
summary of what changed, and links to the event's page and ``.ics`` file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from ..catalog.model import Catalog, Event, Revision
from .urls import Urls

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
ENTRIES_SHOWN = 50
TAG_DATE = "2026"  # when these feeds' tag: ids were minted (RFC 4151); ids must never change, so neither may this
KIND_TITLES = {"new": "New", "changed": "Changed", "cancelled": "Cancelled"}


@dataclass(frozen=True)
class Change:
    """One revision of an event still in the catalog, ready to show."""

    revision: Revision
    event: Event

    @property
    def title(self) -> str:
        return f"{KIND_TITLES.get(self.revision.kind, 'Changed')}: {self.event.title}"

    @property
    def day(self) -> dt.date:
        return self.revision.time.date()


def latest_changes(catalog: Catalog, category: str | None = None, limit: int = ENTRIES_SHOWN) -> list[Change]:
    """The newest revisions of events in the catalog (of one calendar if ``category``), newest first."""
    changes = []
    for revision in catalog.revisions:
        event = catalog.find(revision.event_id)
        if event is None or (category is not None and event.category != category):
            continue
        changes.append(Change(revision, event))
        if len(changes) == limit:
            break
    return changes


def entry_id(domain: str, revision: Revision) -> str:
    """A tag URI (RFC 4151) for the revision: the same in every rendering, process and export."""
    return f"tag:{domain},{revision.time:%Y-%m-%d}:{revision.event_id}/{revision.sequence}"


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_bytes(catalog: Catalog, urls: Urls, changes: Iterable[Change], title: str, slug: str | None = None) -> bytes:
    """The Atom document for ``changes`` (to one calendar if ``slug``); the same changes give the same bytes."""
    changes = list(changes)
    site = catalog.site
    names = {c.slug: c.name for c in catalog.calendars}
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "en"})

    def add(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{name}", attributes)
        element.text = text
        return element

    add(feed, "id", f"tag:{site.uid_domain},{TAG_DATE}:changes" + (f"/{slug}" if slug else ""))
    add(feed, "title", title)
    add(feed, "subtitle", f"What changed in {site.title}: new, moved and cancelled events.")
    updated = max((c.revision.time for c in changes), default=site.revised_at)
    add(feed, "updated", utc(updated))
    add(feed, "link", rel="self", type="application/atom+xml", href=urls.changes_feed(slug))
    add(feed, "link", rel="alternate", type="text/html", href=urls.changes_page())
    author = add(feed, "author")
    add(author, "name", site.publisher_name)
    add(feed, "generator", "calendar-svc")
    for change in changes:
        event, revision = change.event, change.revision
        entry = add(feed, "entry")
        add(entry, "id", entry_id(site.uid_domain, revision))
        add(entry, "title", change.title)
        add(entry, "updated", utc(revision.time))
        add(entry, "link", rel="alternate", type="text/html", href=urls.event_page(event.id))
        if event.is_dated:
            add(entry, "link", rel="related", type="text/calendar", href=urls.event_file(event.id))
        add(entry, "category", term=event.category, label=names[event.category])
        add(entry, "summary", f"Revision {revision.sequence}: {revision.summary}")
    ET.register_namespace("", ATOM_NS)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"
