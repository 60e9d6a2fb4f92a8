"""Write a deterministic synthetic dataset of N events in the project's own file format.

    python benchmarks/generate.py 10000 /tmp/events-10k

Timed events in six zones, all-day and multi-day events, a few yearly ones,
Kazakh, Russian and German text, 300-character descriptions, and a register of
one person per 50 events (names in three languages), each event naming up to
two of them. The same N and seed always give the same files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path

ZONES = ["Asia/Almaty", "Europe/Berlin", "Europe/London", "America/New_York", "Europe/Moscow", "Asia/Tokyo"]
CALENDARS = [
    ("visits", "Ministerial visits and talks", "#1f6feb"),
    ("election", "Elections and observation", "#8250df"),
    ("forum", "Forums", "#1a7f37"),
    ("agreements", "Agreements", "#9a6700"),
    ("briefings", "Briefings", "#cf222e"),
    ("culture", "Culture and education", "#0a7c86"),
]
COUNTRIES = ["KZ", "DE", "FR", "IT", "PL", "LT", "HU", "AT", "GB", "CZ", "BE", "LU", "PT", "EE", "SE", "NO", "CY", "SI"]
TITLES = [
    "Сыртқы істер министрінің кездесуі",  # Kazakh
    "Встреча министров иностранных дел",  # Russian
    "Treffen der Außenminister in Astana",  # German
    "Consultations on transport, logistics; and trade",
    "Бизнес-форум «Қазақстан — Еуропа»",
    "Gespräche über grünen Wasserstoff",
]
WORDS = [
    "бірлескен",
    "мәлімдеме",
    "ынтымақтастық",
    "сауда",
    "инвестиция",
    "совместное",
    "заявление",
    "сотрудничество",
    "торговля",
    "инвестиции",
    "Zusammenarbeit",
    "Handel",
    "Investitionen",
    "Abkommen",
    "partnership",
    "trade",
    "investment",
    "agreement,",
    "transport;",
    "logistics",
    "\\",
    "energy",
]


# (English, Kazakh, Russian) first names and surnames of the generated people.
FIRST_NAMES = [("Aigerim", "Айгерім", "Айгерим"), ("Johann", "Иоганн", "Иоганн"), ("Maria", "Мария", "Мария"),
               ("Yermek", "Ермек", "Ермек"), ("Péter", "Петер", "Петер"), ("Olga", "Ольга", "Ольга")]  # fmt: skip
SURNAMES = [("Nurlanova", "Нұрланова", "Нурланова"), ("Schmidt", "Шмидт", "Шмидт"), ("Rossi", "Росси", "Росси"),
            ("Kowalski", "Ковальски", "Ковальский"), ("Tóth", "Тот", "Тот"), ("Dubois", "Дюбуа", "Дюбуа")]  # fmt: skip


def person_names(k: int) -> tuple[str, str, str]:
    """The k-th generated person's name in English, Kazakh and Russian (unique: numbered)."""
    first = FIRST_NAMES[k % len(FIRST_NAMES)]
    last = SURNAMES[(k // len(FIRST_NAMES)) % len(SURNAMES)]
    return tuple(f"{first[i]} {last[i]} {k}" for i in range(3))


def person_id(k: int) -> str:
    return f"person-{k:05d}"


def people_toml(count: int) -> str:
    parts = []
    for k in range(count):
        en, kk, ru = person_names(k)
        parts += [
            "[[person]]", f'id = "{person_id(k)}"', f"name = {toml_string(en)}", 'role = "Minister"', "",
            "[person.kk]", f"name = {toml_string(kk)}", 'role = "Министр"', 'spelling = "transliterated"', "",
            "[person.ru]", f"name = {toml_string(ru)}", 'role = "Министр"', 'spelling = "transliterated"', "",
        ]  # fmt: skip
    return "\n".join(parts)


def description(rng: random.Random) -> str:
    words, length = [], 0
    while length < 300:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    text = " ".join(words)[:300]
    return text[:150] + "\n" + text[150:]


def toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def event_toml(i: int, rng: random.Random) -> str:
    slug = CALENDARS[i % len(CALENDARS)][0]
    day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 15))
    title = f"{rng.choice(TITLES)} #{i}"
    countries = sorted(set(rng.sample(COUNTRIES, rng.randint(1, 3))) | {"KZ"})
    lines = [f"title = {toml_string(title)}", f'category = "{slug}"']
    kind = rng.random()
    if kind < 0.55:
        zone = rng.choice(ZONES)
        start = dt.datetime.combine(day, dt.time(rng.randint(8, 19), rng.choice([0, 15, 30, 45])))
        end = start + dt.timedelta(minutes=rng.choice([30, 60, 90, 120]))
        lines += [f"start = {start.isoformat()}", f"end = {end.isoformat()}", f'timezone = "{zone}"']
    else:
        lines.append(f"start = {day.isoformat()}")
        if kind < 0.8:
            lines.append(f"end = {(day + dt.timedelta(days=rng.randint(1, 3))).isoformat()}")
    if rng.random() < 0.01:
        lines.append('rrule = "FREQ=YEARLY;COUNT=5"')
    if rng.random() < 0.05:
        lines.append('status = "cancelled"')
    lines += [
        f"location = {toml_string(rng.choice(['Astana', 'Алматы', 'Berlin, Unter den Linden 1', 'Brussels']))}",
        "countries = [" + ", ".join(f'"{c}"' for c in countries) + "]",
        f"description = {toml_string(description(rng))}",
        f'sources = ["https://example.org/source/{i}"]',
    ]
    return "\n".join(lines) + "\n"


def settings_toml() -> str:
    parts = [
        "[site]",
        'title = "Synthetic benchmark calendar"',
        'description = "Generated events for benchmarks"',
        'uid_domain = "bench.calendar-svc.org"',
        'publisher_name = "Benchmark"',
        'publisher_uri = "mailto:bench@calendar-svc.org"',
        'refresh_interval = "PT12H"',
        "revised = 2026-11-27",
    ]
    for slug, name, colour in CALENDARS:
        parts += [
            "",
            "[[calendars]]",
            f'slug = "{slug}"',
            f'name = "{name}"',
            f'description = "{name}"',
            f'colour = "{colour}"',
        ]
    return "\n".join(parts) + "\n"


STAMPED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # fixed, so the same N gives the same files


def generate(count: int, outdir: Path, seed: int = 20231, stamped: bool = True) -> None:
    """Write the dataset; with ``stamped`` also its revision record, as an editor's `stamp` would."""
    rng = random.Random(seed)
    if outdir.exists():
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)
    (outdir / "calendars.toml").write_text(settings_toml(), encoding="utf-8")
    people = max(1, count // 50)
    (outdir / "people.toml").write_text(people_toml(people), encoding="utf-8")
    named = random.Random(seed + 1)  # its own stream: the events' other fields stay as they were
    for i in range(count):
        folder = outdir / f"{i // 1000:03d}"
        folder.mkdir(exist_ok=True)
        # Every person is named at least once (the first ``people`` events), then up to two each.
        ids = {person_id(i)} if i < people else {person_id(named.randrange(people)) for _ in range(named.randint(0, 2))}
        listed = "people = [" + ", ".join(f'"{person}"' for person in sorted(ids)) + "]\n" if ids else ""
        (folder / f"event-{i:06d}.toml").write_text(event_toml(i, rng) + listed, encoding="utf-8")
    if stamped:
        from calendar_svc.catalog.loading import load_catalog
        from calendar_svc.catalog.revisions import EMPTY, stamp, write_record

        record, _ = stamp(list(load_catalog(outdir).events), EMPTY, STAMPED_AT)
        write_record(outdir / "revisions.json", record)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=20231)
    args = parser.parse_args()
    generate(args.count, args.outdir, args.seed)


if __name__ == "__main__":
    main()
