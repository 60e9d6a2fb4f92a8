"""Serving benchmark: the real server against nginx serving the same bytes, with wrk.

    python benchmarks/serve.py [--events DIR | --generate N] [--seconds 10] [--rounds 3]

Starts `calendar-svc serve` (granian) on a loopback port and nginx on another,
serving files with the exact bytes the app sends. Then interleaves wrk runs, with
the app started afresh for each round:
the full feed (200), the same feed revalidated with its ETag (304), for both
servers, and reports median requests per second, p50/p99 latency, errors and
the ratios app ÷ nginx. Memory: the proportional set size (PSS) of the largest
server process, once the full feed in each language (/calendar.ics,
/kk/calendar.ics, /ru/calendar.ics) has been served several times on new
connections (so by every worker), and again after the wrk runs.
nginx writes an access line per request, as the app does, and sends the app's
caching and security headers, so both do the same work for a 304; the CPU
time each server spends per request is reported beside the throughput.
Needs Debian's wrk and nginx-light.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
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
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402

NGINX_CONF = """
worker_processes 2;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    # The same work per request as the app: one access line (the app's go to its standard output,
    # here /dev/null), written as it happens, and the same headers.
    log_format app '$remote_addr "$request" $status $request_time "$http_user_agent"';
    access_log /dev/null app;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    types {{ text/calendar ics; application/json json; }}
    charset utf-8; charset_types text/calendar application/json;
    sendfile on; tcp_nopush on; keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        etag on;
{headers}
    }}
}}
"""


SAME_HEADERS = (
    "cache-control", "vary", "content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options",
    "access-control-allow-origin",
)  # fmt: skip
FULL_FEEDS = ("/calendar.ics", "/kk/calendar.ics", "/ru/calendar.ics")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def pss_kib(pid: int) -> int:
    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    return int(re.search(r"^Pss:\s+(\d+) kB", text, re.M)[1])


def server_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [master, *map(int, children)]


def cpu_ticks(master: int) -> int:
    """User and system clock ticks spent so far by ``master`` and its children (all their threads)."""
    ticks = 0
    for pid in server_pids(master):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks


def wrk(url: str, seconds: int, headers: dict[str, str], master: int) -> dict:
    args = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", url]
    for name, value in headers.items():
        args[1:1] = ["-H", f"{name}: {value}"]
    ticks = cpu_ticks(master)
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    ticks = cpu_ticks(master) - ticks
    requests = int(re.search(r"(\d+) requests in", out)[1])
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    latency = {p: parse_ms(re.search(rf"^\s+{p}%\s+(\S+)", out, re.M)[1]) for p in ("50", "99")}
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m[1])
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(map(int, m.groups()))
    cpu_us = ticks / os.sysconf("SC_CLK_TCK") * 1e6 / max(requests, 1)
    return {"rps": rps, "p50_ms": latency["50"], "p99_ms": latency["99"], "errors": errors, "cpu_us": cpu_us}


def parse_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def head(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


def nginx_headers(app_url: str) -> str:
    """nginx directives adding the app's caching and security headers (what nginx does not send itself)."""
    _, headers = head(app_url)
    return "\n".join(f'        add_header {name} "{headers[name]}";' for name in SAME_HEADERS)


def pss_after_languages(port: int, master: int, times: int = 8) -> int:
    """The largest server process's PSS (KiB) once each language's full feed has been asked for
    ``times`` times, each on a new connection, so that every worker has served each."""
    for path in FULL_FEEDS:
        for _ in range(times):
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}").read()
    return max(pss_kib(p) for p in server_pids(master))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=Path, default=ROOT / "events")
    parser.add_argument("--generate", type=int, help="use a generated dataset of N events instead")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--path", default="/calendar.ics")
    parser.add_argument("--threads", type=int, help="request threads per worker (default: the server's)")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            sys.exit(f"needs the Debian package {'nginx-light' if tool == 'nginx' else tool}")
    return args


class App:
    """`calendar-svc serve` on a loopback port, started afresh for each round."""

    def __init__(self, events: Path, threads: int | None, path: str):
        self.port = free_port()
        self.command = [
            str(ROOT / ".venv/bin/calendar-svc"),
            "serve",
            "--port",
            str(self.port),
            "--events",
            str(events),
        ]
        self.command += ["--threads", str(threads)] if threads else []
        self.env = {**os.environ, "CALENDAR_SVC_BASE_URL": f"http://127.0.0.1:{self.port}"}
        self.url = f"http://127.0.0.1:{self.port}{path}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=self.env, start_new_session=True
        )
        wait_for(self.url, 120)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(30)


def start_nginx(tmp: str, path: str, body: bytes, app_url: str) -> tuple[subprocess.Popen, str]:
    """nginx serving ``body`` at ``path`` with the app's headers; its process and URL."""
    port = free_port()
    root = Path(tmp) / "site"
    (root / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
    (root / path.lstrip("/")).write_bytes(body)
    conf = Path(tmp) / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, root=root, headers=nginx_headers(app_url)))
    nginx = subprocess.Popen(["/usr/sbin/nginx", "-c", str(conf)], stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}{path}"
    wait_for(url)
    assert urllib.request.urlopen(url).read() == body
    return nginx, url


def one_round(app: App, nginx: subprocess.Popen, nginx_url: str, seconds: int, results: dict) -> int:
    """wrk against both servers for the 200 and the 304; the app's PSS (KiB) once three languages were served."""
    pss = pss_after_languages(app.port, app.process.pid)
    app_etag = head(app.url)[1]["etag"]
    nginx_etag = head(nginx_url)[1]["etag"]
    assert head(app.url, {"If-None-Match": app_etag})[0] == 304
    cases = {
        ("app", "200"): (app.url, {}, app.process.pid),
        ("nginx", "200"): (nginx_url, {}, nginx.pid),
        ("app", "304"): (app.url, {"If-None-Match": app_etag}, app.process.pid),
        ("nginx", "304"): (nginx_url, {"If-None-Match": nginx_etag}, nginx.pid),
    }
    for key, (url, headers, master) in cases.items():
        results.setdefault(key, []).append(wrk(url, seconds, headers, master))
    return pss


def main() -> None:
    args = arguments()
    results: dict[tuple, list[dict]] = {}
    pss_languages, pss_after = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)  # nginx workers run as an unprivileged user
        events = args.events
        if args.generate:
            events = Path(tmp) / "events"
            generate(args.generate, events)
        # Each round starts the server afresh: how the kernel spreads connections and threads over
        # the cores differs from one start to the next, and with it the throughput.
        app, nginx = App(events, args.threads, args.path), None
        try:
            app.start()
            body = urllib.request.urlopen(app.url).read()
            nginx, nginx_url = start_nginx(tmp, args.path, body, app.url)
            for round_ in range(args.rounds):
                if round_:
                    app.start()
                    assert urllib.request.urlopen(app.url).read() == body  # the same bytes from every start
                pss_languages.append(one_round(app, nginx, nginx_url, args.seconds, results))
                pss_after = max(pss_after, *(pss_kib(p) for p in server_pids(app.process.pid)))
                app.stop()
        finally:
            app.stop()
            if nginx:
                nginx.terminate()
                nginx.wait(30)
    report(args, body, results, pss_languages, pss_after)


def report(args: argparse.Namespace, body: bytes, results: dict, pss_languages: list[int], pss_after: int) -> None:
    def med(key, field):
        return statistics.median(r[field] for r in results[key])

    summary = {
        "events_dir": str(args.events) if not args.generate else f"generated {args.generate}",
        "feed_bytes": len(body),
        "pss_mib_three_languages": [round(kib / 1024, 1) for kib in pss_languages],
        "pss_mib_after_runs": round(pss_after / 1024, 1),
    }
    print(
        f"feed {args.path}: {len(body):,} bytes; largest server process PSS once the full feeds in three languages "
        f"were served (by round): {', '.join(f'{m} MiB' for m in summary['pss_mib_three_languages'])}; "
        f"after the runs, at most {summary['pss_mib_after_runs']} MiB"
    )
    print(
        "| response | app req/s | nginx req/s | app ÷ nginx | app p50 / p99 | nginx p50 / p99 "
        "| CPU µs per request (app / nginx) | errors (app, nginx) |"
    )
    print("|---|---:|---:|---:|---|---|---|---|")
    for status in ("200", "304"):
        a, n = ("app", status), ("nginx", status)
        print(
            f"| {status} | {med(a, 'rps'):,.0f} | {med(n, 'rps'):,.0f} | {med(a, 'rps') / med(n, 'rps'):.3f} | "
            f"{med(a, 'p50_ms'):.2f} / {med(a, 'p99_ms'):.2f} ms | {med(n, 'p50_ms'):.2f} / {med(n, 'p99_ms'):.2f} ms | "
            f"{med(a, 'cpu_us'):.0f} / {med(n, 'cpu_us'):.0f} | "
            f"{sum(r['errors'] for r in results[a])}, {sum(r['errors'] for r in results[n])} |"
        )
    for status in ("200", "304"):
        rounds = ", ".join(f"{r['rps']:,.0f}" for r in results[("app", status)])
        nginx_rounds = ", ".join(f"{r['rps']:,.0f}" for r in results[("nginx", status)])
        print(f"{status}, req/s by round: app {rounds}; nginx {nginx_rounds}")
    print(json.dumps(summary), file=sys.stderr)


if __name__ == "__main__":
    main()
