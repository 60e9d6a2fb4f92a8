"""VTIMEZONE components built from the time zone data of the tzdata package.

Transition instants come from the zone's TZif file (see ``catalog.zones``); past its last stored instant the zone's
recurring rule is sampled through `zoneinfo` weekly and bisected to the second. Each observance starts at the local
time in the offset before its transition (RFC 5545, section 3.6.5). Yearly transitions that follow one rule share an
RRULE observance; any other transition gets its own observance. RDATE is never written: ical.js reads only the first
value of a multi-valued RDATE and Outlook mishandles RDATE zones.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import struct
import zoneinfo
from dataclasses import dataclass

import icalendar

from ..catalog.zones import tzif_bytes
from ..catalog.zones import zone as zone_named

_EPOCH = datetime.datetime(1970, 1, 1)
_ZERO = datetime.timedelta(0)
_WEEK = 7 * 86_400
_MIN_INSTANT, _MAX_INSTANT = -62_104_060_800, 253_370_764_800  # years 2 to 9998
_OPEN_ENDED_HORIZON_YEAR = 2037  # open-ended components spell out at least this far
_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

_State = tuple[datetime.timedelta, datetime.timedelta, str]  # offset, DST amount, abbreviation
_Rule = tuple[tuple[str, object], ...]  # RRULE parts in writing order


@dataclass(frozen=True)
class _Transition:
    """A change of UTC offset, DST amount or abbreviation at a UTC instant."""

    instant: int  # seconds since the Unix epoch
    offset_from: datetime.timedelta
    offset_to: datetime.timedelta
    dst_from: datetime.timedelta
    dst_to: datetime.timedelta
    name: str

    @property
    def onset(self) -> datetime.datetime:
        """Local wall time of the transition, in the offset before it."""
        return _EPOCH + datetime.timedelta(seconds=self.instant) + self.offset_from

    @property
    def is_daylight(self) -> bool:
        """True for summer time, including the summer half of negative DST."""
        return self.dst_to > _ZERO or (self.dst_to == _ZERO and self.dst_from < _ZERO)


def timezone_component(tzid: str, first: datetime.date, last: datetime.date | None) -> icalendar.Timezone:
    """VTIMEZONE for tzid, correct for every local time from `first` to `last`.

    `first` and `last` are dates, inclusive. last=None means open-ended (a
    recurring event without end): the rule in force at the end of the known
    data continues (an RRULE without UNTIL), or the final fixed offset does.
    Transitions from the year before `first` to the year after `last` are
    written, plus the last one before them, so an observance is in force at
    `first`. Each call returns a new component that the caller may modify.
    Raises ValueError for an unknown tzid or for `last` before `first`.
    """
    if last is not None and last < first:
        raise ValueError(f"last ({last}) is before first ({first})")
    component = icalendar.Timezone()
    component.add("tzid", tzid)
    for transition, rule in _observances(tzid, first, last):
        kind = icalendar.TimezoneDaylight if transition.is_daylight else icalendar.TimezoneStandard
        observance = kind()
        observance.add("dtstart", transition.onset)
        observance.add("tzoffsetfrom", transition.offset_from)
        observance.add("tzoffsetto", transition.offset_to)
        observance.add("tzname", transition.name)
        if rule:
            observance.add("rrule", dict(rule))
        component.add_component(observance)
    return component


@functools.lru_cache(maxsize=512)
def _observances(tzid: str, first: datetime.date, last: datetime.date | None) -> tuple[tuple[_Transition, _Rule], ...]:
    """The observances, in chronological order: first transition and rule."""
    try:
        zone = zone_named(tzid)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as error:
        raise ValueError(f"unknown time zone: {tzid!r}") from error
    stored, follows_rule = _stored_instants(tzid)
    if last is not None:
        end_year = last.year + 1
    else:
        last_stored = min(max(stored, default=0), _MAX_INSTANT)
        last_stored_year = (_EPOCH + datetime.timedelta(seconds=last_stored)).year
        end_year = max(_OPEN_ENDED_HORIZON_YEAR, first.year + 1, last_stored_year)
    start, end = _year_start(first.year - 1), _year_start(end_year + 1)
    instants = _change_instants(zone, stored, follows_rule, start, end)
    earlier = _last_change_before(zone, stored, follows_rule, start)
    if earlier is not None:
        instants.insert(0, earlier)
    transitions = [_transition(zone, instant) for instant in instants]
    if earlier is None:  # nothing before: the initial state holds from 1970 or earlier
        offset, dst, name = _state(zone, start - 1)
        since = _year_start(min(1970, first.year - 1)) - offset // datetime.timedelta(seconds=1)
        transitions.insert(0, _Transition(since, offset, offset, dst, dst, name))
    return tuple(_compress(transitions, end_year if last is None else None))


def _year_start(year: int) -> int:
    """The instant 1 January `year`, 00:00 UTC (years clamped to 2..9998)."""
    moment = datetime.datetime(min(max(year, 2), 9998), 1, 1)
    return (moment - _EPOCH) // datetime.timedelta(seconds=1)


def _state(zone: zoneinfo.ZoneInfo, instant: int) -> _State:
    """UTC offset, DST amount and abbreviation in force at a UTC instant."""
    local = datetime.datetime.fromtimestamp(instant, zone)
    return local.utcoffset(), local.dst(), local.tzname()


def _transition(zone: zoneinfo.ZoneInfo, instant: int) -> _Transition:
    offset_from, dst_from, _ = _state(zone, instant - 1)
    offset_to, dst_to, name = _state(zone, instant)
    return _Transition(instant, offset_from, offset_to, dst_from, dst_to, name)


@functools.cache
def _stored_instants(tzid: str) -> tuple[tuple[int, ...], bool]:
    """Transition instants stored in the zone's TZif file, and whether a recurring DST rule (the POSIX
    TZ footer) applies after the last of them; for a zone ``zone_named`` has read, so its file is valid."""
    data = tzif_bytes(tzid)
    counts = struct.Struct(">6l")  # UT/local, std/wall, leap, transition, type, char counts
    ut, std, leap, times, types, chars = counts.unpack_from(data, 20)
    if data[4] == 0:  # version 1: 32-bit instants only, no footer
        return struct.unpack_from(f">{times}l", data, 44), False
    block = 44 + times * 5 + types * 6 + chars + leap * 8 + std + ut  # after the 32-bit data
    ut, std, leap, times, types, chars = counts.unpack_from(data, block + 20)
    instants = struct.unpack_from(f">{times}q", data, block + 44)
    footer = block + 44 + times * 9 + types * 6 + chars + leap * 12 + std + ut
    return instants, b"," in data[footer:]


def _change_instants(
    zone: zoneinfo.ZoneInfo, stored: tuple[int, ...], follows_rule: bool, start: int, end: int
) -> list[int]:
    """Sorted instants in [start, end) at which the zone's state changes."""
    start, end = max(start, _MIN_INSTANT), min(end, _MAX_INSTANT)
    found = [t for t in stored if start <= t < end and _state(zone, t - 1) != _state(zone, t)]
    if follows_rule:
        found += _scan(zone, max(start, stored[-1] + 1 if stored else start), end)
    return found


def _scan(zone: zoneinfo.ZoneInfo, start: int, end: int) -> list[int]:
    """State changes in [start, end), sampled weekly and bisected to the second."""
    found: list[int] = []
    low, low_state = start - 1, _state(zone, start - 1)
    while low < end - 1:
        high = min(low + _WEEK, end - 1)
        if _state(zone, high) == low_state:
            low = high
            continue
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if _state(zone, middle) == low_state else (low, middle)
        found.append(high)
        low, low_state = high, _state(zone, high)
    return found


def _last_change_before(
    zone: zoneinfo.ZoneInfo, stored: tuple[int, ...], follows_rule: bool, instant: int
) -> int | None:
    """The latest state change before `instant`, if the data has one."""
    recent = _change_instants(zone, stored, follows_rule, instant - 2 * 366 * 86_400, instant)
    if recent:
        return recent[-1]
    older = (t for t in reversed(stored) if _MIN_INSTANT <= t < instant)
    return next((t for t in older if _state(zone, t - 1) != _state(zone, t)), None)


def _compress(transitions: list[_Transition], open_end_year: int | None) -> list[tuple[_Transition, _Rule]]:
    """Merge yearly transitions that follow one rule into RRULE observances.

    Transitions of one kind (offsets, abbreviation, month, local time) in
    consecutive years form a run while some yearly rule matches all of them.
    A run still going in `open_end_year` gets no UNTIL.
    """
    runs: list[tuple[list[_Transition], set[tuple]]] = []  # each run's transitions, and the rules all of them match
    latest_run_of_kind: dict[tuple, tuple[list[_Transition], set[tuple]]] = {}
    for transition in transitions:
        onset = transition.onset
        kind = (
            transition.is_daylight,
            transition.offset_from,
            transition.offset_to,
            transition.name,
            onset.month,
            onset.time(),
        )
        rules = _yearly_rules(onset)
        run = latest_run_of_kind.get(kind)
        if run is not None and run[0][-1].onset.year == onset.year - 1 and run[1] & rules:
            run[0].append(transition)
            run[1].intersection_update(rules)
            continue
        latest_run_of_kind[kind] = run = ([transition], rules)
        runs.append(run)
    return [(run[0], _rrule(run, min(rules)[1], open_end_year)) for run, rules in runs]


def _yearly_rules(onset: datetime.datetime) -> set[tuple[int, _Rule]]:
    """Yearly rules matching the onset's date, as (preference, RRULE parts).

    Preferred first: last weekday of the month, nth weekday, fixed day of the
    month, then first weekday on or after a day (such as Sun>=2 or Fri>=23).
    """
    day, weekday = onset.day, _WEEKDAY_CODES[onset.weekday()]
    rules: set[tuple[int, _Rule]] = {(2, (("BYMONTHDAY", day),))}
    if day + 7 > calendar.monthrange(onset.year, onset.month)[1]:
        rules.add((0, (("BYDAY", f"-1{weekday}"),)))
    if day <= 28:
        rules.add((1, (("BYDAY", f"{(day - 1) // 7 + 1}{weekday}"),)))
    shortest_month = calendar.monthrange(2001, onset.month)[1]
    for earliest in range(max(1, day - 6), day + 1):
        if earliest % 7 != 1 and earliest + 6 <= shortest_month:
            week = tuple(range(earliest, earliest + 7))
            rules.add((3, (("BYDAY", weekday), ("BYMONTHDAY", week))))
    return rules


def _rrule(run: list[_Transition], parts: _Rule, open_end_year: int | None) -> _Rule:
    """The RRULE of a run: none for a single transition.

    UNTIL is inclusive and in UTC. Some readers (dateutil among them) compare
    it with local onsets, so east of UTC it is moved from the last instant to
    that instant's wall time read as UTC; both lie before the next occurrence,
    so every reader expands the same onsets.
    """
    if len(run) == 1:
        return ()
    rule = (("FREQ", "YEARLY"), ("BYMONTH", run[0].onset.month), *parts)
    last = run[-1]
    if last.onset.year == open_end_year:
        return rule
    until = _EPOCH + datetime.timedelta(seconds=last.instant) + max(last.offset_from, _ZERO)
    return (*rule, ("UNTIL", until.replace(tzinfo=datetime.UTC)))
