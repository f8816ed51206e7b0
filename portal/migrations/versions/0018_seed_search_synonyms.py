"""Fill ``search_synonym`` from ``portal/search/data/synonyms.csv``.

Why: issue 18. A fresh portal should find "folketall", "KPI" and "AKU" from the start. The file is the
starting list; from then on administrators keep the table (``/min-side/admin/synonymer``), and a
change to the file reaches no portal that has run this migration. A term already in the table is left
as it is. Separate from 0017: schema changes and data backfills go in separate migrations.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import csv
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

SOURCE = Path(__file__).resolve().parents[2] / "search" / "data" / "synonyms.csv"


def upgrade() -> None:
    table = sa.table(
        "search_synonym", sa.column("term", sa.String), sa.column("expansion", sa.String)
    )
    bind = op.get_bind()
    taken = {t for (t,) in bind.execute(sa.select(table.c.term))}
    rows = []
    with SOURCE.open(encoding="utf-8", newline="") as source:
        for row in csv.DictReader(source):
            term = " ".join(row["term"].lower().split())
            if term and term not in taken:
                taken.add(term)
                rows.append({"term": term, "expansion": " ".join(row["expansion"].split())})
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM search_synonym"))
