"""The one ETag of every table answer, PxWebApi 2.0's and the classic API's (issue 22): a program that
sends it back in ``If-None-Match`` gets a 304 before any cell is read, instead of downloading a table that
did not change (the table hash PxWebApi's users asked for)."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.kernel.etag import strong_etag
from pxbridge.models import DataTable, TableCodeList, TableCodeListLink

#: Raised when what an answer is built from changes beyond the table (its rendering), so tags from an
#: older scheme never match a newer answer.
SCHEME = "1"


def table_etag(db: Session, table: DataTable, *, answer: str, lang: str, selection: Any) -> str:
    """The strong ETag of one answer about the public ``table``: its revision (the row, its cell file's
    revision in the store, its version and its last write), the answer (``answer``: a route's output
    format, e.g. ``json-stat2``, ``v0:csv``, ``metadata``), the language asked for and the selection
    (any JSON value: value codes, placement, code lists, output parameters, a saved query's body).
    The code lists linked to the table count too: a code list edited in place changes the answers that
    apply or list it without a new upload. One query, no cells read."""
    linked = db.execute(
        select(TableCodeList.id, TableCodeList.updated_at)
        .join(TableCodeListLink, TableCodeListLink.codelist_id == TableCodeList.id)
        .where(TableCodeListLink.table_id == table.id)
        .order_by(TableCodeList.id)
    ).all()
    return strong_etag(
        SCHEME,
        table.row_id,
        table.store_revision or "",
        str(table.version),
        table.updated_at.isoformat(),
        answer,
        lang,
        orjson.dumps(selection, option=orjson.OPT_SORT_KEYS).decode(),
        ";".join(f"{cid}@{at.isoformat()}" for cid, at in linked),
    )
