"""nginx serving a fresh export with deploy/nginx.conf answers every URL exactly as the live app does."""

from __future__ import annotations

import datetime as dt
import gzip
import http.client

import pytest

from calendar_svc import create_app
from calendar_svc.config import Config
from calendar_svc.export import export_site
from calendar_svc.serving.security import SECURITY_HEADERS, embed_headers

from .conftest import BUNDLED_EVENTS, SMALL
from .servers import Nginx, fetch

BASE = "https://calendar.example.org"
TODAY = dt.date(2023, 6, 1)


@pytest.fixture
def exported(tmp_path):
    """The bundled events, exported."""
    return export_site(Config(events_dir=BUNDLED_EVENTS, base_url=BASE), tmp_path / "site", TODAY)


@pytest.fixture
def small_export(tmp_path):
    return export_site(Config(events_dir=SMALL, base_url=BASE), tmp_path / "site", TODAY)


@pytest.fixture
def nginx(small_export, tmp_path):
    """nginx serving the small dataset's export."""
    server = Nginx(small_export.outdir, tmp_path / "nginx")
    yield server
    server.stop()


def live_client(events_dir):
    """The app on ``events_dir`` as the build runs it: on the export's day, for a static copy."""
    return create_app(Config(events_dir=events_dir, base_url=BASE, today=TODAY, static_site=True)).test_client()


def test_every_url_has_the_live_body_type_and_disposition(exported, tmp_path):
    nginx = Nginx(exported.outdir, tmp_path / "nginx")
    live = live_client(BUNDLED_EVENTS)
    connection = http.client.HTTPConnection("127.0.0.1", nginx.port, timeout=10)
    mismatches = []
    try:
        for exported_file in exported.files:
            connection.request("GET", exported_file.url)
            reply = connection.getresponse()
            body = reply.read()
            with live.get(exported_file.url) as expected:
                feed = exported_file.url.endswith(".ics")  # static files' disposition does not matter
                got = (
                    reply.status,
                    reply.getheader("Content-Type"),
                    feed and reply.getheader("Content-Disposition"),
                    body,
                )
                want = (200, expected.content_type, feed and expected.headers.get("Content-Disposition"), expected.data)
                if got != want:
                    mismatches.append(
                        f"{exported_file.url}: nginx {got[:3]}, live {want[:3]}, same body: {body == expected.data}"
                    )
    finally:
        connection.close()
        nginx.stop()
    assert len(exported.files) > 100
    assert mismatches == [], "\n".join(mismatches[:20])
    assert "[error]" not in nginx.errors(), nginx.errors()
    assert "[crit]" not in nginx.errors(), nginx.errors()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/calendar.ics",
        "/api/events.json",
        "/events/all-day-two-days/",
        "/static/style.css",
        "/no/such/page",
        "/.calendar-svc-build.json",
    ],
)
def test_nginx_sends_the_security_headers_on_every_response(nginx, url):
    reply = fetch(nginx.port, url)
    for name, value in SECURITY_HEADERS.items():
        assert reply.headers.get(name.lower()) == value, (url, name)
    assert "nginx/" not in reply.headers.get("server", "")


@pytest.mark.parametrize("url", ["/embed/", "/kk/embed/calendars/forum/", "/embed/no-such-list/"])
def test_nginx_lets_other_sites_frame_the_embeddable_lists_as_the_live_service_does(nginx, url):
    reply = fetch(nginx.port, url)
    for name, value in embed_headers("*").items():
        assert reply.headers.get(name.lower()) == value, (url, name)
    assert "x-frame-options" not in reply.headers


@pytest.mark.parametrize(
    "url",
    ["/calendar.ics", "/kk/calendars/forum.ics", "/events/all-day-two-days.ics", "/api/events.json", "/ru/changes.atom",
     "/", "/events/all-day-two-days/", "/static/style.css", "/calendar.json"],
)  # fmt: skip
def test_nginx_lets_scripts_on_other_sites_read_what_the_live_service_lets_them(nginx, url):
    with live_client(SMALL).get(url) as live:
        expected = live.headers.get("Access-Control-Allow-Origin")
    assert fetch(nginx.port, url).headers.get("access-control-allow-origin") == expected


def test_nginx_compresses_feeds_and_answers_304_for_its_etag(nginx):
    live = live_client(SMALL)
    reply = fetch(nginx.port, "/calendar.ics", headers={"Accept-Encoding": "gzip"})
    assert reply.headers["content-encoding"] == "gzip"
    assert gzip.decompress(reply.body) == live.get("/calendar.ics").data
    plain = fetch(nginx.port, "/calendar.ics")
    again = fetch(nginx.port, "/calendar.ics", headers={"If-None-Match": plain.headers["etag"]})
    assert again.status == 304
    assert again.body == b""


def test_nginx_hides_the_build_manifest_and_refuses_writes(nginx):
    assert fetch(nginx.port, "/.calendar-svc-build.json").status == 404
    assert fetch(nginx.port, "/events/../.calendar-svc-build.json").status in (400, 404)
    assert fetch(nginx.port, "/calendar.ics", method="POST").status in (403, 405)
    assert fetch(nginx.port, "/events/all-day-two-days").status == 301  # to the page's folder URL
