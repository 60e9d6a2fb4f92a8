"""The examples in the READMEs are real: they load and validate."""

from __future__ import annotations

import json
import re
import shutil

from calendar_svc.loader import load_catalog

from .conftest import BUNDLED_EVENTS, ROOT

FENCE = re.compile(r"```(?P<lang>\w*)\n(?P<body>.*?)```", re.S)


def code_blocks(path, lang):
    return [m["body"] for m in FENCE.finditer(path.read_text(encoding="utf-8")) if m["lang"] == lang]


def test_every_event_example_in_the_events_readme_loads(tmp_path):
    blocks = code_blocks(ROOT / "events" / "README.md", "toml")
    events = [b for b in blocks if "[site]" not in b]
    assert len(events) >= 4
    shutil.copy(BUNDLED_EVENTS / "calendars.toml", tmp_path)
    for i, block in enumerate(events):
        (tmp_path / f"example-{i}.toml").write_text(block, encoding="utf-8")
    catalog = load_catalog(tmp_path)
    assert {e.precision for e in catalog.events} == {"day", "time", "month"}
    assert any(e.rrule for e in catalog.events)


def test_the_settings_example_in_the_events_readme_loads(tmp_path):
    [settings] = [b for b in code_blocks(ROOT / "events" / "README.md", "toml") if "[site]" in b]
    (tmp_path / "calendars.toml").write_text(settings, encoding="utf-8")
    (tmp_path / "one.toml").write_text('title = "x"\ncategory = "visits"\nstart = 2023-01-01\n')
    assert load_catalog(tmp_path).calendars[0].slug == "visits"


def test_the_json_examples_in_the_readme_match_what_the_api_sends(bundled_client):
    examples = [
        json.loads(b.replace('"…"', '"x"').replace('["https://…"]', "[]"))
        for b in code_blocks(ROOT / "README.md", "json")
    ]
    event_example = next(e for e in examples if "events" in e)["events"][0]
    calendar_example = next(e for e in examples if "calendars" in e)["calendars"][0]
    actual_event = next(e for e in bundled_client.get("/api/events.json", base_url="http://127.0.0.1:8000").json["events"] if e["id"] == event_example["id"])
    assert list(actual_event) == list(event_example)
    for name in ("start", "end", "precision", "timezone", "title", "uid", "ics_url", "page_url"):
        assert actual_event[name] == event_example[name], name
    actual_calendar = bundled_client.get("/api/calendars.json", base_url="http://127.0.0.1:8000").json["calendars"][0]
    assert list(actual_calendar) == list(calendar_example)
    assert actual_calendar["count"] == calendar_example["count"]
    full_example = next(e for e in examples if "calendars" in e)["all"]
    assert bundled_client.get("/api/calendars.json", base_url="http://127.0.0.1:8000").json["all"] == full_example
