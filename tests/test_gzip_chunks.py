"""The events document's gzip copy is compressed in chunks: any gzip reader reads it, and an edit compresses one chunk again."""

from __future__ import annotations

import gzip
import subprocess
import zlib

import pytest
from benchmarks.generate import generate

from calendar_svc.catalog.loading import load_catalog
from calendar_svc.publish import documents
from calendar_svc.publish.rendition import Rendition

ORIGIN = "https://cal.test"


@pytest.fixture
def events_dir(tmp_path):
    directory = tmp_path / "events"
    generate(700, directory)  # three chunks of the gzip copy
    return directory


def edit_one(directory) -> None:
    path = sorted(directory.rglob("event-*.toml"))[300]
    path.write_text(path.read_text(encoding="utf-8").replace('title = "', 'title = "Edited ', 1), encoding="utf-8")


def test_the_chunked_gzip_copy_reads_back_as_the_document_with_three_independent_readers(events_dir):
    document = Rendition(load_catalog(events_dir), ORIGIN).events_json
    copy = document.gzipped

    assert len(document.body) > 3 * len(copy)  # compressed, not stored
    assert gzip.decompress(copy) == document.body
    assert zlib.decompress(copy, wbits=31) == document.body
    assert subprocess.run(["gzip", "-dc"], input=copy, capture_output=True, check=True).stdout == document.body


def test_after_an_edit_only_the_chunk_holding_it_is_compressed_again(events_dir, monkeypatch):
    before = Rendition(load_catalog(events_dir), ORIGIN)
    assert before.events_json.gzipped  # made, so the next copy can take its chunks
    edit_one(events_dir)
    edited = load_catalog(events_dir)
    compressed = []
    deflate = documents.deflate_chunk
    monkeypatch.setattr(documents, "deflate_chunk", lambda data: compressed.append(1) or deflate(data))

    after = Rendition(edited, ORIGIN, previous=before).events_json

    assert after.gzipped == Rendition(edited, ORIGIN).events_json.gzipped  # the bytes of a copy made from scratch
    assert len(compressed) == 1 + 3  # the edited chunk, then the three of the copy made from scratch
    assert gzip.decompress(after.gzipped) == after.body


def test_a_new_event_shifts_the_chunks_after_it_and_the_copy_still_reads_back(events_dir):
    before = Rendition(load_catalog(events_dir), ORIGIN)
    assert before.events_json.gzipped  # made, so the next copy can take its chunks
    generate(701, events_dir)  # the same 700 and one more

    after = Rendition(load_catalog(events_dir), ORIGIN, previous=before).events_json

    assert gzip.decompress(after.gzipped) == after.body
    assert after.body.count(b'"id": ') == 701
