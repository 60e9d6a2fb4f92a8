"""The static build's steps one at a time, for the tests: crawl a site, write pages, list archives."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from flask import Flask

from calendar_svc.catalog.languages import LANGUAGES
from calendar_svc.export.crawl import Crawl, iter_pages
from calendar_svc.export.files import ExportedFile, Page, Writer


def crawl(app: Flask, base_url: str, seeds: list[str], max_urls: int) -> tuple[list[Page], set[str]]:
    """Every page ``iter_pages`` finds, in a list, and the internal links with a query string."""
    found = Crawl(max_urls)
    pages = list(iter_pages(app, base_url, seeds, found))
    return pages, found.query_links


def write_files(root: Path, pages, previous: Path) -> list[ExportedFile]:
    """Check ``pages`` and write those that differ from ``previous``'s files under a new folder ``root``
    (see ``Writer``); on failure ``root`` is removed."""
    writer = Writer(root, previous)
    try:
        for page in pages:
            writer.add(page)
        return writer.finish()
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise


def archive_years(app: Flask, base_url: str) -> dict[str, dict[str | None, list[int]]]:
    """Each language's archived years of each feed (see ``Rendition.archive_years``)."""
    store = app.extensions["calendar_svc"]
    return {lang: store.rendition(base_url, lang).archive_years() for lang in LANGUAGES}


def asked_by_etag(site: Path) -> list[str]:
    """The URLs of ``site``'s record that a rebuild asks the app for with their ETag: all but the events' .ics
    files, which it looks up in the rendition instead (and keeps when their bytes are the same)."""
    recorded = json.loads((site / ".calendar-svc-etags.json").read_text(encoding="utf-8"))["urls"]
    return [url for url in recorded if not re.fullmatch(r"(/kk|/ru)?/events/[^/]+\.ics", url)]
