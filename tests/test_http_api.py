"""The JSON API and health check."""

from __future__ import annotations

import json

import pytest


def test_events_json_lists_every_event_dated_or_not_with_its_precision(client):
    response = client.get("/api/events.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    events = {e["id"]: e for e in json.loads(response.data)["events"]}
    assert len(events) == 7
    assert events["month-only"]["precision"] == "month"
    assert events["month-only"]["start"] == "2022-12"
    assert events["year-only"]["precision"] == "year"
    assert events["year-only"]["start"] == "2022"
    assert events["month-only"]["ics_url"] is None
    timed = events["timed-astana-2023"]
    assert timed["precision"] == "time"
    assert timed["start"] == "2023-03-20T10:00:00+06:00"
    assert timed["end"] == "2023-03-20T11:30:00+06:00"
    assert timed["timezone"] == "Asia/Almaty"
    assert timed["ics_url"] == "http://cal.test/events/timed-astana-2023.ics"
    assert timed["page_url"] == "http://cal.test/events/timed-astana-2023/"
    day = events["all-day-two-days"]
    assert (day["start"], day["end"], day["precision"]) == ("2023-06-08", "2023-06-09", "day")


def test_event_objects_have_the_documented_fields(client):
    event = client.get("/api/events.json").json["events"][0]
    for name in (
        "id",
        "title",
        "category",
        "status",
        "start",
        "end",
        "precision",
        "timezone",
        "countries",
        "location",
        "people",
        "url",
        "sources",
        "ics_url",
        "page_url",
    ):
        assert name in event


def test_events_json_takes_the_same_filters_as_the_feed(client):
    ids = {e["id"] for e in client.get("/api/events.json?country=GB").json["events"]}
    assert ids == {"month-only"}
    response = client.get("/api/events.json?category=parties")
    assert response.status_code == 400
    assert response.json == {
        "error": {"status": 400, "title": "Bad Request", "message": response.json["error"]["message"]}
    }
    assert "'parties'" in response.json["error"]["message"]


def test_calendars_json_lists_each_feed_with_its_dated_count(client):
    calendars = {c["slug"]: c for c in client.get("/api/calendars.json").json["calendars"]}
    assert calendars["visits"]["count"] == 3
    assert calendars["forum"]["count"] == 2
    assert calendars["visits"]["url"] == "http://cal.test/calendars/visits.ics"
    assert calendars["visits"]["webcal_url"] == "webcal://cal.test/calendars/visits.ics"
    assert calendars["visits"]["name"] == "Visits, talks; and more"


def test_json_is_conditional_like_the_feeds(client):
    etag = client.get("/api/events.json").headers["ETag"]
    assert client.get("/api/events.json", headers={"If-None-Match": etag}).status_code == 304


def test_healthz_reports_status_event_count_and_data_version(client, app):
    health = client.get("/healthz").json
    warnings = health.pop("warnings")  # a tentative event of 2022: editors should record its outcome
    assert health == {"status": "ok", "events": 7, "version": app.extensions["calendar_svc"].catalog.version}
    assert [line.split(": ", 1)[1] for line in warnings] == [
        "status: tentative, but its date (2022) has passed: record the outcome"
    ]


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/api/nope.json", 404),
        ("POST", "/api/events.json", 405),
        ("GET", "/api/events.json?x=1", 400),
        ("DELETE", "/healthz", 405),
    ],
)
def test_json_errors_share_one_shape(client, method, url, status):
    response = client.open(url, method=method)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    error = response.json["error"]
    assert set(error) == {"status", "title", "message"}
    assert error["status"] == status


def test_unicode_text_is_sent_as_utf8_not_escaped(bundled_client):
    assert "Łódź".encode() in bundled_client.get("/api/events.json").data
