"""One access line per request, written by the app itself under granian.

    127.0.0.1 "GET /calendar.ics?category=visits HTTP/1.1" 200 0.4ms "DAVx5/4.3"

Client address, request line (method, path with its query string, protocol),
status, the time the app took to answer, and the user agent ("-" when there
is none). granian's own access log writes the same line through Python's
logging, a time stamp and a dictionary per request: about 14 µs each, more
than the app needs to answer a repeated feed request (about 3 µs). This one
formats the line and writes it with one system call, so a line is never split
or mixed with another process's.

The request's own text (path, query, method, user agent) is the client's:
anything outside printable ASCII, and the quote and backslash, are written as
``\\xHH`` escapes of the bytes received, as nginx does, so a request cannot
forge a line or break one in two.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from contextlib import suppress
from time import perf_counter

UNSAFE = re.compile(rb'[^\x20-\x7e]|["\\]')


def escaped(text: str) -> str:
    """``text`` (as a WSGI server hands it over: one character per byte) with unsafe bytes escaped."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return text
    raw = text.encode("latin-1", "backslashreplace")
    return UNSAFE.sub(lambda match: b"\\x%02X" % match[0][0], raw).decode("ascii")


def access_line(environ: dict, status: str, seconds: float) -> str:
    query = environ.get("QUERY_STRING")
    target = environ.get("PATH_INFO", "") + ("?" + query if query else "")
    return (
        f"{environ.get('REMOTE_ADDR') or '-'} "
        f'"{escaped(environ.get("REQUEST_METHOD", "-"))} {escaped(target)} {environ.get("SERVER_PROTOCOL", "-")}" '
        f'{status} {seconds * 1000:.1f}ms "{escaped(environ.get("HTTP_USER_AGENT") or "-")}"\n'
    )


class AccessLog:
    """WSGI middleware: after each request, its access line on file descriptor ``fd``."""

    def __init__(self, app: Callable, fd: int = 1):
        self.app = app
        self.fd = fd

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = perf_counter()
        status = "500"  # what the client gets if the app raises before it answers

        def respond(status_line: str, headers: list, exc_info=None):
            nonlocal status
            status = status_line[:3]
            return start_response(status_line, headers, exc_info) if exc_info else start_response(status_line, headers)

        try:
            return self.app(environ, respond)
        finally:
            line = access_line(environ, status, perf_counter() - started)
            with suppress(OSError):  # a closed or full standard output must not fail the request
                os.write(self.fd, line.encode("ascii", "backslashreplace"))
