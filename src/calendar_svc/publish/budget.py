"""Feeds that fit: which past years move out of a feed to keep it under its size budget.

Google Calendar stops reading a feed at about 1 MB and silently drops the
rest, so each subscribable feed keeps its newest events within the budget
and moves whole past years, oldest first, to yearly archive feeds.
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
    """Keep the newest events that fit ``budget`` bytes; group the older ones by start year.

    Whole years move out, oldest first, and only years before ``this_year``:
    events from this year on (the upcoming ones) always stay, even if the
    feed then exceeds its budget.
    """
    if overhead + sum(sizes[e.id] for e in events) <= budget:
        return events, {}
    ends = {e.id: archive_year_limit(e) for e in events}
    limit = this_year if this_year is not None else max(e.first_day.year for e in events)
    cut = None
    for year in sorted({y for y in ends.values() if y is not None and y < limit}):
        cut = year
        if overhead + sum(sizes[e.id] for e in events if ends[e.id] is None or ends[e.id] > year) <= budget:
            break
    if cut is None:
        return events, {}
    kept, archived = [], {}
    for event in events:
        if ends[event.id] is not None and ends[event.id] <= cut:
            archived.setdefault(event.first_day.year, []).append(event)
        else:
            kept.append(event)
    return kept, archived
