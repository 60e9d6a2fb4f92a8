"""The one VEVENT writer, ``EventRenderer``, writes every event byte for byte as the oracle does.

Events are built directly (no files, no loader), so each example is cheap and
the generator can reach the corners a file seldom shows: every kind of start
and recurrence, each status, text in Kazakh and Russian long enough to fold,
with multi-byte characters and escapes falling on the fold, and every
optional field present or not, in each language a feed is written in.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_svc.catalog.languages import LANGUAGES, TRANSLATIONS, Text
from calendar_svc.catalog.model import Event, Person, Precision, Site, Status
from calendar_svc.i18n import translate
from calendar_svc.ical.vevent import ENGLISH, EventRenderer, Labels

from .ical_oracle import vevent_bytes

# UTC's own names, zones at UTC today but not always, and zones with summer time or a changed offset.
ZONES = ["UTC", "Etc/UTC", "GMT", "Africa/Abidjan", "Europe/Berlin", "Asia/Almaty", "America/Argentina/Buenos_Aires"]
KAZAKH = "ӘәҒғҚқҢңӨөҰұҮүҺһІіАаБбЖжШш"
RUSSIAN = "АаБбВвЁёЖжЩщЪъЫыЭэЮюЯя"
# Characters TEXT escapes (RFC 5545 3.3.11), a literal backslash-N, a caret, and four-byte UTF-8.
SPECIAL = ["\\", ",", ";", ":", "\\N", "\\n", "^", '"', "😀", "€", " ", " ", " "]
PIECES = st.one_of(st.sampled_from(KAZAKH), st.sampled_from(RUSSIAN), st.sampled_from(SPECIAL), st.characters(min_codepoint=32, max_codepoint=126))  # fmt: skip

ONE_LINE = st.lists(PIECES, min_size=1, max_size=160).map("".join).map(str.strip).filter(bool)
MULTI_LINE = st.lists(st.one_of(PIECES, st.just("\n"), st.just("\n\n")), max_size=300).map("".join)
URLS = st.sampled_from(
    [
        "https://example.org/a",
        "https://мысал.kz/іс-шара/Алматы-ағымдағы-жиын?тіл=kk&күн=2024-01-01,02;03#жалғасы",
        "https://example.org/" + "very-long-path-" * 8 + "end?q=a,b;c",
    ]
)
RULES = st.sampled_from(
    ["FREQ=WEEKLY;COUNT=4", "FREQ=DAILY;INTERVAL=2;COUNT=10", "FREQ=MONTHLY;BYDAY=1MO", "FREQ=YEARLY",
     "FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20991231T235959Z", "FREQ=MONTHLY;BYMONTHDAY=1,15;UNTIL=20990101"]
)  # fmt: skip
SITE = Site(
    title="Тест күнтізбесі; with, punctuation",
    description="Events used by the tests",
    uid_domain="test.calendar-svc.org",
    publisher_name="Баспагер; Publisher, Ltd: KZ",
    publisher_uri="mailto:editors@test.calendar-svc.org",
    refresh_interval=dt.timedelta(hours=6),
    revised=dt.date(2024, 1, 15),
)
NAMES = {  # each calendar's name in each feed language, in the language it is actually in
    "en": {"visits": Text("Visits, talks; and more", "en"), "forum": Text("Forum", "en")},
    "kk": {"visits": Text("Сапарлар, баяндамалар; т.б.", "kk"), "forum": Text("Forum", "en")},
    "ru": {"visits": Text("Визиты, доклады; и прочее", "ru"), "forum": Text("Форум", "ru")},
}


def labels_for(lang: str) -> Labels:
    return ENGLISH if lang == "en" else Labels(lang, translate(lang, "People"), translate(lang, "Sources"))


def optional(strategy):
    return st.one_of(st.none(), strategy)


@st.composite
def dates(draw) -> dict:
    """Start, end, zone and precision: timed in a zone (with or without an end), or all-day over one or more days."""
    if draw(st.booleans()):
        start = draw(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31)))
        start = start.replace(microsecond=0)
        end = start + dt.timedelta(minutes=draw(st.integers(0, 3 * 24 * 60))) if draw(st.booleans()) else None
        return {"precision": Precision.TIME, "start": start, "end": end, "timezone": draw(st.sampled_from(ZONES))}
    start = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
    end = start + dt.timedelta(days=draw(st.integers(0, 40))) if draw(st.booleans()) else None
    return {"precision": Precision.DAY, "start": start, "end": end}


@st.composite
def recurrences(draw, start: dt.date | dt.datetime) -> dict:
    """No recurrence, or a rule with none or some of its occurrences excluded (local times, or days)."""
    if not draw(st.booleans()):
        return {}
    weeks = draw(st.lists(st.integers(1, 30), max_size=3, unique=True))
    return {"rrule": draw(RULES), "exdates": tuple(start + dt.timedelta(weeks=w) for w in sorted(weeks))}


@st.composite
def events(draw) -> Event:
    when = draw(dates())
    translations = sorted(
        (lang, name, draw(ONE_LINE if name == "title" else MULTI_LINE))
        for lang in TRANSLATIONS
        for name in ("title", "location", "description")
        if draw(st.booleans())
    )
    updated = draw(optional(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 1, 1))))
    offset = dt.timezone(dt.timedelta(minutes=draw(st.integers(-12 * 60, 14 * 60))))
    return Event(
        id="generated-event",
        path="generated-event.toml",
        title=draw(ONE_LINE),
        category=draw(st.sampled_from(["visits", "forum"])),
        status=draw(st.sampled_from(Status)),
        location=draw(st.one_of(st.just(""), MULTI_LINE)),
        **draw(people()),
        description=draw(st.one_of(st.just(""), MULTI_LINE)),
        url=draw(st.one_of(st.just(""), URLS)),
        sources=tuple(draw(st.lists(URLS, max_size=3))),
        uid=draw(st.sampled_from(["", "custom-uid-Қазақ,1;2@example.org"])),
        sequence=draw(optional(st.integers(0, 2**31 - 1))),
        updated=None if updated is None else updated.replace(microsecond=0, tzinfo=offset),
        translations=tuple(translations),
        **when,
        **draw(recurrences(when["start"])),
    )


@st.composite
def people(draw) -> dict:
    """``people`` ids and their register entries, with names in any of the languages."""
    persons = tuple(
        Person(
            f"person-{i}", draw(ONE_LINE),
            translations=tuple((lang, "name", draw(ONE_LINE)) for lang in TRANSLATIONS if draw(st.booleans())),
        )
        for i in range(draw(st.integers(0, 3)))
    )  # fmt: skip
    return {"people": tuple(p.id for p in persons), "persons": persons}


@settings(max_examples=200, deadline=None)
@given(event=events(), lang=st.sampled_from(LANGUAGES))
def test_the_writer_gives_exactly_the_oracles_bytes_for_any_event_in_any_language(event, lang):
    page_url = f"https://cal.test/{lang}/events/{event.id}/"
    names = NAMES[lang]
    written = EventRenderer(SITE, names, labels_for(lang)).block(event, page_url)
    assert written == vevent_bytes(event, SITE, names[event.category], page_url, labels_for(lang))


@settings(max_examples=50, deadline=None)
@given(events=st.lists(events(), min_size=2, max_size=5), lang=st.sampled_from(LANGUAGES))
def test_one_writer_gives_each_event_its_own_bytes_whatever_it_wrote_before(events, lang):
    renderer = EventRenderer(SITE, NAMES[lang], labels_for(lang))  # it keeps DTSTAMP and TZID lines it has written
    for event in events:
        page_url = f"https://cal.test/{lang}/events/{event.id}/"
        reference = vevent_bytes(event, SITE, NAMES[lang][event.category], page_url, labels_for(lang))
        assert renderer.block(event, page_url) == reference
