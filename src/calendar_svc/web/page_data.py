"""What the web pages show, built from the catalog: pure, no Flask, no clock. "Today" and the language are
arguments everywhere, so the same catalog, base URL, language and today always give the same page."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby

from ..catalog.countries import country_name, sort_key
from ..catalog.languages import DEFAULT_LANGUAGE, Text
from ..catalog.model import CalendarInfo, Catalog, Event, Precision
from ..catalog.recurrence import add_days, next_occurrence_day, occurrence_days, series_end, span_days
from ..publish.selection import Selection
from .calendar_links import SubscribeLinks
from .when import Piece, When, event_when, month_piece, recurrence_text

OPEN_SERIES_MONTHS = 24  # how far ahead the month view goes for a series without end

Month = tuple[int, int]  # (year, month)
UPCOMING_SHOWN = 200  # events listed on the home page before "the rest is in the month view"
PAST_SHOWN = 100


@dataclass
class EventRow:
    """One event (or one occurrence of a series) as a line in a list, in the list's language. Its fields are all
    it is made from, and all a page's digest reads; its texts are worked out when a template first asks for them
    (a page answered 304 never does)."""

    event: Event
    calendar: CalendarInfo
    first_day: dt.date | None  # the occurrence shown, of a series (else its first day)
    happening: bool  # running today
    lang: str

    @cached_property
    def when(self) -> When:
        return event_when(self.event, self.first_day, self.lang)

    @cached_property
    def countries(self) -> tuple[str, ...]:  # names, in the event's order
        return tuple(country_name(code, self.lang) for code in self.event.countries)

    @cached_property
    def recurrence(self) -> str:  # "Repeats weekly, 4 times"
        return recurrence_text(self.event, self.lang)

    @property
    def people(self) -> tuple[tuple[Text, str], ...]:  # (name, id) of each of the event's people
        return tuple((person.text("name", self.lang), person.id) for person in self.event.persons)

    title = property(lambda self: self.event.text("title", self.lang))
    location = property(lambda self: self.event.text("location", self.lang))
    description = property(lambda self: self.event.text("description", self.lang))
    calendar_name = property(lambda self: self.calendar.text("name", self.lang))


@dataclass(frozen=True)
class MonthGroup:
    heading: Piece  # "June 2023" with datetime "2023-06"
    rows: tuple[EventRow, ...]


@dataclass(frozen=True)
class Listing:
    """The home page's list: upcoming first, then past newest first, then undated."""

    upcoming: tuple[MonthGroup, ...]
    past: tuple[MonthGroup, ...]
    undated: tuple[EventRow, ...]
    # Long lists stop; the rest is in the month view, from these months on.
    later: tuple[int, Month | None] = (0, None)  # upcoming events not listed, month of the first
    earlier: tuple[int, Month | None] = (0, None)  # past events not listed, month of the first (newest)

    @property
    def count(self) -> int:
        return sum(len(g.rows) for g in (*self.upcoming, *self.past)) + len(self.undated)


def event_row(
    event: Event, catalog: Catalog, today: dt.date, first_day: dt.date | None = None, lang: str = DEFAULT_LANGUAGE
) -> EventRow:
    """A row for the event; with `first_day`, for a series's occurrence starting that day (else its first one)."""
    first_day = first_day if event.rrule else None
    day = first_day or (event.first_day if event.is_dated else None)
    happening = day is not None and day <= today <= add_days(day, span_days(event))
    return EventRow(event, catalog.calendar(event.category), first_day, happening, lang)


def listing(
    events: Iterable[Event],
    catalog: Catalog,
    today: dt.date,
    upcoming_shown: int = UPCOMING_SHOWN,
    past_shown: int = PAST_SHOWN,
    lang: str = DEFAULT_LANGUAGE,
) -> Listing:
    """Events sorted into upcoming (soonest first), past (newest first) and undated, by month; at most
    ``upcoming_shown`` and ``past_shown`` are listed, and the Listing says how many more there are and from when."""
    upcoming, past, undated = [], [], []
    for event in events:
        if not event.is_dated:
            undated.append(event)
        elif (following := next_occurrence_day(event, today)) is not None:
            upcoming.append((following, event))
        else:
            past.append((event.first_day, event))
    upcoming.sort(key=lambda pair: (pair[0], pair[1].sort_key))
    past.sort(key=lambda pair: (pair[0], pair[1].sort_key), reverse=True)
    undated.sort(key=lambda e: (e.start, e.precision is Precision.MONTH, e.id), reverse=True)
    return Listing(
        upcoming=_by_month(upcoming[:upcoming_shown], catalog, today, lang),
        past=_by_month(past[:past_shown], catalog, today, lang),
        undated=tuple(event_row(e, catalog, today, lang=lang) for e in undated),
        later=_rest(upcoming[upcoming_shown:]),
        earlier=_rest(past[past_shown:]),
    )


def _by_month(
    pairs: list[tuple[dt.date, Event]], catalog: Catalog, today: dt.date, lang: str
) -> tuple[MonthGroup, ...]:
    """Rows of (first day, event) pairs, grouped by month; a series's row is for the occurrence on that day."""
    return tuple(
        MonthGroup(month_piece(*key, lang), tuple(event_row(e, catalog, today, day, lang) for day, e in group))
        for key, group in groupby(pairs, key=lambda pair: (pair[0].year, pair[0].month))
    )


def _rest(pairs: list[tuple[dt.date, Event]]) -> tuple[int, Month | None]:
    """How many events are not listed, and the month of the first of them."""
    return len(pairs), (pairs[0][0].year, pairs[0][0].month) if pairs else None


@dataclass(frozen=True)
class GridDay:
    day: dt.date | None  # None: a padding day beyond year 1 or 9999
    in_month: bool
    is_today: bool
    rows: tuple[EventRow, ...]  # events covering this day


@dataclass(frozen=True)
class MonthView:
    month: Month
    heading: Piece
    weeks: tuple[tuple[GridDay, ...], ...]  # Monday first
    agenda: tuple[EventRow, ...]  # every occurrence touching the month, in order
    undated: tuple[EventRow, ...]  # events known only to be in this month
    previous: Month | None
    following: Month | None


def month_range(events: Iterable[Event], today: dt.date) -> tuple[Month, Month]:
    """The months the month view covers: from the earliest event (or today) to the latest (or today)."""
    first = last = (today.year, today.month)
    open_end = min(add_months(first, OPEN_SERIES_MONTHS), (dt.MAXYEAR, 12))  # of a series without end
    for event in events:
        if event.precision is Precision.YEAR:
            continue
        first = min(first, (event.start.year, event.start.month))
        end = series_end(event) if event.is_dated else event.first_day
        last = max(last, open_end if end is None else (end.year, end.month))
    return first, last


def events_by_month(events: Iterable[Event], bounds: tuple[Month, Month]) -> dict[Month, tuple[Event, ...]]:
    """For each month within `bounds` that some event's day falls in (in order): those events, in their
    order. One pass over every occurrence, so that each month view looks at its own events only."""
    first = dt.date(*bounds[0], 1)
    last = dt.date(*bounds[1], calendar.monthrange(*bounds[1])[1])
    months: dict[Month, dict[Event, None]] = {}
    for event in events:
        covered: set[Month] = set()
        if event.precision is Precision.MONTH:
            covered.add((event.start.year, event.start.month))
        span = span_days(event) if event.is_dated else 0
        for start in occurrence_days(event, first, last):
            end, month = add_days(start, span), (start.year, start.month)
            while month <= (end.year, end.month):  # the months of every day it covers
                covered.add(month)
                month = add_months(month, 1)
        for month in covered:
            if bounds[0] <= month <= bounds[1]:
                months.setdefault(month, {})[event] = None
    return {month: tuple(months[month]) for month in sorted(months)}


def add_months(month: Month, count: int) -> Month:
    index = month[0] * 12 + month[1] - 1 + count
    return index // 12, index % 12 + 1


def month_view(
    events: Iterable[Event],
    catalog: Catalog,
    month: Month,
    today: dt.date,
    bounds: tuple[Month, Month],
    lang: str = DEFAULT_LANGUAGE,
) -> MonthView:
    """The grid of `month` (weeks from Monday, padded with neighbouring days) with the selected events
    on each day they cover, every occurrence touching the month in order, and the events known only
    to be in that month."""
    year, number = month
    first, last = dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])
    events = list(events)
    covering: dict[dt.date, list[EventRow]] = {}
    agenda: list[tuple[dt.date, EventRow]] = []
    for event in events:
        for start in occurrence_days(event, first, last):
            row = event_row(event, catalog, today, start, lang)
            agenda.append((start, row))
            for offset in range(span_days(event) + 1):
                covering.setdefault(add_days(start, offset), []).append(row)
    agenda.sort(key=lambda pair: (pair[0], pair[1].event.sort_key))
    days = [dt.date(*day) if day[0] <= dt.MAXYEAR else None for day in calendar.Calendar().itermonthdays3(year, number)]
    grid = [
        GridDay(day, day is not None and day.month == number, day == today, tuple(covering.get(day, ())))
        for day in days
    ]
    undated = [e for e in events if e.precision is Precision.MONTH and (e.start.year, e.start.month) == month]
    previous, following = add_months(month, -1), add_months(month, 1)
    return MonthView(
        month=month,
        heading=month_piece(year, number, lang),
        weeks=tuple(tuple(grid[i : i + 7]) for i in range(0, len(grid), 7)),
        agenda=tuple(row for _, row in agenda),
        undated=tuple(event_row(e, catalog, today, lang=lang) for e in undated),
        previous=previous if previous >= bounds[0] else None,
        following=following if following <= bounds[1] else None,
    )


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class Filters:
    """The filter form's choices and a summary of what is selected."""

    args: dict[str, list[str]]  # query arguments that reproduce the selection (for links)
    calendars: tuple[Option, ...]
    countries: tuple[Option, ...]
    summary: tuple[str, ...]  # "Astana International Forum", "Germany"


def filters(catalog: Catalog, selection: Selection, lang: str = DEFAULT_LANGUAGE) -> Filters:
    """The filter form's choices in ``lang``: countries in that language's alphabetical order."""
    calendars = tuple(
        Option(c.slug, c.text("name", lang).value, c.slug in selection.categories) for c in catalog.calendars
    )
    countries = sorted(
        (Option(code, country_name(code, lang), code in selection.countries) for code in catalog.countries),
        key=lambda option: sort_key(option.label, lang),
    )
    summary = tuple(option.label for option in calendars if option.selected)
    summary += tuple(
        sorted((country_name(code, lang) for code in selection.countries), key=lambda n: sort_key(n, lang))
    )
    return Filters(selection.args, calendars, tuple(countries), summary)


@dataclass(frozen=True)
class Feed:
    """A feed offered for subscription."""

    key: str  # "all", a calendar slug, or "selection"
    name: Text
    description: Text
    count: int  # dated events in it
    links: SubscribeLinks
    archives: tuple[tuple[int, str, int], ...] = ()  # (year, feed URL, events) moved out to fit the size budget
