"""Hostile requests get the right 4xx, never a 500 or a file outside the app; every response carries the security headers."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from calendar_svc import create_app
from calendar_svc.config import Config
from calendar_svc.export.build import seed_urls
from calendar_svc.serving.security import CONTENT_SECURITY_POLICY

from .conftest import SMALL
from .servers import Service, fetch, raw_request
from .static_build import archive_years, crawl

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
LONG = "a" * 1100


@pytest.fixture
def host_app():
    """The app with no configured origin: links are built from the Host header."""
    return create_app(Config(events_dir=SMALL))


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/events/..%2f..%2fetc%2fpasswd.ics", 400),
        ("/events/..%2F..%2F..%2Fetc%2Fpasswd", 400),
        ("/static/..%2f..%2f__init__.py", 400),
        ("/static/%2e%2e/__init__.py", 400),
        ("/static/../__init__.py", 400),
        ("/static/..%5c__init__.py", 400),
        ("/static/.%2fstyle.css", 400),
        ("/events/%00.ics", 400),
        ("/static//etc/passwd", 400),
        ("/static/%2fetc%2fpasswd", 400),
        ("/api/..;/events.json", 404),
        (f"/events/{LONG}.ics", 414),
        (f"/calendar.ics?category={LONG * 2}", 414),
        ("/calendar.ics?" + "country=KZ&" * 65, 400),
        ("/calendar.ics?foo=1", 400),
        ("/calendar.ics?=x", 400),
        ("/calendar.ics?category=%00", 400),
        ("/calendar.ics?category=<script>", 400),
        ("/calendars/visits.ics?category=forum", 400),
        ("/api/events.json?country=K%C3%9F", 400),
        ("/api/events.json?country=%E2%80%AEKZ", 400),
        ("/events/%C3%A9v%C3%A9nement.ics", 404),
        ("/events/nope/", 404),
        ("/calendars/.ics", 404),
        ("/calendars/visits.ics/", 404),
    ],
)
def test_hostile_urls_get_the_right_4xx(client, url, status):
    with client.get(url) as response:
        assert response.status_code == status, response.data[:300]
        assert b"root:" not in response.data
        assert b"import" not in response.data


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        ("PATH_INFO", "/events/\xff\xfe.ics"),
        ("PATH_INFO", "/\xc3("),
        ("QUERY_STRING", "category=%ff"),
        ("QUERY_STRING", "country=%c3%28"),
    ],
)
def test_bytes_that_are_not_utf8_in_the_url_get_400(client, field, raw):
    overrides = {"PATH_INFO": "/calendar.ics", "QUERY_STRING": "", field: raw}
    response = client.get("/", environ_overrides=overrides)
    assert response.status_code == 400
    assert "UTF-8" in response.get_data(as_text=True)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "PROPFIND", "BREW"])
@pytest.mark.parametrize("url", ["/", "/calendar.ics", "/api/events.json", "/static/style.css", "/no/such/thing"])
def test_methods_other_than_get_head_options_get_405_with_allow(client, method, url):
    response = client.open(url, method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize("url", ["/calendar.ics", "/api/events.json", "/"])
def test_head_and_options_are_answered(client, url):
    assert client.head(url).status_code == 200
    options = client.options(url)
    assert options.status_code == 200
    assert "GET" in options.headers["Allow"]


@pytest.mark.parametrize(
    "url",
    ["/calendar/2024/04/?month=x", "/kk/calendar/2024/04/?year=1", "/?lang=ru", "/events/weekly-berlin/?event_id=x"],
)
def test_a_query_parameter_named_like_a_path_part_gets_400_with_links_to_the_page_in_each_language(client, url):
    reply = client.get(url)
    assert reply.status_code == 400
    path = url.split("?")[0].removeprefix("/kk")
    alternates = BeautifulSoup(reply.data, "html.parser").select("link[rel=alternate][hreflang]")
    links = {link["hreflang"]: urlsplit(link["href"]).path for link in alternates}
    assert links == {"en": path, "kk": f"/kk{path}", "ru": f"/ru{path}", "x-default": path}


def test_repeated_filter_parameters_are_one_filter(client):
    once = client.get("/calendar.ics?category=visits")
    twice = client.get("/calendar.ics?category=visits&category=visits")
    assert twice.status_code == 200
    assert twice.data == once.data


@pytest.mark.parametrize(
    "headers",
    [
        {"If-None-Match": "garbage, W/, *x"},
        {"If-Modified-Since": "yesterday"},
        {"If-Modified-Since": "Mon, 01 Jan 99999 00:00:00 GMT"},
        {"Accept-Encoding": "gzip;q=nonsense, br;q=2"},
        {"Range": "bytes=999999-1"},
        {"Accept": "\x01"},
        {"X-Forwarded-Host": "evil.example"},
        {"Cookie": "a=" + "b" * 4000},
    ],
)
@pytest.mark.parametrize("url", ["/calendar.ics", "/api/events.json", "/", "/static/style.css"])
def test_odd_headers_never_cause_a_server_error(client, url, headers):
    with client.get(url, headers=headers) as response:
        assert response.status_code in (200, 206, 304, 416)


@pytest.mark.parametrize("host", ['evil"><script>', "a" * 300, "cal.test:80:80", "bad host", "éxample.org"])
def test_a_host_header_that_is_not_a_host_name_gets_400_when_links_come_from_it(host_app, host):
    response = host_app.test_client().get("/calendar.ics", headers={"Host": host})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "host", ["cal.example.org", "cal.example.org:8080", "127.0.0.1:8000", "[::1]:8000", "localhost"]
)
def test_ordinary_host_headers_are_served(host_app, host):
    response = host_app.test_client().get("/calendar.ics", headers={"Host": host})
    assert response.status_code == 200
    assert f"SOURCE;VALUE=URI:http://{host}/calendar.ics".encode() in response.data.replace(b"\r\n ", b"")


URL_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    segments=st.lists(URL_TEXT, max_size=4),
    query=st.dictionaries(URL_TEXT, URL_TEXT, max_size=4),
    suffix=st.sampled_from(["", "/", ".ics", ".json", "/index.html"]),
)
def test_no_path_or_query_string_causes_a_server_error(client, segments, query, suffix):
    from urllib.parse import quote, urlencode

    path = "/" + "/".join(quote(s, safe="") for s in segments) + suffix
    assume(not path.startswith("//"))  # the test client would read a host there; a real server test covers it
    with client.get(path, query_string=urlencode(query)) as response:
        assert response.status_code < 500, (path, query, response.data[:200])


def responses_of_every_kind(client):
    feed = client.get("/calendar.ics")
    page = client.get("/")
    yield "feed", feed
    yield "gzipped feed", client.get("/calendar.ics", headers={"Accept-Encoding": "gzip"})
    yield "feed 304", client.get("/calendar.ics", headers={"If-None-Match": feed.headers["ETag"]})
    yield "event file", client.get("/events/all-day-two-days.ics")
    yield "page", page
    yield "page 304", client.get("/", headers={"If-None-Match": page.headers.get("ETag", '"none"')})
    yield "event page", client.get("/events/all-day-two-days/")
    yield "JSON", client.get("/api/events.json")
    yield "health", client.get("/healthz")
    yield "stylesheet", client.get("/static/style.css")
    yield "robots.txt", client.get("/robots.txt")
    yield "HEAD", client.head("/calendar.ics")
    yield "OPTIONS", client.options("/calendar.ics")
    yield "HTML 404", client.get("/no-such-page/")
    yield "JSON 404", client.get("/api/nothing.json")
    yield "text 404", client.get("/events/nothing.ics")
    yield "400", client.get("/calendar.ics?category=nope")
    yield "405", client.post("/calendar.ics")
    yield "414", client.get(f"/{LONG}")


def test_every_kind_of_response_carries_the_security_headers(client):
    kinds = dict(responses_of_every_kind(client))
    assert kinds["feed 304"].status_code == 304
    for response in kinds.values():
        response.close()
    for kind, response in kinds.items():
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, f"{kind}: {name}"


def test_scripts_on_other_sites_may_read_feeds_and_json_but_not_pages(client):
    kinds = dict(responses_of_every_kind(client))
    for response in kinds.values():
        response.close()
    not_data = {"page", "page 304", "event page", "health", "stylesheet", "robots.txt", "HTML 404", "414"}
    for kind, response in kinds.items():
        assert response.headers.get("Access-Control-Allow-Origin") == (None if kind in not_data else "*"), kind


def test_every_page_satisfies_the_content_security_policy(app):
    """No inline script or style, no event handler attributes, no javascript: links, no foreign scripts."""
    store = app.extensions["calendar_svc"]
    archives = archive_years(app, "http://cal.test")
    pages, _ = crawl(app, "http://cal.test", seed_urls(app, store.catalog, archives), 5000)
    html_pages = [p for p in pages if p.content_type.startswith("text/html")]
    assert len(html_pages) > 10
    for page in html_pages:
        soup = BeautifulSoup(page.body, "html.parser")
        for script in soup.find_all("script"):
            if script.get("src"):
                assert not re.match(r"(https?:)?//", script["src"]), f"{page.url}: foreign script {script['src']}"
            else:  # data blocks such as JSON-LD are not run, so the policy allows them
                assert script.get("type", "").endswith("json"), f"{page.url}: inline script"
        assert not soup.find_all("style"), f"{page.url}: inline <style>"
        for tag in soup.find_all(True):
            assert "style" not in tag.attrs, f"{page.url}: style attribute on <{tag.name}>"
            assert not [a for a in tag.attrs if a.lower().startswith("on")], (
                f"{page.url}: event handler on <{tag.name}>"
            )
            for name in ("href", "src", "action"):
                assert not str(tag.get(name, "")).lower().strip().startswith("javascript:"), page.url


RAW_HOSTILE_REQUESTS = [
    b"GET /events/\xff\xfe.ics HTTP/1.1\r\nHost: x\r\n",
    b"GET /calendar.ics?category=\xff HTTP/1.1\r\nHost: x\r\n",
    b"GET /events/%ff.ics HTTP/1.1\r\nHost: x\r\n",
    b"GET /events/..%2f..%2fetc%2fpasswd.ics HTTP/1.1\r\nHost: x\r\n",
    b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n",
    b"GET //cal.evil.example/ HTTP/1.1\r\nHost: x\r\n",
    b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 100,
    b"GET / HTTP/1.1\r\nHost: x\r\nX-A: " + b"b" * 9000 + b"\r\n",
    b"BREW /calendar.ics HTTP/1.1\r\nHost: x\r\n",
    b"GET /calendar.ics HTTP/1.1\r\nHost: \xff\r\n",
    b"GET /calendar.ics HTTP/9.9\r\nHost: x\r\n",
]


def test_the_real_server_answers_raw_hostile_requests_with_4xx_and_names_no_version(events_dir, tmp_path):
    server = Service(events_dir, tmp_path / "server.log", workers=1)
    try:
        for request_bytes in RAW_HOSTILE_REQUESTS:
            reply = raw_request(server.port, request_bytes + b"Connection: close\r\n\r\n")
            status = int(reply.split(b" ", 2)[1])
            assert 400 <= status < 500, (request_bytes[:80], reply[:300])
            assert b"root:" not in reply
        reply = fetch(server.port, "/calendar.ics")
        assert reply.status == 200
        assert not re.search(r"\d", reply.headers.get("server", "")), reply.headers.get("server")
        assert "x-powered-by" not in reply.headers
        for name, value in SECURITY_HEADERS.items():
            assert reply.headers[name.lower()] == value
        assert "Traceback" not in server.log()
    finally:
        server.stop()
