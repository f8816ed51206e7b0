"""Tables on several machines (issue 23): two portals with instance folders of their own on one
PostgreSQL database serve every table with the same bytes, whichever took the upload; a revision
waiting for its release is hidden on both until its time; each machine's files are a cache that may
be deleted, and a changed cache file is found by its hash and never served. Skipped on SQLite, where
the instance folder holds the cells and there is nothing to share."""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from portal.app import create_app
from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from portal.kernel.db import Database
from pxbridge.blueprint import get_store
from pxbridge.models import TableCellPart, TableFilePart
from pxbridge.store.shared import PART_BYTES, SharedCellsError, SharedCellStore, stamp
from tests.conftest import START, migrate_and_seed
from tests.pxbridge.conftest import API, px_table, store_table
from tests.pxbridge.test_tables_access import _visible
from tests.release_calendar.factories import announce_release, oslo

BASE = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not BASE.startswith("postgresql"),
    reason="the shared table store needs PostgreSQL: set PORTAL_TEST_DATABASE_URL=postgresql+psycopg://…",
)

DATA = f"{API}/tables/{{id}}/data?valuecodes[Region]=*&valuecodes[ContentsCode]=*&valuecodes[Tid]=*"


@pytest.fixture(scope="module")
def shared_url() -> Iterator[str]:
    """A database of this module's own (the machines commit, as real ones do), dropped at the end."""
    name = f"portal_shared_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(BASE).set(database=name).render_as_string(hide_password=False)
    migrate_and_seed(url)
    yield url
    with admin.connect() as c:
        c.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


def _machine(url: str, folder: Path, clock: FixedClock) -> Flask:
    return create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_DIR": str(folder),
            "SECRET_KEY": "test-secret-key",
            "CLOCK": clock,
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )


@pytest.fixture
def machines(shared_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[tuple[Flask, Flask]]:
    """Two portals on one database, each with its own instance folder, sharing one clock."""
    a = _machine(shared_url, tmp_path / "a", clock)
    b = _machine(shared_url, tmp_path / "b", clock)
    yield a, b
    for app in (a, b):
        get_database(app).dispose()


def _answers(client: FlaskClient, table_id: str) -> tuple[bytes, bytes]:
    """The table's data as JSON-stat and as CSV."""
    found = []
    for url in (DATA.format(id=table_id), DATA.format(id=table_id) + "&outputFormat=csv"):
        response = client.get(url)
        assert response.status_code == 200, response.text
        found.append(response.data)
    return found[0], found[1]


def _whole(client: FlaskClient, table_id: str, fmt: str) -> bytes:
    latest = client.get(f"/tabeller/{table_id}/filer/siste.{fmt}")
    assert latest.status_code == 302, latest.text
    with client.get(latest.headers["Location"]) as response:
        assert response.status_code == 200, response.text
        return response.data


def test_a_table_uploaded_on_one_machine_is_served_by_the_other(
    machines: tuple[Flask, Flask],
) -> None:
    a, b = machines
    table_id = store_table(a, a.test_client(), px_table("99301"), "folkemengde")
    assert not (Path(b.instance_path) / "tables").exists()
    assert _answers(b.test_client(), table_id) == _answers(a.test_client(), table_id)
    assert any((Path(b.instance_path) / "tables" / table_id).glob("*.npy"))  # filled on first use
    # An xlsx file carries its build time, so equal bytes mean the second machine built nothing.
    built = _whole(a.test_client(), table_id, "xlsx")
    assert _whole(b.test_client(), table_id, "xlsx") == built
    assert _whole(b.test_client(), table_id, "csv") == _whole(a.test_client(), table_id, "csv")
    with get_database(a).sessions() as s:
        names = s.scalars(
            sa.select(TableFilePart.name).where(TableFilePart.key == table_id).distinct()
        ).all()
    assert len(names) == 2  # one xlsx file and one CSV file, stored once each
    local = {p.name for p in (Path(b.instance_path) / "downloads" / table_id).iterdir()}
    assert set(names) <= local


def test_a_waiting_revision_is_hidden_on_both_machines_until_its_release(
    machines: tuple[Flask, Flask], clock: FixedClock
) -> None:
    a, b = machines
    at = oslo(2027, 6, 10, 8, 0)
    release_id = announce_release(a, clock.now(), at, statistic="folkemengde")
    table_id = store_table(a, a.test_client(), px_table("99302"), "folkemengde", release=release_id)
    clock.set(at - timedelta(seconds=1))
    for machine in (a, b):
        assert set(_visible(machine.test_client(), table_id).values()) == {404}
        assert machine.test_client().get(f"/tabeller/{table_id}/filer/siste.csv").status_code == 404
    clock.set(at)
    for machine in (b, a):
        assert set(_visible(machine.test_client(), table_id).values()) == {200}
    assert _answers(b.test_client(), table_id) == _answers(a.test_client(), table_id)


def test_deleting_a_machines_cache_costs_a_refill(machines: tuple[Flask, Flask]) -> None:
    a, b = machines
    table_id = store_table(a, a.test_client(), px_table("99303"), "folkemengde")
    first = _answers(b.test_client(), table_id)
    csv = _whole(b.test_client(), table_id, "csv")
    for folder in ("tables", "downloads"):
        shutil.rmtree(Path(b.instance_path) / folder)
    # A fresh process of the same machine (nothing mapped), and the running one.
    again = _machine(get_database(b).url, Path(b.instance_path), FixedClock(START))
    try:
        assert _answers(again.test_client(), table_id) == first
    finally:
        get_database(again).dispose()
    assert _answers(b.test_client(), table_id) == first
    assert _whole(b.test_client(), table_id, "csv") == csv
    shutil.rmtree(Path(a.instance_path))  # the machine that took the upload too
    assert _answers(a.test_client(), table_id) == first


def test_a_changed_cache_file_is_found_by_its_hash_and_fetched_again(
    machines: tuple[Flask, Flask], caplog: pytest.LogCaptureFixture
) -> None:
    a, b = machines
    table_id = store_table(a, a.test_client(), px_table("99304"), "folkemengde")
    first = _answers(b.test_client(), table_id)
    (cells,) = (Path(b.instance_path) / "tables" / table_id).glob("*[0-9a-f].npy")
    data = bytearray(cells.read_bytes())
    data[-8:] = np.float64(123456.0).tobytes()  # the last cell, changed in place
    cells.write_bytes(data)
    with caplog.at_level(logging.ERROR, logger="pxbridge.store.shared"):
        assert _answers(b.test_client(), table_id) == first
    assert "does not hash to its revision" in caplog.text
    assert np.load(cells)[-1] != 123456.0  # fetched again from the database
    csv = _whole(a.test_client(), table_id, "csv")
    assert _whole(b.test_client(), table_id, "csv") == csv
    (built,) = (Path(b.instance_path) / "downloads" / table_id).glob("*.csv.*")
    built.write_bytes(built.read_bytes().replace(b"1000", b"9999", 1))
    with caplog.at_level(logging.ERROR, logger="pxbridge.store.shared_files"):
        assert _whole(b.test_client(), table_id, "csv") == csv
    assert "does not match its name" in caplog.text


def test_cells_changed_in_the_database_are_never_served(
    machines: tuple[Flask, Flask], caplog: pytest.LogCaptureFixture
) -> None:
    a, b = machines
    table_id = store_table(a, a.test_client(), px_table("99305"), "folkemengde")
    with get_database(a).session() as s:
        s.execute(
            sa.update(TableCellPart)
            .where(TableCellPart.key == table_id)
            .values(
                data=sa.func.decode(sa.func.repeat("00", sa.func.length(TableCellPart.data)), "hex")
            )
        )
    with caplog.at_level(logging.ERROR, logger="pxbridge.store.shared"):
        response = b.test_client().get(DATA.format(id=table_id))
    assert response.status_code == 500
    assert "do not hash to" in caplog.text
    assert not list((Path(b.instance_path) / "tables").rglob("*.npy"))


def test_check_removes_shared_revisions_no_row_names(machines: tuple[Flask, Flask]) -> None:
    a, b = machines
    orphan = get_store(a).put("99306", np.arange(10.0))  # an upload killed before its row
    table_id = store_table(a, a.test_client(), px_table("99307"), "folkemengde")
    _answers(b.test_client(), table_id)
    built = (
        Path(b.instance_path)
        / "downloads"
        / table_id
        / f"0123456789abcdef.csv.{'0' * 64}.{'0' * 40}"
    )
    built.parent.mkdir(parents=True, exist_ok=True)
    built.write_bytes(b"a file of a revision no row names")
    with b.app_context():
        young = b.test_cli_runner().invoke(args=["tables", "check", "--dry-run"])
        done = b.test_cli_runner().invoke(args=["tables", "check", "--older-than", "0"])
    assert f"left (younger than 60 s) shared 99306/{orphan} (cells, 1 parts" in young.output
    assert f"removed shared 99306/{orphan} (cells" in done.output, done.output
    assert f"removed downloads/{table_id}/{built.name} (whole-table file)" in done.output
    assert done.exit_code == 0, done.output
    assert not built.exists()
    assert get_store(b).problem(table_id, _revision(b, table_id), 100) is None
    with pytest.raises(FileNotFoundError):
        SharedCellStore(Path(a.instance_path) / "other", get_database(a)).open("99306", orphan)


def _revision(app: Flask, table_id: str) -> str:
    from pxbridge.models import DataTable

    with get_database(app).sessions() as s:
        found = s.scalar(sa.select(DataTable.store_revision).where(DataTable.id == table_id))
    assert found is not None
    return found


@pytest.fixture
def database(shared_url: str) -> Iterator[Database]:
    db = Database(shared_url)
    yield db
    db.dispose()


@pytest.mark.parametrize(("cells", "part_bytes", "parts"), [(1000, 1000, 8), (0, 1000, 1)])
def test_the_store_cuts_cells_into_parts_and_puts_them_together(
    database: Database, tmp_path: Path, cells: int, part_bytes: int, parts: int
) -> None:
    values = np.linspace(0.0, 1.0, cells)
    values[::7] = np.nan
    one = SharedCellStore(tmp_path / "one", database, part_bytes=part_bytes)
    other = SharedCellStore(tmp_path / "other", database, part_bytes=part_bytes)
    revision = one.put("99390", values)
    (entry,) = [e for e in other.shared() if (e.key, e.revision) == ("99390", revision)]
    assert (entry.parts, entry.size) == (parts, cells * 8)
    np.testing.assert_array_equal(other.open("99390", revision), values)
    np.testing.assert_array_equal(
        other.symbol_positions("99390", revision), np.flatnonzero(np.isnan(values))
    )
    assert other.problem("99390", revision, cells) is None
    assert other.problem("99390", revision, cells + 1) is not None
    assert not other.drop_shared("99390", revision, stamp() - timedelta(hours=1))
    other.delete("99390", revision)
    assert one.problem("99390", revision, cells) == "the cell file is missing from the database"


def test_a_million_cells_take_two_parts_and_arrive_whole(
    database: Database, tmp_path: Path
) -> None:
    values = np.random.default_rng(23).random(1_000_000)
    revision = SharedCellStore(tmp_path / "one", database).put("99391", values)
    other = SharedCellStore(tmp_path / "other", database)
    (entry,) = [e for e in other.shared() if e.key == "99391"]
    assert entry.parts == -(-values.nbytes // PART_BYTES) == 2
    np.testing.assert_array_equal(other.open("99391", revision), values)
    # Changed under a running process: hashed again, refetched.
    path = tmp_path / "other" / "99391" / f"{revision}.npy"
    with open(path, "r+b") as handle:
        handle.seek(-8, os.SEEK_END)
        handle.write(np.float64(-1.0).tobytes())
    assert other.open("99391", revision)[-1] == values[-1]
    other.delete("99391", revision)
    with pytest.raises(FileNotFoundError):
        other.open("99391", revision)


def test_cells_that_do_not_make_their_revision_are_refused(
    database: Database, tmp_path: Path
) -> None:
    store = SharedCellStore(tmp_path / "one", database, part_bytes=64)
    revision = store.put("99392", np.arange(20.0))
    with database.session() as s:
        s.execute(
            sa.update(TableCellPart)
            .where(TableCellPart.key == "99392", TableCellPart.part == 1)
            .values(data=b"\x00" * 64)
        )
    fresh = SharedCellStore(tmp_path / "two", database, part_bytes=64)
    with pytest.raises(SharedCellsError):
        fresh.open("99392", revision)
    assert not list((tmp_path / "two").rglob("*.npy*"))
    store.delete("99392", revision)
