"""Render once per key, keep the last few: the one cache for renditions, filtered feeds and pages.

A value missing from the cache is made once: concurrent callers asking for the same key wait for that one render
instead of each rendering it again, and callers asking for other keys are never held up by it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from threading import Lock
from typing import Generic, TypeVar

V = TypeVar("V")


class RenderCache(Generic[V]):
    """Values by key, made on first request; beyond ``size`` the least recently used go first."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._rendering: dict[Hashable, Lock] = {}
        self._lock = Lock()

    def get(self, key: Hashable, make: Callable[[], V], keep: Callable[[V], bool] = lambda value: True) -> V:
        """The value for ``key``, made by ``make()`` if missing; kept only if ``keep(value)``."""
        with self._lock:
            found = self._lookup(key)
            if found is not None:
                return found
            rendering = self._rendering.setdefault(key, Lock())
        try:
            with rendering:
                with self._lock:
                    found = self._lookup(key)
                if found is None:
                    found = make()
                    if keep(found):
                        with self._lock:
                            self._values[key] = found
                            while len(self._values) > self.size:
                                self._values.popitem(last=False)
        finally:  # also when ``make`` fails: the next caller tries again
            with self._lock:
                self._rendering.pop(key, None)
        return found

    def items_by_use(self) -> list[tuple[Hashable, V]]:
        """(key, value) pairs from least to most recently used, without counting them as used."""
        with self._lock:
            return list(self._values.items())

    def replace(self, items: Iterable[tuple[Hashable, V]]) -> None:
        """Drop everything and keep ``items`` instead (in that order of use)."""
        with self._lock:
            self._values = OrderedDict(items)

    def _lookup(self, key: Hashable) -> V | None:
        found = self._values.get(key)
        if found is not None:
            self._values.move_to_end(key)
        return found
