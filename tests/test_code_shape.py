"""The package stays readable and keeps nothing but its output: limits a reviewer would otherwise check by hand."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SMALL
from .servers import Service, fetch

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "calendar_svc"
MODULE_LINES = 400
FUNCTION_LINES = 60
# Ways of keeping state outside memory, or of tuning the interpreter, that the service does without.
FORBIDDEN_IMPORTS = {"pickle", "marshal", "ctypes", "shelve", "dbm"}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_there_are_modules_to_check():
    assert len(modules()) > 30


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_is_longer_than_the_limit(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MODULE_LINES


def functions_in(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_function_is_longer_than_the_limit(path):
    long = [f"{f.name} ({f.end_lineno - f.lineno + 1} lines)" for f in functions_in(path)]
    long = [
        name for name, f in zip(long, functions_in(path), strict=True) if f.end_lineno - f.lineno + 1 > FUNCTION_LINES
    ]
    assert long == []


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_nothing_is_pickled_loaded_through_ctypes_or_kept_from_the_collector(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    imported |= {
        node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported & FORBIDDEN_IMPORTS == set()
    assert "gc" not in imported  # no collector pauses, freezes or tuning


def test_a_build_and_a_serve_leave_a_fresh_home_empty(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"), "CALENDAR_SVC_RELOAD_INTERVAL": "0"}
    command = [sys.executable, "-m", "calendar_svc"]
    build = [
        *command,
        "build",
        str(tmp_path / "site"),
        "--base-url",
        "https://cal.test",
        "--events",
        str(SMALL),
        "--quiet",
    ]
    subprocess.run(build, env=env, check=True, capture_output=True, timeout=120)
    assert (tmp_path / "site" / "index.html").is_file()
    server = Service(SMALL, tmp_path / "server.log", workers=1, env=env)
    try:
        for prefix in ("", "/kk", "/ru"):
            for url in ("/calendar.ics", "/", "/subscribe/"):
                assert fetch(server.port, prefix + url, headers={"Accept-Encoding": "gzip"}).status == 200
        assert fetch(server.port, "/api/events.json").status == 200
    finally:
        server.stop()
    assert list(home.rglob("*")) == []
