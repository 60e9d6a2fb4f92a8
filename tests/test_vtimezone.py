"""VTIMEZONE components agree with zoneinfo when read back by other readers."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys

import icalendar
import pytest
import recurring_ical_events
import vobject
from dateutil import rrule as dateutil_rrule
from dateutil.tz import tzical

from calendar_svc.catalog.zones import zone as tzdata_zone
from calendar_svc.ical import vtimezone
from calendar_svc.ical.vtimezone import timezone_component

UTC = dt.UTC
DAY = 86_400
OPEN_ENDED_CHECK_UNTIL = dt.date(2045, 12, 31)

WINDOWS = [
    ("Europe/Berlin", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ("Europe/Berlin", dt.date(1990, 1, 1), dt.date(1995, 12, 31)),
    ("Europe/Berlin", dt.date(1990, 1, 1), None),
    ("Europe/Berlin", dt.date(1990, 1, 1), dt.date(2030, 12, 31)),  # its build time: benchmarks/render.py
    ("America/New_York", dt.date(2005, 6, 1), dt.date(2008, 12, 31)),
    ("America/New_York", dt.date(2024, 3, 10), None),
    ("Asia/Almaty", dt.date(2023, 1, 1), dt.date(2025, 12, 31)),
    ("Asia/Almaty", dt.date(2023, 1, 1), None),
    ("Europe/London", dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
    ("Australia/Lord_Howe", dt.date(2023, 1, 1), None),
    ("Australia/Sydney", dt.date(2007, 1, 1), dt.date(2009, 12, 31)),
    ("Europe/Dublin", dt.date(2020, 1, 1), dt.date(2026, 12, 31)),
    ("Asia/Kolkata", dt.date(2024, 1, 1), None),
    ("America/Sao_Paulo", dt.date(2015, 1, 1), None),
    ("America/Santiago", dt.date(2015, 1, 1), None),
    ("Asia/Jerusalem", dt.date(2010, 1, 1), None),
    ("Africa/Casablanca", dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
    ("Etc/GMT+5", dt.date(2024, 1, 1), None),
    ("UTC", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ("Europe/Berlin", dt.date(1880, 1, 1), dt.date(1895, 12, 31)),
]
WINDOW_IDS = [f"{tzid}-{first}-{last or 'open'}" for tzid, first, last in WINDOWS]


def calendar_text(*components: icalendar.Timezone, extra: str = "") -> str:
    """A VCALENDAR holding the components, followed by raw `extra` lines."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//calendar-svc//tests//EN")
    cal.add("version", "2.0")
    for component in components:
        cal.add_component(component)
    text = cal.to_ical().decode()
    return text.replace("END:VCALENDAR\r\n", extra + "END:VCALENDAR\r\n")


def read_with_tzical(tzid: str, first: dt.date, last: dt.date | None):
    text = calendar_text(timezone_component(tzid, first, last))
    return tzical(io.StringIO(text)).get(tzid)


def observances(component: icalendar.Timezone) -> list[icalendar.Component]:
    """The observances of the component as a reader parses them."""
    parsed = icalendar.Calendar.from_ical(calendar_text(component)).walk("VTIMEZONE")[0]
    return [sub for sub in parsed.subcomponents if sub.name in ("STANDARD", "DAYLIGHT")]


def onsets(observance: icalendar.Component) -> list[dt.datetime]:
    """Local onsets of an observance, expanded independently of any tz reader."""
    start = observance["DTSTART"].dt
    if "RRULE" not in observance:
        return [start]
    rule = observance["RRULE"].to_ical().decode()
    expanded = dateutil_rrule.rrulestr(rule, dtstart=start, ignoretz=True)
    return list(expanded.between(start, dt.datetime(2050, 1, 1), inc=True))


def zoneinfo_changes(tzid: str, start: int, end: int) -> list[int]:
    """UTC instants in [start, end) where zoneinfo's offset or abbreviation changes,
    found by a daily scan bisected to the second."""
    zone = tzdata_zone(tzid)

    def state(instant: int):
        local = dt.datetime.fromtimestamp(instant, zone)
        return local.utcoffset(), local.tzname()

    changes, low = [], start
    while low < end:
        high = min(low + DAY, end)
        if state(high) != state(low):
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if state(middle) == state(low) else (low, middle)
            changes.append(high)
        low = high
    return [instant for instant in changes if instant < end]


def instant_of(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def disagreements(tzid: str, reader_zone, instants) -> list[str]:
    """Instants where the reader's offset for zoneinfo's wall time (with its
    fold) differs from zoneinfo's offset."""
    zone = tzdata_zone(tzid)
    found = []
    for instant in instants:
        wall = dt.datetime.fromtimestamp(instant, zone)
        read_back = wall.replace(tzinfo=reader_zone)  # keeps the fold
        if read_back.utcoffset() != wall.utcoffset():
            found.append(f"{wall.isoformat()} fold={wall.fold}: read {read_back.utcoffset()}")
    return found


@pytest.fixture(autouse=True)
def fresh_cache():
    vtimezone._observances.cache_clear()
    yield
    vtimezone._observances.cache_clear()


def test_berlin_2024_springs_forward_at_two_local_on_the_last_sunday_of_march():
    component = timezone_component("Europe/Berlin", dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    text = component.to_ical().decode()
    assert "DTSTART:20230326T020000\r\n" in text
    (daylight,) = [sub for sub in observances(component) if sub.name == "DAYLIGHT"]
    assert daylight["DTSTART"].dt == dt.datetime(2023, 3, 26, 2, 0)
    assert daylight["TZOFFSETFROM"].td == dt.timedelta(hours=1)
    assert daylight["TZOFFSETTO"].td == dt.timedelta(hours=2)
    assert str(daylight["TZNAME"]) == "CEST"
    rule = daylight["RRULE"]
    assert (rule["FREQ"], rule["BYMONTH"], rule["BYDAY"]) == (["YEARLY"], [3], ["-1SU"])
    assert dt.datetime(2024, 3, 31, 2, 0) in onsets(daylight)


def test_berlin_2024_falls_back_at_three_local_on_the_last_sunday_of_october():
    component = timezone_component("Europe/Berlin", dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    (standard,) = [sub for sub in observances(component) if sub.name == "STANDARD"]
    assert standard["DTSTART"].dt.time() == dt.time(3, 0)
    assert standard["TZOFFSETFROM"].td == dt.timedelta(hours=2)
    assert standard["TZOFFSETTO"].td == dt.timedelta(hours=1)
    assert str(standard["TZNAME"]) == "CET"
    assert (standard["RRULE"]["BYMONTH"], standard["RRULE"]["BYDAY"]) == ([10], ["-1SU"])
    assert dt.datetime(2024, 10, 27, 3, 0) in onsets(standard)


@pytest.mark.parametrize(("tzid", "first", "last"), WINDOWS, ids=WINDOW_IDS)
def test_no_rdate_is_written_only_dtstart_and_rrule(tzid, first, last):
    text = timezone_component(tzid, first, last).to_ical().decode()
    assert "RDATE" not in text
    assert "TZID:" + tzid in text


@pytest.mark.parametrize(("tzid", "first", "last"), WINDOWS, ids=WINDOW_IDS)
def test_observances_are_chronological_and_one_is_in_force_at_the_first_date(tzid, first, last):
    starts = [sub["DTSTART"].dt for sub in observances(timezone_component(tzid, first, last))]
    assert starts == sorted(starts)
    assert len(set(starts)) == len(starts)
    assert starts[0] <= dt.datetime.combine(first, dt.time())


@pytest.mark.parametrize(("tzid", "first", "last"), WINDOWS, ids=WINDOW_IDS)
def test_every_until_is_in_utc(tzid, first, last):
    for sub in observances(timezone_component(tzid, first, last)):
        for until in sub.get("RRULE", {}).get("UNTIL", []):
            assert until.tzinfo is not None
            assert until.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(("tzid", "first", "last"), WINDOWS, ids=WINDOW_IDS)
def test_dateutil_tzical_reads_back_zoneinfo_offsets_around_every_transition(tzid, first, last):
    reader_zone = read_with_tzical(tzid, first, last)
    start = instant_of(first) - DAY
    end = instant_of(last or OPEN_ENDED_CHECK_UNTIL) + 2 * DAY
    changes = zoneinfo_changes(tzid, start, end)
    around = [instant + delta for instant in changes for delta in (-1, 0, 1)]
    assert disagreements(tzid, reader_zone, around) == []


@pytest.mark.parametrize(("tzid", "first", "last"), WINDOWS, ids=WINDOW_IDS)
def test_dateutil_tzical_reads_back_zoneinfo_offsets_every_ten_days(tzid, first, last):
    reader_zone = read_with_tzical(tzid, first, last)
    start = instant_of(first)
    end = instant_of(last or OPEN_ENDED_CHECK_UNTIL) + DAY
    samples = range(start + 3_600 * 11, end, 10 * DAY + 3_607)
    assert disagreements(tzid, reader_zone, samples) == []


@pytest.mark.parametrize(
    "tzid", ["Europe/Berlin", "America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Santiago"]
)
def test_utc_instants_convert_to_zoneinfo_wall_times_through_tzical(tzid):
    reader_zone = read_with_tzical(tzid, dt.date(2023, 1, 1), None)
    zone = tzdata_zone(tzid)
    start, end = instant_of(dt.date(2023, 1, 1)), instant_of(dt.date(2040, 1, 1))
    changes = zoneinfo_changes(tzid, start, end)
    for instant in [i + delta for i in changes for delta in (-1, 0, 1)]:
        utc = dt.datetime.fromtimestamp(instant, UTC)
        expected, actual = utc.astimezone(zone), utc.astimezone(reader_zone)
        assert (actual.replace(tzinfo=None), actual.utcoffset()) == (
            expected.replace(tzinfo=None),
            expected.utcoffset(),
        ), utc


def test_almaty_moves_from_plus_six_to_plus_five_at_midnight_on_1_march_2024():
    component = timezone_component("Asia/Almaty", dt.date(2023, 1, 1), dt.date(2025, 12, 31))
    (change,) = [sub for sub in observances(component) if str(sub["TZNAME"]) == "+05"]
    assert change["DTSTART"].dt == dt.datetime(2024, 3, 1, 0, 0)
    assert change["TZOFFSETFROM"].td == dt.timedelta(hours=6)
    assert change["TZOFFSETTO"].td == dt.timedelta(hours=5)
    assert "RRULE" not in change


def test_almaty_read_back_is_plus_six_before_18_00_utc_on_29_february_2024_and_plus_five_after():
    reader_zone = read_with_tzical("Asia/Almaty", dt.date(2023, 1, 1), dt.date(2025, 12, 31))
    switch = instant_of(dt.date(2024, 2, 29)) + 18 * 3_600
    assert disagreements("Asia/Almaty", reader_zone, [switch - 1, switch, switch + 1]) == []
    repeated = dt.datetime(2024, 2, 29, 23, 30, tzinfo=reader_zone)
    assert repeated.replace(fold=0).utcoffset() == dt.timedelta(hours=6)
    assert repeated.replace(fold=1).utcoffset() == dt.timedelta(hours=5)


def test_a_ten_o_clock_astana_event_is_04_00_utc_in_2023_and_05_00_utc_in_2025():
    reader_zone = read_with_tzical("Asia/Almaty", dt.date(2023, 1, 1), dt.date(2025, 12, 31))
    for year, utc_hour in [(2023, 4), (2025, 5)]:
        event = dt.datetime(year, 6, 1, 10, 0, tzinfo=reader_zone)
        assert event.astimezone(UTC) == dt.datetime(year, 6, 1, utc_hour, 0, tzinfo=UTC)


def test_recurring_ical_events_expands_an_event_through_the_embedded_definition():
    # A TZID that is not an IANA name makes icalendar use the VTIMEZONE itself.
    component = timezone_component("Asia/Almaty", dt.date(2023, 1, 1), dt.date(2025, 12, 31))
    zone_text = component.to_ical().decode().replace("Asia/Almaty", "Feed/Astana")
    event = (
        "BEGIN:VEVENT\r\nUID:yearly@example.org\r\nDTSTAMP:20230101T000000Z\r\n"
        "DTSTART;TZID=Feed/Astana:20230310T100000\r\nRRULE:FREQ=YEARLY;COUNT=3\r\n"
        "SUMMARY:Board meeting\r\nEND:VEVENT\r\n"
    )
    cal = icalendar.Calendar.from_ical(calendar_text(extra=zone_text + event))
    starts = [
        e["DTSTART"].dt.astimezone(UTC)
        for e in recurring_ical_events.of(cal).between(dt.date(2023, 1, 1), dt.date(2026, 1, 1))
    ]
    assert sorted(starts) == [
        dt.datetime(2023, 3, 10, 4, tzinfo=UTC),
        dt.datetime(2024, 3, 10, 5, tzinfo=UTC),
        dt.datetime(2025, 3, 10, 5, tzinfo=UTC),
    ]


def test_vobject_parses_a_feed_with_several_zones_and_reads_event_times():
    zones = ["Europe/Berlin", "Asia/Almaty", "Australia/Lord_Howe", "Europe/Dublin"]
    components = [timezone_component(tzid, dt.date(2024, 1, 1), dt.date(2025, 12, 31)) for tzid in zones]
    event = (
        "BEGIN:VEVENT\r\nUID:one@example.org\r\nDTSTAMP:20240101T000000Z\r\n"
        "DTSTART;TZID=Asia/Almaty:20250310T100000\r\nSUMMARY:Launch\r\nEND:VEVENT\r\n"
    )
    parsed = vobject.readOne(calendar_text(*components, extra=event))
    assert [tz.tzid.value for tz in parsed.vtimezone_list] == zones
    start = parsed.vevent.dtstart.value
    assert start.astimezone(UTC) == dt.datetime(2025, 3, 10, 5, 0, tzinfo=UTC)


def test_open_ended_berlin_keeps_its_current_rules_without_until():
    subs = observances(timezone_component("Europe/Berlin", dt.date(2024, 1, 1), None))
    open_rules = [(sub.name, sub["RRULE"]["BYMONTH"]) for sub in subs if "RRULE" in sub and "UNTIL" not in sub["RRULE"]]
    assert sorted(open_rules) == [("DAYLIGHT", [3]), ("STANDARD", [10])]
    reader_zone = read_with_tzical("Europe/Berlin", dt.date(2024, 1, 1), None)
    assert dt.datetime(2090, 7, 1, 12, tzinfo=reader_zone).utcoffset() == dt.timedelta(hours=2)
    assert dt.datetime(2090, 12, 1, 12, tzinfo=reader_zone).utcoffset() == dt.timedelta(hours=1)


def test_berlin_before_1996_ends_summer_time_in_september_then_in_october():
    component = timezone_component("Europe/Berlin", dt.date(1990, 1, 1), dt.date(1995, 12, 31))
    subs = observances(component)
    standard = [sub for sub in subs if sub.name == "STANDARD"]
    september = [sub for sub in standard if sub["DTSTART"].dt.month == 9]
    october = [sub for sub in standard if sub["DTSTART"].dt.month == 10]
    assert onsets(september[0])[-1] == dt.datetime(1995, 9, 24, 3, 0)
    assert september[0]["RRULE"]["UNTIL"][0] < dt.datetime(1996, 9, 29, 1, tzinfo=UTC)
    assert onsets(october[0])[0] == dt.datetime(1996, 10, 27, 3, 0)


def test_new_york_open_ended_uses_the_2007_rules_second_sunday_of_march_first_of_november():
    subs = observances(timezone_component("America/New_York", dt.date(2024, 1, 1), None))
    open_rules = sorted(
        (sub.name, sub["RRULE"]["BYMONTH"], sub["RRULE"]["BYDAY"], sub["DTSTART"].dt.time())
        for sub in subs
        if "RRULE" in sub
    )
    assert open_rules == [("DAYLIGHT", [3], ["2SU"], dt.time(2)), ("STANDARD", [11], ["1SU"], dt.time(2))]


def test_dublin_summer_time_is_daylight_although_the_data_uses_negative_dst():
    subs = observances(timezone_component("Europe/Dublin", dt.date(2024, 1, 1), None))
    kinds = {str(sub["TZNAME"]): sub.name for sub in subs}
    assert kinds == {"IST": "DAYLIGHT", "GMT": "STANDARD"}


def test_a_zone_that_abolished_summer_time_has_no_open_ended_rule():
    subs = observances(timezone_component("America/Sao_Paulo", dt.date(2015, 1, 1), None))
    assert all("UNTIL" in sub["RRULE"] for sub in subs if "RRULE" in sub)
    reader_zone = read_with_tzical("America/Sao_Paulo", dt.date(2015, 1, 1), None)
    for year in (2030, 2090):
        for month in (1, 7):
            local = dt.datetime(year, month, 15, 12, tzinfo=reader_zone)
            assert local.utcoffset() == dt.timedelta(hours=-3)


@pytest.mark.parametrize(
    ("tzid", "offset"), [("Asia/Kolkata", dt.timedelta(hours=5, minutes=30)), ("Etc/GMT+5", dt.timedelta(hours=-5))]
)
def test_a_zone_without_nearby_transitions_gets_one_standard_observance(tzid, offset):
    (only,) = observances(timezone_component(tzid, dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
    assert only.name == "STANDARD"
    assert only["TZOFFSETTO"].td == offset
    assert only["DTSTART"].dt <= dt.datetime(1970, 1, 1)


def test_a_window_before_the_first_transition_starts_with_the_initial_offset():
    component = timezone_component("Europe/Berlin", dt.date(1880, 1, 1), dt.date(1895, 12, 31))
    subs = observances(component)
    local_mean_time = dt.timedelta(minutes=53, seconds=28)
    assert [sub["TZOFFSETTO"].td for sub in subs] == [local_mean_time, dt.timedelta(hours=1)]
    assert subs[0]["DTSTART"].dt <= dt.datetime(1880, 1, 1)
    assert subs[1]["DTSTART"].dt == dt.datetime(1893, 4, 1, 0, 0)


def test_building_twice_gives_identical_bytes():
    built = [timezone_component(tzid, first, last).to_ical() for tzid, first, last in WINDOWS]
    vtimezone._observances.cache_clear()
    rebuilt = [timezone_component(tzid, first, last).to_ical() for tzid, first, last in WINDOWS]
    assert rebuilt == built


def run_in_subprocess(env_overrides: dict[str, str]) -> bytes:
    script = (
        "import datetime as dt, sys\n"
        "from calendar_svc.ical.vtimezone import timezone_component\n"
        "for tzid in ['Europe/Berlin', 'America/New_York']:\n"
        "    component = timezone_component(tzid, dt.date(1990, 1, 1), None)\n"
        "    sys.stdout.buffer.write(component.to_ical())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "random", **env_overrides}
    return subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True).stdout


def expected_subprocess_output() -> bytes:
    return b"".join(
        timezone_component(tzid, dt.date(1990, 1, 1), None).to_ical() for tzid in ["Europe/Berlin", "America/New_York"]
    )


def test_another_process_produces_identical_bytes():
    assert run_in_subprocess({}) == expected_subprocess_output()


def test_slim_tzdata_files_give_the_same_bytes_as_the_system_database():
    # With an empty search path zoneinfo reads the tzdata package, whose files
    # stop at 1996 for Berlin and leave later years to the recurring rule.
    assert run_in_subprocess({"PYTHONTZPATH": ""}) == expected_subprocess_output()


@pytest.mark.parametrize(
    "tzid",
    ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago", "Asia/Jerusalem", "Europe/Dublin"],
)
def test_rules_sampled_after_the_stored_transitions_give_the_same_component(tzid, monkeypatch):
    expected = timezone_component(tzid, dt.date(1995, 1, 1), None).to_ical()
    stored, _ = vtimezone._stored_instants(tzid)
    cutoff = instant_of(dt.date(1997, 6, 1))
    truncated = (tuple(t for t in stored if t < cutoff), True)
    monkeypatch.setattr(vtimezone, "_stored_instants", lambda _: truncated)
    vtimezone._observances.cache_clear()
    assert timezone_component(tzid, dt.date(1995, 1, 1), None).to_ical() == expected


def test_each_call_returns_a_component_the_caller_may_change():
    first = timezone_component("Europe/Berlin", dt.date(2024, 1, 1), None)
    expected = first.to_ical()
    first.subcomponents.clear()
    first["TZID"] = "Changed"
    assert timezone_component("Europe/Berlin", dt.date(2024, 1, 1), None).to_ical() == expected


@pytest.mark.parametrize("tzid", ["Mars/Olympus_Mons", "", "Europe", "../etc/passwd", "/etc/localtime"])
def test_an_unknown_zone_raises_value_error(tzid):
    with pytest.raises(ValueError):
        timezone_component(tzid, dt.date(2024, 1, 1), None)


def test_a_last_date_before_the_first_raises_value_error():
    with pytest.raises(ValueError):
        timezone_component("Europe/Berlin", dt.date(2024, 1, 2), dt.date(2024, 1, 1))
