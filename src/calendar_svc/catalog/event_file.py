"""Field-by-field validation of one event file's TOML table: ``parse_event`` gives the ``Event`` or every ``Problem``,
so editors see every mistake at once.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from functools import partial

from dateutil.rrule import rrulestr

from ..errors import Problem
from .countries import is_country_code
from .fields import (
    SLUG,
    FieldError,
    TableCheck,
    distinct,
    items,
    matching,
    one_line_text,
    text,
    type_name,
    url_list,
    web_url,
)
from .languages import TRANSLATIONS
from .model import Event, Precision, Status
from .zones import zone, zone_names

MIN_YEAR, MAX_YEAR = 1000, 9000
PARTIAL_DATE = re.compile(r"(?P<year>\d{4})(?:-(?P<month>0[1-9]|1[0-2]))?")
UID = re.compile(r"\S{1,255}")

REQUIRED_FIELDS = ("title", "category", "start")
TRANSLATABLE = {"title": one_line_text, "location": text, "description": text}
country_list = partial(distinct, valid=is_country_code, problem="{!r} is not an ISO 3166-1 alpha-2 country code")
# Ids in the people register (``people.toml``); the loader checks that each is registered.
person_ids = partial(
    distinct, valid=SLUG.fullmatch, problem="{!r} is not a person's id (lowercase letters, digits and hyphens)"
)
uid_value = partial(matching, valid=UID.fullmatch, problem="must be at most 255 characters without spaces")


def status_value(value: object) -> Status:
    return Status(matching(value, set(Status).__contains__, "{!r} is not one of confirmed, tentative, cancelled"))


def timezone_name(value: object) -> str:
    return matching(value, zone_names().__contains__, "unknown time zone {!r} (use an IANA name such as 'Asia/Almaty')")


def check_wall_time(when: dt.datetime, zone_name: str) -> None:
    """Reject a local time that a DST or offset change skips or repeats."""
    local = zone(zone_name)
    early = when.replace(tzinfo=local, fold=0)
    late = when.replace(tzinfo=local, fold=1)
    if early.utcoffset() == late.utcoffset():
        return
    round_trip = early.astimezone(dt.UTC).astimezone(local).replace(tzinfo=None)
    if round_trip != when:
        raise FieldError(f"{when.isoformat()} does not exist in {zone_name} (the clocks skip it)")
    raise FieldError(f"{when.isoformat()} occurs twice in {zone_name} (the clocks repeat it); pick another time")


def in_range(value: dt.date) -> dt.date:
    """Keep dates where every calendar client (and date arithmetic) can follow them."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise FieldError(f"{value.isoformat()} is outside the years {MIN_YEAR}–{MAX_YEAR}")
    return value


def start_value(value: object) -> tuple[dt.date | dt.datetime, Precision]:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise FieldError("must be a local date-time without offset; name the zone in 'timezone'")
        return in_range(value), Precision.TIME
    if isinstance(value, dt.date):
        return in_range(value), Precision.DAY
    if isinstance(value, str):
        m = PARTIAL_DATE.fullmatch(value.strip())
        if not m:
            raise FieldError(f'{value!r} is not a date: write 2023-06-08, 2023-06-08T10:00:00, "2023-06" or "2023"')
        year, month = in_range(dt.date(int(m["year"]), 1, 1)).year, m["month"]
        if month:
            return dt.date(year, int(month), 1), Precision.MONTH
        return dt.date(year, 1, 1), Precision.YEAR
    raise FieldError(f'must be a date, a local date-time or a "yyyy-mm" string, not {type_name(value)}')


def same_kind(value: object, precision: Precision) -> dt.date | dt.datetime:
    """A date for all-day events, a local date-time for timed ones."""
    if precision is Precision.TIME:
        if not isinstance(value, dt.datetime) or value.tzinfo is not None:
            raise FieldError(f"must be a local date-time like start, not {type_name(value)}")
    elif isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise FieldError(f"must be a date like start, not {type_name(value)}")
    return in_range(value)


def recurrence_rule(value: object, start: dt.date | dt.datetime, zone_name: str | None) -> str:
    rule = one_line_text(value)
    if rule.upper().startswith("RRULE:"):
        rule = rule[len("RRULE:") :]
    if re.search(r"(?i)(?:^|;)FREQ=(SECONDLY|MINUTELY|HOURLY)\b", rule):
        raise FieldError("repeats more often than daily; give each event of the day its own file")
    if re.search(r"(?i)\b(DTSTART|TZID)\b", rule):
        raise FieldError("must hold only the rule (FREQ=…;…); the start comes from 'start'")
    if isinstance(start, dt.datetime):
        begin = start.replace(tzinfo=zone(zone_name)) if zone_name else start
    else:
        begin = dt.datetime.combine(start, dt.time())
    try:
        rrulestr(f"RRULE:{rule}", dtstart=begin)
    except (ValueError, TypeError, KeyError, OverflowError) as e:
        raise FieldError(f"{rule!r} is not a valid RFC 5545 recurrence rule ({e})") from None
    return rule


def updated_value(value: object) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise FieldError(f"must be a date-time with offset like 2023-06-01T12:00:00Z, not {type_name(value)}")
    return value


def sequence_value(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(f"must be a whole number, not {type_name(value)}")
    if not 0 <= value < 2**31:
        raise FieldError("must be between 0 and 2147483647")
    return value


def category_value(value: object, categories: frozenset[str]) -> str:
    return matching(value, categories.__contains__, f"unknown category {{!r}} (known: {', '.join(sorted(categories))})")


def date_list(value: object, precision: Precision) -> tuple[dt.date | dt.datetime, ...]:
    return tuple(same_kind(item, precision) for item in items(value))


# Each field whose value stands on its own (the category's needs the calendars; the rest need the start).
FIELD_CHECKS = {
    "title": one_line_text, "status": status_value, "start": start_value, "timezone": timezone_name,
    "location": text, "countries": country_list, "people": person_ids, "description": text, "url": web_url,
    "sources": url_list, "uid": uid_value, "sequence": sequence_value, "updated": updated_value,
}  # fmt: skip
EVENT_FIELDS = (*FIELD_CHECKS, "category", "end", "exdates", "rrule")


def parse_event(
    event_id: str, path: str, table: dict, categories: frozenset[str], source: bytes = b""
) -> Event | list[Problem]:
    """Validate one event's table; return the Event or every problem found. ``source``: the digest
    of the file's bytes, for the Event."""
    found = TableCheck(path, table, [])
    if not SLUG.fullmatch(event_id):
        found.add("", "file name must be lowercase letters, digits and hyphens, ending in .toml")
    found.refuse_unknown((*EVENT_FIELDS, *TRANSLATIONS), hint=did_you_mean)
    found.check_all({**FIELD_CHECKS, "category": partial(category_value, categories=categories)}, REQUIRED_FIELDS)
    found.values["translations"] = found.translations(TRANSLATABLE)
    check_dates(found)
    if found.problems:
        return found.problems
    values = found.values
    values["start"], values["precision"] = values["start"]
    return Event(id=event_id, path=path, source=source, **values)


def check_dates(found: TableCheck) -> None:
    """The fields that depend on the start: end, exdates and rrule, local times in the zone, the end's order."""
    start, precision = found.values.get("start", (None, None))
    if precision in (Precision.MONTH, Precision.YEAR):
        for name in ("end", "rrule", "exdates"):
            if name in found.table:
                found.add(name, f"not allowed when only the {precision} is known")
        return
    if precision is None:
        return
    found.check("end", same_kind, precision)
    found.check("exdates", date_list, precision)
    found.check("rrule", recurrence_rule, start, found.values.get("timezone"))
    if precision is Precision.TIME:
        check_local_times(found, start)
    end = found.values.get("end")
    if end is not None and end < start:
        found.add("end", "must not be before start")


def check_local_times(found: TableCheck, start: dt.datetime) -> None:
    """A timed event names its zone, and its start and end are times that zone's clocks show once."""
    if "timezone" not in found.table:
        found.add("timezone", "is required for an event with a time of day")
    zone_name = found.values.get("timezone")
    if not zone_name:
        return
    for name, when in (("start", start), ("end", found.values.get("end"))):
        if isinstance(when, dt.datetime):
            try:
                check_wall_time(when, zone_name)
            except FieldError as e:
                found.add(name, str(e))


def did_you_mean(name: str, known: Iterable[str] = EVENT_FIELDS) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
