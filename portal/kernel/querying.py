"""Query helpers every domain shares. No Flask."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func

LIKE_ESCAPE = "\\"


def contains(column: Any, text: str) -> ColumnElement[bool]:
    """``column`` contains ``text``, case-insensitively, with LIKE's wildcards taken literally: a search
    for "%" or "_" finds those characters instead of matching everything."""
    escaped = (
        text.lower()
        .replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return func.lower(column).like(f"%{escaped}%", escape=LIKE_ESCAPE)
