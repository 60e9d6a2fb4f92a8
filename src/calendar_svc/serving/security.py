"""Security headers on every response, and a first check of every request (docs/urls.md, "Request checks").

Each refusal is an ordinary HTTP error (4xx) in the format of the path.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from flask import Flask, Response, abort, current_app, request
from werkzeug.exceptions import MethodNotAllowed, RequestHeaderFieldsTooLarge

from ..publish.urls import is_embed, is_feed_or_document

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
DATA_HEADERS = {**SECURITY_HEADERS, "Access-Control-Allow-Origin": "*"}  # public data: any site's scripts may read it
ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_PATH_BYTES = 1024
MAX_QUERY_BYTES = 2048
MAX_QUERY_PARAMETERS = 64
MAX_HEADERS = 60  # request header fields, whichever server runs the app
MAX_HEADER_BYTES = 8190  # one header field's value
HOST = re.compile(r"(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")
MAX_HOST_LENGTH = 260


def check_request() -> None:
    """Refuse what no public URL of this service can be: abort with the right 4xx."""
    if request.method not in ALLOWED_METHODS:
        raise MethodNotAllowed(valid_methods=ALLOWED_METHODS, description=f"{request.method} is not allowed here")
    environ = request.environ
    # The server hands over the percent-decoded path as latin-1: these are the client's bytes.
    path = environ.get("PATH_INFO", "").encode("latin-1", "replace")
    if len(path) > MAX_PATH_BYTES:
        abort(414, f"the path is longer than {MAX_PATH_BYTES} bytes")
    if not utf8(path):
        abort(400, "the path is not valid UTF-8")
    if any(segment in (b".", b"..") for segment in path.split(b"/")) or any(c in path for c in (b"//", b"\\", b"\0")):
        abort(400, "the path may not contain '.', '..' or empty segments, backslashes or NUL bytes")

    query = environ.get("QUERY_STRING", "").encode("latin-1", "replace")
    if len(query) > MAX_QUERY_BYTES:
        abort(414, f"the query string is longer than {MAX_QUERY_BYTES} bytes")
    if not utf8(unquote_to_bytes(query)):
        abort(400, "the query string is not valid UTF-8")
    if sum(len(values) for values in request.args.listvalues()) > MAX_QUERY_PARAMETERS:
        abort(400, f"too many query parameters (at most {MAX_QUERY_PARAMETERS})")

    headers = [value for name, value in environ.items() if name.startswith("HTTP_")]
    if len(headers) > MAX_HEADERS or any(len(value) > MAX_HEADER_BYTES for value in headers):
        raise RequestHeaderFieldsTooLarge(
            f"at most {MAX_HEADERS} request header fields of at most {MAX_HEADER_BYTES} bytes each"
        )

    # Links are built from the Host header when no public origin is configured.
    if current_app.config["CALENDAR_SVC"].base_url is None and not valid_host(environ.get("HTTP_HOST", request.host)):
        abort(400, "the Host header is not a host name")


def valid_host(host: str) -> bool:
    return len(host) <= MAX_HOST_LENGTH and HOST.fullmatch(host) is not None


def utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def add_security_headers(response: Response) -> Response:
    headers = SECURITY_HEADERS
    if is_embed(request.path):  # the embeddable lists, and only they, may be framed by other sites
        headers = embed_headers(current_app.config["CALENDAR_SVC"].frame_ancestors)
    elif is_feed_or_document(request.path):
        headers = DATA_HEADERS
    for name, value in headers.items():
        response.headers.setdefault(name, value)
    return response


def embed_headers(frame_ancestors: str) -> dict[str, str]:
    """The security headers of an embeddable list: framing allowed to ``frame_ancestors``."""
    headers = {name: value for name, value in SECURITY_HEADERS.items() if name != "X-Frame-Options"}
    policy = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", f"frame-ancestors {frame_ancestors}")
    return {**headers, "Content-Security-Policy": policy}


def init_app(app: Flask) -> None:
    app.before_request(check_request)
    app.after_request(add_security_headers)
