"""The examples in the READMEs are real: they load and validate."""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import pytest

from calendar_svc.catalog.loading import load_catalog

from .conftest import BUNDLED_EVENTS, ROOT

FENCE = re.compile(r"```(?P<lang>\w*)\n(?P<body>.*?)```", re.S)


def code_blocks(path, lang):
    return [m["body"] for m in FENCE.finditer(path.read_text(encoding="utf-8")) if m["lang"] == lang]


def test_every_event_example_in_the_events_readme_loads(tmp_path):
    blocks = code_blocks(ROOT / "events" / "README.md", "toml")
    events = [b for b in blocks if "[site]" not in b and "[[person]]" not in b]
    assert len(events) >= 4
    shutil.copy(BUNDLED_EVENTS / "calendars.toml", tmp_path)
    shutil.copy(BUNDLED_EVENTS / "people.toml", tmp_path)
    for i, block in enumerate(events):
        (tmp_path / f"example-{i}.toml").write_text(block, encoding="utf-8")
    catalog = load_catalog(tmp_path)
    assert {e.precision for e in catalog.events} == {"day", "time", "month"}
    assert any(e.rrule for e in catalog.events)


def test_the_register_example_in_the_events_readme_loads(tmp_path):
    [register] = [b for b in code_blocks(ROOT / "events" / "README.md", "toml") if "[[person]]" in b]
    shutil.copy(BUNDLED_EVENTS / "calendars.toml", tmp_path)
    (tmp_path / "people.toml").write_text(register, encoding="utf-8")
    (tmp_path / "one.toml").write_text(
        'title = "x"\ncategory = "visits"\nstart = 2023-01-01\npeople = ["antonio-tajani"]\n'
    )
    [person] = load_catalog(tmp_path).people
    assert (person.text("name", "kk").value, person.transliterated) == ("Антонио Таяни", ("ru",))


def test_the_settings_example_in_the_events_readme_loads(tmp_path):
    [settings] = [b for b in code_blocks(ROOT / "events" / "README.md", "toml") if "[site]" in b]
    (tmp_path / "calendars.toml").write_text(settings, encoding="utf-8")
    (tmp_path / "one.toml").write_text('title = "x"\ncategory = "visits"\nstart = 2023-01-01\n')
    assert load_catalog(tmp_path).calendars[0].slug == "visits"


def test_the_json_examples_in_the_readme_match_what_the_api_sends(bundled_client):
    examples = [
        json.loads(b.replace('"…"', '"x"').replace('["https://…"]', "[]"))
        for b in code_blocks(ROOT / "docs" / "urls.md", "json")
    ]
    event_example = next(e for e in examples if "events" in e)["events"][0]
    calendar_example = next(e for e in examples if "calendars" in e)["calendars"][0]
    actual_event = next(
        e
        for e in bundled_client.get("/api/events.json", base_url="http://127.0.0.1:8000").json["events"]
        if e["id"] == event_example["id"]
    )
    assert list(actual_event) == list(event_example)
    for name in ("start", "end", "precision", "timezone", "title", "uid", "ics_url", "page_url"):
        assert actual_event[name] == event_example[name], name
    actual_calendar = bundled_client.get("/api/calendars.json", base_url="http://127.0.0.1:8000").json["calendars"][0]
    assert list(actual_calendar) == list(calendar_example)
    assert actual_calendar["count"] == calendar_example["count"]
    full_example = next(e for e in examples if "calendars" in e)["all"]
    assert bundled_client.get("/api/calendars.json", base_url="http://127.0.0.1:8000").json["all"] == full_example
    person_example = next(e for e in examples if "people" in e and "events" not in e)["people"][0]
    people = bundled_client.get("/api/people.json", base_url="http://127.0.0.1:8000").json["people"]
    actual_person = next(p for p in people if p["id"] == person_example["id"])
    assert list(actual_person) == list(person_example)
    for name in ("names", "page_url", "feed_url", "webcal_url"):
        assert actual_person[name] == person_example[name], name
    assert actual_event["texts"]["kk"]["people"] == event_example["texts"]["kk"]["people"]


DOCS = ROOT / "docs"
# A variable the code reads: os.environ["X"], os.environ.get("X"), env.get("X"), environ.get("X"), os.getenv("X").
ENVIRONMENT_READ = re.compile(
    r"""\b(?:environ|env)(?:\.get\(|\[)\s*["'](CALENDAR_SVC_[A-Z_]+)["']|\bgetenv\(\s*["'](CALENDAR_SVC_[A-Z_]+)["']"""
)
TABLE = re.compile(r"^\|.*\|\n(?:\|.*\|\n?)+", re.M)


def variables_read(text: str) -> set[str]:
    return {name for match in ENVIRONMENT_READ.finditer(text) for name in match.groups() if name}


def variables_the_code_reads() -> set[str]:
    sources = [*(ROOT / "src" / "calendar_svc").rglob("*.py"), ROOT / "wsgi.py"]
    return {name for path in sources for name in variables_read(path.read_text(encoding="utf-8"))}


def first_cells(table: str) -> list[str]:
    """The first column of a Markdown table, header and separator row left out."""
    return [line.split("|")[1].strip() for line in table.splitlines()[2:]]


def configuration_tables() -> tuple[str, list[str]]:
    """docs/configuration.md's table headed "environment variable", and its other tables."""
    tables = TABLE.findall((DOCS / "configuration.md").read_text(encoding="utf-8"))
    [variables] = [t for t in tables if t.split("|")[1].strip() == "environment variable"]
    return variables, [t for t in tables if t != variables]


def variables_documented() -> list[str]:
    """The first column of the variables' table, in order."""
    return [cell.strip("`") for cell in first_cells(configuration_tables()[0])]


def test_every_setting_is_documented_by_its_field_and_its_environment_variable():
    from dataclasses import fields

    from calendar_svc.config import Config

    configuration = (DOCS / "configuration.md").read_text(encoding="utf-8")
    missing = [f.name for f in fields(Config) if f"`{f.name}`" not in configuration]
    assert missing == [], f"Config fields not in docs/configuration.md: {missing}"


def test_the_scan_finds_a_variable_read_in_each_way_the_code_may_read_it():
    code = """
    env.get("CALENDAR_SVC_A") or os.environ.get('CALENDAR_SVC_B')
    os.environ["CALENDAR_SVC_C"], os.getenv("CALENDAR_SVC_D"), environ.get(
        "CALENDAR_SVC_E")
    raise ValueError("CALENDAR_SVC_F must be a number")  # named in a message, not read
    """
    assert variables_read(code) == {f"CALENDAR_SVC_{letter}" for letter in "ABCDE"}


def test_the_configuration_lists_every_variable_in_one_table_row_each():
    documented = variables_documented()
    assert len(documented) >= 8
    assert sorted(name for name in set(documented) if documented.count(name) > 1) == []
    # A variable heading a row of another table would be a second list to keep in step.
    others = configuration_tables()[1]
    assert [cell for table in others for cell in first_cells(table) if cell.startswith("`CALENDAR_SVC_")] == []


def test_every_environment_variable_the_code_reads_is_documented():
    read = variables_the_code_reads()
    assert len(read) >= 8
    assert sorted(read - set(variables_documented())) == [], "read but not in docs/configuration.md's table"


def test_every_documented_environment_variable_is_read_by_the_code():
    unread = set(variables_documented()) - variables_the_code_reads()
    assert sorted(unread) == [], "in docs/configuration.md's table but read nowhere"


def test_every_route_in_the_url_map_is_documented(app):
    def documented(rule: str) -> str:
        # werkzeug's converters as the reference writes them: <int(fixed_digits=4):year> -> <year>
        return re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", r"<\1>", rule)

    reference = (DOCS / "urls.md").read_text(encoding="utf-8")
    # Pages and feeds exist under each language's prefix; the reference lists the English path
    # and says which paths have a Kazakh and a Russian twin.
    rules = {documented(rule.rule) for rule in app.url_map.iter_rules()}
    english = {rule.removeprefix("/kk").removeprefix("/ru") for rule in rules}
    assert len(english) >= 18
    assert sorted(rule for rule in english if f"`{rule}`" not in reference) == []
    assert "`/kk/`" in reference
    assert "`/ru/`" in reference


def test_the_readme_links_only_to_documents_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(((?!https?:|#)[^)#]+)", readme)
    assert "docs/architecture.md" in targets
    assert [t for t in targets if not (ROOT / t).exists()] == []


def test_the_architecture_map_names_every_subpackage():
    architecture = (DOCS / "architecture.md").read_text(encoding="utf-8")
    package = ROOT / "src" / "calendar_svc"
    subpackages = sorted(p.name for p in package.iterdir() if (p / "__init__.py").is_file())
    assert subpackages == ["catalog", "export", "ical", "publish", "serving", "web"]
    assert [name for name in subpackages if f"`{name}/`" not in architecture] == []


def modules_of(package: Path) -> list[str]:
    """The modules of ``package`` by their names in the map: "cli" at the top, "publish/memo" below."""
    return sorted(
        path.relative_to(package).with_suffix("").as_posix()
        for path in package.rglob("*.py")
        if path.name != "__init__.py" and "__pycache__" not in path.parts
    )


def test_the_architecture_map_names_every_module():
    architecture = (DOCS / "architecture.md").read_text(encoding="utf-8")
    modules = modules_of(ROOT / "src" / "calendar_svc")
    assert len(modules) > 40
    missing = [m for m in modules if f"`{m.rsplit('/', 1)[-1]}`" not in section_of(architecture, m)]
    assert missing == []


def section_of(architecture: str, module: str) -> str:
    """The paragraph of the map about ``module``'s subpackage ("**`publish/`**: ..."), or the top level's."""
    if "/" not in module:
        return architecture
    heading = f"**`{module.split('/')[0]}/`**"
    assert heading in architecture, heading
    return architecture.split(heading, 1)[1].split("\n\n**", 1)[0]


@pytest.mark.parametrize("subpackage", ["catalog", "export", "ical", "publish", "serving", "web"])
def test_each_subpackage_docstring_names_each_of_its_modules(subpackage):
    package = ROOT / "src" / "calendar_svc" / subpackage
    docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8"))) or ""
    assert [m for m in modules_of(package) if f"``{m}``" not in docstring] == []
