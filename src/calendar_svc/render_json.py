"""Pure JSON rendering: catalog data in, plain dicts out (serialised by the caller)."""

from __future__ import annotations

import datetime as dt
import json

from .model import CalendarInfo, Catalog, Event, Precision


def start_text(event: Event) -> str:
    if event.precision is Precision.YEAR:
        return f"{event.start.year:04d}"
    if event.precision is Precision.MONTH:
        return f"{event.start.year:04d}-{event.start.month:02d}"
    return event.start_local.isoformat()


def end_text(event: Event) -> str | None:
    if event.end is None:
        return None
    return event.end_local.isoformat()


def event_dict(event: Event, catalog: Catalog, base_url: str) -> dict:
    return {
        "id": event.id,
        "uid": event.uid_for(catalog.site),
        "title": event.title,
        "category": event.category,
        "status": str(event.status),
        "start": start_text(event),
        "end": end_text(event),
        "precision": str(event.precision),
        "timezone": event.timezone,
        "rrule": event.rrule or None,
        "exdates": [x.isoformat() for x in event.exdates],
        "countries": list(event.countries),
        "location": event.location or None,
        "people": list(event.people),
        "description": event.description or None,
        "url": event.url or None,
        "sources": list(event.sources),
        "sequence": event.sequence,
        "updated": event.updated.isoformat() if event.updated else None,
        "ics_url": f"{base_url}/events/{event.id}.ics" if event.is_dated else None,
        "page_url": f"{base_url}/events/{event.id}/",
    }


def events_document(events: tuple[Event, ...], catalog: Catalog, base_url: str) -> dict:
    return {"events": [event_dict(e, catalog, base_url) for e in events]}


def archive_list(prefix: str, years: dict[int, int]) -> list[dict]:
    return [
        {"year": year, "url": f"{prefix}/{year}.ics", "webcal_url": webcal(f"{prefix}/{year}.ics"), "count": count}
        for year, count in sorted(years.items())
    ]


def calendar_dict(calendar: CalendarInfo, catalog: Catalog, base_url: str, archives: dict[int, int]) -> dict:
    url = f"{base_url}/calendars/{calendar.slug}.ics"
    archived = sum(archives.values())
    return {
        "slug": calendar.slug,
        "name": calendar.name,
        "description": calendar.description,
        "colour": calendar.colour,
        "url": url,
        "webcal_url": webcal(url),
        "page_url": f"{base_url}/?category={calendar.slug}",
        "count": sum(1 for e in catalog.dated_events if e.category == calendar.slug) - archived,
        "archives": archive_list(f"{base_url}/calendars/{calendar.slug}", archives),
    }


def calendars_document(catalog: Catalog, base_url: str, archives: dict[str | None, dict[int, int]] | None = None) -> dict:
    """Every calendar's feed, plus the full feed; ``archives``: archived years and counts per feed."""
    archives = archives or {}
    full = archives.get(None, {})
    return {
        "calendars": [calendar_dict(c, catalog, base_url, archives.get(c.slug, {})) for c in catalog.calendars],
        "all": {
            "url": f"{base_url}/calendar.ics",
            "webcal_url": webcal(f"{base_url}/calendar.ics"),
            "count": len(catalog.dated_events) - sum(full.values()),
            "archives": archive_list(f"{base_url}/calendar", full),
        },
    }


def health_document(catalog: Catalog) -> dict:
    return {"status": "ok", "events": len(catalog.events), "version": catalog.version}


def webcal(url: str) -> str:
    """The webcal:// twin of an http(s) feed URL (Apple Calendar, Outlook desktop)."""
    return "webcal://" + url.split("://", 1)[1]


def json_bytes(document: dict) -> bytes:
    """Stable UTF-8 JSON on one line (indenting would cost the fast C encoder; pipe to jq to read)."""
    return (json.dumps(document, ensure_ascii=False, default=_default) + "\n").encode()


def _default(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")
