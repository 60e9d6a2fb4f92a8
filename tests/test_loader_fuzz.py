"""Whatever an editor writes, the loader answers with a catalog or with problem lines: never another exception."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_svc.catalog.event_file import EVENT_FIELDS
from calendar_svc.catalog.loading import load_catalog
from calendar_svc.catalog.model import Catalog
from calendar_svc.errors import CatalogError, Problem

from .conftest import SMALL
from .toml_text import toml_document

SETTINGS = (SMALL / "calendars.toml").read_bytes()
VALID_EVENT = (SMALL / "timed-astana-2025.toml").read_bytes()

OFFSETS = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
SCALARS = st.one_of(
    st.text(max_size=30),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=OFFSETS),
    st.times(),
    st.sampled_from(["2023", "2023-13", "2023-02-30", "FREQ=WEEKLY", "RRULE:FREQ=DAILY;COUNT=0", "FREQ=YEARLY;BYMONTH=13",
                     "FREQ=MONTHLY;BYMONTHDAY=31;COUNT=999999999", "Asia/Almaty", "Nowhere/City", "visits", "KZ", "XX",
                     "https://", "http://[::1", "mailto:a@b", "confirmed", "", " ", "\t"]),
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)
FIELD_NAMES = st.one_of(st.sampled_from(EVENT_FIELDS), st.text(min_size=1, max_size=12))


def load_with(files: dict[str, bytes]) -> Catalog | CatalogError:
    """Load a directory holding ``files`` (name -> bytes); return the catalog or the CatalogError."""
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        for name, data in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        try:
            return load_catalog(root)
        except CatalogError as error:
            for problem in error.problems:
                assert isinstance(problem, Problem)
                assert problem.path.startswith(directory) or problem.path == str(root)
                assert "\n" not in str(problem), str(problem)
                assert "\r" not in str(problem), str(problem)
                assert problem.message
            return error


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_as_an_event_file_give_problem_lines(data):
    result = load_with({"calendars.toml": SETTINGS, "event.toml": data})
    assert isinstance(result, Catalog) or result.problems


@settings(max_examples=150, deadline=None)
@given(cut=st.integers(0, len(VALID_EVENT)), length=st.integers(0, 20), insert=st.binary(max_size=12))
def test_a_valid_event_file_edited_at_random_gives_a_catalog_or_problem_lines(cut, length, insert):
    data = VALID_EVENT[:cut] + insert + VALID_EVENT[cut + length :]
    result = load_with({"calendars.toml": SETTINGS, "edited-event.toml": data})
    assert isinstance(result, Catalog) or result.problems


@settings(max_examples=200, deadline=None)
@given(table=st.dictionaries(FIELD_NAMES, VALUES, max_size=8))
def test_any_toml_table_as_an_event_gives_a_catalog_or_problem_lines(table):
    result = load_with({"calendars.toml": SETTINGS, "event.toml": toml_document(table).encode()})
    assert isinstance(result, Catalog) or result.problems


@settings(max_examples=100, deadline=None)
@given(
    field=st.sampled_from(EVENT_FIELDS),
    value=VALUES,
    precision=st.sampled_from([dt.date(2023, 6, 8), dt.datetime(2023, 6, 8, 10, 0), "2023-06", "2023"]),
)
def test_a_wrong_type_in_any_field_of_a_valid_event_is_reported_for_that_file(field, value, precision):
    table = {"title": "A meeting", "category": "visits", "start": precision, "timezone": "Asia/Almaty"}
    if not isinstance(precision, dt.datetime):
        del table["timezone"]
    table[field] = value
    result = load_with({"calendars.toml": SETTINGS, "sub/wrong-type.toml": toml_document(table).encode()})
    if isinstance(result, CatalogError):
        assert all(p.path.endswith("wrong-type.toml") for p in result.problems)


@settings(max_examples=100, deadline=None)
@given(
    site=st.dictionaries(
        st.sampled_from(
            [
                "title",
                "description",
                "uid_domain",
                "publisher_name",
                "publisher_uri",
                "refresh_interval",
                "revised",
                "other",
            ]
        ),
        VALUES,
        max_size=8,
    ),
    calendars=VALUES,
)
def test_any_settings_file_gives_a_catalog_or_problem_lines(site, calendars):
    settings_text = toml_document({"site": site, "calendars": calendars})
    result = load_with({"calendars.toml": settings_text.encode(), "event.toml": VALID_EVENT})
    assert isinstance(result, Catalog) or result.problems


def test_empty_files_and_nul_bytes_are_problems_while_hidden_and_draft_files_are_skipped():
    result = load_with(
        {"calendars.toml": b"", "2023/.hidden.toml": b"\xff", "2023/#draft.toml": b"x", "a.toml": b"\x00"}
    )
    assert isinstance(result, CatalogError)
    assert len(result.problems) == 2


def test_a_url_that_python_cannot_even_split_is_a_problem_line():
    text = 'title = "T"\ncategory = "visits"\nstart = 2023-06-08\nurl = "http://[::1"\nsources = ["A://["]\n'
    result = load_with({"calendars.toml": SETTINGS, "bad-url.toml": text.encode()})
    assert [str(p).split(": ", 1)[1] for p in result.problems] == [
        "sources: 'A://[' is not an http or https URL",
        "url: 'http://[::1' is not an http or https URL",
    ]
