"""What the service publishes per catalog version, as bytes with an ETag (docs/architecture.md, "Subpackages"):
``urls``, ``memo``, ``rendition``, ``feeds``, ``documents``, ``atom``, ``sitemap``, ``selection``, ``resource`` and
``render_cache``."""
