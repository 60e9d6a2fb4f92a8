"""Reading pages back for the tests."""

from __future__ import annotations

from html.parser import HTMLParser

from bs4 import BeautifulSoup


class Links(HTMLParser):
    """Every href and src of a page, as Python's HTML parser reads them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found += [value for name, value in attrs if name in ("href", "src") and value]


def page_at(client, url: str) -> BeautifulSoup:
    """The page at ``url``, which must answer 200, parsed."""
    with client.get(url) as response:
        assert response.status_code == 200, url
        return BeautifulSoup(response.get_data(as_text=True), "html.parser")
