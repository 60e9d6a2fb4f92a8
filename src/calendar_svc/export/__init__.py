"""The static export: the whole public site as files, for nginx, a CDN or any static host.

``build`` runs a build (``export_site``), its URLs written in parts, in this
process or in pools of forked ones, with plain values in and out; ``crawl``
fetches pages through the app and follows their links; ``files`` says which
file serves each URL and writes the changed ones to a staging folder;
``placing`` puts a finished build's files in place. A build records each
file's ETag as the app sent it; a rebuild asks for each URL with that ETag and
keeps the earlier file when the app answers 304. A page's ETag
is the digest of its template and the context it receives
(``web.page_digest``), so an unchanged page is not rendered again.
"""

from .build import Export, export_site, seed_urls
from .crawl import OffSite, internal_target, links_in, quick_target
from .files import CONTENT_TYPES, MANIFEST, file_for

__all__ = [
    "CONTENT_TYPES", "MANIFEST", "Export", "OffSite", "export_site", "file_for", "internal_target", "links_in",
    "quick_target", "seed_urls",
]  # fmt: skip
