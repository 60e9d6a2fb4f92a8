"""The lean path for repeated feed and JSON requests answers exactly as Flask does."""

from __future__ import annotations

import pytest
from werkzeug.http import parse_etags
from werkzeug.test import Client
from werkzeug.wrappers import Response

from calendar_svc import create_app
from calendar_svc.config import Config
from calendar_svc.serving.conditional import names_etag
from calendar_svc.serving.response_cache import ResponseCache

URLS = [
    "/calendar.ics",
    "/calendars/visits.ics",
    "/events/timed-astana-2023.ics",
    "/api/events.json",
    "/api/calendars.json",
]


@pytest.fixture
def flask_only(app):
    """A client for the same app without the cache in front."""
    assert isinstance(app.wsgi_app, ResponseCache)
    return Client(app.wsgi_app.app, Response)


def comparable(response) -> tuple:
    headers = sorted((k, v) for k, v in response.headers.items() if k != "Date")
    return response.status, headers, response.data


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("headers", [{}, {"Accept-Encoding": "gzip"}], ids=["identity", "gzip"])
def test_cached_answers_equal_flasks_for_get_head_and_304(client, flask_only, url, headers):
    first = client.get(url, headers=headers)
    again = client.get(url, headers=headers)
    direct = flask_only.get(url, headers=headers)
    assert comparable(first) == comparable(again) == comparable(direct)
    assert comparable(client.head(url, headers=headers)) == comparable(flask_only.head(url, headers=headers))
    conditional = {**headers, "If-None-Match": first.headers["ETag"]}
    cached_304 = client.get(url, headers=conditional)
    assert cached_304.status_code == 304
    assert comparable(cached_304) == comparable(flask_only.get(url, headers=conditional))


def test_an_etag_that_does_not_match_gets_the_full_answer(client):
    client.get("/calendar.ics")
    response = client.get("/calendar.ics", headers={"If-None-Match": '"something-else", W/"older"'})
    assert response.status_code == 200
    assert response.data.startswith(b"BEGIN:VCALENDAR")


def test_a_new_catalog_version_is_served_at_once(events_dir):
    app = create_app(Config(events_dir=events_dir))
    client = app.test_client()
    before = client.get("/calendar.ics").data
    (events_dir / "new-event.toml").write_text('title = "Fresh"\ncategory = "visits"\nstart = 2024-05-05\n')
    assert app.extensions["calendar_svc"].reload()
    after = client.get("/calendar.ics").data
    assert after != before
    assert b"SUMMARY;LANGUAGE=en:Fresh" in after


def test_requests_with_a_query_or_another_method_or_an_error_pass_through(client):
    assert client.get("/calendar.ics?category=forum").status_code == 200
    assert client.get("/calendar.ics?category=nope").status_code == 400
    assert client.post("/calendar.ics").status_code == 405
    assert client.get("/events/nope.ics").status_code == 404
    assert client.get("/events/nope.ics").status_code == 404


def test_links_in_cached_answers_follow_each_host(events_dir):
    client = create_app(Config(events_dir=events_dir)).test_client()
    one = client.get("/calendar.ics", base_url="http://one.example").data
    two = client.get("/calendar.ics", base_url="http://two.example").data
    assert b"SOURCE;VALUE=URI:http://one.example/calendar.ics" in one
    assert b"SOURCE;VALUE=URI:http://two.example/calendar.ics" in two


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        ('"abc"', True),
        ('W/"abc"', True),
        ('"x", "abc"', True),
        ("*", True),
        ('"abc-gz"', True),
        ('"abcd"', False),
        ('"x"', False),
    ],
)
def test_if_none_match_uses_weak_comparison_against_either_copy(header, matches):
    assert names_etag(parse_etags(header), "abc") is matches


@pytest.mark.parametrize("url", URLS)
def test_a_miss_costs_one_flask_pass_and_a_hit_none(app, url):
    calls = []
    inner = app.wsgi_app.app

    def counting(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    app.wsgi_app.app = counting
    client = app.test_client()
    first = client.get(url)
    assert calls == [url]
    assert client.get(url).data == first.data
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert calls == [url]


@pytest.mark.parametrize("url", URLS)
def test_a_revalidation_first_costs_one_flask_pass_and_is_kept(app, flask_only, url):
    """After a start, subscribers revalidate before anyone fetches a feed whole."""
    etag = flask_only.get(url).headers["ETag"]
    calls = []
    inner = app.wsgi_app.app

    def counting(environ, start_response):
        calls.append(environ.get("HTTP_IF_NONE_MATCH"))
        return inner(environ, start_response)

    app.wsgi_app.app = counting
    client = app.test_client()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).data == flask_only.get(url).data
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert calls == [None]  # Flask was asked once, for the 200 that is kept


def test_a_revalidation_of_a_missing_feed_is_flasks_404(client):
    assert client.get("/calendars/none.ics", headers={"If-None-Match": '"abc"'}).status_code == 404


def test_cached_answers_send_the_renditions_own_bytes(app, client):
    client.get("/calendar.ics")
    [entry] = app.wsgi_app.entries.values()
    assert entry.body is app.extensions["calendar_svc"].rendition("http://cal.test").full_feed.body
