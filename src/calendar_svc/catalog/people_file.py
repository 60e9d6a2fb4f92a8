"""Validation of ``people.toml``: the register of the people events name.

Each ``[[person]]`` has a stable ``id`` (it is a public URL: /people/<id>/),
an English ``name`` and ``role``, ``[kk]`` and ``[ru]`` tables with the name
(required) and role in that language, and ``sources`` where those spellings
were seen; a language table marks ``spelling = "transliterated"`` where no
source gives a spelling.
"""

from __future__ import annotations

from ..errors import Problem
from .fields import FieldError, one_line_text, slug, type_name, web_url
from .languages import TRANSLATIONS
from .model import Person

PERSON_FIELDS = ("id", "name", "role", "sources", *TRANSLATIONS)
LANGUAGE_FIELDS = ("name", "role", "spelling")
SPELLINGS = ("sourced", "transliterated")


def parse_people(path: str, table: dict, problems: list[Problem]) -> tuple[Person, ...]:
    """The register's people, sorted by id; every problem (named by entry and field) goes to ``problems``."""
    for name in sorted(set(table) - {"person"}):
        problems.append(Problem(path, name, "unknown section (expected [[person]] entries)"))
    entries = table.get("person", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        problems.append(Problem(path, "person", "must be [[person]] tables"))
        return ()
    people: dict[str, Person] = {}
    for i, entry in enumerate(entries, 1):
        person = parse_person(path, f"person[{i}].", entry, problems)
        if person is None:
            continue
        if person.id in people:
            problems.append(Problem(path, f"person[{i}].id", f"duplicate id {person.id!r}"))
        people.setdefault(person.id, person)
    return tuple(sorted(people.values(), key=lambda p: p.id))


def parse_person(path: str, prefix: str, entry: dict, problems: list[Problem]) -> Person | None:
    before = len(problems)
    check = checker(path, prefix, problems)
    for name in sorted(set(entry) - set(PERSON_FIELDS)):
        problems.append(Problem(path, prefix + name, f"unknown field (expected {', '.join(PERSON_FIELDS)})"))
    for name in ("id", "name"):
        if name not in entry:
            problems.append(Problem(path, prefix + name, "is required"))
    person_id = check("id", entry.get("id", "-"), slug)
    name = check("name", entry.get("name", "-"), one_line_text)
    role = check("role", entry["role"], one_line_text) if "role" in entry else ""
    sources = check("sources", entry.get("sources", []), url_tuple)
    translations, transliterated = [], []
    for language in TRANSLATIONS:
        found, spelled = language_table(path, prefix, language, entry.get(language), bool(role), problems)
        translations += found
        transliterated += [language] if spelled == "transliterated" else []
    if len(problems) > before:
        return None
    return Person(person_id, name, role, tuple(sorted(translations)), sources, tuple(transliterated))


def language_table(
    path: str, prefix: str, language: str, section: object, has_role: bool, problems: list[Problem]
) -> tuple[list[tuple[str, str, str]], str | None]:
    """The name and role in ``language`` as translations, and how the name is spelled."""
    field = prefix + language
    if not isinstance(section, dict):
        problem = "is required" if section is None else f"must be a table, not {type_name(section)}"
        problems.append(Problem(path, field, f"{problem}: the name in that language"))
        return [], None
    for key in sorted(set(section) - set(LANGUAGE_FIELDS)):
        problems.append(Problem(path, f"{field}.{key}", f"unknown field (expected {', '.join(LANGUAGE_FIELDS)})"))
    required = ("name", "role") if has_role else ("name",)
    for key in required:
        if key not in section:
            problems.append(Problem(path, f"{field}.{key}", "is required" + (" with a role" if key == "role" else "")))
    check = checker(path, prefix, problems)
    found = [(language, key, check(f"{language}.{key}", section[key], one_line_text))
             for key in ("name", "role") if key in section]  # fmt: skip
    return found, check(f"{language}.spelling", section.get("spelling", "sourced"), spelling)


def checker(path: str, prefix: str, problems: list[Problem]):
    """check(field, value, validate): the validated value, or None with the problem added."""

    def check(field: str, value: object, validate) -> object:
        try:
            return validate(value)
        except FieldError as error:
            problems.append(Problem(path, prefix + field, str(error)))
            return None

    return check


def url_tuple(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise FieldError(f"must be a list of URLs, not {type_name(value)}")
    return tuple(web_url(item) for item in value)


def spelling(value: object) -> str:
    found = one_line_text(value)
    if found not in SPELLINGS:
        raise FieldError(f"{found!r} must be one of: {', '.join(SPELLINGS)}")
    return found
