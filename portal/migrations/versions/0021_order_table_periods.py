"""Set ``data_table.first_period`` and ``last_period`` from the earliest and latest of the time
variable's codes, not the first and last as the file listed them.

Why: issue 19. A PX file may list its periods newest first (Statistics Norway's 14216 has "2025","2024"):
PxWebApi then said ``firstPeriod`` 2025 and ``lastPeriod`` 2024, and the table finder "2025–2024". New
uploads are stored right (``pxbridge.ingest.storing._periods``); this mends the tables stored before,
by the same rule: codes of one width sort as text, codes of mixed widths keep the file's order. A data
backfill only; downgrading leaves the corrected values.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def _codes(value: Any) -> list[str]:
    return list(json.loads(value) if isinstance(value, str) else value or [])


def upgrade() -> None:
    tables = sa.table(
        "data_table",
        sa.column("id", sa.String),
        sa.column("first_period", sa.String),
        sa.column("last_period", sa.String),
    )
    variables = sa.table(
        "table_variable",
        sa.column("table_id", sa.String),
        sa.column("role", sa.String),
        sa.column("codes", sa.JSON),
    )
    bind = op.get_bind()
    for table_id, codes in bind.execute(
        sa.select(variables.c.table_id, variables.c.codes).where(variables.c.role == "time")
    ):
        found = _codes(codes)
        if not found:
            continue
        ordered = sorted(found) if len({len(c) for c in found}) == 1 else found
        bind.execute(
            tables.update()
            .where(tables.c.id == table_id)
            .values(first_period=ordered[0], last_period=ordered[-1])
        )


def downgrade() -> None:
    pass
