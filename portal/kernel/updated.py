"""``updatedAfter``: what programs ask the native API's lists so they fetch only what changed (issue 22).

One parser for every list that takes it (statistics, releases, tables), so each reads the same values and
refuses the same ones with the same 400. No Flask: callers pass ``request.args`` in; the OpenAPI
parameter is :data:`portal.http.updated.PARAM`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time

from portal.kernel.clock import OSLO
from portal.kernel.errors import BadRequest, FieldError
from portal.kernel.i18n import register_messages

NAME = "updatedAfter"

register_messages(
    {
        "updated.after": (
            "updatedAfter må være et tidspunkt med tidssone (2026-12-01T08:00:00+01:00) eller en dato "
            "(2026-12-01).",
            "updatedAfter must be an instant with an offset (2026-12-01T08:00:00+01:00) or a date "
            "(2026-12-01).",
        ),
        "updated.after_field": (
            "et tidspunkt med tidssone eller en dato",
            "an instant with an offset or a date",
        ),
    }
)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def updated_after(args: Mapping[str, str]) -> datetime | None:
    """``updatedAfter`` as an aware UTC instant; None when absent or empty. A date means midnight in
    Oslo. Raises BadRequest naming the parameter for anything else (an instant without an offset
    included: it would mean a different instant on every client)."""
    raw = (args.get(NAME) or "").strip()
    if not raw:
        return None
    # A "+" left unencoded in a query string arrives as a space.
    raw = raw.replace(" ", "+")
    try:
        if _DATE.fullmatch(raw):
            moment = datetime.combine(date.fromisoformat(raw), time(0, 0), tzinfo=OSLO)
        else:
            moment = datetime.fromisoformat(raw)
            if moment.tzinfo is None or len(raw) < 16:
                raise ValueError(raw)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise BadRequest("", (FieldError.said(NAME, "updated.after_field"),)).said(
            "updated.after"
        ) from None
