"""Saved queries (PxWebApi 2.0 ``/savedqueries``): a selection of one public table that anyone may store
and run again by id. Stored as given (``top(5)`` stays an expression, so a saved "latest five periods"
moves on with the table), after resolving it against the table, so a saved query always runs. Made by
the API and by the table page's "tell me when these numbers change" (issue 22). Never imports Flask."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from pxbridge.models import DataTable, SavedQuery
from pxbridge.query.cubes import resolve_selection


def save_query(
    session: Session,
    table: DataTable,
    requested: Mapping[str, list[str]],
    *,
    stub: Sequence[str],
    heading: Sequence[str],
    wanted: Mapping[str, str],
    language: str,
    max_cells: int,
    now: datetime,
    output_format: str | None = None,
    output_format_params: Sequence[str] = (),
) -> SavedQuery:
    """Store the selection of public ``table``; raises the selection's 400/403 problems."""
    resolve_selection(session, table, requested, max_cells, wanted)
    saved = SavedQuery(
        id=secrets.token_hex(8),
        table_id=table.id,
        language=language.lower(),
        selection={
            "selection": [
                {
                    "variableCode": code,
                    "valueCodes": list(requested.get(code, [])),
                    **({"codelist": wanted[code]} if code in wanted else {}),
                }
                for code in [*requested, *(c for c in wanted if c not in requested)]
            ],
            "placement": {"heading": list(heading), "stub": list(stub)},
        },
        output_format=output_format,
        output_format_params=list(output_format_params),
        created_at=now,
    )
    session.add(saved)
    return saved
