"""Validation of ``calendars.toml``: the site's settings and its calendars."""

from __future__ import annotations

import datetime as dt
import re
from functools import partial

from icalendar import vDuration

from ..errors import Problem
from .fields import FieldError, TableCheck, matching, one_line_text, slug, text, type_name
from .languages import TRANSLATIONS
from .model import CalendarInfo, Site

SITE_TRANSLATABLE = {"title": one_line_text, "description": text, "publisher_name": one_line_text}
CALENDAR_TRANSLATABLE = {"name": one_line_text, "description": text}
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
URI = re.compile(r"(mailto:[^\s@]+@[^\s@]+|https?://\S+)")


def parse_settings(path: str, table: dict, problems: list[Problem]) -> tuple[Site | None, tuple[CalendarInfo, ...]]:
    before = len(problems)
    top = TableCheck(path, table, problems)
    top.refuse_unknown(("site", "calendars"), "unknown section (expected [site] and [[calendars]])")
    site_table = table.get("site")
    if not isinstance(site_table, dict):
        top.add("site", "a [site] table is required")
        site_table = {}
    site = checked_fields(path, "site.", site_table, SITE_CHECKS, SITE_TRANSLATABLE, problems)

    calendars: list[CalendarInfo] = []
    entries = table.get("calendars")
    if not isinstance(entries, list) or not entries or not all(isinstance(c, dict) for c in entries):
        top.add("calendars", "at least one [[calendars]] entry is required")
        entries = []
    seen: set[str] = set()
    for i, entry in enumerate(entries, 1):
        fields = checked_fields(path, f"calendars[{i}].", entry, CALENDAR_CHECKS, CALENDAR_TRANSLATABLE, problems)
        if len(fields) == len(CALENDAR_CHECKS) + 1:
            if fields["slug"] in seen:
                top.add(f"calendars[{i}].slug", f"duplicate slug {fields['slug']!r}")
            seen.add(fields["slug"])
            calendars.append(CalendarInfo(**fields))
    if len(problems) > before:
        return None, ()
    return Site(**site), tuple(calendars)


def checked_fields(path: str, prefix: str, table: dict, checks: dict, translatable: dict, problems: list) -> dict:
    """Every field of ``checks`` (each one required), and the translations of those in ``translatable``."""
    found = TableCheck(path, table, problems, prefix)
    found.refuse_unknown((*checks, *TRANSLATIONS))
    values = found.check_all(checks, required=checks)
    values["translations"] = found.translations(translatable)
    return values


def duration(value: object) -> dt.timedelta:
    raw = one_line_text(value)
    try:
        result = vDuration.from_ical(raw)
    except ValueError:
        raise FieldError(f"{raw!r} is not an ISO 8601 duration such as 'PT12H'") from None
    if not isinstance(result, dt.timedelta) or result <= dt.timedelta(0):
        raise FieldError(f"{raw!r} must be a positive duration such as 'PT12H'")
    return result


def plain_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise FieldError(f"must be a date like 2026-11-27, not {type_name(value)}")
    return value


def colour(value: object) -> str:
    return matching(value, COLOUR.fullmatch, "{!r} is not a colour like '#1f6feb'").lower()


domain = partial(matching, valid=DOMAIN.fullmatch, problem="{!r} is not a domain name")
uri = partial(matching, valid=URI.fullmatch, problem="{!r} must be a mailto: or http(s) URI")
SITE_CHECKS = {
    "title": one_line_text, "description": text, "uid_domain": domain, "publisher_name": one_line_text,
    "publisher_uri": uri, "refresh_interval": duration, "revised": plain_date,
}  # fmt: skip
CALENDAR_CHECKS = {"slug": slug, "name": one_line_text, "description": text, "colour": colour}
