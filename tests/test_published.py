"""What the service publishes, rendered once per data version, equals a fresh render."""

from __future__ import annotations

import pytest

from calendar_svc.catalog.loading import load_catalog
from calendar_svc.ical.feed import FeedInfo, render_feed
from calendar_svc.publish.rendition import Rendition

from .conftest import BUNDLED_EVENTS, SMALL

BASE = "https://cal.test"


@pytest.fixture(params=[SMALL, BUNDLED_EVENTS], ids=["small", "bundled"])
def catalog(request):
    return load_catalog(request.param)


def test_every_published_feed_equals_a_fresh_render(catalog):
    rendition = Rendition(catalog, BASE)
    site, names = catalog.site, {c.slug: c.name for c in catalog.calendars}

    def page_url(event):
        return f"{BASE}/events/{event.id}/"

    full = FeedInfo(site.title, site.description, f"{BASE}/calendar.ics")
    assert rendition.full_feed.body == render_feed(site, full, catalog.events, names, page_url)
    for calendar in catalog.calendars:
        info = FeedInfo(
            f"{calendar.name} · {site.title}",
            calendar.description,
            f"{BASE}/calendars/{calendar.slug}.ics",
            calendar.colour,
        )
        events = [e for e in catalog.events if e.category == calendar.slug]
        assert rendition.calendar_feeds[calendar.slug].body == render_feed(site, info, events, names, page_url), (
            calendar.slug
        )
    single = FeedInfo(site.title, site.description)
    assert set(rendition.event_files) == {e.id for e in catalog.dated_events}
    for event in catalog.dated_events:
        assert rendition.event_files[event.id].body == render_feed(site, single, [event], names, page_url), event.id


def test_single_event_files_are_assembled_once(catalog):
    rendition = Rendition(catalog, BASE)
    event_id = catalog.dated_events[0].id
    assert rendition.event_files[event_id] is rendition.event_files[event_id]
    assert "no-such-event" not in rendition.event_files
