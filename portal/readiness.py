"""Readiness: can this instance serve a page right now? Each check is short and bounded; /readyz answers
503 naming the parts that fail. /healthz stays the cheap liveness check (the database answers)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from sqlalchemy import text

from portal.http.db import get_database, get_session
from portal.kernel import migrate


def _database(app: Flask) -> str:
    get_session().execute(text("SELECT 1"))
    current, head, behind = migrate.revisions_behind(get_database(app).engine)
    if behind:
        return f"schema at {current or 'nothing'}, newest is {head}: run portal db upgrade"
    return "ok"


def _templates(app: Flask) -> str:
    folder = Path(app.root_path) / (app.template_folder or "templates")
    if not (folder / "base.html").is_file():
        return f"no templates in {folder}"
    for name in ("base.html", "errors/error.html", "portal/home.html"):
        app.jinja_env.get_template(name)
    return "ok"


def _folder(path: Path, what: str) -> str:
    if path.exists() and not (path.is_dir() and os.access(path, os.R_OK | os.X_OK)):
        return f"the {what} folder {path} cannot be read"
    if not path.exists() and not os.access(path.parent, os.W_OK):
        return f"the {what} folder {path} is missing and cannot be created"
    return "ok"


def _table_store(app: Flask) -> str:
    return _folder(Path(app.instance_path) / "tables", "table store")


def _search(app: Flask) -> str:
    state = _folder(Path(app.instance_path) / "search", "search index")
    if state != "ok":
        return state
    from portal.search.extension import get_index

    index = get_index(app)
    with index._searcher() as searcher:  # noqa: SLF001  (the same searcher a query uses)
        searcher.doc_count()
    return "ok"


def _redis(app: Flask) -> str:
    url = app.config.get("REDIS_URL")
    if not url:
        return "ok"
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


CHECKS: dict[str, Callable[[Flask], str]] = {
    "database": _database,
    "templates": _templates,
    "table_store": _table_store,
    "search_index": _search,
    "redis": _redis,
}


def check_all(app: Flask) -> dict[str, str]:
    """Every part's state: "ok" or a short reason (never a traceback)."""
    parts = {}
    for name, check in CHECKS.items():
        try:
            parts[name] = check(app)
        except Exception as error:  # noqa: BLE001  (any failure means not ready; the reason is shown)
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()
            parts[name] = f"{type(error).__name__}: {reason[0][:200] if reason else ''}".strip()
    return parts
