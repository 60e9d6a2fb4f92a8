"""Real servers for the tests: the service as users run it (granian), nginx serving an export."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .conftest import ROOT

NGINX = Path("/usr/sbin/nginx")


ATTEMPTS = 5  # ports to try: another process may take a free port before the server binds it


def free_port() -> int:
    """A port nothing listened on a moment ago (another process may take it before we do)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AddressInUse(Exception):
    """The server found its port taken."""


def on_a_free_port(start: Callable[[int], None], server: str) -> int:
    """Call ``start(port)`` on a free port, again on another while it raises AddressInUse; return the port."""
    for _ in range(ATTEMPTS):
        port = free_port()
        try:
            start(port)
        except AddressInUse:
            continue
        return port
    raise AssertionError(f"{server} found its port taken {ATTEMPTS} times")


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


class Service:
    """The service as users run it (`calendar-svc serve`), as a subprocess with its log in a file."""

    def __init__(self, events_dir: Path, log_path: Path, workers: int = 2, env: dict | None = None):
        """The port is one that was free a moment ago; when another process takes it first,
        the server says so and starts again on another."""
        self.events_dir = events_dir
        self.log_path = log_path
        self.workers = workers
        self.environment = {**os.environ, "CALENDAR_SVC_RELOAD_INTERVAL": "0.5", **(env or {})}
        self.process: subprocess.Popen | None = None
        try:
            self.port = on_a_free_port(self._start, "granian")
            watching = float(self.environment["CALENDAR_SVC_RELOAD_INTERVAL"] or "1") > 0
            wait_until(
                lambda: (
                    len(self.worker_pids()) == workers
                    and (not watching or all(f"process {pid} watches" in self.log() for pid in self.worker_pids()))
                    and accepts_connections(self.port)
                ),
                30,
                f"not every worker started{' watching the data' if watching else ''}:\n{self.log()}",
            )
        except BaseException:
            self.stop()
            raise

    def _command(self, port: int) -> list[str]:
        return [
            sys.executable, "-m", "calendar_svc", "serve", "--events", str(self.events_dir),
            "--port", str(port), "--workers", str(self.workers),
        ]  # fmt: skip

    def _start(self, port: int) -> None:
        """Start the server on ``port`` and wait until it listens there; AddressInUse when the port is taken."""
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - open for the server's lifetime, closed by stop()
        self.process = subprocess.Popen(
            self._command(port), cwd=ROOT, env=self.environment, stdout=self._log, stderr=subprocess.STDOUT
        )
        listening = re.compile(rf"Listening at: http://127\.0\.0\.1:{port}( \(|$)", re.M)

        def outcome() -> str | None:
            exited = self.process.poll() is not None
            log = self.log()
            if "Address already in use" in log:
                return "taken"
            if listening.search(log):
                return "listening"
            return "exited" if exited else None

        result = wait_until(outcome, 30, "granian did not start listening")
        if result == "taken":  # it has no workers yet, and would not heed SIGTERM before it binds
            self.process.kill()
            self.process.wait(5)
            self._log.close()
            raise AddressInUse(port)
        assert result == "listening", f"granian exited:\n{self.log()}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def worker_pids(self) -> list[int]:
        """The workers' process ids, as granian logs them ("Spawning worker-1 with PID: N")."""
        return [int(found) for found in re.findall(r"Spawning worker-\d+ with PID: (\d+)", self.log())]

    def stop(self) -> None:
        if self.process is None:
            return
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
        """The port is one that was free a moment ago; when another process takes it first,
        nginx logs "Address already in use" and starts again on another."""
        if not NGINX.exists():
            raise AssertionError(
                f"{NGINX} is missing: these tests need Debian's nginx-light (sudo apt-get install nginx-light)"
            )
        self.root = root
        self.workdir = workdir
        self.error_log = workdir / "error.log"
        self.pid_file = workdir / "nginx.pid"
        self.process: subprocess.Popen | None = None
        workdir.mkdir(parents=True, exist_ok=True)
        config = workdir / "nginx.conf"
        temp = {name: workdir / name for name in ("client", "proxy", "fastcgi", "uwsgi", "scgi")}
        for path in temp.values():
            path.mkdir(exist_ok=True)
        user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the export in a private temp folder
        config.write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {self.pid_file};\n"
            f"error_log {self.error_log} warn;\nevents {{ worker_connections 64; }}\n"
            f"http {{\n access_log off;\n client_body_temp_path {temp['client']};\n proxy_temp_path {temp['proxy']};\n"
            f" fastcgi_temp_path {temp['fastcgi']};\n uwsgi_temp_path {temp['uwsgi']};\n scgi_temp_path {temp['scgi']};\n"
            f" include {workdir / 'site.conf'};\n}}\n",
            encoding="utf-8",
        )
        self.command = [str(NGINX), "-p", str(workdir), "-c", str(config)]
        try:
            self.port = on_a_free_port(self._start, "nginx")
        except BaseException:
            self.stop()
            raise

    def _start(self, port: int) -> None:
        """Start nginx on ``port`` and wait until it listens there; AddressInUse when the port is taken."""
        site = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
        site = site.replace("listen 80;", f"listen 127.0.0.1:{port};").replace("listen [::]:80;", "")
        site = site.replace("root /srv/calendar-svc/site;", f"root {self.root};")
        (self.workdir / "site.conf").write_text(site, encoding="utf-8")
        self.error_log.unlink(missing_ok=True)  # only this try's lines
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

        def outcome() -> str | None:
            exited = self.process.poll() is not None
            if "Address already in use" in self.errors():  # nginx would try the same port for 2.5 s more
                return "taken"
            if self.pid_file.exists() and self.pid_file.read_text().strip() == str(self.process.pid):
                return "listening"  # nginx writes its pid once its sockets listen
            return "exited" if exited else None

        result = wait_until(outcome, 15, "nginx did not start listening")
        if result == "taken":  # it has no workers yet, and would not heed SIGQUIT before it binds
            self.process.kill()
            self.process.wait(5)
            self.process.stdout.close()
            raise AddressInUse(port)
        if result == "exited":
            output = self.process.stdout.read().decode(errors="replace")
            raise AssertionError(f"nginx did not start:\n{output}\n{self.errors()}")

    def errors(self) -> str:
        return self.error_log.read_text(errors="replace") if self.error_log.exists() else ""

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process.stdout.close()
