"""Search attached to the app: the index in the instance folder, updated at every commit that changes
something it holds, the search page (nb, en), ``/api/v1/search`` and ``portal search reindex``."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import click
from flask import Blueprint, Flask, Response, current_app, has_app_context, request, url_for
from flask.cli import with_appcontext
from pydantic import BaseModel
from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from portal.api.edge import json_response
from portal.api.openapi import Operation, Param, operation, problems
from portal.clock import SystemClock
from portal.db import get_database
from portal.errors import BadRequest, FieldError
from portal.i18n import current_language
from portal.instant import now
from portal.search import documents
from portal.search.documents import SearchDoc
from portal.search.index import KINDS, SearchIndex, SearchQuery
from portal.web.routing import bilingual, page_blueprint, render_page

log = logging.getLogger(__name__)

api = Blueprint("search_api", __name__, url_prefix="/api/v1/search")
pages = page_blueprint("search", __name__)


def get_index(app: Flask | None = None) -> SearchIndex:
    found: SearchIndex = (app or current_app).extensions["portal.search"]
    return found


def _query(args: Any) -> SearchQuery:
    text = (args.get("q") or "").strip()
    if len(text) > 200:
        raise BadRequest("q may be at most 200 characters.", (FieldError("q", "too long"),))
    kind = args.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise BadRequest(
            f"Unknown kind '{kind}'.", (FieldError("kind", "one of " + ", ".join(KINDS)),)
        )
    try:
        page = max(1, int(args.get("page") or 1))
    except ValueError:
        raise BadRequest(
            "page must be a whole number.", (FieldError("page", "not a number"),)
        ) from None
    lang = args.get("lang") or current_language()
    return SearchQuery(
        text=text,
        lang="en" if lang == "en" else "nb",
        kind=kind,
        producer=args.get("producer") or None,
        subject=args.get("subject") or None,
        page=min(page, 50),
    )


class HitOut(BaseModel):
    id: str
    kind: str
    title: str
    snippet: str
    url: str
    producer: str
    score: float


class SearchOut(BaseModel):
    query: str
    total: int
    hits: list[HitOut]
    facets: dict[str, dict[str, int]]
    did_you_mean: str | None
    showing_results_for: str | None = None  # the correction searched, when the words found nothing
    timed_out: bool


@api.get("")
@operation(
    Operation(
        "Search every public statistic, release, table, code list, producer and subject area.",
        "search",
        {200: ("Ranked results with snippets and facets.", SearchOut), **problems(400)},
        query=(
            Param("q", "The words to find (nb or en).", {"type": "string", "maxLength": 200}),
            Param("lang", "nb or en.", {"enum": ["nb", "en"]}),
            Param("kind", "Only this kind of item.", {"enum": list(KINDS)}),
            Param("producer", "Producer slug.", {"type": "string"}),
            Param("subject", "Subject-area slug.", {"type": "string"}),
            Param("page", "Page number, from 1.", {"type": "integer", "minimum": 1}),
        ),
    )
)
def search_api() -> Response:
    request_query = _query(request.args)
    results = get_index().search(request_query, now()) if request_query.text else None
    return json_response(
        SearchOut(
            query=request_query.text,
            total=results.total if results else 0,
            hits=[
                HitOut(
                    id=h.id,
                    kind=h.kind,
                    title=h.title,
                    snippet=h.snippet,
                    url=url_for("web.home", _external=True).rstrip("/") + h.path,
                    producer=h.producer,
                    score=h.score,
                )
                for h in (results.hits if results else ())
            ],
            facets=results.facets if results else {},
            did_you_mean=results.corrected if results else None,
            showing_results_for=results.searched_for if results else None,
            timed_out=results.timed_out if results else False,
        )
    )


class SuggestOut(BaseModel):
    suggestions: list[str]


@api.get("/suggest")
@operation(
    Operation(
        "Titles that start like what has been typed (suggestions as you type).",
        "search",
        {200: ("Up to eight titles.", SuggestOut), **problems(400)},
        query=(Param("q", "What has been typed.", {"type": "string", "maxLength": 100}),),
    )
)
def suggest_api() -> Response:
    text = (request.args.get("q") or "")[:100]
    lang = "en" if request.args.get("lang") == "en" else "nb"
    return json_response(SuggestOut(suggestions=get_index().suggest(text, lang, now())))


@bilingual("/sok", "/en/search", twin="search_api.search_api", blueprint=pages)
def search_page() -> Response:
    request_query = _query(request.args)
    results = get_index().search(request_query, now()) if request_query.text else None
    suggestions = (
        get_index().suggest(request_query.text.split()[-1], request_query.lang, now())
        if request_query.text and results is not None and not results.hits
        else []
    )
    return render_page(
        "search/search.html",
        twin_url=url_for("search_api.search_api")
        + ("?" + request.query_string.decode() if request.query_string else ""),
        search=request_query,
        results=results,
        suggestions=suggestions,
        kinds=KINDS,
    )


# Which changed rows touch which documents.
def _changes(session: Session) -> dict[str, set[Any]]:
    return session.info.setdefault("search_changes", {})  # type: ignore[no-any-return]


def _collect(session: Session, flush_context: Any) -> None:
    from metadata.codelists.models import Classification, ClassificationItem, ClassificationVersion
    from metadata.sims.models import DocumentationVersion
    from portal.programme.models import Producer, Statistic
    from pxbridge.models import DataTable
    from release_calendar.models import Release

    changed: dict[str, set[Any]] = {}
    for obj in [*session.new, *session.dirty]:
        if isinstance(obj, Statistic):
            changed.setdefault("statistic", set()).add(obj.slug)
        elif isinstance(obj, Release):
            changed.setdefault("release", set()).add(obj.id)
        elif isinstance(obj, DataTable):
            changed.setdefault("table", set()).add(obj.id)
        elif isinstance(obj, Classification):
            changed.setdefault("codelist", set()).add(obj.id)
        elif isinstance(obj, ClassificationVersion):
            changed.setdefault("codelist", set()).add(obj.classification_id)
        elif isinstance(obj, ClassificationItem):
            changed.setdefault("codelist_version", set()).add(obj.version_id)
        elif isinstance(obj, Producer):
            changed.setdefault("producer", set()).add(obj.slug)
        elif isinstance(obj, DocumentationVersion):
            changed.setdefault("about", set()).add(obj.statistic_id)
    for obj in session.deleted:
        if isinstance(obj, DataTable):
            changed.setdefault("deleted", set()).add(f"table:{obj.id}")
    if not changed:
        return
    for kind, keys in changed.items():
        _changes(session).setdefault(kind, set()).update(keys)
    # The shared queue, in the same transaction: other machines replay it (portal search follow). A
    # write made without an app (a script on portal.db alone) is queued all the same, stamped by the
    # system clock, which is the clock an app has unless a test gives it another.
    from portal.search.models import SearchChange

    at = now() if has_app_context() else SystemClock().now()
    session.connection().execute(
        insert(SearchChange),
        [
            {"kind": kind, "key": str(key), "at": at}
            for kind, keys in sorted(changed.items())
            for key in sorted(keys, key=str)
        ],
    )


def docs_for(session: Session, changed: dict[str, set[Any]]) -> Iterator[SearchDoc]:
    from metadata.codelists.models import ClassificationVersion
    from pxbridge.models import DataTable

    if "statistic" in changed:
        yield from documents.statistic_docs(session, changed["statistic"])
    if "release" in changed:
        yield from documents.release_docs(session, changed["release"])
        # A table tied to a moved release moves with it.
        tables = {
            t.id
            for t in session.query(DataTable).filter(DataTable.release_id.in_(changed["release"]))
        }
        yield from documents.table_docs(session, tables)
        # Documentation published with a moved or cancelled release moves with it.
        from release_calendar.models import Release

        about = {
            r.statistic_id
            for r in session.query(Release).filter(Release.id.in_(changed["release"]))
        }
        yield from documents.about_docs(session, about - changed.get("about", set()))
    if "about" in changed:
        yield from documents.about_docs(session, changed["about"])
    if "table" in changed:
        yield from documents.table_docs(session, changed["table"])
    lists = set(changed.get("codelist", set()))
    if "codelist_version" in changed:
        lists |= {
            v.classification_id
            for v in session.query(ClassificationVersion).filter(
                ClassificationVersion.id.in_(changed["codelist_version"])
            )
        }
    if lists:
        yield from documents.codelist_docs(session, lists)
    if "producer" in changed:
        yield from (
            d for d in documents.producer_docs(session) if d.producer in changed["producer"]
        )


def _apply(session: Session) -> None:
    # SQLAlchemy 2.1 also fires after_commit when a savepoint (begin_nested) is released: those changes
    # are not committed yet, and another connection cannot read them. Wait for the real commit.
    if session.in_nested_transaction():
        return
    changed = session.info.pop("search_changes", None)
    if not changed or not has_app_context() or "portal.search" not in current_app.extensions:
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
            docs = list(docs_for(reader, changed))
        get_index(app).update(docs, delete=sorted(changed.get("deleted", set())))


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


def _listen() -> None:
    global _listening
    if not _listening:
        event.listen(Session, "after_flush", _collect)
        event.listen(Session, "after_commit", _apply)
        event.listen(
            Session, "after_soft_rollback", lambda s, t: _discard(s) if t.parent is None else None
        )
        _listening = True


@click.group("search")
def search_group() -> None:
    """The search index."""


@search_group.command("reindex")
def reindex() -> None:
    """Rebuild the whole index from the database, with a progress bar."""
    with get_database().sessions() as session:
        docs = list(documents.all_docs(session))
    with click.progressbar(length=len(docs), label="Indexing") as bar:
        count = get_index().rebuild(docs, progress=lambda: bar.update(1))
    click.echo(f"{count} documents indexed.")


@search_group.command("follow")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
@click.option("--once", is_flag=True, help="Replay what is waiting, then stop.")
@with_appcontext
def follow_command(interval: float, once: bool) -> None:
    """Keep this machine's index current with every machine's commits (the shared change queue)."""
    from portal.search import follow

    while True:
        with get_database().sessions() as session:
            applied = follow.catch_up(session, get_index(), now())
            session.commit()  # the pruning
        if applied:
            click.echo(f"{applied} changes replayed.")
        if once:
            return
        time.sleep(interval)


def init_app(app: Flask) -> None:
    from portal.api.edge import register_api

    app.extensions["portal.search"] = SearchIndex(
        Path(app.instance_path) / "search", time_limit=float(app.config["SEARCH_TIME_LIMIT"])
    )
    _listen()
    register_api(app, api)
    app.register_blueprint(pages)
    from portal.search import catalog, sitemap

    sitemap.init_app(app)
    catalog.init_app(app)
