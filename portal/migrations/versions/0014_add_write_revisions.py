"""Add a revision to code lists, their versions, variants and correspondence tables, and a version to
data tables; number new code lists, versions, variants and tables in the database.

Why: issue 16, "never lose a write". Each of these rows is now written with one conditional UPDATE
(``… WHERE id = ? AND revision = ?``, SQLAlchemy's ``version_id_col``), so of two writers who read the same
row one wins and the other gets 409: twenty publications of one version gave four successes and four audit
rows. New ids were ``max(id) + 1`` computed in the application, so ten lists created at once collided; on
PostgreSQL each table now has a sequence starting at its local floor (ids below it are Klass's own and are
kept), owned by the column so backups reset it like any serial. SQLite needs no sequence: it runs one
writer at a time, and the INSERT takes the next id itself (``metadata/codelists/ids.py``).

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

REVISED = (
    "classification",
    "classification_version",
    "classification_variant",
    "correspondence_table",
)
#: table -> first id the database hands out (as ``metadata.codelists.ids.FLOORS`` when this was written).
FLOORS = {
    "classification": 100_000,
    "classification_version": 200_000,
    "classification_variant": 200_000,
    "correspondence_table": 300_000,
}


def upgrade() -> None:
    # Plain ADD COLUMNs, not batch mode: on SQLite batch mode copies each table and drops the old one,
    # and with foreign keys on that drop would cascade to every version, item, variant and table row
    # (and every table's variables and code list links) that points at it.
    for table in REVISED:
        op.add_column(
            table, sa.Column("revision", sa.Integer(), nullable=False, server_default="1")
        )
    op.add_column(
        "data_table", sa.Column("version", sa.Integer(), nullable=False, server_default="1")
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, floor in FLOORS.items():
        sequence = f"{table}_id_seq"
        op.execute(f"CREATE SEQUENCE {sequence} START WITH {floor} OWNED BY {table}.id")
        op.execute(f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{sequence}')")
        # Past any id already given out in the local range (the demo's, or max(id) + 1's).
        op.execute(
            f"SELECT setval('{sequence}', max(id)) FROM {table} "  # noqa: S608  (names are constants)
            f"WHERE id >= {floor} HAVING max(id) IS NOT NULL"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in FLOORS:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN id DROP DEFAULT")
            op.execute(f"DROP SEQUENCE {table}_id_seq")
    op.drop_column("data_table", "version")
    for table in REVISED:
        op.drop_column(table, "revision")
