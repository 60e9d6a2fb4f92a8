"""A page's ETag from what it is rendered from, known before it is rendered.

A page's bytes are a function of its template, the context the template receives, and the code, templates,
translations and libraries that render it (``code_digest``). ``page_etag`` digests exactly these, so a client
(or a rebuild of the static export) whose copy is current is answered 304 without rendering, and a page whose
context changes in any way gets a new ETag: no second list of what a page shows can be forgotten. So a context
holds what a page is made from; what follows from it is worked out as the template asks (``EventRow``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import types
from collections.abc import Callable
from functools import cache

from markupsafe import Markup

from ..catalog.model import Event
from ..code_digest import code_digest

# Values whose repr is the same in every process and differs wherever the value or its type does
# (a Markup's from a str's: it is not escaped; a datetime's names its zone: pages may show it).
_BY_REPR = frozenset({str, Markup, int, bool, float, bytes, type(None), dt.date, dt.datetime, dt.time, dt.timedelta})


def page_etag(template: str, context: dict) -> str:
    """The ETag of the page ``template`` renders from ``context`` (the whole of what it receives)."""
    text = canonical({"code": code_digest(), "template": template, "context": context})
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def canonical(value: object) -> str:
    """``value`` as text that equal values share in every process (hash seeds differ): plain values and enums by
    their ``repr`` (which names their type), dataclasses by their compared fields (an event read from a file by its
    ``content_key``), lists and dicts in their order, sets sorted, functions of this package by name. TypeError for
    any other kind, rather than a guess at its text."""
    parts: list[str] = []
    _write(value, parts.append)
    return "".join(parts)


def _write(value: object, out: Callable[[str], None]) -> None:
    kind = type(value)
    if kind in _BY_REPR or isinstance(value, enum.Enum):
        out(f"{value!r};")
    elif kind is list or kind is tuple:
        out(f"{kind.__name__}{len(value)}[")  # in its order: a template shows it in that order
        for item in value:
            _write(item, out)
        out("]")
    elif kind is dict:
        out(f"dict{len(value)}[")  # in its order too
        for key, item in value.items():
            _write(key, out)
            _write(item, out)
        out("]")
    elif kind is set or kind is frozenset:  # in no order of its own: sorted
        out(f"set{len(value)}[{''.join(sorted(canonical(item) for item in value))}]")
    elif dataclasses.is_dataclass(kind):
        _write_dataclass(value, out)
    elif kind is types.FunctionType and value.__module__.startswith("calendar_svc."):
        out(f"{value.__module__}.{value.__qualname__};")  # its code is in the code digest
    else:
        raise TypeError(f"a page's context holds a {kind.__module__}.{kind.__qualname__}, which has no canonical text")


def _write_dataclass(value: object, out: Callable[[str], None]) -> None:
    kind = type(value)
    out(f"{kind.__module__}.{kind.__qualname__}[")
    if kind is Event and value.source:  # read from a file: its content key stands for every field
        _write(value.content_key, out)
    else:
        for field in _compared_fields(kind):
            _write(getattr(value, field), out)
    out("]")


@cache
def _compared_fields(kind: type) -> tuple[str, ...]:
    """The fields that make a dataclass's equality (not caches, indexes or the source's digest)."""
    return tuple(field.name for field in dataclasses.fields(kind) if field.compare)
