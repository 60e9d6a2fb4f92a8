"""Serving the renditions over HTTP: store and reload, watching, conditional responses, caching, security."""
