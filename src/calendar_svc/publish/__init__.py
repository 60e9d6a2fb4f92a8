"""One rendition per catalog version: every feed, archive and JSON document as bytes with an ETag.

``urls`` is the one place that knows public paths; ``rendition`` renders and
keeps everything for one catalog and origin, with ``budget`` deciding which
past years move to archives, ``documents`` writing the JSON, ``selection``
validating filters, and ``render_cache`` keeping what is rendered on demand.
"""
