"""Dates and times as people read them, each piece with its machine-readable twin.

A ``When`` is a few ``Piece``s: text such as "8–9 June 2023" or "15:00
Asia/Almaty (UTC+06:00)", where every piece that names a date or time
carries the value for ``<time datetime="…">``. Pure: no clock, no locale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..catalog.model import Event, Precision

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_FREQUENCIES = {
    "YEARLY": ("yearly", "years"),
    "MONTHLY": ("monthly", "months"),
    "WEEKLY": ("weekly", "weeks"),
    "DAILY": ("daily", "days"),
    "HOURLY": ("hourly", "hours"),
    "MINUTELY": ("every minute", "minutes"),
}
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
    def is_timed(self) -> bool:
        return self.precision is Precision.TIME

    @property
    def is_dated(self) -> bool:
        return self.precision in (Precision.DAY, Precision.TIME)

    @property
    def text(self) -> str:
        """The whole as plain text, e.g. for a title attribute or a test."""
        text = join(self.date)
        return f"{text}, {join(self.time)}" if self.time else text


def join(pieces) -> str:
    return "".join(piece.text for piece in pieces)


def day_text(day: dt.date) -> str:
    """'8 June 2023'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def month_piece(year: int, month: int) -> Piece:
    return Piece(f"{MONTHS[month - 1]} {year}", f"{year:04d}-{month:02d}")


def day_piece(day: dt.date, text: str | None = None) -> Piece:
    return Piece(day_text(day) if text is None else text, day.isoformat())


def date_range(first: dt.date, last: dt.date) -> tuple[Piece, ...]:
    """'8 June 2023', '8–9 June 2023', '30 November – 2 December 2022', or across years in full."""
    if first == last:
        return (day_piece(first),)
    if (first.year, first.month) == (last.year, last.month):
        return (day_piece(first, str(first.day)), Piece("–"), day_piece(last))
    if first.year == last.year:
        return (day_piece(first, f"{first.day} {MONTHS[first.month - 1]}"), Piece(" – "), day_piece(last))
    return (day_piece(first), Piece(" – "), day_piece(last))


def offset_text(offset: dt.timedelta) -> str:
    """'UTC+06:00', 'UTC-03:30', 'UTC+00:00'; seconds only when a zone's old local mean time has them."""
    seconds = int(offset.total_seconds())
    sign = "+" if seconds >= 0 else "-"
    minutes, seconds = divmod(abs(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")


def instant_value(moment: dt.datetime) -> str:
    """A valid HTML global date and time: '2023-03-20T15:00+06:00', or '…Z' in UTC."""
    if moment.utcoffset().seconds % 60:  # HTML offsets have no seconds: say it in UTC
        try:
            moment = moment.astimezone(dt.UTC)
        except OverflowError:  # before year 1 in UTC: the local date and time without offset
            return moment.replace(tzinfo=None).isoformat(timespec="minutes" if moment.second == 0 else "seconds")
    text = moment.isoformat(timespec="minutes" if moment.second == 0 else "seconds")
    return text.replace("+00:00", "Z") if moment.tzinfo is dt.UTC else text


def clock(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M" if moment.second == 0 else "%H:%M:%S")


def event_when(event: Event, first_day: dt.date | None = None) -> When:
    """When the event happens; with `first_day`, the occurrence of a series starting that day."""
    if event.precision is Precision.YEAR:
        return When(event.precision, (Piece(f"{event.start.year:04d}", f"{event.start.year:04d}"),))
    if event.precision is Precision.MONTH:
        return When(event.precision, (month_piece(event.start.year, event.start.month),))
    shift = dt.timedelta(days=(first_day - event.first_day).days) if first_day else dt.timedelta()
    if event.precision is Precision.DAY:
        return When(event.precision, date_range(event.first_day + shift, event.last_day + shift))
    start = (event.start + shift).replace(tzinfo=event.zone)
    end = (event.end + shift).replace(tzinfo=event.zone) if event.end is not None else None
    return _timed_when(event.timezone, start, end)


def _timed_when(zone_name: str, start: dt.datetime, end: dt.datetime | None) -> When:
    last = end if end is not None else start
    date = date_range(start.date(), last.date())
    time = [Piece(clock(start), instant_value(start))]
    if end is not None and end != start:
        time += [Piece("–" if end.date() == start.date() else " – "), Piece(_end_clock(start, end), instant_value(end))]
    offsets = offset_text(start.utcoffset())
    if end is not None and end.utcoffset() != start.utcoffset():
        offsets += f", then {offset_text(end.utcoffset())}"
    time.append(Piece(f" {zone_name} ({offsets})"))
    end_value = instant_value(end) if end is not None else ""
    return When(Precision.TIME, date, tuple(time), _utc_pieces(start, end), instant_value(start), end_value)


def _end_clock(start: dt.datetime, end: dt.datetime) -> str:
    if end.date() == start.date():
        return clock(end)
    if (end.date() - start.date()).days == 1:
        return f"{clock(end)} next day"
    return f"{clock(end)} on {day_text(end.date())}"


def _utc_pieces(start: dt.datetime, end: dt.datetime | None) -> tuple[Piece, ...]:
    """'20 March 2023, 09:00–10:30 UTC' (dates written out when they differ); () past year 1 or 9999."""
    try:
        start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC) if end is not None else None
    except OverflowError:
        return ()
    pieces = [day_piece(start.date()), Piece(", "), Piece(clock(start), instant_value(start))]
    if end is not None and end != start:
        if end.date() == start.date():
            pieces += [Piece("–"), Piece(clock(end), instant_value(end))]
        else:
            pieces += [Piece(" – "), day_piece(end.date()), Piece(", "), Piece(clock(end), instant_value(end))]
    pieces.append(Piece(" UTC"))
    return tuple(pieces)


def recurrence_text(event: Event) -> str:
    """'Repeats weekly on Monday, 4 times, except 8 April 2024'; '' for a single event."""
    if not event.rrule:
        return ""
    parts = dict(part.split("=", 1) for part in event.rrule.upper().split(";") if "=" in part)
    single, plural = _FREQUENCIES.get(parts.get("FREQ", ""), ("regularly", "periods"))
    interval = int(parts.get("INTERVAL", "1") or 1)
    text = f"Repeats {single}" if interval == 1 else f"Repeats every {interval} {plural}"
    days = [WEEKDAYS[_WEEKDAY_CODES[code]] for code in parts.get("BYDAY", "").split(",") if code in _WEEKDAY_CODES]
    if days:
        text += " on " + _and(days)
    if "COUNT" in parts:
        text += f", {parts['COUNT']} times" if parts["COUNT"] != "1" else ", once"
    elif "UNTIL" in parts:
        until = parts["UNTIL"][:8]
        if until.isdigit():
            text += f", until {day_text(dt.date(int(until[:4]), int(until[4:6]), int(until[6:8])))}"
    if event.exdates:
        text += ", except " + _and([day_text(x.date() if isinstance(x, dt.datetime) else x) for x in event.exdates])
    return text


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
