"""The systemd units of docs/operations.md (docs/systemd/): they pass `systemd-analyze verify` where
systemd is installed, run the commands the guide says they run, and those commands exist."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.cli import main

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "docs" / "systemd"
#: Where docs/operations.md installs the portal; the test points the units at this checkout's instead.
INSTALLED = "/srv/portal/venv/bin/portal"


def _portal_script() -> str:
    found = Path(sys.executable).with_name("portal")
    return str(found if found.exists() else Path(sys.executable))


def _units() -> list[Path]:
    return sorted([*UNITS.glob("*.service"), *UNITS.glob("*.timer")])


def test_the_units_run_the_commands_the_guide_names() -> None:
    commands = {
        unit.name: re.findall(r"^ExecStart=(.*)$", unit.read_text(), re.M)
        for unit in UNITS.glob("*.service")
    }
    assert commands == {
        "portal.service": [f"{INSTALLED} serve --host 127.0.0.1 --port 8000 --workers 4"],
        "portal-search-follow.service": [f"{INSTALLED} search follow --interval 2"],
        "portal-notify.service": [f"{INSTALLED} notify run --interval 5"],
        "portal-remotes-sync.service": [f"{INSTALLED} remotes sync --every 3600"],
        "portal-backup.service": [f"{INSTALLED} backup"],
    }
    guide = (ROOT / "docs" / "operations.md").read_text()
    for unit in _units():
        assert f"docs/systemd/{unit.name}" in guide, f"{unit.name} is not in docs/operations.md"
    for timer in UNITS.glob("*.timer"):
        assert timer.with_suffix(".service").exists()


def test_the_commands_in_the_units_exist() -> None:
    runner = CliRunner()
    for unit in UNITS.glob("*.service"):
        line = re.search(r"^ExecStart=\S+ (.*)$", unit.read_text(), re.M)
        assert line, unit.name
        # --help after the options: click parses every option (an unknown one fails) before it
        # answers, and no app is built.
        answer = runner.invoke(main, [*line.group(1).split(), "--help"])
        assert answer.exit_code == 0, (unit.name, answer.output)


def test_systemd_analyze_verifies_the_units(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (it comes with systemd): units not verified")
    copies = []
    for unit in _units():
        # verify checks that ExecStart's program exists: point it at this checkout's `portal`.
        copy = tmp_path / unit.name
        copy.write_text(unit.read_text().replace(INSTALLED, _portal_script()))
        copies.append(str(copy))
    result = subprocess.run(
        [analyze, "verify", *copies], capture_output=True, text=True, timeout=60
    )
    # Unknown keys and bad values are only warnings (exit status 0), so any output fails too.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")
