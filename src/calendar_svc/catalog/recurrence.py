"""When a dated event happens: its occurrences, each identified by its first local day. Rules repeat in the event's own
zone (the wall-clock time stays put across DST changes), without the excluded dates, as in its iCalendar file.

A series is expanded to at most MAX_EXPANDED occurrences; a longer one counts as open-ended, like a rule without COUNT
or UNTIL: feeds give it an open-ended VTIMEZONE and never archive it, and the month view runs it OPEN_SERIES_MONTHS
past today. Feeds carry the rule itself, so calendar apps still see every occurrence.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from functools import lru_cache
from itertools import islice

from dateutil.rrule import rrulestr

from .model import Event

MAX_EXPANDED = 10_000  # occurrences (27 years of a daily rule); a longer series counts as open-ended


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
    days, _ = _days(event)
    return days[bisect_left(days, add_days(first, -span_days(event))) : bisect_right(days, last)]


def last_occurrence_day(event: Event) -> dt.date | None:
    """First day of the series' last occurrence; None when it is open-ended (see the module docstring)."""
    if not event.is_dated or (event.rrule and not _is_bounded(event.rrule)):
        return None
    days, cut = _days(event)
    return None if cut else max(days, default=event.first_day)


@lru_cache(maxsize=65_536)
def series_end(event: Event) -> dt.date | None:
    """The last local day the series covers (its last occurrence's last day); None when open-ended."""
    last = last_occurrence_day(event)
    return None if last is None else add_days(last, span_days(event))


def next_occurrence_day(event: Event, today: dt.date) -> dt.date | None:
    """First day of the earliest occurrence still running on or after `today`."""
    return next(iter(occurrence_days(event, today, dt.date.max)), None)


def first_occurrences(event: Event, limit: int) -> tuple[dt.date, ...]:
    """First days of up to `limit` occurrences, from the start of the series."""
    return _days(event)[0][:limit]


def _is_bounded(rule: str) -> bool:
    names = {part.split("=", 1)[0].strip().upper() for part in rule.split(";")}
    return bool(names & {"COUNT", "UNTIL"})


def _days(event: Event) -> tuple[tuple[dt.date, ...], bool]:
    """First days of the event's first MAX_EXPANDED occurrences, in order, and whether more follow."""
    if not event.is_dated:
        return (), False
    if not event.rrule:
        return (event.first_day,), False
    return _expanded(event)


@lru_cache(maxsize=4096)
def _expanded(event: Event) -> tuple[tuple[dt.date, ...], bool]:
    """``_days`` of an event with a rule, kept: pages ask for the same series again and again."""
    if event.is_timed:
        start = event.start_local  # aware, as the loader validated the rule
        excluded = {x.replace(tzinfo=event.zone) for x in event.exdates}
    else:
        start = dt.datetime.combine(event.start, dt.time())
        excluded = {dt.datetime.combine(x, dt.time()) for x in event.exdates}
    moments = (m for m in rrulestr(f"RRULE:{event.rrule}", dtstart=start) if m not in excluded)
    moments = list(islice(moments, MAX_EXPANDED + 1))
    cut = len(moments) > MAX_EXPANDED
    return tuple(sorted({m.date() for m in moments[:MAX_EXPANDED]})), cut
