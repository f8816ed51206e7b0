"""The database as rows: a dump read from one snapshot that loads onto SQLite or PostgreSQL. Never
imports Flask.

Why rows and not ``pg_dump`` or SQLite's backup API: one format for both databases, so an archive made
on SQLite restores onto PostgreSQL (a pilot moving to production) and back; it needs no ``pg_dump``
matching the server's version on the portal's machine; and it loads through the Alembic migrations of
the archive's revision, so the schema is the one the code expects. The DBA's own ``pg_dump`` stays the
tool for point-in-time recovery (docs/operations.md).

The snapshot: on PostgreSQL every table is read inside one ``REPEATABLE READ READ ONLY`` transaction;
on SQLite inside one read transaction, which in WAL mode sees the database as of its first read while
writers go on (the live file is never copied). Tables are read through reflection, so a database at any
revision can be dumped, and written in foreign-key order, one JSON array per row.

Values that JSON cannot carry are tagged by the column's kind (recorded per table): ``datetime`` as ISO
8601 in UTC (SQLite keeps naive UTC, PostgreSQL aware values), ``date`` as ISO, ``bytes`` as base64,
``decimal`` as text, and ``json`` as the column's JSON text, so a JSON ``null`` and an SQL NULL stay apart.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    Table,
    Text,
    cast,
    column,
    delete,
    func,
    insert,
    select,
    table,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine

from portal.kernel.db import UTCDateTime

#: Alembic's own table: not dumped, the restore migrates to the recorded revision instead.
ALEMBIC_TABLE = "alembic_version"
KINDS = frozenset({"plain", "json", "datetime", "date", "bytes", "decimal"})
_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
_BATCH = 1000


class DumpError(Exception):
    """The database cannot be dumped or loaded as asked; the message says why."""


@dataclass(frozen=True)
class TableDump:
    """One dumped table: its columns in the order of each row's values, their kinds, its row count."""

    name: str
    columns: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: int

    @property
    def file(self) -> str:
        return f"{self.name}.jsonl"


@dataclass(frozen=True)
class DatabaseDump:
    """What :func:`dump_database` wrote: the database's kind (``sqlite``, ``postgresql``), its Alembic
    revision (None for a database without schema) and its tables in foreign-key order."""

    kind: str
    revision: str | None
    tables: tuple[TableDump, ...]


def _kind(type_: TypeEngine[Any]) -> str:
    if isinstance(type_, JSON):
        return "json"
    if isinstance(type_, DateTime):
        return "datetime"
    if isinstance(type_, Date):
        return "date"
    if isinstance(type_, LargeBinary):
        return "bytes"
    if isinstance(type_, Numeric) and not isinstance(type_, Float):
        return "decimal"
    return "plain"


def _encode(kind: str, value: Any) -> Any:
    if value is None or kind in ("plain", "json"):
        return value
    if kind == "datetime":
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return moment.isoformat()
    if kind == "date":
        return value.isoformat()
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


def _decode(kind: str, value: Any) -> Any:
    if kind == "json":
        if value is None:
            return None  # SQL NULL (the loading type has none_as_null)
        parsed = json.loads(value)
        return JSON.NULL if parsed is None else parsed
    if value is None or kind == "plain":
        return value
    if kind == "datetime":
        return datetime.fromisoformat(value).astimezone(UTC)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "bytes":
        return base64.b64decode(value)
    return Decimal(value)


def _tables(connection: Connection) -> list[Table]:
    """The portal's tables in foreign-key order (parents first), Alembic's left out."""
    metadata = MetaData()
    metadata.reflect(connection)
    found = [t for t in metadata.sorted_tables if t.name != ALEMBIC_TABLE]
    for t in found:
        if not _NAME.fullmatch(t.name):
            raise DumpError(f"Table name {t.name!r} cannot be a file name in the archive.")
    return found


def dump_database(engine: Engine, folder: Path) -> DatabaseDump:
    """Write every table of the database behind ``engine`` to ``folder/<table>.jsonl``, all read from
    one snapshot. Raises DumpError for a table name unfit for a file, SQLAlchemyError when the
    database fails."""
    folder.mkdir(parents=True, exist_ok=True)
    with engine.connect() as connection:
        postgresql = connection.dialect.name == "postgresql"
        if postgresql:
            connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            if postgresql:
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            revision = MigrationContext.configure(connection).get_current_revision()
            dumped = tuple(_dump_table(connection, t, folder) for t in _tables(connection))
        return DatabaseDump(connection.dialect.name, revision, dumped)


def _dump_table(connection: Connection, source: Table, folder: Path) -> TableDump:
    names = tuple(c.name for c in source.columns)
    kinds = tuple(_kind(c.type) for c in source.columns)
    selected: list[ColumnElement[Any]] = [
        cast(c, Text).label(c.name) if kind == "json" else c
        for c, kind in zip(source.columns, kinds, strict=True)
    ]
    query = select(*selected).order_by(*source.primary_key.columns)
    rows = 0
    with (folder / f"{source.name}.jsonl").open("w", encoding="utf-8") as out:
        result = connection.execution_options(yield_per=_BATCH).execute(query)
        for row in result:
            values = [_encode(k, v) for k, v in zip(kinds, row, strict=True)]
            out.write(json.dumps(values, ensure_ascii=False, separators=(",", ":")) + "\n")
            rows += 1
    return TableDump(source.name, names, kinds, rows)


def read_rows(folder: Path, dumped: TableDump) -> Iterator[dict[str, Any]]:
    """The rows of one dumped table as ``{column: value}``, values as the database takes them.
    Raises DumpError for a line that does not fit the table's columns."""
    with (folder / dumped.file).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            values = json.loads(line)
            if not isinstance(values, list) or len(values) != len(dumped.columns):
                raise DumpError(f"{dumped.file}, line {number}: not a row of {dumped.name}.")
            yield {
                name: _decode(kind, value)
                for name, kind, value in zip(dumped.columns, dumped.kinds, values, strict=True)
            }


def _load_type(kind: str, reflected: TypeEngine[Any]) -> TypeEngine[Any]:
    if kind == "json":
        return JSON(none_as_null=True)
    if kind == "datetime":
        return UTCDateTime()
    if kind == "date":
        return Date()
    if kind == "bytes":
        return LargeBinary()
    if kind == "decimal":
        return Numeric(asdecimal=True)
    return reflected


def load_database(connection: Connection, folder: Path, tables: Sequence[TableDump]) -> int:
    """Replace every row of the migrated database of ``connection`` with the dumped rows (the rows
    its migrations put there go too: the dump has them as they were), parents first, and on
    PostgreSQL move each id sequence past the largest id. Runs in the caller's transaction; returns
    how many rows. Raises DumpError when the tables or columns differ from the dump's."""
    dumped = {t.name: t for t in tables}
    present = _tables(connection)
    if {t.name for t in present} != set(dumped):
        missing = sorted(set(dumped) - {t.name for t in present})
        extra = sorted({t.name for t in present} - set(dumped))
        raise DumpError(
            f"The database's tables differ from the archive's (missing here: {missing or 'none'}; "
            f"not in the archive: {extra or 'none'})."
        )
    for target in reversed(present):
        connection.execute(delete(target))
    total = 0
    for target in present:
        one = dumped[target.name]
        if set(one.columns) != set(target.columns.keys()) or not set(one.kinds) <= KINDS:
            raise DumpError(f"The columns of {target.name} differ from the archive's.")
        loading = table(
            target.name,
            *(
                column(name, _load_type(kind, target.columns[name].type))
                for name, kind in zip(one.columns, one.kinds, strict=True)
            ),
        )
        batch: list[dict[str, Any]] = []
        count = 0
        for row in read_rows(folder, one):
            batch.append(row)
            if len(batch) == _BATCH:
                connection.execute(insert(loading), batch)
                count, batch = count + len(batch), []
        if batch:
            connection.execute(insert(loading), batch)
            count += len(batch)
        if count != one.rows:
            raise DumpError(f"{one.file} holds {count} rows, the manifest says {one.rows}.")
        total += count
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection, present)
    return total


def _reset_sequences(connection: Connection, tables: Sequence[Table]) -> None:
    """Rows came with their ids, so each serial sequence still stands at its start: move it past the
    largest id, or the next insert collides with a restored row. A sequence that starts above every
    restored id (the code-list registry's local ids, from 100000 up, beside Klass's own) stays at its
    start."""
    quote = connection.dialect.identifier_preparer.quote
    for target in tables:
        keys = list(target.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        sequence = connection.scalar(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": quote(target.name), "column": keys[0].name},
        )
        largest = connection.scalar(select(func.max(keys[0])))
        if sequence is None or largest is None:
            continue
        start = connection.scalar(
            text("SELECT seqstart FROM pg_sequence WHERE seqrelid = CAST(:sequence AS regclass)"),
            {"sequence": sequence},
        )
        if start is not None and largest < start:
            continue
        connection.execute(
            text("SELECT setval(CAST(:sequence AS regclass), :value)"),
            {"sequence": sequence, "value": largest},
        )


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per portal table (Alembic's left out); empty for a database without schema."""
    with engine.connect() as connection:
        return {
            t.name: int(connection.scalar(select(func.count()).select_from(t)) or 0)
            for t in _tables(connection)
        }


def drop_everything(engine: Engine) -> None:
    """Drop every table, Alembic's included (``portal restore --force``)."""
    with engine.begin() as connection:
        metadata = MetaData()
        metadata.reflect(connection)
        metadata.drop_all(connection)
