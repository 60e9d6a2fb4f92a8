"""When a dated event happens: its occurrences, expanded from its recurrence rule.

An occurrence is identified by its first local day. Rules repeat in the
event's own zone (the wall-clock time stays put across DST changes), and
excluded dates are left out, as in the event's iCalendar file. Pages look at
the first MAX_EXPANDED occurrences of a series (27 years of a daily rule);
feeds carry the rule itself, so calendar apps see every occurrence.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from functools import lru_cache
from itertools import islice

from dateutil.rrule import rrulestr

from .model import Event

MAX_EXPANDED = 10_000


def add_days(day: dt.date, days: int) -> dt.date:
    """`day` moved by `days`, kept within the dates Python can represent."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def span_days(event: Event) -> int:
    """How many days after its first day an occurrence ends (0: a one-day event)."""
    return (event.last_day - event.first_day).days


def occurrence_days(event: Event, first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    """First days of the occurrences that cover any day from `first` to `last` (inclusive)."""
    days = _days(event)
    return days[bisect_left(days, add_days(first, -span_days(event))):bisect_right(days, last)]


def last_occurrence_day(event: Event) -> dt.date | None:
    """First day of the series' last occurrence; None when the rule never ends."""
    if not event.is_dated:
        return None
    if event.rrule and not _is_bounded(event.rrule):
        return None
    days = _days(event)
    return days[-1] if days else event.first_day


def next_occurrence_day(event: Event, today: dt.date) -> dt.date | None:
    """First day of the earliest occurrence still running on or after `today`."""
    days = _days(event)
    index = bisect_left(days, add_days(today, -span_days(event)))
    return days[index] if index < len(days) else None


def first_occurrences(event: Event, limit: int) -> tuple[dt.date, ...]:
    """First days of up to `limit` occurrences, from the start of the series."""
    return _days(event)[:limit]


def _is_bounded(rule: str) -> bool:
    names = {part.split("=", 1)[0].strip().upper() for part in rule.split(";")}
    return bool(names & {"COUNT", "UNTIL"})


@lru_cache(maxsize=256)
def _days(event: Event) -> tuple[dt.date, ...]:
    """First days of the event's occurrences, in order (at most MAX_EXPANDED)."""
    if not event.is_dated:
        return ()
    if not event.rrule:
        return (event.first_day,)
    if event.is_timed:
        start = event.start_local  # aware, as the loader validated the rule
        excluded = {x.replace(tzinfo=event.zone) for x in event.exdates}
    else:
        start = dt.datetime.combine(event.start, dt.time())
        excluded = {dt.datetime.combine(x, dt.time()) for x in event.exdates}
    moments = (m for m in rrulestr(f"RRULE:{event.rrule}", dtstart=start) if m not in excluded)
    return tuple(sorted({m.date() for m in islice(moments, MAX_EXPANDED)}))
