"""Every link on every page resolves: a crawl of the app from "/" through the test client."""

from __future__ import annotations

from collections import deque
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from .conftest import BUNDLED_EVENTS, SMALL
from .html_checks import Links

ORIGIN = "http://cal.test"
# Links that hand one of our URLs to another service carry it in these parameters.
CARRIED = {"calendar.google.com": ("cid",), "outlook.live.com": ("url",), "outlook.office.com": ("url",)}


def internal_target(link: str, page: str) -> str | None:
    """The path and query a link points to on this site, or None for other sites and data: URLs."""
    target = urlsplit(urljoin(ORIGIN + page, link))
    if target.scheme not in ("http", "https", "webcal") or target.netloc != "cal.test":
        return None
    return target.path + (f"?{target.query}" if target.query else "")


def carried_targets(link: str) -> list[str]:
    """Our own feed URLs inside Google and Outlook subscribe links."""
    parts = urlsplit(link)
    names = CARRIED.get(parts.netloc, ())
    values = [v for name in names for v in parse_qs(parts.query).get(name, [])]
    return [t for t in (internal_target(v, "/") for v in values) if t]


def crawl(client) -> dict[str, int]:
    """Visit every page reachable from "/"; return every internal URL seen and its status."""
    statuses: dict[str, int] = {}
    queue = deque(["/"])
    while queue:
        url = queue.popleft()
        if url in statuses:
            continue
        with client.get(url) as response:
            statuses[url] = response.status_code
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            parser = Links()
            parser.feed(response.get_data(as_text=True))
        for link in parser.found:
            for target in [internal_target(link, url), *carried_targets(link)]:
                if target and target not in statuses:
                    queue.append(target)
    return statuses


@pytest.mark.parametrize("events", [SMALL, BUNDLED_EVENTS], ids=["small", "bundled"])
def test_every_internal_link_on_every_page_answers_200(make_pages_app, events):
    statuses = crawl(make_pages_app(events, base_url=ORIGIN).test_client())
    broken = {url: status for url, status in statuses.items() if status != 200}
    assert broken == {}
    assert "/subscribe/" in statuses
    assert "/calendar.ics" in statuses
    assert "/static/style.css" in statuses
    assert any(url.startswith("/calendar/") and url.endswith("/") for url in statuses)
    assert any(url.endswith(".ics") and url.startswith("/events/") for url in statuses)


def test_the_crawl_reaches_every_event_page_and_every_month_with_events(make_pages_app):
    app = make_pages_app(SMALL, base_url=ORIGIN)
    statuses = crawl(app.test_client())
    catalog = app.extensions["calendar_svc"].catalog
    assert {f"/events/{e.id}/" for e in catalog.events} <= set(statuses)
    assert {f"/events/{e.id}.ics" for e in catalog.dated_events} <= set(statuses)
    assert {"/calendar/2022/12/", "/calendar/2024/04/", "/calendar/2025/05/"} <= set(statuses)
    assert "/calendar/2022/11/" not in statuses  # the month view stops where the data does
