"""The `portal` command, run as a user runs it: a real process on a real instance folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.accounts.models import ApiToken
from portal.kernel.db import Database

# Its servers and commands run on their own SQLite databases: CI's PostgreSQL run leaves those out.
pytestmark = pytest.mark.own_portal


def _portal(
    instance: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PORTAL_INSTANCE_DIR": str(instance), "PORTAL_LOG_LEVEL": "WARNING"}
    env.pop("PORTAL_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "portal", *args],
        env=env,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


def test_upgrade_seed_user_and_token_lifecycle(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    assert _portal(instance, "db", "upgrade").returncode == 0
    seeded = _portal(instance, "seed", "--demo")
    assert seeded.returncode == 0 and "16 producers, 21 subject areas" in seeded.stdout
    again = _portal(instance, "seed", "--demo")
    assert "0 producers, 0 subject areas, 0 statistics" in again.stdout

    made = _portal(
        instance,
        "user",
        "create",
        "--email",
        "Ola@NVE.no",
        "--name",
        "Ola",
        "--producer",
        "NVE",
        "--role",
        "editor",
        "--password",
        "et langt passord",
    )
    assert made.returncode == 0, made.stderr
    short = _portal(
        instance,
        "user",
        "create",
        "--email",
        "kari@nve.no",
        "--name",
        "Kari",
        "--producer",
        "NVE",
        "--password",
        "kort",
    )
    assert short.returncode != 0 and "12 characters" in short.stderr
    unknown = _portal(instance, "token", "create", "--producer", "nobody", "--name", "x")
    assert unknown.returncode != 0 and "no producer" in unknown.stderr

    created = _portal(
        instance, "token", "create", "--producer", "NVE", "--name", "magasinstatistikk"
    )
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith("spt_") and len(secret) > 40
    db = Database(f"sqlite:///{instance / 'portal.sqlite3'}")
    with db.sessions() as s:
        token = s.scalar(select(ApiToken).where(ApiToken.name == "magasinstatistikk"))
        assert token.token_hash != secret and secret not in token.token_hash
        token_id = token.id
    listed = _portal(instance, "token", "list", "--producer", "nve")
    assert "magasinstatistikk" in listed.stdout and secret not in listed.stdout
    assert _portal(instance, "token", "revoke", str(token_id)).returncode == 0
    assert "revoked" in _portal(instance, "token", "list", "--producer", "nve").stdout
    db.dispose()


def test_bulk_import_of_px_files_with_a_progress_bar(tmp_path: Path) -> None:
    from pxbridge.demo import TABLES
    from tests.pxbridge.conftest import px_table

    instance = tmp_path / "instance"
    assert _portal(instance, "db", "upgrade").returncode == 0
    seeded = _portal(instance, "seed", "--demo")
    assert f"{len(TABLES)} tables" in seeded.stdout, seeded.stdout
    folder = tmp_path / "px"
    folder.mkdir()
    (folder / "a.px").write_bytes(px_table("88001"))
    (folder / "b.px").write_bytes(px_table("88002"))
    (folder / "c.px").write_bytes(px_table("88003").split(b"DATA=")[0])
    done = _portal(instance, "tables", "import-px", str(folder), "--statistic", "folkemengde")
    assert done.returncode == 1
    assert "2 of 3 tables imported" in done.stdout and "Importing" in done.stdout + done.stderr
    assert "refused c.px" in done.stderr and "DATA" in done.stderr
    listed = _portal(instance, "tables", "list").stdout
    assert "88001" in listed and "88002" in listed and "88003" not in listed
    assert "14216" in listed  # a demo table
    assert not list((instance / "tables").glob("88003/*.npy"))
    reindexed = _portal(instance, "search", "reindex")
    assert reindexed.returncode == 0 and "documents indexed" in reindexed.stdout
