"""A failed upload leaves nothing in the cell store, and `portal tables check` removes what a killed
one leaves (issue 16)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from portal.http.db import get_database
from pxbridge.blueprint import get_store
from pxbridge.models import DataTable
from tests.conftest import bearer, make_token
from tests.pxbridge.conftest import px_table as make_px

UPLOAD = "/api/v1/tables?statistic=folkemengde"


def _files(app: Flask) -> list[str]:
    root = Path(app.instance_path) / "tables"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _revision(app: Flask, table_id: str) -> str | None:
    with get_database(app).sessions() as s:
        return s.scalar(select(DataTable.store_revision).where(DataTable.id == table_id))


def _refuse_table_updates(app: Flask) -> None:
    """A trigger that makes the database refuse every change to a stored table: a replacement
    fails after its cells are written, as a lost race or a full disk makes it fail."""
    db = get_database(app)
    with db.sessions() as s:
        if db.engine.dialect.name == "sqlite":
            s.execute(
                text(
                    "CREATE TRIGGER refuse_replacement BEFORE UPDATE ON data_table "
                    "BEGIN SELECT RAISE(ABORT, 'replacement refused'); END"
                )
            )
        else:
            s.execute(
                text(
                    "CREATE FUNCTION refuse_replacement() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'replacement refused'; END $$"
                )
            )
            s.execute(
                text(
                    "CREATE TRIGGER refuse_replacement BEFORE UPDATE ON data_table "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_replacement()"
                )
            )
        s.commit()


def _other_cells(n: int) -> bytes:
    """The test table with other numbers in its cells (so another cell file)."""
    return make_px("99010").replace(b"1000 1001", f"{1000 + n} 1001".encode(), 1)


def test_failed_replacements_leave_no_cell_files(app: Flask, client: FlaskClient) -> None:
    token = make_token(app, "ssb")
    stored = client.post(UPLOAD, data=make_px("99010"), headers=bearer(token))
    assert stored.status_code == 201, stored.text
    before, revision = _files(app), _revision(app, "99010")
    assert len(before) == 2  # the cells and their symbol positions
    _refuse_table_updates(app)
    for n in range(1, 4):
        body = _other_cells(n)
        assert body != make_px("99010")
        failed = client.post(UPLOAD, data=body, headers=bearer(token))
        assert failed.status_code >= 400, failed.text
        assert _files(app) == before, n
    assert _revision(app, "99010") == revision
    assert get_store(app).problem("99010", revision or "", 100) is None


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_check_removes_orphans_and_temporary_files_and_reports_missing_cells(
    app: Flask, client: FlaskClient
) -> None:
    token = make_token(app, "ssb")
    for matrix in ("99011", "99012"):
        stored = client.post(UPLOAD, data=make_px(matrix), headers=bearer(token))
        assert stored.status_code == 201, stored.text
    store, root = get_store(app), Path(app.instance_path) / "tables"
    kept = _files(app)
    # What killed uploads leave: an old orphan revision (cells and symbol positions), a young one
    # (an upload that has not committed yet), old and young temporary files; and a file the
    # store does not know, and a table whose cells went missing.
    old = store.put("99011", np.arange(5.0))
    young = store.put("99013", np.arange(7.0))
    for name in (f"99011/{old}.npy", f"99011/{old}.nan.npy"):
        _age(root / name, 3600)
    (root / "99011" / ".tmp-old.npy").write_bytes(b"cut short")
    _age(root / "99011" / ".tmp-old.npy", 120)
    (root / "99012" / ".tmp-young.npy").write_bytes(b"being written")
    (root / "99012" / "notes.txt").write_text("not ours")
    _age(root / "99012" / "notes.txt", 3600)
    missing = _revision(app, "99012")
    assert missing is not None
    store.delete("99012", missing)
    runner = app.test_cli_runner()
    with app.app_context():
        dry = runner.invoke(args=["tables", "check", "--dry-run"])
    assert dry.exit_code == 1, dry.output
    assert f"would remove 99011/{old}.npy (cells" in dry.output
    assert f"would remove 99011/{old}.nan.npy (symbol positions" in dry.output
    assert "would remove 99011/.tmp-old.npy (temporary file" in dry.output
    assert f"left (younger than 60 s) 99013/{young}.npy" in dry.output
    assert "left (younger than 60 s) 99012/.tmp-young.npy" in dry.output
    assert "left 99012/notes.txt (not a store file" in dry.output
    assert f"table 99012 ({missing}): the cell file is missing" in dry.output
    assert (root / "99011" / f"{old}.npy").exists() and (root / "99011" / ".tmp-old.npy").exists()

    with app.app_context():
        done = runner.invoke(args=["tables", "check"])
    assert done.exit_code == 1, done.output
    assert "removed 3 files" in done.output
    left = set(_files(app))
    assert not {f"99011/{old}.npy", f"99011/{old}.nan.npy", "99011/.tmp-old.npy"} & left
    assert {f"99013/{young}.npy", "99012/.tmp-young.npy", "99012/notes.txt"} <= left
    assert set(kept) - {f"99012/{missing}.npy", f"99012/{missing}.nan.npy"} <= left
    assert _revision(app, "99012") == missing  # the row is reported, never deleted

    # Past the grace period, the young files go too; with the table uploaded again, all is well.
    again = client.post(UPLOAD, data=make_px("99012"), headers=bearer(token))
    assert again.status_code == 201, again.text
    with app.app_context():
        clean = runner.invoke(args=["tables", "check", "--older-than", "0"])
    assert clean.exit_code == 0, clean.output
    assert "0 tables with missing or unreadable cells" in clean.output
    assert set(_files(app)) == set(kept) | {"99012/notes.txt"}


def test_check_reports_cells_that_cannot_be_read(app: Flask, client: FlaskClient) -> None:
    stored = client.post(UPLOAD, data=make_px("99014"), headers=bearer(make_token(app, "ssb")))
    assert stored.status_code == 201, stored.text
    revision = _revision(app, "99014")
    assert revision is not None
    (Path(app.instance_path) / "tables" / "99014" / f"{revision}.npy").write_bytes(b"\x93NUMPY")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["tables", "check"])
    assert result.exit_code == 1
    assert f"table 99014 ({revision}): the cell file cannot be read" in result.output
    assert f"99014/{revision}.npy" in _files(app)
