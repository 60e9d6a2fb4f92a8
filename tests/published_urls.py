"""Every public URL of an app, and a fingerprint of what each one answers.

Used to hold the published bytes still across refactors: the snapshot in
``tests/data/published-small.json`` records, for the small dataset, each
URL's status, the headers a cache or calendar client acts on, and a SHA-256
of the body. Regenerate it on purpose after a change that should alter
published bytes:

    .venv/bin/python -m tests.published_urls > tests/data/published-small.json
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

SNAPSHOT_HEADERS = ("content-type", "etag", "last-modified", "cache-control", "content-disposition", "location", "vary")
# URLs no link leads to: filters, bad values and missing things, in every format.
EXTRA_URLS = (
    "/calendar.ics?category=visits",
    "/calendar.ics?country=DE",
    "/calendar.ics?category=forum&country=KZ",
    "/api/events.json?category=visits",
    "/api/events.json?country=de",
    # Not /healthz: its warnings name files by their path on this machine (tests/test_http_api.py checks it).
    "/calendar.ics?category=nope",
    "/api/events.json?country=ZZ",
    "/?country=ZZ",
    "/api/calendars.json?x=1",
    "/events/nope/",
    "/events/nope.ics",
    "/api/nope.json",
    "/calendars/nope.ics",
    "/nope",
    "/calendar/2023.ics",
    "/calendar/1999/01/",
    "/calendar/?month=2023-06",
    "/calendar/",
    "/?country=kz&category=visits",
)


class Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.links += [value for name, value in attrs if name in ("href", "src", "action") and value]


def crawl(client, base_url: str, seeds=("/",)) -> dict[str, dict]:
    """Fetch the seeds, the extra URLs and every same-origin link they lead to."""
    host = urlsplit(base_url).netloc
    queue = deque(dict.fromkeys([*seeds, *EXTRA_URLS]))
    seen = set(queue)
    found: dict[str, dict] = {}
    while queue:
        url = queue.popleft()
        with client.get(url, base_url=base_url) as response:
            body = response.get_data()
            # Static files' ETag and Last-Modified follow the file's time on disk, not the data.
            names = [n for n in SNAPSHOT_HEADERS if not (url.startswith("/static/") and n in ("etag", "last-modified"))]
            found[url] = {
                "status": response.status_code,
                **{name: response.headers[name] for name in names if name in response.headers},
                "sha256": hashlib.sha256(body).hexdigest(),
            }
            # A page's ETag digests its inputs and the package's code: any change to the code changes it.
            if response.content_type.startswith("text/html") and re.fullmatch(
                r'"[0-9a-f]{32}"', found[url].get("etag", "")
            ):
                found[url]["etag"] = "a digest of the page's inputs"
        if not found[url].get("content-type", "").startswith("text/html") or response.status_code != 200:
            continue
        parser = Links()
        parser.feed(body.decode())
        for link in parser.links:
            target = urlsplit(urljoin(base_url + url, link))
            if target.netloc != host or target.scheme not in ("http", "https", "webcal"):
                continue
            path = target.path + (f"?{target.query}" if target.query else "")
            if path not in seen:
                seen.add(path)
                queue.append(path)
        for extra in json_links(client, base_url, url):
            if extra not in seen:
                seen.add(extra)
                queue.append(extra)
    return dict(sorted(found.items()))


def json_links(client, base_url: str, url: str) -> list[str]:
    """The URLs the JSON API lists (once, when the crawl starts at "/")."""
    if url != "/":
        return []
    urls: list[str] = []

    def walk(value) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and value.startswith((base_url + "/", "webcal://")):
            parts = urlsplit(value)
            urls.append(parts.path + (f"?{parts.query}" if parts.query else ""))

    for document in ("/api/events.json", "/api/calendars.json"):
        with client.get(document, base_url=base_url) as response:
            walk(response.get_json())
    return urls


if __name__ == "__main__":
    import datetime as dt

    from calendar_svc import create_app
    from calendar_svc.config import Config

    from .conftest import PAGES_TODAY, SMALL

    app = create_app(Config(events_dir=SMALL, base_url="http://cal.test", today=dt.date.fromisoformat(PAGES_TODAY)))
    print(json.dumps(crawl(app.test_client(), "http://cal.test"), indent=1, ensure_ascii=False))
