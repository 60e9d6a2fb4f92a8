"""The deployment files agree with the server they run."""

from __future__ import annotations

import re

from calendar_svc.serving.server import WORKERS_KILL_TIMEOUT

from .conftest import ROOT

UNIT = ROOT / "deploy" / "calendar-svc.service"


def unit_setting(name: str) -> str:
    return re.search(rf"^{name}=(.*)$", UNIT.read_text(encoding="utf-8"), re.M)[1]


def test_on_stop_granian_kills_a_stuck_worker_before_systemd_kills_the_whole_service():
    # A worker that missed SIGTERM while starting would otherwise keep granian waiting until
    # systemd's SIGKILL, and the stop would end as a failure instead of a clean shutdown.
    assert unit_setting("KillSignal") == "SIGTERM"
    assert int(unit_setting("TimeoutStopSec")) >= WORKERS_KILL_TIMEOUT + 5
