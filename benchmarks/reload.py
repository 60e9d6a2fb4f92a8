"""Reload benchmark: the server's CPU while idle, and how soon an edit is served.

    python benchmarks/reload.py [--events DIR] [--idle 30]

Starts `calendar-svc serve` on a copy of the events (bundled by default), asks
for its full feed, then measures the CPU time all server processes (every
thread) spend over an idle window, from /proc/<pid>/stat, as a share of one
core. Then it changes one event's title and times the save until every answer
to that event's .ics, each on a new connection so that all workers are asked,
carries the new title.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.serve import cpu_ticks, free_port, wait_for  # noqa: E402

ASKED = 12  # answers in a row that must all carry the edit (each on a new connection)


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as reply:
        return reply.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=Path, default=ROOT / "events")
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of the idle window")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        events = Path(tmp) / "events"
        shutil.copytree(args.events, events)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [str(ROOT / ".venv/bin/calendar-svc"), "serve", "--port", str(port), "--events", str(events)]
        env = {**os.environ, "CALENDAR_SVC_BASE_URL": base}
        server = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True
        )
        try:
            wait_for(base + "/calendar.ics", 120)
            time.sleep(3)  # every worker started and watching
            ticks, started = cpu_ticks(server.pid), time.monotonic()
            time.sleep(args.idle)
            ticks, seconds = cpu_ticks(server.pid) - ticks, time.monotonic() - started
            idle_percent = ticks / os.sysconf("SC_CLK_TCK") / seconds * 100

            events_json = json.loads(get(base + "/api/events.json"))["events"]
            event = next(e for e in events_json if e["ics_url"])
            path = next(p for p in sorted(events.rglob("*.toml")) if p.stem == event["id"])
            marker = "Edited at " + str(time.time_ns())
            text = path.read_text()
            assert 'title = "' in text, path
            saved = time.monotonic()
            path.write_text(text.replace('title = "', f'title = "{marker} ', 1))
            seen = 0
            while seen < ASKED:
                seen = seen + 1 if marker.encode() in get(event["ics_url"].replace("https://", "http://")) else 0
                if time.monotonic() - saved > 60:
                    raise RuntimeError("the edit was not served within 60 s")
            edit_seconds = time.monotonic() - saved
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(60)
    print(
        f"idle CPU of the server (all processes): {idle_percent:.2f}% of one core over {seconds:.0f} s; "
        f"an edit served by every answer {edit_seconds:.2f} s after the save ({ASKED} in a row)"
    )
    print(json.dumps({"idle_cpu_percent": idle_percent, "edit_served_s": edit_seconds}), file=sys.stderr)


if __name__ == "__main__":
    main()
