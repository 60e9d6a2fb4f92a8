"""Conditional HTTP responses: ETag, Last-Modified, Cache-Control, gzip and 304.

``is_current`` is the one ETag comparison: Flask views and the response cache
both ask it whether a client's copy is current.
"""

from __future__ import annotations

from flask import Response, request
from werkzeug.datastructures import ETags

from ..publish.resource import Resource

FEED_MAX_AGE = 900
PAGE_MAX_AGE = 300
RESOURCE_KEY = "calendar_svc.resource"  # the WSGI environ key under which a view leaves what it answered with


def accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def etag_of(resource: Resource, gzipped: bool) -> str:
    """The ETag sent for the resource: its hash, with "-gz" for the gzip copy."""
    return f"{resource.etag}-gz" if gzipped else resource.etag


def is_current(if_none_match: ETags, resource: Resource) -> bool:
    """True when If-None-Match names either copy of the resource (weak comparison, RFC 9110 13.1.2)."""
    return (
        if_none_match.star_tag
        or if_none_match.contains_weak(etag_of(resource, False))
        or if_none_match.contains_weak(etag_of(resource, True))
    )


def resource_response(resource: Resource, max_age: int = FEED_MAX_AGE) -> Response:
    """Answer GET/HEAD with the resource, or 304 when the client's copy is current."""
    gz = accepts_gzip()
    response = Response(status=200)
    response.set_etag(etag_of(resource, gz))
    response.last_modified = resource.last_modified
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.vary.add("Accept-Encoding")
    request.environ[RESOURCE_KEY] = (resource, gz)

    if request.if_none_match:
        fresh = is_current(request.if_none_match, resource)
    else:
        fresh = request.if_modified_since is not None and resource.last_modified <= request.if_modified_since
    if fresh:
        response.status_code = 304
        return response

    response.content_type = resource.content_type
    if resource.filename:
        kind = "attachment" if resource.attachment else "inline"
        response.headers["Content-Disposition"] = f'{kind}; filename="{resource.filename}"'
    if gz:
        response.headers["Content-Encoding"] = "gzip"
        response.set_data(resource.gzipped)
    else:
        response.set_data(resource.body)
    return response
