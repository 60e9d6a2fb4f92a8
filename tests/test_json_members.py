"""Decoding the revision record member by member gives what json.loads gives, errors included."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_svc.catalog.json_members import loads_by_member
from calendar_svc.catalog.revisions import parse_record

from .conftest import BUNDLED_EVENTS

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
values = st.recursive(scalars, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=20)
documents = st.dictionaries(st.text(), values) | st.fixed_dictionaries(
    {"events": st.dictionaries(st.text(), values), "format": st.integers()}
)


@settings(max_examples=300)
@given(document=documents, indent=st.sampled_from([None, 0, 1, "\t", " \r\n "]), ascii=st.booleans())
def test_any_object_decodes_as_json_loads_decodes_it(document, indent, ascii):
    raw = json.dumps(document, indent=indent, ensure_ascii=ascii).encode()

    assert loads_by_member(raw, open_members=("events",)) == json.loads(raw)


def test_the_bundled_revision_record_decodes_as_json_loads_decodes_it():
    raw = (BUNDLED_EVENTS / "revisions.json").read_bytes()

    assert loads_by_member(raw, open_members=("events",)) == json.loads(raw)


def test_a_key_that_many_entries_have_is_one_string_in_memory_as_with_json_loads():
    raw = (BUNDLED_EVENTS / "revisions.json").read_bytes()

    entries = list(loads_by_member(raw, open_members=("events",))["events"].values())
    one = {id(key) for entry in entries for key in entry["fields"] if key == "title"}
    assert len(entries) > 50
    assert len(one) == 1  # not one copy of "title" per event: 14 MB at 10,000 events


@pytest.mark.parametrize("decoding", ["the document", "the revision record"])
def test_each_event_entry_is_decoded_in_a_call_of_its_own(monkeypatch, decoding):
    from calendar_svc.catalog import json_members

    raw = (BUNDLED_EVENTS / "revisions.json").read_bytes()
    longest = [0]
    decode = json_members.DECODER.raw_decode

    def measured(text, index):
        value, end = decode(text, index)
        longest.append(end - index)
        return value, end

    monkeypatch.setattr(json_members.DECODER, "raw_decode", measured)
    if decoding == "the document":
        loads_by_member(raw, open_members=("events",))
    else:
        assert len(parse_record(raw).entries) == 80

    assert 0 < max(longest) < len(raw) / 20  # no call decodes the events object whole


@pytest.mark.parametrize(
    "raw",
    [
        b"", b"  ", b"{", b"{}}", b"{} x", b'{"a" 1}', b'{"a": 1,}', b'{"a": 1 "b": 2}', b"{'a': 1}",
        b'{"events": {"x": }}', b'{"events": {"x": 1,}}', b'{"events": {1: 2}}', b'{"events": [1, 2}',
        b"\xef\xbb\xbf{}", b'{"a": tru}', b"[1, 2", b"nul",
    ],
)  # fmt: skip
def test_broken_documents_raise_json_decode_errors(raw):
    with pytest.raises(json.JSONDecodeError):
        json.loads(raw.decode("utf-8", "replace"))
    with pytest.raises(json.JSONDecodeError):
        loads_by_member(raw, open_members=("events",))


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"text"', b"3", b"null"])
def test_a_top_level_that_is_not_an_object_decodes_as_it_is(raw):
    assert loads_by_member(raw, open_members=("events",)) == json.loads(raw)
