"""Lost races, written once (issue 16, "never lose a write").

Every versioned row is written with one conditional statement: SQLAlchemy's ``version_id_col`` turns a
flush into ``UPDATE … WHERE id = ? AND version = ?`` and raises StaleDataError when no row matched, and
a row that two writers create at once is refused by its unique constraint (IntegrityError). Either way
the writer that lost the race gets :class:`~portal.kernel.errors.Conflict` (409) after its transaction is
rolled back; never a 500 and never a silent overwrite. Never imports Flask.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from portal.kernel.errors import Conflict

#: PostgreSQL's SQLSTATE for a unique violation (a primary key included).
UNIQUE_VIOLATION = "23505"


def force_update(row: object, attribute: str) -> None:
    """Have the next flush UPDATE ``row`` (checking and raising its version) even if no value in it
    changed, e.g. a parent whose ``last_modified`` is already this instant, or an identical file
    uploaded again: the conditional UPDATE is what leaves one winner, so it must not be skipped."""
    flag_modified(row, attribute)


def is_duplicate(exc: IntegrityError) -> bool:
    """Whether ``exc`` is a unique constraint refusing a second row with the same key (the loser of
    two concurrent creations), as opposed to a missing value or a broken reference, which are bugs."""
    original = exc.orig
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if state is not None:
        return bool(state == UNIQUE_VIOLATION)
    return "UNIQUE constraint failed" in str(original)


def is_lost_race(exc: BaseException) -> bool:
    """Whether ``exc`` means another writer got there first: a stale version or a duplicate key."""
    return isinstance(exc, StaleDataError) or (
        isinstance(exc, IntegrityError) and is_duplicate(exc)
    )


@contextmanager
def lost_race_is_conflict(session: Session, detail: str) -> Iterator[None]:
    """Run a flush (or commit) that may lose a race; if it does, roll ``session`` back and raise
    Conflict with ``detail``. Any other error passes through unchanged.

    The rollback comes first so the caller (a page that shows the form again, say) can keep using the
    session; it also ends the transaction, so nothing the losing request wrote stays behind."""
    try:
        yield
    except (StaleDataError, IntegrityError) as exc:
        if not is_lost_race(exc):
            raise
        session.rollback()
        raise Conflict(detail) from exc
