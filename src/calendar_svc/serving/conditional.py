"""Conditional HTTP responses: ETag, Last-Modified, Cache-Control, gzip and 304.

``names_etag`` is the one ETag comparison: Flask views and the response cache
ask it whether a client's copy is current. A resource's ETag is sent as it is,
or with "-gz" for its gzip copy.
"""

from __future__ import annotations

from flask import Response, request
from werkzeug.datastructures import ETags
from werkzeug.http import http_date

from ..publish.resource import Resource

FEED_MAX_AGE = 900
PAGE_MAX_AGE = 300
RESOURCE_KEY = "calendar_svc.resource"  # the WSGI environ key under which a view leaves what it answered with


def accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def names_etag(if_none_match: ETags, etag: str) -> bool:
    """True when If-None-Match names ``etag`` or its gzip copy's (weak comparison, RFC 9110 13.1.2)."""
    return if_none_match.star_tag or if_none_match.contains_weak(etag) or if_none_match.contains_weak(f"{etag}-gz")


def validated_response(etag: str, last_modified, max_age: int, status: int = 200) -> Response:
    """A response with the validators and caching headers of a resource whose ETag is ``etag``, written as they are
    sent (a third of the time werkzeug's header objects take, on every answer Flask makes)."""
    sent = f'"{etag}-gz"' if accepts_gzip() else f'"{etag}"'
    cache = {"Cache-Control": f"public, max-age={max_age}", "Vary": "Accept-Encoding"}
    return Response(status=status, headers={"ETag": sent, "Last-Modified": http_date(last_modified), **cache})


def resource_response(resource: Resource, max_age: int = FEED_MAX_AGE) -> Response:
    """Answer GET/HEAD with the resource, or 304 when the client's copy is current."""
    gz = accepts_gzip()
    response = validated_response(resource.etag, resource.last_modified, max_age)
    request.environ[RESOURCE_KEY] = (resource, gz)

    if request.if_none_match:
        fresh = names_etag(request.if_none_match, resource.etag)
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
    response.set_data(resource.gzipped if gz else resource.body)
    return response
