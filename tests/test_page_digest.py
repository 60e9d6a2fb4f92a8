"""A page's ETag is the digest of what it is rendered from: the same in every process, new when anything shown changes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from markupsafe import Markup

from calendar_svc import create_app
from calendar_svc.catalog import load_catalog
from calendar_svc.catalog.languages import Text
from calendar_svc.catalog.model import Status
from calendar_svc.config import Config
from calendar_svc.web import page_data, pages
from calendar_svc.web.page_digest import canonical, page_etag

from .conftest import ROOT, SMALL

PAGE_URLS = [
    "/",
    "/kk/",
    "/calendar/2024/04/",
    "/ru/events/weekly-berlin/",
    "/subscribe/",
    "/changes/",
    "/countries/kz/",
]

ETAGS_OF_PAGES = f"""
import json
from calendar_svc import create_app
from calendar_svc.config import Config
from calendar_svc.web.page_digest import canonical
import datetime as dt
client = create_app(Config(events_dir={str(SMALL)!r}, base_url="https://x.test", today=dt.date(2024, 4, 1))).test_client()
etags = [client.get(url).headers["ETag"] for url in {PAGE_URLS!r}]
print(json.dumps([etags, canonical(frozenset(["visits", "forum", "KZ", "DE"]))]))
"""


def etags_in_a_process(hash_seed: str) -> list:
    environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
    run = subprocess.run([sys.executable, "-c", ETAGS_OF_PAGES], capture_output=True, text=True, env=environment,
                         cwd=ROOT, check=True)  # fmt: skip
    return json.loads(run.stdout)


def test_every_page_has_the_same_etag_in_processes_with_other_hash_seeds():
    one, other = etags_in_a_process("1"), etags_in_a_process("2")
    assert one == other
    assert len(set(one[0])) == len(PAGE_URLS)


def test_a_set_is_written_in_one_order_whatever_order_it_was_made_in():
    assert canonical({"b", "a", "c"}) == canonical(frozenset(["c", "b", "a"]))
    assert canonical(["b", "a"]) != canonical(["a", "b"])  # a list is shown in its order


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("<b>", Markup("<b>")),  # escaped, or not
        (Status.CANCELLED, "CANCELLED"),
        (("a",), ["a"]),
        (1, True),
        (dt.date(2024, 4, 1), "2024-04-01"),
        (Text("Forum", "en"), Text("Forum", "kk")),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}),  # a template shows a dict in its order
    ],
)
def test_values_a_template_would_show_differently_are_written_differently(one, other):
    assert canonical(one) != canonical(other)


def test_an_event_read_from_a_file_is_written_as_its_content_key_which_changes_with_its_file_or_revision():
    event = next(e for e in load_catalog(SMALL).events if e.sequence is not None)
    assert event.source
    assert canonical(event) == canonical(dataclasses.replace(event))
    assert event.title not in canonical(event)  # the file's digest stands for what was read from it
    for changed in ({"source": bytes(32)}, {"sequence": event.sequence + 1}, {"id": "other"}):
        assert canonical(dataclasses.replace(event, **changed)) != canonical(event)
    made = dataclasses.replace(event, source=b"")  # not read from a file: written field by field
    assert canonical(dataclasses.replace(made, title="Another")) != canonical(made)


def test_the_same_events_folder_reached_by_another_path_gives_the_same_etags(tmp_path):
    (tmp_path / "linked").symlink_to(SMALL)
    one, other = (pages_etags(folder) for folder in (SMALL, tmp_path / "linked"))
    assert one == other


def pages_etags(events_dir) -> list[str]:
    config = Config(events_dir=events_dir, base_url="https://x.test", today=dt.date(2024, 4, 1))
    client = create_app(config).test_client()
    return [client.get(url).headers["ETag"] for url in PAGE_URLS]


@pytest.mark.parametrize("value", [object(), {1.5j}, lambda: None, Exception("x")])
def test_a_value_of_an_unknown_kind_is_refused_rather_than_guessed_at(value):
    with pytest.raises(TypeError, match="no canonical text"):
        canonical(value)


def test_the_etag_covers_the_template_and_every_context_value():
    context = {"title": "Forum", "count": 3}
    assert page_etag("pages/home.html", context) == page_etag("pages/home.html", dict(context))
    assert page_etag("pages/home.html", context) != page_etag("pages/month.html", context)
    assert page_etag("pages/home.html", context) != page_etag("pages/home.html", {**context, "count": 4})


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The templates rendered for pages, in order."""
    rendered: list[str] = []
    real = pages.render_template

    def counting(template, **context):
        rendered.append(template)
        return real(template, **context)

    monkeypatch.setattr(pages, "render_template", counting)
    return rendered


@pytest.mark.parametrize("url", PAGE_URLS)
def test_a_request_naming_the_current_etag_is_answered_304_without_rendering(make_pages_app, renders, url):
    etag = make_pages_app().test_client().get(url).headers["ETag"]
    rendered_before = len(renders)

    again = make_pages_app().test_client().get(url, headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.headers["ETag"] == etag
    assert len(renders) == rendered_before


@pytest.mark.parametrize("url", PAGE_URLS)
def test_a_revalidation_works_out_no_event_date_or_add_link_the_page_shows(make_pages_app, monkeypatch, url):
    etag = make_pages_app().test_client().get(url).headers["ETag"]

    def refuse(*args, **kwargs):
        raise AssertionError("worked out for a page answered 304")

    for name in ("event_when", "recurrence_text"):
        monkeypatch.setattr(page_data, name, refuse)
    monkeypatch.setattr(pages, "add_links", refuse)
    monkeypatch.setattr(pages, "event_document", refuse)
    again = make_pages_app().test_client().get(url, headers={"If-None-Match": etag})

    assert again.status_code == 304


def test_a_request_naming_an_earlier_etag_gets_the_page(make_pages_app, renders):
    client = make_pages_app().test_client()
    page = client.get("/", headers={"If-None-Match": '"0123456789abcdef0123456789abcdef"'})
    assert page.status_code == 200
    assert renders == ["pages/home.html"]
