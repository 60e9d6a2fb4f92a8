"""The static export: the whole public site as files, for nginx, a CDN or any static host.

``build`` runs a build (``export_site``), in parts, in this process or in pools
of forked ones; ``crawl`` fetches pages through the app and follows their
links; ``files`` says which file serves each URL, writes the changed ones to a
staging folder and records their ETags, so a rebuild keeps a file the app
answers 304 for; ``placing`` puts a finished build's files in place.
"""

from .build import Export, export_site, seed_urls
from .crawl import OffSite, internal_target, links_in, quick_target
from .files import CONTENT_TYPES, MANIFEST, file_for

__all__ = [
    "CONTENT_TYPES", "MANIFEST", "Export", "OffSite", "export_site", "file_for", "internal_target", "links_in",
    "quick_target", "seed_urls",
]  # fmt: skip
