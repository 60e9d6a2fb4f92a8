"""What the service publishes, rendered once per data version, equals a fresh render."""

from __future__ import annotations

import gc
import weakref

import pytest

from calendar_svc.catalog.languages import LANGUAGES, Text
from calendar_svc.catalog.loading import load_catalog
from calendar_svc.i18n import translate
from calendar_svc.ical.feed import FeedInfo
from calendar_svc.ical.vevent import Labels
from calendar_svc.publish.documents import event_dict, event_json, events_json_joined, json_bytes
from calendar_svc.publish.memo import Memo
from calendar_svc.publish.rendition import Rendition
from calendar_svc.publish.selection import Selection
from calendar_svc.publish.urls import Urls

from .conftest import BUNDLED_EVENTS, SMALL
from .ical_oracle import render_feed

BASE = "https://cal.test"


@pytest.fixture(params=[SMALL, BUNDLED_EVENTS], ids=["small", "bundled"])
def catalog(request):
    return load_catalog(request.param)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_published_feed_equals_a_fresh_render(catalog, lang):
    rendition = Rendition(catalog, BASE, lang=lang)
    prefix = "" if lang == "en" else f"/{lang}"
    site, names = catalog.site, {c.slug: c.text("name", lang) for c in catalog.calendars}
    labels = Labels(lang, translate(lang, "People"), translate(lang, "Sources"))
    title, description = site.text("title", lang), site.text("description", lang)

    def page_url(event):
        return f"{BASE}{prefix}/events/{event.id}/"

    def render(info, events):
        return render_feed(site, info, events, names, page_url, labels)

    full = FeedInfo(title, description, f"{BASE}{prefix}/calendar.ics")
    assert rendition.full_feed.body == render(full, catalog.events)
    for calendar in catalog.calendars:
        name = names[calendar.slug]
        info = FeedInfo(
            Text(f"{name.value} · {title.value}", name.lang if name.lang == title.lang else lang),
            calendar.text("description", lang),
            f"{BASE}{prefix}/calendars/{calendar.slug}.ics",
            calendar.colour,
        )
        events = [e for e in catalog.events if e.category == calendar.slug]
        assert rendition.calendar_feeds[calendar.slug].body == render(info, events), calendar.slug
    single = FeedInfo(title, description)
    for event in catalog.events:
        if event.is_dated:
            assert rendition.event_file(event.id).body == render(single, [event]), event.id
        else:
            assert rendition.event_file(event.id) is None, event.id
    assert rendition.event_file("no-such-event") is None


def events_json_bytes(events, catalog, urls) -> bytes:
    """The events document encoded whole, from scratch."""
    return json_bytes({"events": [event_dict(e, catalog, urls) for e in events]})


def test_the_events_json_made_one_event_at_a_time_is_the_document_encoded_whole():
    catalog = load_catalog(BUNDLED_EVENTS)
    urls = Urls("https://cal.test")
    for events in (catalog.events, catalog.select(frozenset({"election"})), ()):
        assert events_json_joined(event_json(e, catalog, urls) for e in events) == events_json_bytes(
            events, catalog, urls
        )


def edited_catalog(path, old: str, new: str):
    """The catalog after replacing ``old`` by ``new`` in the file at ``path`` (stamped or not)."""
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return load_catalog(path.parent)


def test_after_an_edit_the_events_json_encodes_only_the_edited_event_and_equals_a_fresh_render(events_dir):
    memo = Memo()
    _ = Rendition(load_catalog(events_dir), BASE, memo=memo).events_json
    encoded = memo.rendered
    catalog = edited_catalog(events_dir / "month-only.toml", 'title = "', 'title = "Edited: ')
    after = Rendition(catalog, BASE, memo=memo)
    assert after.events_json.body == events_json_bytes(catalog.events, catalog, Urls(BASE))
    assert memo.rendered - encoded == 1
    assert b'"title": "Edited: ' in after.events_json.body


def test_filtered_json_takes_every_event_from_the_full_document_once_it_is_made(events_dir):
    catalog = load_catalog(events_dir)
    rendition = Rendition(catalog, BASE)
    _ = rendition.events_json
    made = rendition.memo.rendered
    selection = Selection(categories=frozenset({catalog.events[0].category}))
    filtered = rendition.events_document(selection)
    events = rendition.selected(selection)
    assert filtered.body == events_json_bytes(events, catalog, Urls(BASE))
    assert len(events) > 0
    assert rendition.memo.rendered == made  # none encoded again


def test_json_for_another_origin_or_site_is_encoded_afresh(events_dir):
    memo = Memo()
    before = Rendition(load_catalog(events_dir), BASE, memo=memo)
    _ = before.events_json
    other = "https://elsewhere.test"
    elsewhere = Rendition(before.catalog, other, memo=memo)
    encoded = memo.rendered
    assert elsewhere.events_json.body == events_json_bytes(before.catalog.events, before.catalog, Urls(other))
    assert memo.rendered - encoded == len(before.catalog.events)
    # The site's own settings (its UIDs' domain among them) changed: nothing is taken over.
    catalog = edited_catalog(events_dir / "calendars.toml", 'title = "', 'title = "Renamed: ')
    renamed = Rendition(catalog, BASE, memo=memo)
    encoded = memo.rendered
    assert renamed.events_json.body == events_json_bytes(catalog.events, catalog, Urls(BASE))
    assert memo.rendered - encoded == len(catalog.events)


def test_each_country_counts_the_events_its_feed_holds(catalog):
    rendition = Rendition(catalog, BASE)
    assert rendition.country_counts == {
        code: rendition.selection_count(Selection(countries=frozenset({code}))) for code in catalog.countries
    }
    assert any(rendition.country_counts.values())


def test_once_the_full_feed_and_events_document_are_made_each_piece_is_kept_only_inside_them(catalog):
    memo = Memo()
    rendition = Rendition(catalog, BASE, memo=memo)
    blocks = {e.id: rendition.feeds.blocks[e.id] for e in catalog.dated_events}  # as rendered, their own bytes
    assert all(isinstance(block, bytes) for block in blocks.values())
    feed, document = rendition.full_feed.body, rendition.events_json.body
    for event in catalog.dated_events:
        kept = rendition.feeds.blocks[event.id]
        assert isinstance(kept, memoryview), event.id
        assert kept.obj is feed, event.id
        assert bytes(kept) == blocks[event.id], event.id
    assert all(piece.obj is document for piece in rendition._event_objects.values())
    # The next version takes the pieces from inside those documents, and joins the same bytes a fresh one does.
    again = Rendition(catalog, BASE, memo=memo)
    assert memo.rendered == len(catalog.dated_events) + len(catalog.events)
    assert again.full_feed.body == feed == Rendition(catalog, BASE).full_feed.body
    assert again.events_json.body == document


def test_a_rendition_no_longer_used_is_freed_at_once_though_its_memo_lives_on(catalog):
    """No reference cycle through the pieces it renders on demand: a reload's old rendition (its feeds,
    documents and pages) goes as soon as the last request using it ends, not at some later collection."""
    memo = Memo()
    rendition = Rendition(catalog, BASE, memo=memo)
    assert rendition.full_feed.body
    assert rendition.events_json.body
    gone = weakref.ref(rendition)
    gc.disable()
    try:
        del rendition
        assert gone() is None
    finally:
        gc.enable()
    assert Rendition(catalog, BASE, memo=memo).full_feed.body
