"""Render benchmark: our cold start and warm render against ical-generator, in one run.

    python benchmarks/render.py [--sizes 100 1000 10000] [--rounds 5]

For each size it generates the synthetic dataset, then interleaves rounds of:
- ours, cold: a fresh Python process imports the service, loads and validates
  every file and renders the full feed, as a server start does
  (``create_app``), timed from process start until the full feed's bytes exist;
  nothing is kept between processes, so every start is a first start;
- ours, warm: rendering every feed again from the loaded catalog, with a new memo;
- ical-generator (npm): building and serialising the full feed from the
  same events (its input is our own /api/events.json);
- the server, at the largest size: `calendar-svc serve` timed from process
  start until its full feed is answered over HTTP, under the default feed
  budget (the server makes what its workers share before they start).
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
config = Config(events_dir=sys.argv[1], base_url="http://127.0.0.1:8000", feed_budget=10**12)
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


def run_ours(directory: Path, warm_rounds: int) -> dict:
    """One start in a new process."""
    out = subprocess.run(
        [sys.executable, "-c", OURS, str(directory), repr(time.time()), str(warm_rounds)],
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


def run_server(directory: Path) -> float:
    """Seconds from starting `calendar-svc serve` until it answers its full feed over HTTP."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "calendar_svc", "serve", "--port", str(port), "--events", str(directory)]
    env = {**os.environ, "CALENDAR_SVC_BASE_URL": "https://calendar.example.org"}  # as in production
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
            ours, theirs, server_starts = [], [], []
            largest = size == max(args.sizes)
            for _ in range(args.rounds):  # interleaved, so all see the same machine
                ours.append(run_ours(directory, warm_rounds=2))
                theirs.append(run_ical_generator(doc, rounds=3))
                if largest:
                    server_starts.append(run_server(directory))
            med = lambda values: statistics.median(values)  # noqa: E731
            row = {
                "events": size,
                "ours_cold_s": med([o["cold"] for o in ours]),
                "ours_import_s": med([o["import"] for o in ours]),
                "ours_load_s": med([o["load"] for o in ours]),
                "ours_render_s": med([o["render"] for o in ours]),
                "ours_warm_s": med([w for o in ours for w in o["warm"]]),
                "igen_render_s": med([t["render_seconds"][0] for t in theirs]),
                "igen_warm_s": med([s for t in theirs for s in t["render_seconds"][1:]]),
                "ours_bytes": ours[0]["bytes"],
                "igen_bytes": theirs[0]["bytes"],
            }
            if largest:
                row["server_start_s"] = med(server_starts)
            row["cold_ratio"] = row["ours_cold_s"] / row["igen_render_s"]
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
    print("\n| events | server: start to full feed answered | ical-generator: first render | server ÷ igen |")
    print("|---:|---:|---:|---:|")
    for r in rows:
        if "server_start_s" in r:
            print(
                f"| {r['events']:,} | {r['server_start_s']:.2f} s | {r['igen_render_s']:.2f} s "
                f"| {r['server_start_s'] / r['igen_render_s']:.2f}× |"
            )
    zones = [run_vtimezone(rebuilds=5) for _ in range(args.rounds)]
    first = statistics.median(z["first"] for z in zones)
    again = statistics.median(s for z in zones for s in z["again"])
    print(f"\nVTIMEZONE Europe/Berlin 1990-2030: {first * 1e3:.1f} ms in a new process, {again * 1e3:.1f} ms rebuilt")


if __name__ == "__main__":
    main()
