"""Feeds over HTTP through the test client: types, caching, filters, errors."""

from __future__ import annotations

import gzip
import hashlib

import pytest

from .ical_checks import parse_with_icalendar, uids_by_icalendar, uids_by_vobject

FEED_URLS = ["/calendar.ics", "/calendars/visits.ics", "/calendars/forum.ics", "/events/all-day-two-days.ics"]


@pytest.mark.parametrize("url", FEED_URLS)
def test_feeds_answer_200_as_utf8_calendars_without_redirect(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert uids_by_icalendar(response.data) == uids_by_vobject(response.data)


@pytest.mark.parametrize("url", FEED_URLS)
def test_feeds_carry_strong_validators_and_cache_headers(client, url):
    response = client.get(url)
    etag, weak = response.get_etag()
    assert etag == hashlib.sha256(response.data).hexdigest()[:32]
    assert not weak
    assert response.headers["Last-Modified"]
    assert "public" in response.headers["Cache-Control"]
    assert "max-age=" in response.headers["Cache-Control"]


@pytest.mark.parametrize("url", FEED_URLS)
def test_a_matching_if_none_match_gets_an_empty_304(client, url):
    etag = client.get(url).get_etag()[0]
    again = client.get(url, headers={"If-None-Match": f'"{etag}"'})
    assert again.status_code == 304
    assert again.data == b""
    assert again.get_etag()[0] == etag


def test_if_modified_since_at_or_after_last_modified_gets_304(client):
    last_modified = client.get("/calendar.ics").headers["Last-Modified"]
    assert client.get("/calendar.ics", headers={"If-Modified-Since": last_modified}).status_code == 304
    assert (
        client.get("/calendar.ics", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200
    )


def test_a_stale_etag_gets_the_full_feed(client):
    assert client.get("/calendar.ics", headers={"If-None-Match": '"stale"'}).status_code == 200


def test_head_answers_headers_without_a_body(client):
    get, head = client.get("/calendar.ics"), client.head("/calendar.ics")
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert int(head.headers["Content-Length"]) == len(get.data)


def test_the_same_data_gives_the_same_bytes_and_etag_on_every_request(client):
    first, second = client.get("/calendar.ics"), client.get("/calendar.ics")
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]


def test_the_body_does_not_vary_with_the_accept_header(client):
    plain = client.get("/calendar.ics")
    for accept in ("text/html", "application/json", "*/*"):
        assert client.get("/calendar.ics", headers={"Accept": accept}).data == plain.data


def test_gzip_is_sent_when_accepted_with_its_own_etag_and_still_validates(client):
    plain = client.get("/calendar.ics")
    zipped = client.get("/calendar.ics", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    assert "Accept-Encoding" in zipped.headers["Vary"]
    revalidate = client.get(
        "/calendar.ics", headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]}
    )
    assert revalidate.status_code == 304


def test_feeds_are_named_for_download_safely(client):
    assert client.get("/calendars/visits.ics").headers["Content-Disposition"] == 'inline; filename="visits.ics"'
    single = client.get("/events/all-day-two-days.ics").headers["Content-Disposition"]
    assert single == 'attachment; filename="all-day-two-days.ics"'


def test_a_single_event_file_holds_that_event_only(client):
    body = client.get("/events/timed-astana-2023.ics").data
    assert uids_by_icalendar(body) == {"timed-astana-2023@test.calendar-svc.org"}
    assert [str(tz["TZID"]) for tz in parse_with_icalendar(body).walk("VTIMEZONE")] == ["Asia/Almaty"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=forum", {"all-day-two-days", "cancelled-forum"}),
        ("country=DE", {"timed-astana-2023", "weekly-berlin"}),
        ("country=de", {"timed-astana-2023", "weekly-berlin"}),
        ("category=forum&category=visits&country=DE", {"timed-astana-2023", "weekly-berlin"}),
        ("country=FR", set()),
    ],
)
def test_the_full_feed_filters_by_category_and_country(client, query, expected):
    response = client.get(f"/calendar.ics?{query}")
    assert response.status_code == 200
    assert {uid.split("@")[0] for uid in uids_by_icalendar(response.data)} == expected


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("category=parties", "'parties'"),
        ("country=XX", "'XX'"),
        ("country=Kazakhstan", "'KAZAKHSTAN'"),
        ("colour=red", "'colour'"),
    ],
)
def test_unknown_filter_values_are_a_plain_text_400_naming_them(client, query, named):
    response = client.get(f"/calendar.ics?{query}")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert named in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "named"),
    [("/calendars/nope.ics", "'nope'"), ("/events/nope.ics", "'nope'"), ("/events/month-only.ics", "no known day")],
)
def test_missing_feeds_are_a_plain_text_404(client, url, named):
    response = client.get(url)
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert named in response.get_data(as_text=True)


def test_other_methods_get_405_with_allow(client):
    response = client.post("/calendar.ics")
    assert response.status_code == 405
    assert response.mimetype == "text/plain"
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}


def test_robots_txt_allows_the_feeds(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert "Disallow: /" not in response.get_data(as_text=True)


def test_links_follow_the_request_host_unless_a_base_url_is_configured(events_dir):
    from calendar_svc import create_app
    from calendar_svc.config import Config

    open_app = create_app(Config(events_dir=events_dir)).test_client()
    body = open_app.get("/calendar.ics", base_url="https://news.example:8443").get_data(as_text=True)
    assert "SOURCE;VALUE=URI:https://news.example:8443/calendar.ics" in body
    fixed = create_app(Config(events_dir=events_dir, base_url="https://cal.example.org/")).test_client()
    assert "SOURCE;VALUE=URI:https://cal.example.org/calendar.ics" in fixed.get("/calendar.ics").get_data(as_text=True)


def test_forwarded_headers_are_honoured_only_when_configured(events_dir):
    from calendar_svc import create_app
    from calendar_svc.config import Config

    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "public.example"}
    ignored = create_app(Config(events_dir=events_dir)).test_client().get("/api/calendars.json", headers=headers)
    assert ignored.json["calendars"][0]["url"].startswith("http://localhost/")
    trusted = (
        create_app(Config(events_dir=events_dir, trust_proxy=True))
        .test_client()
        .get("/api/calendars.json", headers=headers)
    )
    assert trusted.json["calendars"][0]["url"] == "https://public.example/calendars/visits.ics"
    assert trusted.json["calendars"][0]["webcal_url"] == "webcal://public.example/calendars/visits.ics"
