"""Keeping the index current with every commit (change capture): the writes a domain declares
(``Watch``, ``Removal``) are collected at each flush and queued in ``search_change`` in the same
transaction (other machines replay the queue: ``portal/search/follow.py``); once the transaction has
committed and given its connection back, this process rebuilds the touched documents, in the request
or, for a bulk commit, on one background thread. A failed update after a commit is logged, never
raised: the write is committed, and ``portal search follow`` or ``reindex`` mends the index."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, insert
from sqlalchemy.orm import Session, SessionTransaction

from portal.http.db import get_database
from portal.http.instant import now
from portal.kernel.clock import SystemClock
from portal.kernel.findable import DELETED
from portal.search import documents
from portal.search.extension import EXTENSION, get_index
from portal.search.models import SearchChange
from portal.search.registry import registered

log = logging.getLogger(__name__)


# Which changed rows touch which documents.
def _changes(session: Session) -> dict[str, set[Any]]:
    return session.info.setdefault("search_changes", {})  # type: ignore[no-any-return]


def _collect(session: Session, flush_context: Any) -> None:
    changed: dict[str, set[Any]] = {}
    findables = registered()
    for obj in [*session.new, *session.dirty]:
        for findable in findables:
            for watch in findable.watches:
                if isinstance(obj, watch.model):
                    changed.setdefault(watch.kind, set()).add(watch.key(obj))
    for obj in session.deleted:
        for findable in findables:
            for removal in findable.removals:
                if isinstance(obj, removal.model):
                    changed.setdefault(DELETED, set()).add(removal.document_id(obj))
    if not changed:
        return
    for kind, keys in changed.items():
        _changes(session).setdefault(kind, set()).update(keys)
    # The shared queue, in the same transaction: other machines replay it (portal search follow). A
    # write made without an app (a script on portal.kernel.db alone) is queued all the same, stamped by the
    # system clock, which is the clock an app has unless a test gives it another.
    at = now() if has_app_context() else SystemClock().now()
    session.connection().execute(
        insert(SearchChange),
        [
            {"kind": kind, "key": str(key), "at": at}
            for kind, keys in sorted(changed.items())
            for key in sorted(keys, key=str)
        ],
    )


def _committed(session: Session) -> None:
    # SQLAlchemy 2.1 also fires after_commit when a savepoint (begin_nested) is released: those changes
    # are not committed yet, and another connection cannot read them. Wait for the real commit.
    if session.in_nested_transaction():
        return
    changed = session.info.pop("search_changes", None)
    if changed:
        session.info.setdefault("search_committed", []).append(changed)


def _released(session: Session, transaction: SessionTransaction) -> None:
    """Index what the session's transaction committed, once that transaction has given its connection
    back: after_commit fires while the session still holds it, and a reader opened there made every
    writer hold two connections at once (twenty writers in one process exhausted the pool)."""
    if transaction.parent is not None:
        return
    committed: list[dict[str, set[Any]]] | None = session.info.pop("search_committed", None)
    if not committed:
        return
    changed: dict[str, set[Any]] = {}
    for each in committed:
        for kind, keys in each.items():
            changed.setdefault(kind, set()).update(keys)
    try:
        _apply(changed)
    except Exception:
        # The write is committed and its change queued (search_change): failing its answer now would
        # report a lost write that is not lost. `portal search follow` or `reindex` mends the index.
        log.exception(
            "the search index update after a commit failed (portal search follow or reindex "
            "mends it)"
        )


def _apply(changed: dict[str, set[Any]]) -> None:
    if not has_app_context() or EXTENSION not in current_app.extensions:
        return
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if (
        sum(map(len, changed.values())) > BULK_CHANGES
        and not get_database(app).is_bound
        and _reserve_background()
    ):
        # A bulk write (a 5,000-row schedule) would wait seconds for whoosh's analysis in the request:
        # the index follows it in the background instead, in commit order (one thread). Pages and the
        # API read the database and show it at once; search finds it a few seconds later. At most
        # MAX_BACKGROUND updates wait at once: past that the request indexes itself, so an importer that
        # never stops is slowed to the index's pace instead of building a backlog.
        _background(app).submit(_index, app, changed).add_done_callback(_report)
        return
    _index(app, changed)


#: Above this many changed items one commit's search update runs after the request, not in it.
BULK_CHANGES = 100
#: Most bulk updates queued or running in the background at once, per process.
MAX_BACKGROUND = 2
_background_lock = threading.Lock()
_background_pending = 0


def _reserve_background() -> bool:
    global _background_pending
    with _background_lock:
        if _background_pending >= MAX_BACKGROUND:
            return False
        _background_pending += 1
        return True


def _background(app: Flask) -> ThreadPoolExecutor:
    with _background_lock:
        executor: ThreadPoolExecutor | None = app.extensions.get("portal.search.background")
        if executor is None:
            # Not a daemon thread: at exit Python waits for what it has queued, so no update is lost.
            executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-index")
            app.extensions["portal.search.background"] = executor
        return executor


def _index(app: Flask, changed: dict[str, set[Any]]) -> None:
    with app.app_context():
        with get_database(app).sessions() as reader:
            docs = list(documents.docs_for(reader, changed))
        get_index(app).update(docs, delete=documents.deleted_ids(changed))


def _report(done: Future[None]) -> None:
    global _background_pending
    with _background_lock:
        _background_pending -= 1
    error = done.exception()
    if error is not None:
        log.error(
            "a background search index update failed (portal search reindex mends it)",
            exc_info=error,
        )


def wait_for_background_updates(app: Flask) -> None:
    """Block until the background index updates queued so far are done (tests, shutdown)."""
    executor: ThreadPoolExecutor | None = app.extensions.get("portal.search.background")
    if executor is not None:
        executor.submit(lambda: None).result()


def _discard(session: Session) -> None:
    session.info.pop("search_changes", None)


_listening = False


def listen() -> None:
    """Capture changes on every session of the process (once, however many apps are built)."""
    global _listening
    if not _listening:
        event.listen(Session, "after_flush", _collect)
        event.listen(Session, "after_commit", _committed)
        event.listen(Session, "after_transaction_end", _released)
        event.listen(
            Session, "after_soft_rollback", lambda s, t: _discard(s) if t.parent is None else None
        )
        _listening = True
