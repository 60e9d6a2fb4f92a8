"""The static export: the whole public site as files, for nginx, a CDN or any static host.

``build`` runs a build (``export_site``), in parts, in this process or in pools
of forked ones; ``crawl`` fetches pages through the app and follows their
links; ``files`` says which file serves each URL, writes the changed ones to a
staging folder and records their ETags, so a rebuild keeps a file the app
answers 304 for; ``placing`` puts a finished build's files in place.
"""

from .build import Export, export_site
from .files import CONTENT_TYPES

__all__ = ["CONTENT_TYPES", "Export", "export_site"]
