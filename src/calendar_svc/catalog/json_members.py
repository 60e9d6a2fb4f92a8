"""Decoding a large JSON document one object member at a time.

``json.loads`` decodes a whole document in one call, during which no other
thread of the process runs: the 10 MB revision record of 10,000 events takes
about 90 ms, which every request a server worker receives meanwhile waits
for. ``loads_by_member`` gives the same result, but decodes the members of the
objects it is told to open one by one (a few microseconds each), so the
interpreter can switch threads between them. Each call of json's decoder
shares equal keys only within what it decodes, so ``loads_by_member`` shares
them across its calls: at 10,000 events a record's keys would otherwise take
14 MB more than ``json.loads`` gives.
"""

from __future__ import annotations

import json
import re
from collections.abc import Container

SPACE = re.compile(r"[ \t\n\r]*")
DECODER = json.JSONDecoder()


def loads_by_member(raw: bytes, open_members: Container[str] = ()) -> object:
    """``json.loads(raw)`` of a UTF-8 document whose top level is an object; each top-level member
    named in ``open_members`` whose value is an object is decoded member by member too.
    Raises ``json.JSONDecodeError`` (or ``UnicodeDecodeError``) as ``json.loads`` would."""
    text = raw.decode("utf-8")
    if text.startswith("\ufeff"):
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    keys: dict[str, str] = {}  # one string for each key, however many objects have it
    decoder = json.JSONDecoder(object_pairs_hook=lambda pairs: {keys.setdefault(k, k): v for k, v in pairs})

    def member(key: str, index: int) -> tuple[object, int]:
        if key in open_members and text.startswith("{", index):
            return decode_object(text, index, lambda _, at: decoder.raw_decode(text, at))
        return decoder.raw_decode(text, index)

    document, end = decode_object(text, skip_space(text, 0), member)
    end = skip_space(text, end)
    if end != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return document


def decode_object(text: str, index: int, decode_value) -> tuple[dict, int]:
    """The object at ``text[index]`` and the index after it; ``decode_value(key, index)`` decodes
    each member's value at ``index`` (no space before it) and returns it with the index after it."""
    if not text.startswith("{", index):
        return DECODER.raw_decode(text, index)  # not an object: json's own error, or its value
    found: dict = {}
    index = skip_space(text, index + 1)
    if text.startswith("}", index):
        return found, index + 1
    while True:
        if not text.startswith('"', index):
            raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, index)
        key, index = DECODER.raw_decode(text, index)
        index = skip_space(text, index)
        if not text.startswith(":", index):
            raise json.JSONDecodeError("Expecting ':' delimiter", text, index)
        found[key], index = decode_value(key, skip_space(text, index + 1))
        index = skip_space(text, index)
        if text.startswith("}", index):
            return found, index + 1
        if not text.startswith(",", index):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, index)
        index = skip_space(text, index + 1)


def skip_space(text: str, index: int) -> int:
    return SPACE.match(text, index).end()
