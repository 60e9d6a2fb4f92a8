"""Conditional HTTP responses: ETag, Last-Modified, Cache-Control, gzip and 304."""

from __future__ import annotations

from flask import Response, request

from .published import Resource

FEED_MAX_AGE = 900
PAGE_MAX_AGE = 300


def accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def etag_matches(header_etags, etag: str) -> bool:
    """Weak comparison, as RFC 9110 asks for If-None-Match."""
    return header_etags.star_tag or header_etags.contains_weak(etag)


def resource_response(resource: Resource, max_age: int = FEED_MAX_AGE) -> Response:
    """Answer GET/HEAD with the resource, or 304 when the client's copy is current."""
    gz = accepts_gzip()
    etag = f"{resource.etag}-gz" if gz else resource.etag
    response = Response(status=200)
    response.set_etag(etag)
    response.last_modified = resource.last_modified
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.vary.add("Accept-Encoding")

    if request.if_none_match:
        fresh = etag_matches(request.if_none_match, resource.etag) or etag_matches(
            request.if_none_match, f"{resource.etag}-gz"
        )
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
