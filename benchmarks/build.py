"""Static build benchmark: `calendar-svc build` against copying its own output, in one run.

    python benchmarks/build.py [--events 10000]

Generates the synthetic dataset (all three languages are built), then runs, in order:
- a build from scratch into a new folder, then `cp -r` of the site;
- a rebuild after one event's title is edited and stamped, then `cp -r` again;
- a rebuild with nothing changed;
- a rebuild on the next day (the daily rebuild a static site needs).
The builds are for fixed days in the middle of a month, so every run measures the same thing.
Each build is timed from process start to exit, with the peak resident set size of its
largest process (the build forks one worker per core; the kernel reports the largest of
them all to the process that waits), and its summary line (files written, kept, confirmed
by ETag without rendering). It prints each build's time against both copies' times: the goals are
ratios to the copy, and peak memory. The machine is shared, so compare within one run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CLI = str(ROOT / ".venv" / "bin" / "calendar-svc")
BASE_URL = "https://calendar.example.org"
DAY, NEXT_DAY = "2026-06-15", "2026-06-16"


def timed(command: list[str]) -> tuple[float, int, str]:
    """Run ``command``; its wall time in seconds, the peak RSS in MB of its largest process, its output."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"{' '.join(command)} failed ({process.returncode}):\n{output}")
    return seconds, usage.ru_maxrss // 1024, output


def retitle_one(events: Path) -> None:
    files = sorted(events.rglob("event-*.toml"))
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('title = "', 'title = "Edited: ', 1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        events, site, copy = tmp / "events", tmp / "site", tmp / "copy"
        # In a process of its own: the peak the kernel reports for a command starts from the memory of
        # the process that started it (Python starts commands with vfork), so this one must stay small.
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(args.events), str(events)], check=True)
        build = [CLI, "build", "--events", str(events), "--base-url", BASE_URL, "--quiet", "--today", DAY, str(site)]

        def copy_time() -> float:
            shutil.rmtree(copy, ignore_errors=True)
            seconds, _, _ = timed(["cp", "-r", str(site), str(copy)])
            shutil.rmtree(copy)
            return seconds

        runs = []
        seconds, peak, output = timed(build)
        runs.append(("build from scratch", seconds, peak, output))
        copies = [copy_time()]
        retitle_one(events)
        timed([CLI, "stamp", str(events)])
        seconds, peak, output = timed(build)
        runs.append(("rebuild after one edit", seconds, peak, output))
        copies.append(copy_time())
        seconds, peak, output = timed(build)
        runs.append(("rebuild, nothing changed", seconds, peak, output))
        seconds, peak, output = timed([*build[:-2], NEXT_DAY, build[-1]])
        runs.append(("rebuild on the next day", seconds, peak, output))

    files = re.search(r": (\d+) files \(([\d.]+) MB\)", runs[0][3])
    print(f"{args.events:,} events, all languages: {int(files[1]):,} files, {files[2]} MB")
    print(f"cp -r of the site: {copies[0]:.2f} s after the build, {copies[1]:.2f} s after the rebuild")
    print("| run | time | ÷ cp -r (each copy) | peak RSS, largest process | files |")
    print("|---|---:|---|---:|---|")
    for label, seconds, peak, output in runs:
        counts = re.search(r"; (\d+ written, \d+ unchanged \(\d+ confirmed by ETag\), \d+ removed)", output)
        ratios = " / ".join(f"{seconds / c:.1f}×" for c in copies)
        print(f"| {label} | {seconds:.1f} s | {ratios} | {peak} MB | {counts[1] if counts else '?'} |")


if __name__ == "__main__":
    main()
