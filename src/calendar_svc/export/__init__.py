"""The static export (docs/architecture.md, "Subpackages"): ``build`` runs a build, ``crawl`` fetches pages and
follows their links, ``files`` writes them and keeps the build's record, ``placing`` puts a finished build in place."""

from .build import Export, export_site
from .files import CONTENT_TYPES

__all__ = ["CONTENT_TYPES", "Export", "export_site"]
