"""Saved queries (PxWebApi 2.0 ``/savedqueries``): a selection of one public table that anyone may store
and run again by id. Stored as given (``top(5)`` stays an expression, so a saved "latest five periods"
moves on with the table), after resolving it against the table, so a saved query always runs. Made by
the API and by the table page's "tell me when these numbers change" (issue 22). Never imports Flask."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from pxbridge.api.bodies import LANGUAGES
from pxbridge.models import DataTable, SavedQuery
from pxbridge.query.cubes import resolve_selection
from pxbridge.query.extract import held_languages
from pxbridge.query.selection import problem


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
    """Store the selection of public ``table`` in ``language``: one of the portal's (``no``, ``en``),
    also for a table without it (it is then answered in the table's own language, as the table is),
    or one only the table has (``sv`` for a Swedish file; issue 21). Raises 400 "Unsupported
    language" for any other, and the selection's 400/403 problems."""
    if language.lower() not in LANGUAGES and language.lower() not in held_languages(table):
        raise problem(400, "Unsupported language", "sel.language", language=language)
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
