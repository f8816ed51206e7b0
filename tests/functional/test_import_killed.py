"""A table import killed with SIGKILL at any moment, then `portal tables check`, leaves the cell store
and the database in agreement: every table's cell file is there and reads, no file in the store is
one no table names, no temporary file is left (issue 16).

`portal tables import-px` runs as its own process on an instance folder with a migrated SQLite
database holding the programme, importing six tables of 250,000 cells that replace the previous
run's; it is killed after a delay drawn from a fixed seed over the length of a whole import, so the
kills land in different phases (starting up, reading a file, writing cells, committing, deleting the
replaced cells). SQLite only: the import process needs a database of its own.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import func, select, text

from portal.app import create_app
from portal.http.db import get_database
from pxbridge.models import DataTable, TableVariable
from tests.conftest import migrate_and_seed

# Its servers and commands run on their own SQLite databases: CI's PostgreSQL run leaves those out.
pytestmark = pytest.mark.own_portal

SEED = 16
KILLS = 10
FILES = 6
REGIONS, PERIODS = 250, 1000
ROOT = Path(__file__).resolve().parents[2]


def _write_tables(folder: Path, run: int) -> None:
    """Six PX files of 250,000 cells each; every run gives the same tables other cells."""
    rng = np.random.default_rng(SEED * 1000 + run)
    regions = ",".join(f'"r{r}"' for r in range(REGIONS))
    periods = ",".join(f'"{1000 + p}"' for p in range(PERIODS))
    for number in range(FILES):
        numbers = rng.integers(0, 1_000_000, size=(REGIONS, PERIODS))
        data = "\n".join(" ".join(map(str, row)) for row in numbers.tolist())
        head = (
            f'CHARSET="ANSI";\nMATRIX="9906{number}";\nTITLE="9906{number}: Drept";\n'
            'CONTENTS="Drept";\nUNITS="antall";\nSTUB="region";\nHEADING="tid";\n'
            f'VALUES("region")={regions};\nVALUES("tid")={periods};\nDATA=\n'
        )
        (folder / f"9906{number}.px").write_text(head + data + "\n;\n", encoding="ascii")


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[tuple[Flask, dict[str, str]]]:
    """A migrated SQLite database with the programme in an instance folder; the app on it, and
    the environment of a `portal` process on it."""
    folder = tmp_path / "instance"
    folder.mkdir()
    url = f"sqlite:///{folder / 'portal.sqlite3'}"
    migrate_and_seed(url, accounts=False)
    app = create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_DIR": str(folder),
            "SECRET_KEY": "test-secret-key",
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")},
        "PORTAL_INSTANCE_DIR": str(folder),
        "PORTAL_DATABASE_URL": url,
        "PORTAL_SECRET_KEY": "test-secret-key",
        "PORTAL_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    yield app, env
    get_database(app).dispose()


def _import(folder: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "portal", "tables", "import-px", str(folder)]
        + ["--statistic", "folkemengde"],
        env=env,
        cwd=folder.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _check(app: Flask) -> int:
    """`portal tables check --older-than 0`; returns how many files it removed."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["tables", "check", "--older-than", "0"])
    assert result.exit_code == 0, result.output
    return result.output.count("\nremoved ") + result.output.startswith("removed ")


def _revisions(app: Flask) -> dict[str, str | None]:
    with get_database(app).sessions() as s:
        return {t: r for t, r in s.execute(select(DataTable.id, DataTable.store_revision))}


def _assert_consistent(app: Flask) -> None:
    root = Path(app.instance_path) / "tables"
    with get_database(app).sessions() as s:
        rows = s.execute(select(DataTable.id, DataTable.store_revision, DataTable.cells)).all()
        variables = dict(
            s.execute(
                select(TableVariable.table_id, func.count()).group_by(TableVariable.table_id)
            ).all()
        )
        assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert s.execute(text("PRAGMA foreign_key_check")).all() == []
    named = set()
    for table_id, revision, cells in rows:
        assert revision is not None
        stored = np.load(root / table_id / f"{revision}.npy")
        assert stored.dtype == np.float64 and stored.size == cells, table_id
        assert float(stored.sum()) >= 0  # every page read
        assert variables.get(table_id) == 2, table_id
        named |= {f"{table_id}/{revision}.npy", f"{table_id}/{revision}.nan.npy"}
    present = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
    assert not [p for p in present if Path(p).name.startswith(".tmp-")]
    assert present <= named, present - named


def test_an_import_killed_anywhere_leaves_store_and_database_consistent(
    tmp_path: Path, instance: tuple[Flask, dict[str, str]]
) -> None:
    app, env = instance
    folder = tmp_path / "px"
    folder.mkdir()
    _write_tables(folder, 0)
    started = time.perf_counter()
    whole = _import(folder, env)
    assert whole.wait(timeout=120) == 0
    duration = time.perf_counter() - started
    _check(app)
    _assert_consistent(app)
    assert len(_revisions(app)) == FILES
    rng = random.Random(SEED)
    outcomes: list[tuple[float, int, int]] = []  # (delay, tables committed, files removed)
    run = 0

    def enough() -> bool:
        return (
            len(outcomes) >= KILLS
            and len({committed for _, committed, _ in outcomes}) >= 2
            and any(removed for _, _, removed in outcomes)
        )

    while not enough() and run < KILLS + 10:
        run += 1
        _write_tables(folder, run)
        before = _revisions(app)
        delay = rng.uniform(0.2, 0.95) * duration
        started = time.perf_counter()
        process = _import(folder, env)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            # How far it got: the tables whose new cells were committed.
            after = _revisions(app)
            committed = sum(after[t] != before.get(t) for t in after)
            outcomes.append((round(delay, 2), committed, _check(app)))
            if not any(c for _, c, _ in outcomes):
                # Every kill so far came before the first commit: on a loaded machine an import
                # takes longer than the one measured, so stretch the kills over a longer one.
                duration *= 1.25
        else:
            duration = max(duration, time.perf_counter() - started)
            _check(app)
        _assert_consistent(app)
    print(f"whole import {duration:.1f} s; kills (delay s, tables committed, files removed):")
    print(outcomes)
    assert len(outcomes) >= KILLS, f"only {len(outcomes)} of {run} imports were killed"
    # Killed before any table and after some; and at least once where the check had to clean up.
    assert len({committed for _, committed, _ in outcomes}) >= 2, outcomes
    assert any(removed for _, _, removed in outcomes), outcomes
