"""The systemd unit in deploy/: what the daemon's design needs of it, and systemd's own check of it."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNIT = Path(__file__).parent.parent / "deploy" / "dealpulse.service"
INSTALLED_COMMAND = "/opt/dealpulse/.venv/bin/dealpulse"


def unit_sections() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(UNIT.read_text())
    return parser


def test_the_unit_stops_the_daemon_alone_restarts_it_on_failure_and_is_hardened() -> None:
    service = unit_sections()["Service"]
    assert service["ExecStart"] == f"{INSTALLED_COMMAND} run"
    # the workers finish their pages and leave with the daemon: only the daemon gets SIGTERM
    assert service["KillMode"] == "mixed"
    assert service["Restart"] == "on-failure"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["PrivateTmp"] == "yes"
    # the one writable place is where the database and outbox live
    assert service["ReadWritePaths"] == "/var/lib/dealpulse"
    assert "DEALPULSE_DATA_DIR=/var/lib/dealpulse" in service["Environment"]
    assert int(service["TimeoutStopSec"]) > 30  # longer than the default shutdown_grace


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_verifies_the_unit(tmp_path: Path) -> None:
    # verify checks that ExecStart exists: point it at this checkout's command
    command = Path(sys.executable).parent / "dealpulse"
    assert os.access(command, os.X_OK)
    unit = tmp_path / "dealpulse.service"
    unit.write_text(UNIT.read_text().replace(INSTALLED_COMMAND, str(command)))
    checked = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60, check=False
    )
    assert checked.returncode == 0, checked.stderr
    assert "dealpulse.service" not in checked.stderr  # no warning about the unit
