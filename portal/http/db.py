"""The database bound to the Flask app: one :class:`~portal.kernel.db.Database` per app, one session per
request, opened on first use and closed at teardown."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy.orm import Session

from portal.kernel import revision  # noqa: F401  (content_revision joins the models)
from portal.kernel.db import Database, Timeouts

#: Methods whose requests only read; every other request's transactions are write transactions.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_database(app: Flask | None = None) -> Database:
    db: Database = (app or current_app).extensions["portal.db"]
    return db


def get_session() -> Session:
    """The request's session, opened on first use and closed (rolled back if uncommitted) at teardown.

    A GET, HEAD or OPTIONS request reads: on SQLite it never waits for a writer. Any other request
    writes: its transactions wait their turn for the write lock instead of failing when another writer
    got there first. Outside a request (the CLI) it is a :meth:`Database.work_session`."""
    if "db_session" not in g:
        database = get_database()
        if has_request_context():
            writes = request.method not in SAFE_METHODS
            g.db_session = database.request_session(writes=writes)
        else:
            g.db_session = database.work_session()
    session: Session = g.db_session
    return session


def init_app(app: Flask) -> None:
    app.extensions["portal.db"] = Database(
        app.config["DATABASE_URL"], Timeouts.from_config(app.config)
    )

    @app.teardown_appcontext
    def _close_session(exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.close()
