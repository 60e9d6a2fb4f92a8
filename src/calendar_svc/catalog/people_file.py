"""Validation of ``people.toml``: the register of the people events name (its format is in events/README.md)."""

from __future__ import annotations

from ..errors import Problem
from .fields import TableCheck, matching, one_line_text, slug, type_name, url_list
from .languages import TRANSLATIONS
from .model import Person

PERSON_FIELDS = ("id", "name", "role", "sources", *TRANSLATIONS)
LANGUAGE_FIELDS = ("name", "role", "spelling")
SPELLINGS = ("sourced", "transliterated")


def parse_people(path: str, table: dict, problems: list[Problem]) -> tuple[Person, ...]:
    """The register's people, sorted by id; every problem (named by entry and field) goes to ``problems``."""
    top = TableCheck(path, table, problems)
    top.refuse_unknown(("person",), "unknown section (expected [[person]] entries)")
    entries = table.get("person", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        top.add("person", "must be [[person]] tables")
        return ()
    people: dict[str, Person] = {}
    for i, entry in enumerate(entries, 1):
        person = parse_person(path, f"person[{i}].", entry, problems)
        if person is None:
            continue
        if person.id in people:
            top.add(f"person[{i}].id", f"duplicate id {person.id!r}")
        people.setdefault(person.id, person)
    return tuple(sorted(people.values(), key=lambda p: p.id))


def parse_person(path: str, prefix: str, entry: dict, problems: list[Problem]) -> Person | None:
    before = len(problems)
    found = TableCheck(path, entry, problems, prefix)
    found.refuse_unknown(PERSON_FIELDS, f"unknown field (expected {', '.join(PERSON_FIELDS)})")
    checks = {"id": slug, "name": one_line_text, "role": one_line_text, "sources": url_list}
    values = found.check_all(checks, ("id", "name"))
    role = values.get("role", "")
    translations, transliterated = [], []
    for language in TRANSLATIONS:
        named, spelling = language_table(found, language, bool(role))
        translations += named
        transliterated += [language] if spelling == "transliterated" else []
    if len(problems) > before:
        return None
    sources = values.get("sources", ())
    return Person(values["id"], values["name"], role, tuple(sorted(translations)), sources, tuple(transliterated))


def language_table(person: TableCheck, language: str, has_role: bool) -> tuple[list[tuple[str, str, str]], str]:
    """The name and role in ``language`` as translations, and how the name is spelled."""
    section = person.table.get(language)
    if not isinstance(section, dict):
        problem = "is required" if section is None else f"must be a table, not {type_name(section)}"
        person.add(language, f"{problem}: the name in that language")
        return [], ""
    found = TableCheck(person.path, section, person.problems, f"{person.prefix}{language}.")
    found.refuse_unknown(LANGUAGE_FIELDS, f"unknown field (expected {', '.join(LANGUAGE_FIELDS)})")
    values = found.check_all({"name": one_line_text, "role": one_line_text, "spelling": spelling}, ("name",))
    if has_role and "role" not in section:
        found.add("role", "is required with a role")
    return [(language, key, values[key]) for key in ("name", "role") if key in values], values.get("spelling", "")


def spelling(value: object) -> str:
    return matching(value, SPELLINGS.__contains__, f"{{!r}} must be one of: {', '.join(SPELLINGS)}")
