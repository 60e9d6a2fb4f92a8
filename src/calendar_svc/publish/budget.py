"""Feeds that fit: which years a feed keeps, and which get a yearly feed of their own.

Google Calendar stops reading a feed at about 1 MB and silently drops the
rest. So a feed that would exceed its budget keeps whole years, nearest to
this year first (this year, next year, last year, the year after next, …)
for as long as they fit, and every other year gets its own yearly feed,
listed on /subscribe/ and in /api/calendars.json: no event is out of reach
of a subscription. An event belongs to the year of its last day (a series,
to the year of its last occurrence); a series without end always stays in
the feed.
"""

from __future__ import annotations

from ..catalog.model import Event
from ..catalog.recurrence import series_end


def archive_year_limit(event: Event) -> int | None:
    """The year an event's last occurrence falls in; None for open-ended recurrences."""
    last = series_end(event)
    return None if last is None else last.year


def split_for_budget(
    events: list[Event], sizes: dict[str, int], overhead: int, budget: int, this_year: int | None
) -> tuple[list[Event], dict[int, list[Event]]]:
    """The events the feed keeps, in their order, and the others by year (see the module docstring).

    The kept years are one unbroken run around ``this_year`` (default: the
    latest year): the first year that does not fit ends it.
    """
    if overhead + sum(sizes[e.id] for e in events) <= budget:
        return events, {}
    year_of = {e.id: archive_year_limit(e) for e in events}
    totals: dict[int, int] = {}
    used = overhead
    for event in events:
        year = year_of[event.id]
        if year is None:
            used += sizes[event.id]  # open-ended series always stay
        else:
            totals[year] = totals.get(year, 0) + sizes[event.id]
    centre = this_year if this_year is not None else max(totals)
    kept_years: set[int] = set()
    for year in sorted(totals, key=lambda y: (abs(y - centre), y < centre)):
        if used + totals[year] > budget:
            break
        kept_years.add(year)
        used += totals[year]
    kept, yearly = [], {}
    for event in events:
        year = year_of[event.id]
        if year is None or year in kept_years:
            kept.append(event)
        else:
            yearly.setdefault(year, []).append(event)
    return kept, dict(sorted(yearly.items()))
