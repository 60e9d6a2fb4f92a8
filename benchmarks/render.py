"""Render benchmark: our cold start and warm render against ical-generator, in one run.

    python benchmarks/render.py [--sizes 100 1000 10000] [--rounds 5]

For each size it generates the synthetic dataset, then interleaves rounds of:
- ours, cold: a fresh Python process imports the service, loads and validates
  every file and renders every feed and archive, as a server start does
  (``create_app``), timed from process start until the full feed's bytes exist;
- ours, restart: the same, with the work an earlier start saved in its cache
  folder (parsed files, rendered events), as every start after the first;
- ours, warm: rendering everything again from the loaded catalog;
- ical-generator (npm): building and serialising the full feed from the
  same events (its input is our own /api/events.json);
- the server, at the largest size: `calendar-svc serve` timed from process
  start until its full feed is answered over HTTP, on a first start (a new
  cache folder) and on a restart (the folder a first server start filled);
  the server makes everything its workers share before they start, under the
  default feed budget.
It prints medians and the ratios; the machine is shared, so compare ratios.
It also times building one VTIMEZONE (Europe/Berlin, 1990 to 2030), once in a
fresh process and then rebuilt with the observance cache cleared.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.generate import generate  # noqa: E402

OURS = r"""
import json, sys, time
start = float(sys.argv[2])
from calendar_svc import Config, create_app
from calendar_svc.publish.rendition import Rendition
t_import = time.time()
cache_dir = None if sys.argv[4] == "off" else sys.argv[4]
config = Config(events_dir=sys.argv[1], base_url="http://127.0.0.1:8000", feed_budget=10**12, cache_dir=cache_dir)
store = create_app(config).extensions["calendar_svc"]
catalog = store.catalog
t_load = time.time()
rendition = store.rendition(config.base_url)
assert rendition.full_feed.body
t_render = time.time()
warm = []
for _ in range(int(sys.argv[3])):
    t = time.perf_counter()
    again = Rendition(catalog, "http://127.0.0.1:8000", feed_budget=10**12)
    assert again.full_feed.body and again.calendar_feeds  # every feed, as before calendar feeds were made on demand
    warm.append(time.perf_counter() - t)
print(json.dumps({"import": t_import - start, "load": t_load - t_import, "render": t_render - t_load,
                  "cold": t_render - start, "warm": warm, "bytes": len(rendition.full_feed.body)}))
"""


VTIMEZONE = r"""
import datetime as dt, json, sys, time
from calendar_svc.ical import vtimezone
seconds = []
for _ in range(int(sys.argv[1])):
    vtimezone._observances.cache_clear()
    t = time.perf_counter()
    vtimezone.timezone_component("Europe/Berlin", dt.date(1990, 1, 1), dt.date(2030, 12, 31))
    seconds.append(time.perf_counter() - t)
print(json.dumps({"first": seconds[0], "again": seconds[1:]}))
"""


def run_vtimezone(rebuilds: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", VTIMEZONE, str(rebuilds + 1)], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)


def run_ours(directory: Path, warm_rounds: int, cache_dir: Path | None = None) -> dict:
    """One start in a new process; ``cache_dir``: where it finds what an earlier start saved."""
    out = subprocess.run(
        [sys.executable, "-c", OURS, str(directory), repr(time.time()), str(warm_rounds), str(cache_dir or "off")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def run_ical_generator(events_json: Path, rounds: int) -> dict:
    out = subprocess.run(
        ["node", str(HERE / "ical_generator.mjs"), str(events_json), str(rounds)],
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE,
    ).stdout
    return json.loads(out)


def run_server(directory: Path, cache_dir: Path) -> float:
    """Seconds from starting `calendar-svc serve` until it answers its full feed over HTTP."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "calendar_svc", "serve", "--port", str(port), "--events", str(directory)]
    # The public origin is set, as in production: what a start saves is kept per origin.
    env = {
        **os.environ,
        "CALENDAR_SVC_CACHE_DIR": str(cache_dir),
        "CALENDAR_SVC_BASE_URL": "https://calendar.example.org",
    }
    started = time.time()
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/calendar.ics", timeout=10) as reply:
                    reply.read()
                    answered = time.time() - started
                    time.sleep(1)  # the other workers finish starting: one still starting misses SIGTERM
                    return answered
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(f"the server stopped: {command}") from None
                time.sleep(0.01)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(60)


def events_json(directory: Path, target: Path) -> None:
    from calendar_svc.catalog.loading import load_catalog
    from calendar_svc.publish.rendition import Rendition

    target.write_bytes(Rendition(load_catalog(directory), "http://127.0.0.1:8000").events_json.body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            directory = Path(tmp) / f"events-{size}"
            generate(size, directory)
            doc = Path(tmp) / f"events-{size}.json"
            events_json(directory, doc)
            ours, restarts, theirs, server_starts, server_restarts = [], [], [], [], []
            saved = Path(tmp) / f"cache-{size}"
            run_ours(directory, warm_rounds=0, cache_dir=saved)  # a first start saves its work here
            largest = size == max(args.sizes)
            served = Path(tmp) / f"server-cache-{size}"
            if largest:
                run_server(directory, served)  # a first server start saves its work here
            for round_ in range(args.rounds):  # interleaved, so all see the same machine
                ours.append(run_ours(directory, warm_rounds=2))
                restarts.append(run_ours(directory, warm_rounds=0, cache_dir=saved))
                theirs.append(run_ical_generator(doc, rounds=3))
                if largest:
                    server_starts.append(run_server(directory, Path(tmp) / f"new-cache-{size}-{round_}"))
                    server_restarts.append(run_server(directory, served))
            med = lambda values: statistics.median(values)  # noqa: E731
            row = {
                "events": size,
                "ours_cold_s": med([o["cold"] for o in ours]),
                "ours_import_s": med([o["import"] for o in ours]),
                "ours_load_s": med([o["load"] for o in ours]),
                "ours_render_s": med([o["render"] for o in ours]),
                "ours_warm_s": med([w for o in ours for w in o["warm"]]),
                "restart_s": med([o["cold"] for o in restarts]),
                "restart_import_s": med([o["import"] for o in restarts]),
                "restart_load_s": med([o["load"] for o in restarts]),
                "restart_render_s": med([o["render"] for o in restarts]),
                "igen_render_s": med([t["render_seconds"][0] for t in theirs]),
                "igen_warm_s": med([s for t in theirs for s in t["render_seconds"][1:]]),
                "ours_bytes": ours[0]["bytes"],
                "igen_bytes": theirs[0]["bytes"],
            }
            if largest:
                row["server_start_s"] = med(server_starts)
                row["server_restart_s"] = med(server_restarts)
            row["cold_ratio"] = row["ours_cold_s"] / row["igen_render_s"]
            row["restart_ratio"] = row["restart_s"] / row["igen_render_s"]
            row["warm_ratio"] = row["ours_warm_s"] / row["igen_warm_s"]
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    print(
        "| events | ours: cold start to feed | (import / load+validate / render all) | ours: warm render all "
        "| ical-generator: first render | ical-generator: warm | cold ÷ igen first | warm ÷ igen warm | µs/event warm (ours / igen) |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(
            f"| {r['events']:,} | {r['ours_cold_s']:.2f} s | {r['ours_import_s']:.2f} / {r['ours_load_s']:.2f} / "
            f"{r['ours_render_s']:.2f} s | {r['ours_warm_s']:.2f} s | {r['igen_render_s']:.2f} s | {r['igen_warm_s']:.2f} s | "
            f"{r['cold_ratio']:.2f}× | {r['warm_ratio']:.2f}× | "
            f"{r['ours_warm_s'] / r['events'] * 1e6:.0f} / {r['igen_warm_s'] / r['events'] * 1e6:.0f} |"
        )
    print(
        "\n| events | ours: restart to feed, with the work saved by an earlier start | (import / load+validate / render) "
        "| ical-generator: first render | restart ÷ igen first |"
    )
    print("|---:|---:|---|---:|---:|")
    for r in rows:
        print(
            f"| {r['events']:,} | {r['restart_s']:.2f} s | {r['restart_import_s']:.2f} / {r['restart_load_s']:.2f} / "
            f"{r['restart_render_s']:.2f} s | {r['igen_render_s']:.2f} s | {r['restart_ratio']:.2f}× |"
        )
    print(
        "\n| events | server: first start to feed answered | server: restart to feed answered "
        "| ical-generator: first render | first start ÷ igen | restart ÷ igen |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if "server_start_s" in r:
            print(
                f"| {r['events']:,} | {r['server_start_s']:.2f} s | {r['server_restart_s']:.2f} s "
                f"| {r['igen_render_s']:.2f} s | {r['server_start_s'] / r['igen_render_s']:.2f}× "
                f"| {r['server_restart_s'] / r['igen_render_s']:.2f}× |"
            )
    zones = [run_vtimezone(rebuilds=5) for _ in range(args.rounds)]
    first = statistics.median(z["first"] for z in zones)
    again = statistics.median(s for z in zones for s in z["again"])
    print(f"\nVTIMEZONE Europe/Berlin 1990-2030: {first * 1e3:.1f} ms in a new process, {again * 1e3:.1f} ms rebuilt")


if __name__ == "__main__":
    main()
