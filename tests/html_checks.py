"""Reading pages back for the tests."""

from __future__ import annotations

from bs4 import BeautifulSoup


def page_at(client, url: str) -> BeautifulSoup:
    """The page at ``url``, which must answer 200, parsed."""
    with client.get(url) as response:
        assert response.status_code == 200, url
        return BeautifulSoup(response.get_data(as_text=True), "html.parser")
