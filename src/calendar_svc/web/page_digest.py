"""A page's ETag from what it is rendered from, known before it is rendered.

A page's bytes are a function of its template, the context the template
receives, and the code, templates, translations and libraries that render it
(``code_digest``). ``page_etag`` digests exactly these, so a client (or a
rebuild of the static export) whose copy is current is answered 304 without
rendering, and a page whose context changes in any way gets a new ETag: no
second list of what a page shows can be forgotten.

``canonical`` writes a context as text that is the same in every process
(hash seeds differ): dataclasses by their compared fields, dicts in their
order, sets sorted, dates, enums and functions of this package by name. It
refuses any other value rather than guess at its text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import types
from collections.abc import Callable
from functools import cache

from markupsafe import Markup

from ..code_digest import code_digest

FORMAT = "1"  # of the canonical text: a new one gives every page a new ETag


def page_etag(template: str, context: dict) -> str:
    """The ETag of the page ``template`` renders from ``context`` (the whole of what it receives)."""
    text = canonical({"format": FORMAT, "code": code_digest(), "template": template, "context": context})
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def canonical(value: object) -> str:
    """``value`` as text that equal values share, in every process; TypeError for a value of an
    unknown kind."""
    parts: list[str] = []
    _write(value, parts.append)
    return "".join(parts)


def _write(value: object, out: Callable[[str], None]) -> None:
    kind = type(value)
    if kind is str:  # most values: a quick way past the table
        out(f"s{len(value)}:{value}")
        return
    writer = _WRITERS.get(kind) or _writer_for(kind)
    writer(value, out)


def _writer_for(kind: type) -> Callable[[object, Callable[[str], None]], None]:
    """The writer of an enum's or dataclass's values (kept for the next value of ``kind``), or of a
    function of this package; TypeError for anything else."""
    name = f"{kind.__module__}.{kind.__qualname__}"
    if issubclass(kind, enum.Enum):
        writer = lambda value, out: out(f"e{name}.{value.name};")  # noqa: E731
    elif dataclasses.is_dataclass(kind):
        fields = _compared_fields(kind)

        def writer(value, out) -> None:
            out(f"o{name}{{")
            for field in fields:
                _write(getattr(value, field), out)
            out("}")
    elif kind is types.FunctionType:
        return _function
    else:
        raise TypeError(f"a page's context holds a {name}, which has no canonical text")
    _WRITERS[kind] = writer
    return writer


def _function(value: types.FunctionType, out: Callable[[str], None]) -> None:
    if not value.__module__.startswith("calendar_svc."):
        name = f"{value.__module__}.{value.__qualname__}"
        raise TypeError(f"a page's context holds {name}, a function of another package, which has no canonical text")
    out(f"F{value.__module__}.{value.__qualname__};")  # its code is in the code digest


@cache
def _compared_fields(kind: type) -> tuple[str, ...]:
    """The fields that make a dataclass's equality (not caches, indexes or the source's digest)."""
    return tuple(field.name for field in dataclasses.fields(kind) if field.compare)


def _sequence(tag: str) -> Callable[[object, Callable[[str], None]], None]:
    def write(value, out) -> None:
        out(f"{tag}{len(value)}[")
        for item in value:
            _write(item, out)
        out("]")

    return write


def _mapping(value: dict, out: Callable[[str], None]) -> None:
    out(f"m{len(value)}{{")  # in its order: a template shows them in that order
    for key, item in value.items():
        _write(key, out)
        _write(item, out)
    out("}")


def _set(value: set | frozenset, out: Callable[[str], None]) -> None:
    items = sorted(canonical(item) for item in value)  # in no order of their own: sorted
    out(f"S{len(items)}[{''.join(items)}]")


def _datetime(value: dt.datetime, out: Callable[[str], None]) -> None:
    out(f"t{value.isoformat()}@{value.tzinfo};")  # the zone's name too: pages may show it


_WRITERS: dict[type, Callable[[object, Callable[[str], None]], None]] = {
    str: lambda value, out: out(f"s{len(value)}:{value}"),
    Markup: lambda value, out: out(f"M{len(value)}:{value}"),  # not escaped: other bytes than a str's
    int: lambda value, out: out(f"i{value};"),
    bool: lambda value, out: out("T" if value else "F"),
    type(None): lambda value, out: out("N"),
    float: lambda value, out: out(f"f{value!r};"),
    bytes: lambda value, out: out(f"b{value.hex()};"),
    dt.date: lambda value, out: out(f"d{value.isoformat()};"),
    dt.datetime: _datetime,
    dt.time: lambda value, out: out(f"h{value.isoformat()}@{value.tzinfo};"),
    dt.timedelta: lambda value, out: out(f"D{value.days},{value.seconds},{value.microseconds};"),
    list: _sequence("l"),
    tuple: _sequence("u"),
    dict: _mapping,
    set: _set,
    frozenset: _set,
}
