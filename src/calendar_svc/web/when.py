"""Dates and times as people read them in each language, each ``Piece`` of text with its machine-readable twin for
``<time datetime="…">``: "8–9 June 2023", "8—9 июня 2023 г.", "2023 ж. 8–9 маусым", "15:00 Asia/Almaty (UTC+06:00)".

Every date, range, month and weekday name follows CLDR through Babel, in the language's own order and words; nothing
here pastes an English pattern with translated words. CLDR's range patterns abbreviate month names ("8–9 Jun"); we
widen them to full names the way ICU widens a pattern to a requested skeleton. Pure: no clock; the language is an
argument."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from babel.dates import format_date, format_skeleton, format_time
from babel.lists import format_list

from ..catalog.model import Event, Precision
from ..i18n import locale, translate, translate_plural

_ABBREVIATED_MONTH = re.compile(r"(?<![ML])([ML]{3})(?![ML])")
_TRAILING_SEPARATOR = re.compile(r"^(.*?)([\s\u2009\u202f]*[–—-][\s\u2009\u202f]*)$")
_WEEKDAY_CODES = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}


@dataclass(frozen=True)
class Piece:
    """Some text; `datetime` is its <time datetime> value, or empty for plain text."""

    text: str
    datetime: str = ""


@dataclass(frozen=True)
class When:
    """When an event (or one occurrence of it) happens, in the event's own zone."""

    precision: Precision
    date: tuple[Piece, ...]  # "8–9 June 2023", "December 2022", "2022"
    time: tuple[Piece, ...] = ()  # timed events: "15:00 Asia/Almaty (UTC+06:00)"
    utc: tuple[Piece, ...] = ()  # timed events: "20 March 2023, 09:00 UTC"
    start: str = ""  # timed events: the start instant, "2023-03-20T15:00+06:00"
    end: str = ""  # timed events with an end: the end instant

    @property
    def text(self) -> str:
        """The whole as plain text, e.g. for a title attribute or a test."""
        text = join(self.date)
        return f"{text}, {join(self.time)}" if self.time else text


def join(pieces) -> str:
    return "".join(piece.text for piece in pieces)


def day_text(day: dt.date, lang: str = "en") -> str:
    """'8 June 2023', '8 июня 2023 г.', '2023 ж. 8 маусым'."""
    return format_date(day, "long", locale=locale(lang))


def month_text(year: int, month: int, lang: str = "en") -> str:
    """'June 2023', 'июнь 2023 г.', '2023 ж. маусым' (the month on its own)."""
    return format_skeleton("yMMMM", dt.date(year, month, 1), locale=locale(lang))


def month_piece(year: int, month: int, lang: str = "en") -> Piece:
    return Piece(month_text(year, month, lang), f"{year:04d}-{month:02d}")


def day_piece(day: dt.date, lang: str = "en") -> Piece:
    return Piece(day_text(day, lang), day.isoformat())


@lru_cache(maxsize=64)
def _range_patterns(lang: str, greatest: str) -> tuple[str, str]:
    """CLDR's pattern pair for a day range differing in ``greatest`` ("d", "M" or "y"), months in full."""
    first, second = locale(lang).interval_formats["yMMMd"][greatest]
    return _ABBREVIATED_MONTH.sub(r"\g<1>M", first), _ABBREVIATED_MONTH.sub(r"\g<1>M", second)


def date_range(first: dt.date, last: dt.date, lang: str = "en") -> tuple[Piece, ...]:
    """'8–9 June 2023', '30 November – 2 December 2022', across years in full, as CLDR writes each."""
    if first == last:
        return (day_piece(first, lang),)
    greatest = "d" if (first.year, first.month) == (last.year, last.month) else "M" if first.year == last.year else "y"
    first_pattern, second_pattern = _range_patterns(lang, greatest)
    head = format_date(first, first_pattern, locale=locale(lang))
    tail = format_date(last, second_pattern, locale=locale(lang))
    split = _TRAILING_SEPARATOR.match(head)
    if split is None:  # a pattern with its separator elsewhere: keep CLDR's text whole
        return (Piece(head, first.isoformat()), Piece(tail, last.isoformat()))
    return (Piece(split[1], first.isoformat()), Piece(split[2]), Piece(tail, last.isoformat()))


def offset_text(offset: dt.timedelta) -> str:
    """'UTC+06:00', 'UTC-03:30', 'UTC+00:00'; seconds only when a zone's old local mean time has them."""
    seconds = int(offset.total_seconds())
    sign = "+" if seconds >= 0 else "-"
    minutes, seconds = divmod(abs(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")


def instant_value(moment: dt.datetime) -> str:
    """A valid HTML global date and time: '2023-03-20T15:00+06:00', or '…Z' in UTC."""
    if moment.utcoffset().seconds % 60:  # HTML offsets have no seconds (a zone's old local mean time): say it in UTC
        moment = moment.astimezone(dt.UTC)
    text = moment.isoformat(timespec="minutes" if moment.second == 0 else "seconds")
    return text.replace("+00:00", "Z") if moment.tzinfo is dt.UTC else text


def clock(moment: dt.datetime, lang: str = "en") -> str:
    """'15:00' (24-hour in all three languages, as CLDR has it), with seconds only when there are any."""
    return format_time(moment.time(), "HH:mm" if moment.second == 0 else "HH:mm:ss", locale=locale(lang))


def clock_piece(moment: dt.datetime, lang: str) -> Piece:
    return Piece(clock(moment, lang), instant_value(moment))


def event_when(event: Event, first_day: dt.date | None = None, lang: str = "en") -> When:
    """When the event happens; with `first_day`, the occurrence of a series starting that day."""
    if event.precision is Precision.YEAR:
        year = format_skeleton("y", event.start, locale=locale(lang))
        return When(event.precision, (Piece(year, f"{event.start.year:04d}"),))
    if event.precision is Precision.MONTH:
        return When(event.precision, (month_piece(event.start.year, event.start.month, lang),))
    shift = dt.timedelta(days=(first_day - event.first_day).days) if first_day else dt.timedelta()
    if event.precision is Precision.DAY:
        return When(event.precision, date_range(event.first_day + shift, event.last_day + shift, lang))
    start = (event.start + shift).replace(tzinfo=event.zone)
    end = (event.end + shift).replace(tzinfo=event.zone) if event.end is not None else None
    time = [clock_piece(start, lang)]
    if end is not None and end != start:
        time += [
            Piece("–" if end.date() == start.date() else " – "),
            Piece(_end_clock(start, end, lang), instant_value(end)),
        ]
    offsets = offset_text(start.utcoffset())
    if end is not None and end.utcoffset() != start.utcoffset():
        offsets = translate(lang, "%(offset)s, then %(later)s", offset=offsets, later=offset_text(end.utcoffset()))
    time.append(Piece(f" {event.timezone} ({offsets})"))
    date = date_range(start.date(), (end or start).date(), lang)
    end_value = instant_value(end) if end is not None else ""
    return When(Precision.TIME, date, tuple(time), _utc_pieces(start, end, lang), instant_value(start), end_value)


def _end_clock(start: dt.datetime, end: dt.datetime, lang: str) -> str:
    if end.date() == start.date():
        return clock(end, lang)
    if (end.date() - start.date()).days == 1:
        return translate(lang, "%(time)s next day", time=clock(end, lang))
    return translate(lang, "%(time)s on %(day)s", time=clock(end, lang), day=day_text(end.date(), lang))


def _utc_pieces(start: dt.datetime, end: dt.datetime | None, lang: str) -> tuple[Piece, ...]:
    """'20 March 2023, 09:00–10:30 UTC' (dates written out when they differ); () past year 9999 in UTC."""
    try:
        start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC) if end is not None else None
    except OverflowError:
        return ()
    pieces = [day_piece(start.date(), lang), Piece(", "), clock_piece(start, lang)]
    if end is not None and end != start:
        same_day = end.date() == start.date()
        pieces += [Piece("–")] if same_day else [Piece(" – "), day_piece(end.date(), lang), Piece(", ")]
        pieces.append(clock_piece(end, lang))
    return (*pieces, Piece(" UTC"))


def weekday_name(index: int, lang: str = "en", width: str = "wide") -> str:
    """Monday is 0: 'Monday', 'понедельник', 'дүйсенбі' (CLDR's standalone forms)."""
    return locale(lang).days["stand-alone"][width][index]


def recurrence_text(event: Event, lang: str = "en") -> str:
    """'Repeats weekly on Monday, 4 times, except 8 April 2024'; '' for a single event."""
    if not event.rrule:
        return ""
    parts = dict(part.split("=", 1) for part in event.rrule.upper().split(";") if "=" in part)
    interval = int(parts.get("INTERVAL", "1") or 1)
    if interval == 1:
        texts = {
            "YEARLY": translate(lang, "Repeats yearly"), "MONTHLY": translate(lang, "Repeats monthly"),
            "WEEKLY": translate(lang, "Repeats weekly"), "DAILY": translate(lang, "Repeats daily"),
        }  # fmt: skip
    else:
        texts = {
            "YEARLY": translate_plural(lang, "Repeats every %(num)d year", "Repeats every %(num)d years", interval),
            "MONTHLY": translate_plural(lang, "Repeats every %(num)d month", "Repeats every %(num)d months", interval),
            "WEEKLY": translate_plural(lang, "Repeats every %(num)d week", "Repeats every %(num)d weeks", interval),
            "DAILY": translate_plural(lang, "Repeats every %(num)d day", "Repeats every %(num)d days", interval),
        }
    text = texts.get(parts.get("FREQ", ""), translate(lang, "Repeats regularly"))
    days = [weekday_name(_WEEKDAY_CODES[c], lang) for c in parts.get("BYDAY", "").split(",") if c in _WEEKDAY_CODES]
    if days:
        text = translate(lang, "%(rule)s on %(days)s", rule=text, days=format_list(days, locale=locale(lang)))
    if "COUNT" in parts and parts["COUNT"].isdigit():
        count = int(parts["COUNT"])
        text += ", " + (
            translate(lang, "once") if count == 1 else translate_plural(lang, "%(num)d time", "%(num)d times", count)
        )
    elif "UNTIL" in parts:
        until = parts["UNTIL"][:8]
        if until.isdigit():
            day = dt.date(int(until[:4]), int(until[4:6]), int(until[6:8]))
            text += ", " + translate(lang, "until %(day)s", day=day_text(day, lang))
    if event.exdates:
        skipped = [day_text(x.date() if isinstance(x, dt.datetime) else x, lang) for x in event.exdates]
        text += ", " + translate(lang, "except %(days)s", days=format_list(skipped, locale=locale(lang)))
    return text
