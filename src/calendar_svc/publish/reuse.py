"""What a rendition keeps so that the next one, or the next start, can take it instead of making it.

Each event's VEVENT block is taken again by its ``block_key`` (the event is
unchanged) when the rendition is for the same origin, language, site and
calendars (``RenderedEvents.reusable_for``); each feed and each budgeted
feed's split, when they were made from the very same block objects. A block
object is the same only when its event has not changed, so comparing blocks
by identity compares the events, at the cost of a pointer per event.
"""

from __future__ import annotations

import operator
from array import array
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Protocol

from ..catalog.model import CalendarInfo, Catalog, Event, Site
from ..ical.feed import FeedInfo
from .resource import Resource


class MadeOnRequest(Protocol):
    """A feed put together when first asked for (a yearly archive: ``rendition.Archive``)."""

    @property
    def made(self) -> Resource | None:
        """Its bytes, if they have been put together."""


def same_blocks(these: tuple[bytes, ...], those: tuple[bytes, ...]) -> bool:
    """Whether two tuples hold the very same block objects, in the same order (so the same events)."""
    return len(these) == len(those) and all(map(operator.is_, these, those))


def block_key(event: Event) -> Hashable:
    """What an event's rendered block is reused by: for an event read from a file, the file's path and
    digest and the event's revision (the loader's parse cache trusts the same); otherwise every field."""
    if event.source:
        return (event.path, event.source, event.sequence, event.updated)
    return event


@dataclass(frozen=True)
class MadeFeed:
    """A feed as made: its head's information, the blocks it holds (the very objects), and its bytes
    (for an archive, the ``Archive``, whose bytes may not be put together yet)."""

    info: FeedInfo
    blocks: tuple[bytes, ...]
    feed: Resource | MadeOnRequest


@dataclass(frozen=True)
class FeedSplit:
    """How a budgeted feed's events were split between the feed and its yearly archives
    (``split_for_budget``), with what the split was worked out from: a later rendition takes it
    again for the very same blocks (events unchanged), head, budget and year."""

    info: FeedInfo
    budget: int
    this_year: int | None
    blocks: tuple[bytes, ...]  # every event's block before the split, in the feed's order
    years: array  # each event's archive year, in the same order; 0: kept in the feed

    @classmethod
    def of(cls, info: FeedInfo, budget: int, this_year: int | None, events: list[Event], blocks: tuple[bytes, ...],
           archived: dict[int, list[Event]]) -> FeedSplit:  # fmt: skip
        year_of = {event.id: year for year, old in archived.items() for event in old}
        return cls(info, budget, this_year, blocks, array("H", (year_of.get(e.id, 0) for e in events)))

    def holds(self, info: FeedInfo, budget: int, this_year: int | None, blocks: tuple[bytes, ...]) -> bool:
        """Whether this split was worked out from these very inputs."""
        return (self.info, self.budget, self.this_year) == (info, budget, this_year) and same_blocks(
            self.blocks, blocks
        )

    def apply(self, events: list[Event]) -> tuple[list[Event], dict[int, list[Event]]]:
        """``split_for_budget`` of ``events`` (those the split was worked out from), taken again."""
        kept: list[Event] = []
        archived: dict[int, list[Event]] = {}
        for event, year in zip(events, self.years, strict=True):
            if year:
                archived.setdefault(year, []).append(event)
            else:
                kept.append(event)
        return kept, dict(sorted(archived.items()))


@dataclass(frozen=True)
class RenderedEvents:
    """Every event's VEVENT block, with what the blocks depend on besides the event itself, and the
    feeds made from them: each feed with the very blocks it holds, and each budgeted feed's split.

    A later rendition reuses the block of every event with the same ``block_key``
    when it renders for the same origin, language, site and calendars, and then
    takes every feed and split made from the very same blocks: after an edit,
    and across restarts (``publish.saved_work``).
    """

    base_url: str
    lang: str
    site: Site
    calendars: tuple[CalendarInfo, ...]
    blocks: dict[Hashable, bytes]  # by block_key
    feeds: dict[str, MadeFeed] = field(default_factory=dict)  # by file name, as they are made
    splits: dict[str, FeedSplit] = field(default_factory=dict)  # by feed name ("calendar" or the calendar's slug)

    def reusable_for(self, base_url: str, lang: str, catalog: Catalog) -> dict[Hashable, bytes]:
        """The blocks, when they render as they would for ``catalog`` at ``base_url`` in ``lang``; else none."""
        same = (self.base_url, self.lang, self.site, self.calendars) == (
            base_url, lang, catalog.site, catalog.calendars
        )  # fmt: skip
        return self.blocks if same else {}

    def made_feeds(self) -> dict[str, MadeFeed]:
        """The feeds whose bytes are made, by file name (an archive not put together is left out)."""
        return {
            name: MadeFeed(made.info, made.blocks, feed)
            for name, made in self.feeds.items()
            if (feed := made.feed if isinstance(made.feed, Resource) else made.feed.made) is not None
        }

    def to_save(self) -> RenderedEvents:
        """What a later start can reuse: the blocks of events read from files, the feeds made, the splits."""
        blocks = {key: block for key, block in self.blocks.items() if isinstance(key, tuple)}
        return RenderedEvents(
            self.base_url, self.lang, self.site, self.calendars, blocks, self.made_feeds(), dict(self.splits)
        )
