"""Feeds joined from rendered VEVENT blocks: whole, within their size budget, per year, per event.

A ``FeedJoiner`` only joins: a VCALENDAR head, the VTIMEZONEs the events use, their blocks, the end line. Nothing here
renders an event; joining 10,000 blocks takes milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..catalog.languages import Text
from ..catalog.model import Event, Site, last_modified
from ..ical.feed import END_CALENDAR, FeedInfo, calendar_head, feed_bytes, last_year, timezone_blocks
from .memo import Piece
from .resource import ICS_TYPE, Resource


@dataclass(eq=False, slots=True)
class Archive:
    """One year of past events moved out of a feed that would not fit its budget: its feed is joined
    when first asked for (past years are asked for rarely) and kept until ``forget``."""

    year: int
    count: int
    make: Callable[[], Resource]
    _resource: Resource | None = None

    @property
    def resource(self) -> Resource:
        resource = self._resource
        if resource is None:  # two threads may both make it: the same bytes, one kept
            resource = self._resource = self.make()
        return resource

    def forget(self) -> None:
        """Drop the feed's bytes (a static build writes each archive once); they are joined again if asked."""
        self._resource = None


@dataclass(frozen=True)
class BudgetedFeed:
    """A subscribable feed within its size budget, the yearly archives of what did not fit, and the
    ids of the events the feed kept."""

    feed: Resource
    archives: dict[int, Archive]
    kept: frozenset[str]


@dataclass(eq=False, repr=False)  # no repr of every block
class FeedJoiner:
    """Feeds of one rendition, joined from its events' blocks."""

    site: Site
    blocks: dict[str, Piece]  # by event id
    budget: int
    this_year: int | None

    def feed(self, info: FeedInfo, events: list[Event], filename: str, attachment: bool = False) -> Resource:
        body = feed_bytes(self.site, info, events, [self.blocks[e.id] for e in events])
        return Resource(body, ICS_TYPE, last_modified(self.site, events), filename, attachment)

    def budgeted(
        self, info: FeedInfo, events: list[Event], name: str, archive_url: Callable[[int], str]
    ) -> BudgetedFeed:
        """The feed ``name``.ics of ``events``, with past years that do not fit its budget moved to
        yearly archives (``split_for_budget``); ``archive_url(year)`` is each archive's own URL."""
        overhead = len(calendar_head(self.site, info)) + len(timezone_blocks(events)) + len(END_CALENDAR)
        kept, archived = split_for_budget(
            events, lambda e: len(self.blocks[e.id]), overhead, self.budget, self.this_year
        )
        archives = {year: self._archive(info, year, old, name, archive_url(year)) for year, old in archived.items()}
        return BudgetedFeed(self.feed(info, kept, f"{name}.ics"), archives, frozenset(e.id for e in kept))

    def _archive(self, info: FeedInfo, year: int, events: list[Event], name: str, url: str) -> Archive:
        title = Text(f"{info.name.value} ({year})", info.name.lang)
        archive_info = FeedInfo(title, info.description, url, info.colour)
        return Archive(year, len(events), lambda: self.feed(archive_info, events, f"{name}-{year}.ics"))


def split_for_budget(
    events: list[Event], size: Callable[[Event], int], overhead: int, budget: int, this_year: int | None
) -> tuple[list[Event], dict[int, list[Event]]]:
    """The events the feed keeps, in their order, and the others by year (docs/subscribing.md, "Feeds that fit").

    The kept years, nearest to ``this_year`` (default: the latest year) first, are one unbroken run that the first
    year that does not fit ends. ``size(event)`` is its block's length: asked only of the years weighed.
    """
    year_of = {event.id: last_year(event) for event in events}
    by_year: dict[int | None, list[Event]] = {}
    for event in events:
        by_year.setdefault(year_of[event.id], []).append(event)
    used = overhead + sum(map(size, by_year.get(None, ())))  # open-ended series always stay
    years = [year for year in by_year if year is not None]
    centre = this_year if this_year is not None or not years else max(years)
    kept_years: set[int | None] = {None}
    for year in sorted(years, key=lambda y: (abs(y - centre), y < centre)):
        weight = sum(map(size, by_year[year]))
        if used + weight > budget:
            break
        kept_years.add(year)
        used += weight
    kept = [event for event in events if year_of[event.id] in kept_years]
    return kept, {year: by_year[year] for year in sorted(years) if year not in kept_years}
