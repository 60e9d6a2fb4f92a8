"""Serving the renditions over HTTP: the store and its reloading (``store``, ``watch``), conditional
responses (``conditional``), the lean path for repeat requests (``response_cache``), request checks and
security headers (``security``), and the production server with its access lines (``server``)."""
