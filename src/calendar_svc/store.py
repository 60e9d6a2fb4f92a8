"""The catalog the running app serves, and its renditions per base URL."""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from .model import Catalog
from .published import Rendition

RENDITIONS_KEPT = 4  # distinct public origins kept rendered at once


class CatalogStore:
    """Holds the current catalog; swapping it in is one atomic assignment."""

    def __init__(self, catalog: Catalog):
        self._catalog = catalog
        self._renditions: OrderedDict[tuple[str, str], Rendition] = OrderedDict()
        self._lock = Lock()

    @property
    def catalog(self) -> Catalog:
        return self._catalog

    def replace(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def rendition(self, base_url: str, catalog: Catalog | None = None) -> Rendition:
        """Rendered bytes for the catalog (the current one by default) and base URL."""
        catalog = catalog or self._catalog
        key = (catalog.version, base_url)
        with self._lock:
            found = self._renditions.get(key)
            if found is not None and found.catalog is catalog:
                self._renditions.move_to_end(key)
                return found
            rendition = Rendition(catalog, base_url)
            self._renditions[key] = rendition
            while len(self._renditions) > RENDITIONS_KEPT:
                self._renditions.popitem(last=False)
            return rendition
