"""The package's public face: its names and version, no side effects on import, zone rules from tzdata."""

from __future__ import annotations

import subprocess
import sys

import calendar_svc
from calendar_svc.catalog.zones import tzif_bytes, zone, zone_names


def test_the_public_names_are_importable_from_the_package_root():
    assert {"create_app", "load_catalog", "Catalog", "Event", "CatalogError", "Problem"} <= set(calendar_svc.__all__)
    for name in calendar_svc.__all__:
        assert getattr(calendar_svc, name) is not None, name


def test_the_installed_package_reports_the_version_the_code_declares():
    from importlib.metadata import version

    assert version("calendar-svc") == calendar_svc.__version__  # pyproject.toml reads it from there


def test_importing_the_package_leaves_the_zoneinfo_search_path_alone():
    script = (
        "import zoneinfo; before = zoneinfo.TZPATH; import calendar_svc; print(before == zoneinfo.TZPATH, len(before))"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert output.split()[0] == "True"


def test_the_command_imports_the_static_build_only_to_build():
    script = (
        "import sys, calendar_svc.cli, calendar_svc.serving.server; "
        "print(sorted(m for m in sys.modules if m.startswith('calendar_svc.export')))"
    )  # every server start would pay for importing them
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_zone_rules_come_from_the_tzdata_package():
    import importlib.resources

    shipped = importlib.resources.files("tzdata.zoneinfo.Asia").joinpath("Almaty").read_bytes()
    assert tzif_bytes("Asia/Almaty") == shipped
    assert zone("Asia/Almaty").key == "Asia/Almaty"
    assert zone("Asia/Almaty") is zone("Asia/Almaty")
    assert {"Asia/Almaty", "Europe/Brussels", "UTC"} <= zone_names()
