"""Search benchmark: live query time at 10,000 events, and what the static site's first query downloads.

    python benchmarks/search.py [--events 10000] [--rounds 15]

It generates the synthetic dataset, builds the app once in this process (one worker),
makes each language's search index with a first query, then times each query of a fixed
list ``--rounds`` times through the app's WSGI interface (routing, search, page rendering)
and prints the median per query and over all. For the static site it prints, per language,
the gzip size of what a first query downloads: /search/index.json and the word parts its
words begin in. The machine is shared: read the medians, not single runs.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.generate import generate  # noqa: E402

QUERIES = {
    "en": ["trade", "astana agreement", "investment energy", "zusammenarbeit", "orban", "zzz"],
    "kk": ["ынтымақтастық", "сауда инвестиция", "кездесу", "токаев"],
    "ru": ["сотрудничество", "встреча министров", "торговля", "ё"],
}
PREFIX = {"en": "", "kk": "/kk", "ru": "/ru"}
LIMIT_MS = 20.0
STATIC_LIMIT = 300_000


def gzip_size(body: bytes) -> int:
    return len(gzip.compress(body, 6))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    from calendar_svc import Config, create_app
    from calendar_svc.catalog.search import query_words, shard_key

    with tempfile.TemporaryDirectory() as folder:
        events = Path(folder) / "events"
        generate(args.events, events)
        config = Config(events_dir=events, base_url="http://127.0.0.1:8000", reload_interval=0, static_site=False)
        client = create_app(config).test_client()
        for lang, prefix in PREFIX.items():
            started = time.perf_counter()
            assert client.get(f"{prefix}/search/?q=x").status_code == 200
            print(f"{lang}: index built with the first query in {time.perf_counter() - started:.2f} s")

        every = []
        for lang, queries in QUERIES.items():
            for query in queries:
                times = []
                for _ in range(args.rounds):
                    started = time.perf_counter()
                    response = client.get(f"{PREFIX[lang]}/search/", query_string={"q": query})
                    times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200
                every += times
                print(f"live {lang} {query!r}: median {statistics.median(times):.1f} ms")
        median = statistics.median(every)
        print(f"live search, all queries: median {median:.1f} ms (target {LIMIT_MS:.0f} ms)")

        for lang, queries in QUERIES.items():
            index = client.get(f"{PREFIX[lang]}/search/index.json").data
            keys = {shard_key(word) for word in query_words(queries[0])}
            parts = [client.get(f"{PREFIX[lang]}/search/words/{key}.json").data for key in sorted(keys)]
            first = gzip_size(index) + sum(gzip_size(part) for part in parts)
            print(
                f"static {lang}: first query {queries[0]!r} downloads {first / 1000:.0f} kB gzip "
                f"(index {gzip_size(index) / 1000:.0f} kB + {len(parts)} word part(s); "
                f"limit {STATIC_LIMIT / 1000:.0f} kB)"
            )


if __name__ == "__main__":
    main()
