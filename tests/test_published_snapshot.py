"""Every public URL of the small dataset answers as recorded: same status, headers and bytes.

The snapshot is regenerated on purpose when published output should change
(see tests/published_urls.py); a refactor must leave it untouched.
"""

from __future__ import annotations

import json

from .conftest import DATA
from .published_urls import crawl

SNAPSHOT = DATA / "published-small.json"


def test_every_public_url_answers_byte_for_byte_as_recorded(pages_client):
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    actual = crawl(pages_client, "http://cal.test")
    changed = sorted(url for url in expected.keys() | actual.keys() if expected.get(url) != actual.get(url))
    assert not changed, "\n".join(f"{url}: {expected.get(url)} -> {actual.get(url)}" for url in changed)
    assert len(actual) > 70
