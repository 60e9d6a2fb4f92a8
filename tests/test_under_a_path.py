"""The live service under a path: with a base URL such as https://cal.example.org/kz-eu, a proxy passes the whole
path on, and the service answers under that path only, linking within it (docs/deploying.md, "Under a path")."""

from __future__ import annotations

import icalendar
from bs4 import BeautifulSoup

from calendar_svc import create_app
from calendar_svc.config import Config

from .conftest import SMALL
from .servers import Service, fetch

BASE = "https://cal.example.org/kz-eu"


def mounted_client():
    return create_app(Config(events_dir=SMALL, base_url=BASE)).test_client()


def internal_links(html: bytes) -> list[str]:
    page = BeautifulSoup(html, "html.parser")
    found = [tag.get("href") or tag.get("src") for tag in page.select("[href], [src]")]
    return [link for link in found if link.startswith("/")]


def test_pages_link_to_pages_feeds_and_assets_under_the_path():
    links = internal_links(mounted_client().get("/kz-eu/kk/").data)
    assert "/kz-eu/kk/calendar.ics" in links
    assert "/kz-eu/static/style.css" in links
    assert all(link.startswith("/kz-eu/") for link in links), links


def test_every_internal_link_of_a_page_is_answered_under_the_path():
    http = mounted_client()
    links = internal_links(http.get("/kz-eu/ru/events/weekly-berlin/").data)
    assert len(links) > 20
    for link in links:
        with http.get(link) as reply:  # static files are sent from an open file
            assert reply.status_code == 200, link


def test_the_path_alone_leads_to_its_front_page():
    reply = mounted_client().get("/kz-eu")
    assert reply.status_code in (301, 308)
    assert reply.headers["Location"].endswith("/kz-eu/")


def test_urls_outside_the_path_are_not_found():
    http = mounted_client()
    for url in ("/", "/kk/", "/calendar.ics", "/healthz", "/kz-eux/", "/static/style.css"):
        with http.get(url) as reply:
            assert reply.status_code == 404, url


def test_the_real_server_answers_feeds_and_revalidations_under_the_path(events_dir, tmp_path):
    server = Service(events_dir, tmp_path / "server.log", workers=1, env={"CALENDAR_SVC_BASE_URL": BASE})
    try:
        feed = fetch(server.port, "/kz-eu/ru/calendar.ics")
        assert feed.status == 200
        calendar = icalendar.Calendar.from_ical(feed.body)
        assert str(calendar["SOURCE"]) == f"{BASE}/ru/calendar.ics"
        pages = [str(event["URL"]) for event in calendar.walk("VEVENT") if "cal.example.org" in str(event["URL"])]
        assert pages
        assert all(page.startswith(f"{BASE}/ru/events/") for page in pages)
        again = fetch(server.port, "/kz-eu/ru/calendar.ics", headers={"If-None-Match": feed.headers["etag"]})
        assert again.status == 304
        assert fetch(server.port, "/kz-eu/healthz").status == 200
        assert fetch(server.port, "/ru/calendar.ics").status == 404
        assert "Traceback" not in server.log()
    finally:
        server.stop()
