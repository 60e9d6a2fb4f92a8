"""What the service publishes for each catalog version, as bytes with an ETag.

``urls`` is the one place that knows public paths. ``rendition`` holds what one
catalog version publishes for one origin and language: it takes each event's
VEVENT block and JSON object from the ``memo`` (rendered once per content),
joins feeds from them (``feeds``, which also moves past years that do not fit a
feed's size budget to yearly archives), writes the JSON API through ``documents`` and the Atom
feeds of changes through ``atom``, and makes resources ahead of requests.
``resource`` is a body with its type, ETag and gzip copy;
``selection`` validates filters; ``render_cache`` makes each value once per key
and keeps the last few; ``sitemap`` lists every page in every language.
"""
