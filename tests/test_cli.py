"""The calendar-svc command: validate's output and exit codes, serve's refusal of bad data and of a taken port."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys

from calendar_svc.cli import main

from .conftest import BROKEN, BUNDLED_EVENTS, ROOT, SMALL


def test_validate_prints_a_one_line_summary_and_exits_0_on_good_data(runner):
    result = runner.invoke(main, ["validate", str(SMALL)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1
    assert "7 events OK (5 dated, 2 with only a month or year)" in result.stdout
    # The year-only event of 2022 is still tentative: a warning, not a problem.
    assert result.stderr.startswith(f"warning: {SMALL / 'year-only.toml'}: status: tentative, but its date (2022)")


def test_validate_prints_every_problem_one_per_line_and_exits_1(runner):
    result = runner.invoke(main, ["validate", str(BROKEN)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"{BROKEN / 'end-before-start.toml'}: end: must not be before start" in lines
    assert f"{BROKEN / 'unknown-field-titel.toml'}: titel: unknown field (did you mean 'title'?)" in lines
    assert lines[-1].startswith("Error: ")
    assert "problems in" in lines[-1]
    assert "Traceback" not in result.output


def test_validate_reads_the_directory_from_the_environment(runner):
    result = runner.invoke(main, ["validate"], env={"CALENDAR_SVC_EVENTS_DIR": str(SMALL)})
    assert result.exit_code == 0
    assert str(SMALL) in result.output


def test_the_bundled_events_validate(runner):
    result = runner.invoke(main, ["validate", str(BUNDLED_EVENTS)])
    assert result.exit_code == 0, result.output


def serve(*arguments: str) -> subprocess.CompletedProcess:
    """`calendar-svc serve` run as a process of its own, for the ways it refuses to start."""
    command = [sys.executable, "-m", "calendar_svc", "serve", *arguments]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_serve_refuses_bad_data_with_the_same_lines_and_no_traceback(tmp_path):
    shutil.copytree(SMALL, tmp_path / "events")
    shutil.copy(BROKEN / "bad-country-code.toml", tmp_path / "events")
    process = serve("--events", str(tmp_path / "events"), "--port", "1")
    assert process.returncode == 1
    assert (
        f"{tmp_path / 'events' / 'bad-country-code.toml'}: countries: 'XX' is not an ISO 3166-1 alpha-2 country code"
        in process.stderr
    )
    assert "Traceback" not in process.stderr


def test_serve_refuses_a_port_another_server_listens_on_instead_of_sharing_it():
    # Listening as granian does, with SO_REUSEPORT: a second granian would bind beside it without a word,
    # and the two servers (perhaps of other data) would each answer some of the requests.
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = serve("--events", str(SMALL), "--port", str(port))
    assert process.returncode == 1
    assert process.stderr == f"Error: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_serve_asks_for_an_ip_address_to_listen_on_rather_than_failing_on_a_host_name():
    process = serve("--events", str(SMALL), "--host", "localhost", "--port", "1")
    assert process.returncode == 2
    assert "Invalid value for '--host': 'localhost' is not an IP address (such as 127.0.0.1, 0.0.0.0 or ::)" in (
        process.stderr
    )
    assert "Traceback" not in process.stderr


def test_serve_rejects_a_base_url_that_is_not_an_origin(runner):
    result = runner.invoke(main, ["serve", "--events", str(SMALL), "--base-url", "ftp://x"])
    assert result.exit_code == 1
    assert "CALENDAR_SVC_BASE_URL must be an http(s) origin" in result.output
