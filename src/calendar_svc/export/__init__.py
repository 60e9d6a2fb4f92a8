"""The static export: the whole public site as files, for nginx, a CDN or any static host.

``build`` runs a build (``export_site``), ``workers`` shares its pages out to
forked processes, ``crawl`` fetches pages and follows their links, ``files``
says which file serves each URL and puts a build's files in place, and
``page_inputs`` records what each event page, event file and month view was
made from, so that a rebuild takes unchanged ones without rendering them.
"""

from .build import Export, archive_years, export_site, seed_urls
from .crawl import OffSite, crawl, internal_target, links_in, quick_target
from .files import CONTENT_TYPES, MANIFEST, file_for, write_files

__all__ = [
    "CONTENT_TYPES", "MANIFEST", "Export", "OffSite", "archive_years", "crawl", "export_site", "file_for",
    "internal_target", "links_in", "quick_target", "seed_urls", "write_files",
]  # fmt: skip
