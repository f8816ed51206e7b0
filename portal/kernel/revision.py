"""The content version: a value that changes at every committed write of public content (issue 23).

Rendered answers are cached under it (:mod:`portal.http.pagecache`), so a write is seen at once by every
worker and machine, even when each keeps its cache in its own memory: nobody has to tell the caches,
they read the version from the database they all share.

How it is kept. Every session of a :class:`~portal.kernel.db.Database` is watched: when a transaction
wrote any table outside :data:`PRIVATE_TABLES` (accounts and their bookkeeping, tokens, alert
subscriptions and deliveries, the audit log, the search queue, saved queries), a row is appended to
``content_revision`` just before it commits, in the same transaction. Appending, not updating one
counter row: concurrent writers on PostgreSQL each insert their own row and never wait for each other
(a single hot row would serialise every write of the portal and could deadlock with the rows they
lock).

The version read (:func:`content_version`) is ``(M, n)``: the highest id ``M`` and the number ``n`` of
rows with an id in ``(M - WINDOW, M]``. Why both: on PostgreSQL ids come from a sequence in the order
they were drawn, not the order their transactions commit, so a writer holding id 10 can commit after
one holding id 11; ``M`` alone would then not move. ``n`` does: for a given ``M`` the rows in the
window only ever grow as late transactions commit, because pruning (:func:`_prune`) deletes only ids
at least ``2 * WINDOW`` below the pruner's own, which are below every later window. A late commit
stays inside the window because its id is drawn in ``before_commit``, a flush away from its
``COMMIT``: only as many ids as there are writers committing at that same moment (bounded by the
connection pools, far below :data:`WINDOW`) can be drawn in between. On SQLite writers commit one at
a time, so ids follow commit order and ``n`` is just along for the ride.

Why a cached answer is never older than the data it claims: a request reads the version first, before
any other read, so everything it reads after is at least that new (PostgreSQL reads committed data at
each statement; SQLite's WAL snapshot starts with that first read). The answer is stored under the
version read before it; a later commit changes the version, so no request after that commit finds
the older answer. An answer stored under a version may hold data newer than it, never older.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import (
    Mapped,
    Session,
    SessionTransaction,
    UOWTransaction,
    mapped_column,
    sessionmaker,
)

from portal.kernel.db import Base

#: Tables whose writes change no public answer: writing only these appends no revision. Saved
#: queries are public at their own address, which is not cached; programs save them by the thousand
#: at a release minute, and each would otherwise move every cached page to a new key.
PRIVATE_TABLES = frozenset(
    {
        "content_revision",
        "audit_entry",
        "api_token",
        "user_account",
        "user_invitation",
        "search_change",
        "saved_query",
    }
)
#: Table name prefixes with the same standing: alert subscribers, their messages and deliveries.
PRIVATE_PREFIXES = ("notify_",)

#: How far below the highest id a late commit is still counted (see the module's docstring).
WINDOW = 256
#: Every this many revisions, the writer that appends one deletes those long out of every window.
PRUNE_EVERY = 64

_TOUCHED = "portal_public_write"


class ContentRevision(Base):
    """One committed write of public content; only ids matter, rows old enough are deleted."""

    __tablename__ = "content_revision"

    id: Mapped[int] = mapped_column(primary_key=True)


def is_public_table(name: str) -> bool:
    """Whether a write to table ``name`` can change a public answer."""
    return name not in PRIVATE_TABLES and not name.startswith(PRIVATE_PREFIXES)


def content_version(session: Session) -> str:
    """The current content version, as text: one index probe for the highest id and a count over at
    most :data:`WINDOW` index entries. Read it before anything else the answer depends on."""
    highest = select(func.max(ContentRevision.id)).scalar_subquery()
    row = session.execute(
        select(highest, func.count(ContentRevision.id)).where(ContentRevision.id > highest - WINDOW)
    ).one()
    top, count = row
    return f"{top or 0}.{count or 0}"


def _mark(session: Session, objects: Any) -> None:
    if session.info.get(_TOUCHED):
        return
    for obj in objects:
        table = getattr(obj, "__tablename__", None)
        if table is not None and is_public_table(table):
            session.info[_TOUCHED] = True
            return


def _after_flush(session: Session, context: UOWTransaction) -> None:
    _mark(session, [*session.new, *session.dirty, *session.deleted])


def _on_execute(state: Any) -> None:
    # ORM-enabled bulk statements (update(Model)..., delete(Model)...) bypass the flush.
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name is None or is_public_table(name):
        state.session.info[_TOUCHED] = True


def _before_commit(session: Session) -> None:
    session.flush()
    if not session.info.pop(_TOUCHED, False):
        return
    revision = ContentRevision()
    session.add(revision)
    session.flush()
    if revision.id % PRUNE_EVERY == 0:
        _prune(session, revision.id)


def _prune(session: Session, own: int) -> None:
    """Delete ids out of every window to come: below ``own - 2 * WINDOW`` (a later highest id is at
    least ``own``). Concurrent pruners delete in the same (id) order, so one waits, never deadlocks."""
    session.execute(
        delete(ContentRevision).where(ContentRevision.id < own - 2 * WINDOW),
        execution_options={"synchronize_session": False},
    )


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # Only the outermost: a savepoint rolled back inside a transaction that wrote leaves its mark.
    if transaction.parent is None:
        session.info.pop(_TOUCHED, None)


def watch(sessions: sessionmaker[Session]) -> None:
    """Append a revision at the commit of every session from ``sessions`` that wrote public content."""
    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "do_orm_execute", _on_execute)
    event.listen(sessions, "before_commit", _before_commit)
    event.listen(sessions, "after_transaction_end", _after_transaction_end)
