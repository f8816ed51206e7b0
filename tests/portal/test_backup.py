"""`portal backup` and `portal restore`: an archive of a portal with data restores into a fresh database
and instance folder that serve the same pages and API; a damaged archive and a database that is not
empty are refused with nothing changed; a table written during a backup leaves the archive consistent.

Each portal here is its own SQLite file in tmp_path (the shared test database is rolled back after
each test, so it never holds what a backup must find). The PostgreSQL round trip runs where PostgreSQL
answers (PORTAL_TEST_DATABASE_URL's server, else 127.0.0.1:5432) and skips with a message elsewhere.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, insert, select
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import OperationalError

from metadata.codelists.demo import seed_code_lists
from metadata.sims.demo import seed_documentation
from portal.app import create_app
from portal.backup.archive import (
    BackupError,
    DamagedArchive,
    create_backup,
    default_name,
    verify_archive,
)
from portal.backup.database import dump_database, table_counts
from portal.backup.restore import RestoreRefused, restore_backup
from portal.demo import seed
from portal.http.db import get_database
from portal.kernel import migrate
from portal.kernel.access import CLI_ACTOR
from portal.kernel.clock import FixedClock
from portal.kernel.db import make_engine
from portal.search import documents
from portal.search.extension import get_index
from portal.search.models import SearchChange
from pxbridge.blueprint import get_store
from pxbridge.demo import seed_tables
from pxbridge.ingest.px import PxTable, parse_px
from pxbridge.ingest.storing import commit_table, store_table
from pxbridge.models import DataTable, TableVariable
from pxbridge.store.cell_store import CellStore
from release_calendar.demo import seed_releases
from release_calendar.models import Correction, Release
from tests.conftest import START
from tests.pxbridge.conftest import px_table as make_px

# Its servers and commands run on their own SQLite databases: CI's PostgreSQL run leaves those out.
pytestmark = pytest.mark.own_portal

LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class Portal:
    url: str
    instance: Path


def _new_portal(folder: Path) -> Portal:
    folder.mkdir(parents=True, exist_ok=True)
    return Portal(f"sqlite:///{folder / 'portal.sqlite3'}", folder / "instance")


def _config(portal: Portal) -> dict[str, object]:
    return {
        "DATABASE_URL": portal.url,
        "INSTANCE_DIR": str(portal.instance),
        "CLOCK": FixedClock(START),
        "RATELIMIT_ENABLED": False,
        "LOG_LEVEL": "WARNING",
    }


def _portal(portal: Portal, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PORTAL_INSTANCE_DIR": str(portal.instance),
        "PORTAL_DATABASE_URL": portal.url,
        "PORTAL_LOG_LEVEL": "WARNING",
    }
    return subprocess.run(
        [sys.executable, "-m", "portal", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _migrate(url: str) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Portal:
    """A portal with the demo programme, releases (with a correction), documentation, code lists,
    tables and their cells, and a search index; its secret key in the instance folder."""
    portal = _new_portal(tmp_path_factory.mktemp("source"))
    _migrate(portal.url)
    app = create_app(_config(portal))
    db = get_database(app)
    with db.session() as s:
        seed.seed_programme(s, START)
        seed.seed_demo_accounts(s, START)
        seed_releases(s, START)
        seed_documentation(s, START)
        seed_code_lists(s, START)
        seed_tables(s, get_store(app), START)
    (portal.instance / "config.py").write_text("PXAPI_MAX_CELLS = 800_000\n")
    with app.app_context(), db.sessions() as s:
        get_index(app).rebuild(documents.all_docs(s))
    db.dispose()
    return portal


@pytest.fixture(scope="module")
def archive(source: Portal, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`portal backup --output` of the source portal."""
    target = tmp_path_factory.mktemp("archives") / "portal.tar.gz"
    made = _portal(source, "backup", "--output", str(target))
    assert made.returncode == 0, made.stderr
    assert "Backup written to" in made.stdout
    return target


def _members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {
            m.name: tar.extractfile(m).read()  # type: ignore[union-attr]
            for m in tar.getmembers()
        }


def _rows(url: str, folder: Path) -> dict[str, list[object]]:
    """Every row of every table, as the dump writes them (values in UTC, JSON as stored)."""
    engine = make_engine(url)
    try:
        dumped = dump_database(engine, folder)
    finally:
        engine.dispose()
    return {
        t.name: [json.loads(line) for line in (folder / t.file).read_text().splitlines()]
        for t in dumped.tables
    }


def _cells(instance: Path) -> dict[str, bytes]:
    root = instance / "tables"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.npy"))}


def _state(portal: Portal) -> tuple[dict[str, int], dict[str, bytes]]:
    """What a refused restore must leave as it was: rows per table and the instance folder's files
    (the search index aside)."""
    engine = make_engine(portal.url)
    try:
        counts = table_counts(engine)
    finally:
        engine.dispose()
    files = {
        str(p.relative_to(portal.instance)): p.read_bytes()
        for p in sorted(portal.instance.rglob("*"))
        if p.is_file() and "search" not in p.relative_to(portal.instance).parts
    }
    return counts, files


def test_the_archive_holds_the_snapshot_the_referenced_cells_and_a_checked_manifest(
    source: Portal, archive: Path, tmp_path: Path
) -> None:
    members = _members(archive)
    manifest = json.loads(members["manifest.json"])
    assert manifest["format"] == 1 and manifest["database"]["kind"] == "sqlite"
    engine = make_engine(source.url)
    assert manifest["database"]["alembic_revision"] == migrate.current_revision(engine)
    engine.dispose()
    assert manifest["portal_version"] and manifest["created_at"].endswith("+00:00")
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(members) - {"manifest.json"}
    for path, entry in listed.items():
        assert entry["size"] == len(members[path])
        assert entry["sha256"] == hashlib.sha256(members[path]).hexdigest()
    # The instance folder's state, without the search index (rebuilt on restore).
    assert members["instance/secret_key"] == (source.instance / "secret_key").read_bytes()
    assert members["instance/config.py"] == (source.instance / "config.py").read_bytes()
    assert not [name for name in members if "search" in name.split("/")[:2]]
    # Exactly the cell files the rows name.
    rows = _rows(source.url, tmp_path / "dump")
    table_columns = manifest["database"]["tables"]
    columns = next(t["columns"] for t in table_columns if t["name"] == "data_table")
    key, revision = columns.index("id"), columns.index("store_revision")
    named = {(r[key], r[revision]) for r in rows["data_table"] if r[revision]}
    assert len(named) >= 3
    stored = {
        tuple(name.removeprefix("instance/tables/").removesuffix(".npy").split("/"))
        for name in members
        if name.startswith("instance/tables/") and not name.endswith(".nan.npy")
    }
    assert stored == named
    # Rows exactly as in the database, every table.
    assert {t["name"]: t["rows"] for t in table_columns} == {k: len(v) for k, v in rows.items()}
    for name, dumped in rows.items():
        lines = members[f"database/{name}.jsonl"].decode().splitlines()
        assert [json.loads(line) for line in lines] == dumped, name


def test_default_name_is_the_utc_time() -> None:
    assert default_name(START) == "portal-backup-20261123T080000Z.tar.gz"


def _pages(source: Portal) -> list[str]:
    engine = make_engine(source.url)
    with engine.connect() as c:
        variables: dict[str, list[str]] = {}
        for table_id, code in c.execute(
            select(DataTable.id, TableVariable.code)
            .join(TableVariable, TableVariable.table_id == DataTable.id)
            .where(DataTable.store_revision.is_not(None))
            .order_by(DataTable.id, TableVariable.position)
        ):
            variables.setdefault(table_id, []).append(code)
        corrected = c.scalar(select(Correction.release_id).limit(1))
        published = c.scalar(
            select(Release.id).where(Release.release_at < START).order_by(Release.id).limit(1)
        )
    engine.dispose()
    assert variables and corrected and published
    urls = [
        "/",
        "/kalender",
        f"/kalender/{published}",
        f"/kalender/{corrected}",
        f"/api/v1/releases/{corrected}",
        "/statistikk/kpi/om-statistikken",
        "/api/v1/search?q=befolkning",
        "/sok?q=sykefrav%C3%A6r",
        "/api/klass/v1/classifications/131/codesAt?date=2024-06-01",
    ]
    for table_id, codes in variables.items():
        everything = "".join(f"&valuecodes[{code}]=*" for code in codes)
        urls += [
            f"/tabeller/{table_id}",
            f"/api/pxwebapi/v2/tables/{table_id}/data?lang=en&outputFormat=json-stat2{everything}",
            f"/api/pxwebapi/v2/tables/{table_id}/data?lang=en&outputFormat=csv{everything}",
        ]
    return urls


def _same_answers(original: Portal, restored: Portal) -> int:
    """Asserts both portals answer every page alike; returns how many cells the table API sent."""
    apps = [create_app(_config(p)) for p in (original, restored)]
    clients = [a.test_client() for a in apps]
    cells = 0
    try:
        for url in _pages(original):
            first, second = (c.get(url) for c in clients)
            assert first.status_code == 200, (url, first.status_code)
            assert (second.status_code, second.data) == (200, first.data), url
            if "json-stat2" in url:
                cells += len([v for v in first.json["value"] if v is not None])  # type: ignore[index]
    finally:
        for app in apps:
            get_database(app).dispose()
    return cells


def test_restore_into_a_fresh_portal_serves_the_same_pages_and_api(
    source: Portal, archive: Path, tmp_path: Path
) -> None:
    restored = _new_portal(tmp_path / "restored")
    done = _portal(restored, "restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert "Search index rebuilt" in done.stdout
    assert _rows(restored.url, tmp_path / "a") == _rows(source.url, tmp_path / "b")
    assert _cells(restored.instance) == _cells(source.instance)
    assert (restored.instance / "secret_key").read_bytes() == (
        source.instance / "secret_key"
    ).read_bytes()
    assert (restored.instance / "config.py").read_text() == "PXAPI_MAX_CELLS = 800_000\n"
    assert _same_answers(source, restored) > 100


def test_restore_into_a_migrated_empty_database_and_refuse_a_second_time(
    archive: Path, tmp_path: Path
) -> None:
    target = _new_portal(tmp_path / "target")
    # `portal db upgrade` first: the migrations' own rows (the calendar's counter) do not count.
    _migrate(target.url)
    engine = make_engine(target.url)
    try:
        first = restore_backup(engine, target.instance, archive)
        assert first.rows == sum(t.rows for t in first.manifest.tables) and first.at_head
        assert first.cell_files >= 3
        before = _state(target)
        with pytest.raises(RestoreRefused, match="not empty.*--force"):
            restore_backup(engine, target.instance, archive)
        assert _state(target) == before
    finally:
        engine.dispose()


def test_restore_refuses_a_database_with_rows_and_force_replaces_it(
    source: Portal, archive: Path, tmp_path: Path
) -> None:
    target = _new_portal(tmp_path / "target")
    _migrate(target.url)
    app = create_app(_config(target))
    with get_database(app).session() as s:
        seed.seed_programme(s, START)
    get_database(app).dispose()
    (target.instance / "config.py").write_text("LOG_LEVEL = 'WARNING'\n")
    before = _state(target)

    refused = _portal(target, "restore", str(archive))
    assert refused.returncode == 1
    assert "The database is not empty" in refused.stderr and "--force" in refused.stderr
    assert _state(target) == before

    forced = _portal(target, "restore", "--force", str(archive))
    assert forced.returncode == 0, forced.stderr
    assert _rows(target.url, tmp_path / "a") == _rows(source.url, tmp_path / "b")
    # The folder's own config.py is kept; the archive's lies beside it.
    assert (target.instance / "config.py").read_text() == "LOG_LEVEL = 'WARNING'\n"
    assert (target.instance / "config.py.from-backup").read_text() == (
        source.instance / "config.py"
    ).read_text()
    assert "config.py was kept" in forced.stdout


def test_restore_refuses_an_instance_folder_that_holds_cells(archive: Path, tmp_path: Path) -> None:
    target = _new_portal(tmp_path / "target")
    stray = target.instance / "tables" / "X1" / "0123456789abcdef.npy"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"cells")
    engine = make_engine(target.url)
    try:
        with pytest.raises(RestoreRefused, match="already holds table cells"):
            restore_backup(engine, target.instance, archive)
        assert table_counts(engine) == {}
    finally:
        engine.dispose()
    assert stray.read_bytes() == b"cells"


def _rewrite(
    archive: Path,
    out: Path,
    change: Callable[[str, bytes], bytes | None] = lambda name, data: data,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """A copy of ``archive`` with members changed (None drops one) or added."""
    with tarfile.open(out, "w:gz") as tar:
        for name, data in [*_members(archive).items(), *(extra or {}).items()]:
            changed = change(name, data)
            if changed is None:
                continue
            info = tarfile.TarInfo(name)
            info.size = len(changed)
            tar.addfile(info, io.BytesIO(changed))
    return out


def _flip_one_byte(name: str, data: bytes) -> bytes:
    if name != "database/producer.jsonl":
        return data
    return data.replace(b"Statistisk sentralbyr", b"Statistisk sentralbir", 1)


def _drop_the_cells(name: str, data: bytes) -> bytes | None:
    cells = name.startswith("instance/tables/") and not name.endswith(".nan.npy")
    return None if cells else data


def _damaged(archive: Path, folder: Path) -> dict[str, tuple[Path, str | None]]:
    whole = archive.read_bytes()
    truncated = folder / "truncated.tar.gz"
    truncated.write_bytes(whole[: len(whole) // 2])
    flipped = folder / "flipped.tar.gz"
    flipped.write_bytes(whole[:-40] + bytes([whole[-40] ^ 0xFF]) + whole[-39:])
    return {
        "a row changed": (
            _rewrite(archive, folder / "changed.tar.gz", _flip_one_byte),
            "database/producer.jsonl does not match its checksum",
        ),
        "a cell file missing": (
            _rewrite(archive, folder / "missing.tar.gz", _drop_the_cells),
            "is missing",
        ),
        "a file added": (
            _rewrite(
                archive,
                folder / "extra.tar.gz",
                extra={"instance/tables/Z/0123456789abcdef.npy": b"x"},
            ),
            "is not in the manifest",
        ),
        "a path outside the folder": (
            _rewrite(archive, folder / "escape.tar.gz", extra={"../../etc/evil": b"x"}),
            "which no backup writes",
        ),
        "no manifest": (
            _rewrite(
                archive,
                folder / "bare.tar.gz",
                lambda name, data: None if name == "manifest.json" else data,
            ),
            "no manifest.json",
        ),
        "truncated": (truncated, "unreadable"),
        # Where the flip lands decides which check sees it first: the gzip stream, a tar header,
        # a checksum or the manifest.
        "a flipped byte in the gzip stream": (flipped, None),
    }


def test_a_damaged_archive_is_refused_and_changes_nothing(archive: Path, tmp_path: Path) -> None:
    cases = _damaged(archive, tmp_path)
    target = _new_portal(tmp_path / "target")
    assert _portal(target, "db", "current").returncode == 0  # the instance folder as a user has it
    before = _state(target)
    engine = make_engine(target.url)
    try:
        for case, (path, message) in cases.items():
            with pytest.raises(DamagedArchive, match=message):
                restore_backup(engine, target.instance, path, force=True)
            assert _state(target) == before, case
            assert not list(target.instance.glob(".restore-*")), case
    finally:
        engine.dispose()
    refused = _portal(target, "restore", str(cases["a row changed"][0]))
    assert refused.returncode == 1 and "does not match its checksum" in refused.stderr
    assert _state(target) == before
    verify_archive(archive)  # the original is whole


def _table_portal(folder: Path) -> tuple[Portal, Callable[[PxTable], None], CellStore]:
    """A fresh portal with the programme and one table (99001); returns it, a function that stores a
    parsed table as the upload API does (cells, rows, commit, then the replaced cells deleted), and
    its cell store."""
    portal = _new_portal(folder)
    _migrate(portal.url)
    app = create_app(_config(portal))
    db, store = get_database(app), get_store(app)
    with db.session() as s:
        seed.seed_programme(s, START)

    def upload(parsed: PxTable) -> None:
        with db.sessions() as s:
            table, replaced = store_table(
                s, CLI_ACTOR, store, parsed, statistic_slug="beftett", now=START
            )
            commit_table(s, store, table, replaced)

    upload(parse_px(make_px("99001")))
    return portal, upload, store


def _named_and_stored(path: Path) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    members = _members(path)
    manifest = json.loads(members["manifest.json"])
    columns = next(t for t in manifest["database"]["tables"] if t["name"] == "data_table")
    key, revision = columns["columns"].index("id"), columns["columns"].index("store_revision")
    rows = [json.loads(line) for line in members["database/data_table.jsonl"].splitlines()]
    named = {(r[key], r[revision]) for r in rows}
    stored = {
        (parts[2], parts[3].removesuffix(".npy"))
        for parts in (name.split("/") for name in members)
        if parts[:2] == ["instance", "tables"] and not parts[3].endswith(".nan.npy")
    }
    return named, stored


def test_a_table_written_during_the_backup_leaves_the_archive_consistent(tmp_path: Path) -> None:
    portal, upload, store = _table_portal(tmp_path / "busy")
    original = parse_px(make_px("99001"))
    replacement = dataclasses.replace(original, values=original.values * 2)
    snapshots = 0

    def meanwhile() -> None:
        nonlocal snapshots
        snapshots += 1
        if snapshots == 1:
            # Replaced after the first snapshot: the cells it names are deleted, so the backup
            # starts again from a newer snapshot.
            upload(replacement)
        else:
            # After the second: a new table committed, and cells whose rows never commit.
            upload(parse_px(make_px("99002", "Ny tabell")))
            store.put("99003", original.values + 7)

    engine = make_engine(portal.url)
    target = tmp_path / "busy.tar.gz"
    try:
        create_backup(
            engine, portal.instance, target, now=START, version="test", on_snapshot=meanwhile
        )
    finally:
        engine.dispose()
    assert snapshots == 2
    named, stored = _named_and_stored(target)
    assert named == stored
    assert [key for key, _ in named] == ["99001"]  # 99002 came after the snapshot, 99003 never did
    # And the restored table holds the replacement's cells.
    restored = _new_portal(tmp_path / "restored")
    engine = make_engine(restored.url)
    try:
        restore_backup(engine, restored.instance, target)
    finally:
        engine.dispose()
    app = create_app(_config(restored))
    with get_database(app).sessions() as s:
        row = s.get(DataTable, "99001")
        assert row is not None and row.store_revision is not None
        cells = get_store(app).open("99001", row.store_revision)
    data = app.test_client().get("/api/pxwebapi/v2/tables/99001/data?outputFormat=json-stat2")
    get_database(app).dispose()
    assert data.status_code == 200, data.text
    assert cells.view(np.uint64).tolist() == replacement.values.view(np.uint64).tolist()


def test_a_backup_that_never_finds_its_cells_fails_and_leaves_no_file(tmp_path: Path) -> None:
    portal, upload, _ = _table_portal(tmp_path / "churning")
    values = parse_px(make_px("99001"))
    turn = 0

    def churn() -> None:
        nonlocal turn
        turn += 1
        upload(dataclasses.replace(values, values=values.values + turn))

    engine = make_engine(portal.url)
    target = tmp_path / "out" / "never.tar.gz"
    target.parent.mkdir()
    try:
        with pytest.raises(BackupError, match="was gone each time"):
            create_backup(
                engine, portal.instance, target, now=START, version="test", on_snapshot=churn
            )
    finally:
        engine.dispose()
    assert turn == 3
    assert list(target.parent.iterdir()) == []


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[Connection]:
    """An autocommit connection to PostgreSQL (PORTAL_TEST_DATABASE_URL's server, else the local
    one); skips where PostgreSQL does not answer."""
    url = os.environ.get("PORTAL_TEST_DATABASE_URL") or LOCAL_POSTGRES
    admin = create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        connection = admin.connect()
    except OperationalError as error:
        admin.dispose()
        reason = str(error.orig).strip().splitlines()[0]
        pytest.skip(f"PostgreSQL does not answer at {make_url(url).host} ({reason})")
    yield connection
    connection.close()
    admin.dispose()


@pytest.fixture
def postgres_url(postgres_server: Connection) -> Iterator[str]:
    """A scratch PostgreSQL database, dropped afterwards."""
    name = f"portal_backup_{uuid.uuid4().hex[:12]}"
    postgres_server.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_server.engine.url.set(database=name).render_as_string(hide_password=False)
    finally:
        postgres_server.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_sqlite_to_postgresql_and_back(
    postgres_server: Connection, source: Portal, archive: Path, postgres_url: str, tmp_path: Path
) -> None:
    """The rows restore onto PostgreSQL (sequences moved past the restored ids), are read back from
    its REPEATABLE READ snapshot, and restore onto SQLite again, equal to the original."""
    on_postgres = Portal(postgres_url, tmp_path / "pg" / "instance")
    done = _portal(on_postgres, "restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert _same_answers(source, on_postgres) > 100
    engine = make_engine(postgres_url)
    try:
        with engine.begin() as c:
            largest = c.scalar(select(SearchChange.id).order_by(SearchChange.id.desc()).limit(1))
            added = c.execute(
                insert(SearchChange).values(kind="statistic", key="kpi", at=START)
            ).inserted_primary_key
        assert largest is not None and added is not None and added[0] == largest + 1
        with engine.begin() as c:
            c.execute(SearchChange.__table__.delete().where(SearchChange.id == added[0]))
    finally:
        engine.dispose()

    again = tmp_path / "from-postgres.tar.gz"
    made = _portal(on_postgres, "backup", "--output", str(again))
    assert made.returncode == 0, made.stderr
    assert json.loads(_members(again)["manifest.json"])["database"]["kind"] == "postgresql"
    back = _new_portal(tmp_path / "back")
    engine = make_engine(back.url)
    try:
        restore_backup(engine, back.instance, again)
    finally:
        engine.dispose()
    assert _rows(back.url, tmp_path / "a") == _rows(source.url, tmp_path / "b")
    assert _cells(back.instance) == _cells(source.instance)
