"""Migrations build the whole schema from empty, match the models, and go down and up again."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from portal.kernel import migrate
from portal.kernel.db import Base, make_engine


@pytest.fixture
def empty_engine(tmp_path) -> Iterator[Engine]:
    base = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if base is None:
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
        yield engine
        engine.dispose()
        return
    # A database of its own on the same PostgreSQL server, dropped afterwards.
    name = f"portal_migrate_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = make_engine(sa.make_url(base).set(database=name).render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.connect() as c:
        c.exec_driver_sql(f'DROP DATABASE "{name}"')
    admin.dispose()


def test_upgrade_from_empty_matches_the_models(empty_engine: Engine) -> None:
    assert migrate.current_revision(empty_engine) is None
    migrate.upgrade(empty_engine)
    assert migrate.current_revision(empty_engine) == migrate.head_revision(empty_engine)
    with empty_engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_downgrade_to_empty_and_up_again(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    migrate.downgrade(empty_engine, "base")
    assert set(sa.inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(empty_engine)
    assert "statistic" in sa.inspect(empty_engine).get_table_names()


def test_migration_files_are_numbered_in_sequence() -> None:
    names = sorted(p.name for p in (migrate.MIGRATIONS / "versions").glob("*.py"))
    assert names and all(n[:4] == f"{i:04d}" and n[4] == "_" for i, n in enumerate(names, start=1))


def test_adding_a_column_keeps_the_rows_that_point_at_its_table(
    empty_engine: Engine, tmp_path
) -> None:
    """A migration that changes data_table must not drop and copy it (SQLite's batch mode would,
    and the foreign keys would take every table's variables and code list links with it)."""
    from datetime import UTC, datetime

    from sqlalchemy.orm import Session

    from portal.demo import seed
    from pxbridge.demo import seed_tables
    from pxbridge.store.cell_store import CellStore

    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    migrate.upgrade(empty_engine)
    with Session(empty_engine) as session:
        seed.seed_programme(session, now)
        assert seed_tables(session, CellStore(tmp_path / "tables"), now) > 0
        session.commit()

    def counts() -> tuple[int, ...]:
        with empty_engine.connect() as c:
            return tuple(
                int(c.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one())
                for name in ("data_table", "table_variable", "table_code_list_link")
            )

    before = counts()
    assert all(before)
    migrate.downgrade(empty_engine, "0011")
    migrate.upgrade(empty_engine)
    assert counts() == before
    with empty_engine.connect() as c:
        allowed = c.exec_driver_sql("SELECT DISTINCT aggregallowed FROM data_table").scalars().all()
    assert [bool(a) for a in allowed] == [True]  # existing tables keep summing


def test_0021_orders_the_periods_of_tables_stored_before(empty_engine: Engine) -> None:
    """A table stored newest-period-first before 0021 (first 2025, last 2024) reads 2024–2025 after it;
    free-text periods of mixed widths keep the order the file gave."""
    from datetime import UTC, datetime

    from sqlalchemy.orm import Session

    from portal.demo.seed import seed_programme
    from portal.programme.models import Statistic
    from pxbridge.models import DataTable, TableVariable

    at = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    migrate.upgrade(empty_engine)
    with Session(empty_engine) as s:
        seed_programme(s, at)
        statistic = s.scalar(sa.select(Statistic).limit(1))
        assert statistic is not None
        for table_id, codes in (("T1", ["2025", "2024"]), ("T2", ["2020-2021", "2019"])):
            s.add(
                DataTable(
                    id=table_id,
                    statistic_id=statistic.id,
                    matrix=table_id,
                    title_nb=table_id,
                    cells=len(codes),
                    created_at=at,
                    updated_at=at,
                    first_period=codes[0],
                    last_period=codes[-1],
                    variables=[
                        TableVariable(
                            position=0,
                            code="Tid",
                            label_nb="år",
                            placement="heading",
                            role="time",
                            codes=codes,
                            labels_nb=codes,
                            labels_en=codes,
                        )
                    ],
                )
            )
        s.commit()
    migrate.downgrade(empty_engine, "0020")
    migrate.upgrade(empty_engine)
    with empty_engine.connect() as c:
        query = sa.text("SELECT id, first_period, last_period FROM data_table")
        rows = {table_id: (first, last) for table_id, first, last in c.execute(query)}
    assert rows == {"T1": ("2024", "2025"), "T2": ("2020-2021", "2019")}
