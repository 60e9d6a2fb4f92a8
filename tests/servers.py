"""Real servers for the tests: gunicorn running the service, nginx serving an export."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .conftest import ROOT

NGINX = Path("/usr/sbin/nginx")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, timeout: float, message: str, interval: float = 0.05):
    """Poll ``condition`` until it returns something truthy; fail with ``message`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} (waited {timeout:g}s)")
        time.sleep(interval)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(port: int, path: str, method: str = "GET", headers: dict | None = None, timeout: float = 10) -> Reply:
    """One request on a new connection (so the kernel spreads them over the workers)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def raw_request(port: int, data: bytes, timeout: float = 10) -> bytes:
    """Send bytes as they are (for request lines no HTTP library would write); return the raw reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class Gunicorn:
    """`calendar-svc serve` as a subprocess, its log in a file."""

    def __init__(
        self, events_dir: Path, log_path: Path, workers: int = 2, env: dict | None = None, config_file: bool = False
    ):
        """`calendar-svc serve`, or with ``config_file`` `gunicorn -c gunicorn.conf.py wsgi:app`."""
        self.port = free_port()
        self.log_path = log_path
        environment = {**os.environ, "CALENDAR_SVC_RELOAD_INTERVAL": "0.5", **(env or {})}
        if config_file:
            environment.update(
                CALENDAR_SVC_EVENTS_DIR=str(events_dir),
                CALENDAR_SVC_BIND=f"127.0.0.1:{self.port}",
                WEB_CONCURRENCY=str(workers),
            )
            command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
        else:
            command = [
                sys.executable,
                "-m",
                "calendar_svc",
                "serve",
                "--events",
                str(events_dir),
                "--port",
                str(self.port),
                "--workers",
                str(workers),
            ]
        self._log = open(log_path, "wb")  # noqa: SIM115 - open for the server's lifetime, closed by stop()
        self.process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=self._log, stderr=subprocess.STDOUT)
        wait_until(
            lambda: self.process.poll() is not None or accepts_connections(self.port),
            30,
            "gunicorn did not start listening",
        )
        assert self.process.poll() is None, f"gunicorn exited:\n{self.log()}"
        wait_until(
            lambda: (
                len(self.worker_pids()) == workers
                and all(f"process {pid} watches" in self.log() for pid in self.worker_pids())
            ),
            30,
            f"not every worker started watching the data:\n{self.log()}",
        )

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def worker_pids(self) -> list[int]:
        return [int(line.rsplit(" ", 1)[1]) for line in self.log().splitlines() if "Booting worker with pid:" in line]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._log.close()


class Nginx:
    """nginx (Debian's nginx-light) on a loopback port, serving ``root`` with deploy/nginx.conf."""

    def __init__(self, root: Path, workdir: Path):
        if not NGINX.exists():
            raise AssertionError(
                f"{NGINX} is missing: these tests need Debian's nginx-light (sudo apt-get install nginx-light)"
            )
        self.port = free_port()
        site = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
        site = site.replace("listen 80;", f"listen 127.0.0.1:{self.port};").replace("listen [::]:80;", "")
        site = site.replace("root /srv/calendar-svc/site;", f"root {root};")
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "site.conf").write_text(site, encoding="utf-8")
        self.error_log = workdir / "error.log"
        config = workdir / "nginx.conf"
        temp = {name: workdir / name for name in ("client", "proxy", "fastcgi", "uwsgi", "scgi")}
        for path in temp.values():
            path.mkdir(exist_ok=True)
        user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the export in a private temp folder
        config.write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {workdir / 'nginx.pid'};\n"
            f"error_log {self.error_log} warn;\nevents {{ worker_connections 64; }}\n"
            f"http {{\n access_log off;\n client_body_temp_path {temp['client']};\n proxy_temp_path {temp['proxy']};\n"
            f" fastcgi_temp_path {temp['fastcgi']};\n uwsgi_temp_path {temp['uwsgi']};\n scgi_temp_path {temp['scgi']};\n"
            f" include {workdir / 'site.conf'};\n}}\n",
            encoding="utf-8",
        )
        self.process = subprocess.Popen(
            [str(NGINX), "-p", str(workdir), "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        wait_until(
            lambda: self.process.poll() is not None or accepts_connections(self.port),
            15,
            "nginx did not start listening",
        )
        if self.process.poll() is not None:
            output = self.process.stdout.read().decode(errors="replace")
            raise AssertionError(f"nginx did not start:\n{output}\n{self.errors()}")

    def errors(self) -> str:
        return self.error_log.read_text(errors="replace") if self.error_log.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process.stdout.close()
