"""The database: one declarative base, one constraint naming convention, one session per request.

SQLite (WAL) is the embedded default, PostgreSQL the production database; every query and migration must
work on both. Times are stored in UTC and always come back timezone-aware.

Waiting on the database is bounded (issue 16): connecting (PostgreSQL ``connect_timeout``), each statement
of a request (PostgreSQL ``statement_timeout``), a free pooled connection, and on SQLite the wait for the
write lock. A database that is busy past these, or does not answer, raises
:class:`sqlalchemy.exc.OperationalError` or :class:`sqlalchemy.exc.TimeoutError`, which
:func:`is_unavailable` recognises and the error handler answers with 503.
"""

from __future__ import annotations

import enum
import logging
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, Enum, MetaData, create_engine, event, text
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import DeclarativeBase, MappedColumn, Session, mapped_column, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Execution options on the engines a :class:`Database` hands its sessions; the "begin" listeners read
# them: take SQLite's write lock at BEGIN; seconds to wait for a lock (SQLite's busy timeout, PostgreSQL's
# lock_timeout); seconds a statement may run (PostgreSQL).
_IMMEDIATE = "portal_begin_immediate"
_LOCK_WAIT = "portal_lock_wait"
_STATEMENT = "portal_statement_timeout"

#: How long bookkeeping (a token's last use) waits for a lock before it is skipped, in seconds: a
#: request must not queue behind a long import for a timestamp accurate to the minute.
BOOKKEEPING_LOCK_WAIT = 0.2

# SQLite's messages for "busy or unreachable" (sqlite3 gives them all one exception class).
_SQLITE_UNAVAILABLE = ("database is locked", "database is busy", "unable to open database file")


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC. Refuses naive values, whose timezone would be a guess."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: store aware datetimes only")
        converted = value.astimezone(UTC)
        # SQLite has no timezone type; store naive UTC text there and re-attach UTC when reading.
        return converted.replace(tzinfo=None) if dialect.name == "sqlite" else converted

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column(enum_type: type[enum.Enum], length: int, **kwargs: Any) -> MappedColumn[Any]:
    """A column holding ``enum_type`` stored as its members' values in a VARCHAR of ``length``.

    No CHECK constraint and no native ENUM type, so the column is exactly the ``String(length)`` the
    migrations created, on SQLite and PostgreSQL alike; a value outside the enum is refused when written
    (``validate_strings``). Reading gives the member, and these enums are ``StrEnum``s, so the member
    prints, compares and serialises as its value. ``kwargs`` go to :func:`mapped_column`.
    """
    return mapped_column(
        Enum(
            enum_type,
            native_enum=False,
            values_callable=lambda members: [m.value for m in members],
            length=length,
            create_constraint=False,
            validate_strings=True,
        ),
        **kwargs,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


@dataclass(frozen=True)
class Timeouts:
    """How long the portal waits on its database, in seconds (``DATABASE_*_TIMEOUT``; 0 = no limit for
    ``statement``)."""

    #: Establishing a PostgreSQL connection, handshake included (libpq counts whole seconds, at least 2).
    connect: float = 5.0
    #: One statement of a request on PostgreSQL (not the CLI's migrations, backups and imports).
    statement: float = 30.0
    #: A SQLite writer waiting for the write lock: as long as the longest write it should queue behind.
    busy: float = 30.0
    #: A free connection from the pool.
    pool: float = 10.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Timeouts:
        """From ``DATABASE_CONNECT_TIMEOUT`` and its siblings. Raises ValueError for a negative value."""
        defaults = cls()
        values = {
            each.name: float(
                config.get(f"DATABASE_{each.name.upper()}_TIMEOUT", getattr(defaults, each.name))
            )
            for each in fields(cls)
        }
        negative = [name for name, value in values.items() if value < 0]
        if negative:
            raise ValueError(f"DATABASE_{negative[0].upper()}_TIMEOUT must not be negative")
        return cls(**values)


def _configure_sqlite(engine: Engine, timeouts: Timeouts) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT (which the tests' rollback relies on) and
    # defers BEGIN past the first read; SQLAlchemy's documented recipe hands control back to us.
    busy_ms = int(timeouts.busy * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.close()
        record.info["portal_busy_ms"] = busy_ms

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        wait = options.get(_LOCK_WAIT)
        wanted = busy_ms if wait is None else int(wait * 1000)
        if connection.info.get("portal_busy_ms") != wanted:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={wanted}")
            connection.info["portal_busy_ms"] = wanted
        # A deferred transaction that reads and then writes cannot wait for the write lock: if another
        # writer committed since its read, SQLite fails it at once ("database is locked", issue 16: 36
        # of 150 concurrent PATCHes). A write transaction takes the lock at BEGIN and waits its turn.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(_IMMEDIATE) else "BEGIN")


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        settings: dict[str, float] = {
            name: float(options[key])
            for name, key in (("statement_timeout", _STATEMENT), ("lock_timeout", _LOCK_WAIT))
            if options.get(key)
        }
        if not settings:
            return
        # set_config(..., true) is SET LOCAL: the limits end with this transaction, so a pooled
        # connection goes back to the CLI or a migration without them.
        calls = ", ".join(f"set_config('{name}', :{name}, true)" for name in settings)
        values = {name: f"{int(seconds * 1000)}ms" for name, seconds in settings.items()}
        connection.execute(text(f"SELECT {calls}"), values)


def make_engine(url: str, timeouts: Timeouts | None = None) -> Engine:
    """An engine for ``url`` with the portal's per-dialect settings and ``timeouts``."""
    timeouts = timeouts or Timeouts()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        in_memory = parsed.database in (None, "", ":memory:")
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": timeouts.busy},
            # An in-memory database lives in one connection (SingletonThreadPool): nothing to wait for.
            # A file's connections are cheap handles: room for every thread to hold its request's
            # connection and a second (the search index's reader after a commit) without waiting, which
            # 20 writers at once in one process had exhausted at SQLAlchemy's default of 5 + 10.
            **(
                {}
                if in_memory
                else {"pool_timeout": timeouts.pool, "pool_size": 20, "max_overflow": 40}
            ),
        )
        _configure_sqlite(engine, timeouts)
        return engine
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        # libpq's connect_timeout covers the whole handshake, so a server that accepts the connection
        # and never answers fails here too; it counts whole seconds.
        connect_args["connect_timeout"] = max(1, round(timeouts.connect))
    # Overflow room (connections closed when given back, none kept idle beyond the 5): a table upload
    # holds its request's connection and takes a second for the shared store's own transaction, and
    # 20 uploads at once in one process had exhausted SQLAlchemy's default of 5 + 10 (503s).
    engine = create_engine(
        url,
        pool_pre_ping=True,
        pool_timeout=timeouts.pool,
        max_overflow=40,
        connect_args=connect_args,
    )
    if parsed.get_backend_name() == "postgresql":
        _configure_postgresql(engine)
    return engine


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database is busy, unreachable or too slow (a 503, worth a retry)
    rather than a fault in the query (a 500)."""
    if isinstance(error, PoolTimeoutError):
        return True
    if not isinstance(error, OperationalError):
        return False
    if isinstance(error.orig, sqlite3.OperationalError):
        message = str(error.orig).lower()
        return any(reason in message for reason in _SQLITE_UNAVAILABLE)
    # PostgreSQL (psycopg) raises OperationalError for refused or timed-out connections, a lost
    # server, statement_timeout (QueryCanceled) and lock_timeout (LockNotAvailable).
    return True


class Database:
    """Owns the engine and hands out sessions. Attached to the app as ``app.extensions['portal.kernel.db']``."""

    def __init__(self, url: str, timeouts: Timeouts | None = None) -> None:
        self.url = url
        self.timeouts = timeouts or Timeouts()
        self.engine = make_engine(url, self.timeouts)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        from portal.kernel import revision  # the model needs Base, defined above

        revision.watch(self.sessions)
        request = {_STATEMENT: self.timeouts.statement}
        self._binds: dict[str, Engine] = {
            "read": self.engine.execution_options(**request),
            "write": self.engine.execution_options(**{_IMMEDIATE: True}, **request),
            "work": self.engine.execution_options(**{_IMMEDIATE: True}),
            "bookkeeping": self.engine.execution_options(
                **{_IMMEDIATE: True, _LOCK_WAIT: BOOKKEEPING_LOCK_WAIT}, **request
            ),
        }

    def bind(self, connection: Connection) -> None:
        """Route every session through ``connection`` (tests wrap each test in a rolled-back transaction)."""
        self.sessions.configure(bind=connection, join_transaction_mode="create_savepoint")

    @property
    def is_bound(self) -> bool:
        """Whether every session goes through one outer connection (:meth:`bind`), which only one thread
        may use at a time."""
        return isinstance(self.sessions.kw.get("bind"), Connection)

    def _open(self, kind: str) -> Session:
        if self.sessions.kw.get("bind") is not self.engine:
            # Routed through one outer connection (bind): its transaction is already open, and every
            # session here is a savepoint in it.
            return self.sessions()
        return self.sessions(bind=self._binds[kind])

    def request_session(self, *, writes: bool) -> Session:
        """A session for one request. ``writes``: its transactions take SQLite's write lock at BEGIN
        (waiting up to the busy timeout); otherwise they read without ever waiting for a writer (WAL).
        Each statement is bounded by the statement timeout (PostgreSQL)."""
        return self._open("write" if writes else "read")

    def work_session(self) -> Session:
        """A session for the CLI and background work: its transactions are write transactions (on
        SQLite they hold the write lock from their first statement to their end, so keep slow work such
        as network calls outside them), with no statement timeout (migrations, backups and imports may
        run long)."""
        return self._open("work")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A :meth:`work_session` in one transaction, committed on success and rolled back on error."""
        with self.work_session() as session:
            with session.begin():
                yield session

    @contextmanager
    def best_effort(self, what: str) -> Iterator[Session]:
        """A short write transaction that may be skipped, for bookkeeping that must never fail the
        request around it (a token's last use). It waits at most :data:`BOOKKEEPING_LOCK_WAIT` for a
        lock; a busy, locked or unreachable database rolls it back and logs ``what`` at debug level.
        Other errors are raised."""
        try:
            with self._open("bookkeeping") as session:
                with session.begin():
                    yield session
        except (OperationalError, PoolTimeoutError) as error:
            if not is_unavailable(error):
                raise
            log.debug("skipped %s: %s", what, str(getattr(error, "orig", None) or error).strip())

    @contextmanager
    def own_transaction(self) -> Iterator[Connection]:
        """A connection in a transaction of its own, committed at the end whatever the request's
        session does, for content-addressed writes that must be durable before the rows that name
        them (the shared table store, issue 23). When :meth:`bind` routes everything through one
        connection (tests), a savepoint of it, so the test's rollback takes these writes too."""
        bound = self.sessions.kw.get("bind")
        if isinstance(bound, Connection):
            with bound.begin_nested():
                yield bound
            return
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def own_connection(self) -> Iterator[Connection]:
        """A connection for reads outside the request's session (the bound one in tests, see
        :meth:`own_transaction`)."""
        bound = self.sessions.kw.get("bind")
        if isinstance(bound, Connection):
            yield bound
            return
        with self.engine.connect() as connection:
            yield connection

    def dispose(self) -> None:
        self.engine.dispose()
