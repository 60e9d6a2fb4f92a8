"""The access lines the app writes under granian: one per request, in one piece, never forged."""

from __future__ import annotations

import os

from calendar_svc.serving.server import AccessLog


def answer(status: str = "200 OK"):
    def app(environ, start_response):
        start_response(status, [("Content-Type", "text/plain")])
        return [b"body"]

    return app


def request(app, path="/calendar.ics", query="", user_agent="DAVx5/4.3") -> tuple[object, str]:
    """Run one GET through AccessLog(app): the body (or the exception the app raised) and the log written."""
    read, write = os.pipe()
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.7",
    }
    if user_agent is not None:
        environ["HTTP_USER_AGENT"] = user_agent
    try:
        outcome = AccessLog(app, fd=write)(environ, lambda status, headers, exc_info=None: None)
    except Exception as error:
        outcome = error
    finally:
        os.close(write)
    with os.fdopen(read, "rb") as log:
        return outcome, log.read().decode("ascii")


def test_a_request_gives_one_line_with_client_request_line_status_duration_and_agent():
    body, log = request(answer(), query="category=visits")
    assert body == [b"body"]
    assert log.endswith("\n")
    assert log.count("\n") == 1
    head, duration, agent = log.rstrip("\n").rsplit(" ", 2)
    assert head == '192.0.2.7 "GET /calendar.ics?category=visits HTTP/1.1" 200'
    assert duration.endswith("ms")
    assert float(duration[:-2]) >= 0
    assert agent == '"DAVx5/4.3"'


def test_the_status_is_the_one_the_app_answered_and_a_missing_agent_is_a_dash():
    _, log = request(answer("304 NOT MODIFIED"), user_agent=None)
    assert " 304 " in log
    assert log.endswith(' "-"\n')


def test_line_breaks_quotes_and_other_bytes_from_the_client_are_escaped_so_no_line_is_forged():
    # The server hands over the decoded path one character per byte: %0A is a real line break here.
    path = '/x\n127.0.0.1 "GET /forged HTTP/1.1" 200 0.1ms "-"'
    _, log = request(answer("404 NOT FOUND"), path=path, user_agent='a"b\\c\x1b[31m')
    assert log.count("\n") == 1
    assert "/x\\x0A127.0.0.1 \\x22GET /forged HTTP/1.1\\x22 200" in log
    assert log.endswith(' "a\\x22b\\x5Cc\\x1B[31m"\n')


def test_utf8_in_a_path_is_written_as_the_bytes_the_client_sent():
    path = "/ru/события".encode().decode("latin-1")  # as a WSGI server hands it over
    _, log = request(answer("404 NOT FOUND"), path=path)
    assert '"GET /ru/\\xD1\\x81\\xD0\\xBE' in log


def test_an_app_that_raises_is_logged_as_a_500_and_the_error_still_reaches_the_server():
    def broken(environ, start_response):
        raise RuntimeError("boom")

    outcome, log = request(broken)
    assert isinstance(outcome, RuntimeError)
    assert '"GET /calendar.ics HTTP/1.1" 500 ' in log
