"""VTIMEZONE components built from the IANA time zone database.

Components are derived from the data `zoneinfo` uses, so calendar clients
compute the same UTC instants as the service. Transition instants come from
the zone's TZif file (found as `zoneinfo` finds it: `zoneinfo.TZPATH`, then
the `tzdata` package); past the last stored instant, the zone's recurring rule
is sampled through `zoneinfo` weekly and bisected to the second. Offsets, DST
amounts and abbreviations are read from `zoneinfo` at each instant.

Each observance starts at the local time in the offset before its transition
(RFC 5545, section 3.6.5). Yearly transitions that follow one rule share an
RRULE observance; any other transition gets an observance of its own. RDATE is
never written: ical.js reads only the first value of a multi-valued RDATE and
Outlook mishandles RDATE-based zones. Output bytes depend only on the
arguments and the installed time zone database.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import importlib.resources
import os
import struct
import zoneinfo
from dataclasses import dataclass

import icalendar

__all__ = ["timezone_component"]

_EPOCH = datetime.datetime(1970, 1, 1)
_UTC = datetime.timezone.utc
_DAY = 86_400
_WEEK = 7 * _DAY
# Instants that `datetime` can represent in any zone (years 2 to 9998).
_MIN_INSTANT = -62_104_060_800
_MAX_INSTANT = 253_370_764_800
# Years that an open-ended component spells out before its rules take over.
_OPEN_ENDED_HORIZON_YEAR = 2037
_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


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
        zero = datetime.timedelta(0)
        return self.dst_to > zero or (self.dst_to == zero and self.dst_from < zero)


@dataclass(frozen=True)
class _Observance:
    """One STANDARD or DAYLIGHT subcomponent, ready to be written."""

    is_daylight: bool
    onset: datetime.datetime
    offset_from: datetime.timedelta
    offset_to: datetime.timedelta
    name: str
    rrule: tuple[tuple[str, object], ...] = ()


def timezone_component(
    tzid: str, first: datetime.date, last: datetime.date | None
) -> icalendar.Timezone:
    """VTIMEZONE for tzid, correct for every local time from `first` to `last` (dates, inclusive); last=None means open-ended (a recurring event without end), so the rule in force at the end of the known data must continue (an RRULE without UNTIL), or the final fixed offset.

    Transitions from the year before `first` to the year after `last` are
    included, plus the last one before that so that an observance is in force
    at `first`. Each call returns a new component; callers may modify it.
    Raises ValueError for an unknown tzid or for `last` before `first`.
    """
    first = _as_date(first)
    last = None if last is None else _as_date(last)
    if last is not None and last < first:
        raise ValueError(f"last ({last}) is before first ({first})")
    component = icalendar.Timezone()
    component.add("tzid", tzid)
    for observance in _observances(tzid, first, last):
        component.add_component(_subcomponent(observance))
    return component


def _as_date(value: datetime.date) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _subcomponent(observance: _Observance) -> icalendar.Component:
    kind = icalendar.TimezoneDaylight if observance.is_daylight else icalendar.TimezoneStandard
    sub = kind()
    sub.add("dtstart", observance.onset)
    sub.add("tzoffsetfrom", observance.offset_from)
    sub.add("tzoffsetto", observance.offset_to)
    sub.add("tzname", observance.name)
    if observance.rrule:
        sub.add("rrule", dict(observance.rrule))
    return sub


@functools.lru_cache(maxsize=512)
def _observances(
    tzid: str, first: datetime.date, last: datetime.date | None
) -> tuple[_Observance, ...]:
    """The observances of the component, in chronological order."""
    zone = _load_zone(tzid)
    end_year = last.year + 1 if last is not None else max(_OPEN_ENDED_HORIZON_YEAR, first.year + 1)
    start, end = _year_start(first.year - 1), _year_start(end_year + 1)
    stored, follows_rule = _stored_instants(tzid)
    instants = _change_instants(zone, stored, follows_rule, start, end)
    earlier = _last_change_before(zone, stored, follows_rule, start)
    if earlier is not None:
        instants.insert(0, earlier)
    if not instants:
        offset, dst, name = _state(zone, start)
        onset = datetime.datetime(min(1970, first.year - 1), 1, 1)
        return (_Observance(dst > datetime.timedelta(0), onset, offset, offset, name),)
    transitions = [_transition(zone, instant) for instant in instants]
    open_end_year = end_year if last is None else None
    return tuple(_compress(transitions, open_end_year))


def _load_zone(tzid: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(tzid)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as error:
        raise ValueError(f"unknown time zone: {tzid!r}") from error


def _year_start(year: int) -> int:
    year = min(max(year, 2), 9998)
    return (datetime.datetime(year, 1, 1) - _EPOCH) // datetime.timedelta(seconds=1)


def _state(zone: zoneinfo.ZoneInfo, instant: int) -> tuple[datetime.timedelta, datetime.timedelta, str]:
    """UTC offset, DST amount and abbreviation in force at a UTC instant."""
    local = datetime.datetime.fromtimestamp(instant, zone)
    return local.utcoffset(), local.dst(), local.tzname()


def _transition(zone: zoneinfo.ZoneInfo, instant: int) -> _Transition:
    offset_from, dst_from, _ = _state(zone, instant - 1)
    offset_to, dst_to, name = _state(zone, instant)
    return _Transition(instant, offset_from, offset_to, dst_from, dst_to, name)


@functools.lru_cache(maxsize=None)
def _stored_instants(tzid: str) -> tuple[tuple[int, ...], bool]:
    """Transition instants stored in the zone's TZif file, and whether a
    recurring rule (a POSIX TZ string with DST) applies after the last one."""
    data = _read_tzif(tzid)
    if data[:4] != b"TZif":
        raise ValueError(f"unknown time zone: {tzid!r}")
    header = struct.Struct(">6l")
    utc_count, std_count, leap_count, time_count, type_count, char_count = header.unpack_from(data, 20)
    if data[4:5] == b"\x00":  # version 1: 32-bit instants, no footer
        return struct.unpack_from(f">{time_count}l", data, 44), False
    skip = time_count * 5 + type_count * 6 + char_count + leap_count * 8 + std_count + utc_count
    block = 44 + skip
    utc_count, std_count, leap_count, time_count, type_count, char_count = header.unpack_from(data, block + 20)
    instants = struct.unpack_from(f">{time_count}q", data, block + 44)
    footer_start = block + 44 + time_count * 9 + type_count * 6 + char_count
    footer_start += leap_count * 12 + std_count + utc_count
    footer = data[footer_start:].strip(b"\n")
    return instants, b"," in footer


def _read_tzif(tzid: str) -> bytes:
    """The zone's TZif data, found the way `zoneinfo` finds it."""
    for directory in zoneinfo.TZPATH:
        path = os.path.join(directory, tzid)
        if os.path.isfile(path):
            with open(path, "rb") as file:
                return file.read()
    *packages, resource = tzid.split("/")
    try:
        package = importlib.resources.files(".".join(["tzdata.zoneinfo", *packages]))
        return package.joinpath(resource).read_bytes()
    except (ImportError, OSError) as error:
        raise ValueError(f"unknown time zone: {tzid!r}") from error


def _change_instants(
    zone: zoneinfo.ZoneInfo, stored: tuple[int, ...], follows_rule: bool, start: int, end: int
) -> list[int]:
    """Sorted instants in [start, end) at which the zone's state changes."""
    start, end = max(start, _MIN_INSTANT), min(end, _MAX_INSTANT)
    found = [t for t in stored if start <= t < end and _state(zone, t - 1) != _state(zone, t)]
    if follows_rule:
        rule_start = max(start, stored[-1] + 1 if stored else start)
        found += _scan(zone, rule_start, end)
    return found


def _scan(zone: zoneinfo.ZoneInfo, start: int, end: int) -> list[int]:
    """State changes in [start, end), sampled weekly and bisected to the second."""
    found: list[int] = []
    low = start - 1
    low_state = _state(zone, low)
    while low < end - 1:
        high = min(low + _WEEK, end - 1)
        if _state(zone, high) == low_state:
            low = high
            continue
        while high - low > 1:
            middle = (low + high) // 2
            if _state(zone, middle) == low_state:
                low = middle
            else:
                high = middle
        found.append(high)
        low, low_state = high, _state(zone, high)
    return found


def _last_change_before(
    zone: zoneinfo.ZoneInfo, stored: tuple[int, ...], follows_rule: bool, instant: int
) -> int | None:
    """The latest state change before `instant`, if the data has one."""
    recent = _change_instants(zone, stored, follows_rule, instant - 2 * 366 * _DAY, instant)
    if recent:
        return recent[-1]
    for t in reversed(stored):
        if _MIN_INSTANT <= t < instant and _state(zone, t - 1) != _state(zone, t):
            return t
    return None


def _compress(transitions: list[_Transition], open_end_year: int | None) -> list[_Observance]:
    """Merge yearly transitions that follow one rule into RRULE observances.

    Transitions of the same kind (offsets, abbreviation, month and local time)
    in consecutive years join a run while at least one yearly rule matches all
    of them. A run still going in `open_end_year` gets an RRULE without UNTIL.
    """
    runs: list[list[_Transition]] = []
    rules: list[set[tuple]] = []
    latest_run_of_kind: dict[tuple, int] = {}
    for transition in transitions:
        onset = transition.onset
        kind = (transition.is_daylight, transition.offset_from, transition.offset_to,
                transition.name, onset.month, onset.time())
        candidates = _yearly_rules(onset)
        index = latest_run_of_kind.get(kind)
        if index is not None and runs[index][-1].onset.year == onset.year - 1:
            common = rules[index] & candidates
            if common:
                runs[index].append(transition)
                rules[index] = common
                continue
        latest_run_of_kind[kind] = len(runs)
        runs.append([transition])
        rules.append(candidates)
    return [_observance(run, min(rule), open_end_year) for run, rule in zip(runs, rules)]


def _yearly_rules(onset: datetime.datetime) -> set[tuple]:
    """Yearly rules matching the onset's date, as (preference, RRULE parts).

    Preferred first: "last weekday", "nth weekday", a fixed day of the month,
    then "first weekday on or after a day" (such as Sun>=2 or Fri>=23).
    """
    day, weekday = onset.day, _WEEKDAY_CODES[onset.weekday()]
    month_length = calendar.monthrange(onset.year, onset.month)[1]
    rules: set[tuple] = {(2, (("BYMONTHDAY", day),))}
    if day + 7 > month_length:
        rules.add((0, (("BYDAY", f"-1{weekday}"),)))
    if day <= 28:
        rules.add((1, (("BYDAY", f"{(day - 1) // 7 + 1}{weekday}"),)))
    shortest_length = calendar.monthrange(2001, onset.month)[1]
    for earliest in range(max(1, day - 6), day + 1):
        if earliest % 7 != 1 and earliest + 6 <= shortest_length:
            days = tuple(range(earliest, earliest + 7))
            rules.add((3, (("BYDAY", weekday), ("BYMONTHDAY", days))))
    return rules


def _observance(run: list[_Transition], rule: tuple, open_end_year: int | None) -> _Observance:
    head, tail = run[0], run[-1]
    rrule: tuple[tuple[str, object], ...] = ()
    if len(run) > 1:
        rrule = (("FREQ", "YEARLY"), ("BYMONTH", head.onset.month), *rule[1])
        if tail.onset.year != open_end_year:
            rrule += (("UNTIL", _until(tail)),)
    return _Observance(head.is_daylight, head.onset, head.offset_from, head.offset_to, head.name, rrule)


def _until(transition: _Transition) -> datetime.datetime:
    """UNTIL for a rule whose last occurrence is `transition`.

    UNTIL is inclusive and must be in UTC; the instant itself is the natural
    value. Some readers (dateutil among them) compare UNTIL with local onsets,
    so for zones east of UTC the value is moved to the onset's wall time read
    as UTC. Both values lie between the last and the next occurrence, so
    every reader expands the same set of onsets.
    """
    shift = max(transition.offset_from, datetime.timedelta(0))
    moment = _EPOCH + datetime.timedelta(seconds=transition.instant) + shift
    return moment.replace(tzinfo=_UTC)
