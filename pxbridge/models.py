"""Tables of the PxAPI bridge: each statistical table's metadata (variables, values, codes, time variable,
elimination, units, notes, contact, updated, source) in the database, its cells in the instance folder's
cell store (pxbridge/store/cell_store.py), and the producers' existing PxWeb installations the portal mirrors.

A table belongs to a statistic (so to a producer) and may be tied to a release: it is then invisible
everywhere until that release's time, by the calendar's one visibility rule (portal/kernel/access.py).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
    true,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.sql.base import ExecutableOption

from portal.kernel.db import Base
from portal.programme.models import Producer, Statistic
from release_calendar.models import Release


class RemoteSource(Base):
    """A PxWeb or PxWebApi 2.0 a producer already runs; its tables are mirrored into the portal."""

    __tablename__ = "remote_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producer.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # The API root, e.g. https://data.ssb.no/api/pxwebapi/v2 (no trailing slash).
    base_url: Mapped[str] = mapped_column(String(500))
    api: Mapped[str] = mapped_column(String(20), default="pxwebapi2")
    # The statistic mirrored tables are filed under until a producer moves them.
    statistic_id: Mapped[int] = mapped_column(ForeignKey("statistic.id"))
    # Put before the remote's table ids, so two installations' ids cannot collide here.
    table_prefix: Mapped[str] = mapped_column(String(20), default="")
    language: Mapped[str] = mapped_column(String(5), default="no")
    last_synced_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]

    producer: Mapped[Producer] = relationship()


def _public_id(context: Any) -> str:
    """A new row's key: its table id (a kept revision's row is given :func:`kept_key`)."""
    return str(context.get_current_parameters()["public_id"])


def kept_key() -> str:
    """The private row key of a revision kept for the public while a newer one waits: never a table id
    (table ids have no "~")."""
    return "~" + secrets.token_hex(12)


class DataTable(Base):
    __tablename__ = "data_table"

    # The row's key (column ``id``): the table id for the table's latest upload, so everything that
    # points at a table by id (variables, saved queries, code lists) points at it; a private key
    # (:func:`kept_key`) for the revision the public still sees while that upload waits for its
    # release (issue 19, :func:`pxbridge.service.visible`).
    row_id: Mapped[str] = mapped_column("id", String(40), primary_key=True, default=_public_id)
    # The table id as PxWebApi shows it (e.g. "07459"), matched case-insensitively: two rows share
    # it while a new revision of a public table waits for its release, one of them public at a time.
    id: Mapped[str] = mapped_column("public_id", String(40), index=True, server_default="")
    statistic_id: Mapped[int] = mapped_column(
        ForeignKey("statistic.id", ondelete="RESTRICT"), index=True
    )
    release_id: Mapped[int | None] = mapped_column(
        ForeignKey("release.id", ondelete="SET NULL"), index=True
    )
    remote_id: Mapped[int | None] = mapped_column(
        ForeignKey("remote_source.id", ondelete="CASCADE"), index=True
    )
    remote_table_id: Mapped[str | None] = mapped_column(String(40))
    matrix: Mapped[str] = mapped_column(String(40))
    title_nb: Mapped[str] = mapped_column(String(500))
    title_en: Mapped[str] = mapped_column(String(500), default="")
    source_nb: Mapped[str] = mapped_column(String(300), default="")
    source_en: Mapped[str] = mapped_column(String(300), default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    # language -> [texts]
    notes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    official: Mapped[bool] = mapped_column(Boolean, default=True)
    # PX AGGREGALLOWED: False when the cells cannot be summed (an aggregation code list is refused).
    aggregallowed: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    subject_code: Mapped[str] = mapped_column(String(40), default="")
    # The file's languages, its own (default) language first: "nb", "nb,en", "en,sv", "fi,sv,en". Every
    # text is kept in every one of them: notes in ``notes``, the table's texts in ``texts``, each
    # variable's in :attr:`TableVariable.texts`, units in ``units`` (issue 21). The ``*_nb`` columns
    # hold the file's own language when it has no Norwegian and ``*_en`` English, for the pages and
    # search; rows stored before ``texts`` (NULL) have those two only.
    languages: Mapped[str] = mapped_column(String(40), default="nb")
    # language -> {"title", "source", "contents"}: the table's texts in each of its languages.
    texts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    time_unit: Mapped[str] = mapped_column(String(12), default="Other")
    first_period: Mapped[str] = mapped_column(String(20), default="")
    last_period: Mapped[str] = mapped_column(String(20), default="")
    updated: Mapped[datetime | None]
    # PX DECIMALS: the decimals the cells are stored with. What people are shown per contents value
    # (PRECISION, else SHOWDECIMALS, else DECIMALS) is ``units[code]["decimals"]``.
    decimals: Mapped[int] = mapped_column(Integer, default=0)
    # PX SHOWDECIMALS, None when the file did not say; kept to be written back in PX output (issue 21).
    showdecimals: Mapped[int | None] = mapped_column(Integer)
    # Optional keywords whose value the file gives in a form nothing can use, by statement name as the
    # file has it ({"LAST-UPDATED": "05/10/99"}): read on past with a warning, and written back as they
    # came in PX output (issue 21). NULL in rows stored before it.
    kept_as_text: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # stored symbol -> text shown (PX DATASYMBOL1..6, DATASYMBOLNIL)
    symbols: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # metric value code ("" without a metric) -> {"nb": base, "en": base, "decimals": n}, and the base
    # in each of the table's languages by its code ("fi": base, "sv": base …)
    units: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    cells: Mapped[int] = mapped_column(BigInteger)
    # The cell file's revision in the store; None for a mirrored table, whose cells stay remote.
    store_revision: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Raised by every replacement in one conditional UPDATE: of two uploads that read the same
    # version, one wins and the other gets 409, so a table never mixes two files (issue 16). Sent
    # as the upload's ETag; If-Match with it refuses to replace a newer upload.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    statistic: Mapped[Statistic] = relationship()
    release: Mapped[Release | None] = relationship()
    variables: Mapped[list[TableVariable]] = relationship(
        order_by="TableVariable.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class TableVariable(Base):
    __tablename__ = "table_variable"
    __table_args__ = (UniqueConstraint("table_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[str] = mapped_column(
        ForeignKey("data_table.id", ondelete="CASCADE"), index=True
    )
    # Order in the stored cell array: the stub variables, then the heading variables.
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(100))
    label_nb: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300), default="")
    placement: Mapped[str] = mapped_column(String(8))  # "stub" or "heading"
    role: Mapped[str | None] = mapped_column(String(8))  # "time", "metric", "geo"
    elimination: Mapped[bool] = mapped_column(Boolean, default=False)
    elimination_code: Mapped[str | None] = mapped_column(String(100))
    time_scale: Mapped[str | None] = mapped_column(String(1))
    show: Mapped[str] = mapped_column(String(12), default="value")
    codes: Mapped[list[str]] = mapped_column(JSON)
    labels_nb: Mapped[list[str]] = mapped_column(JSON)
    labels_en: Mapped[list[str]] = mapped_column(JSON)
    notes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    value_notes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # language -> {"label": the variable's name, "values": [value labels, in ``codes`` order]}, in each
    # of the table's languages (issue 21); NULL in rows stored before it (``*_nb``/``*_en`` only).
    texts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # PX PRECISION("variable","value")=n, by value code: the decimals of that value's cells, on any
    # variable (PxWeb's "$$SORT" has one for its per cent), written back in PX output (issue 21). The
    # contents variable's is also in its table's ``units``. NULL in rows stored before it.
    precision: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class SavedQuery(Base):
    """A PxWebApi 2.0 saved query: a selection of one table that anyone may store and run again by id
    (``/savedqueries``). The selection is kept as it was given (expressions such as ``top(5)`` stay
    expressions, so a saved "latest five periods" moves on with the table)."""

    __tablename__ = "saved_query"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    table_id: Mapped[str] = mapped_column(
        ForeignKey("data_table.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(5))
    selection: Mapped[dict[str, Any]] = mapped_column(JSON)  # VariablesSelection
    output_format: Mapped[str | None] = mapped_column(String(20))
    output_format_params: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]


class TableCodeList(Base):
    """A PxWebApi 2.0 code list of a table variable: an aggregation (id ``agg_…``: groups of the
    variable's values, each cell the sum of its group's cells) or a valueset (id ``vs_…``: a subset of
    its values). Owned by a producer, it applies to the variable ``variable_code`` of the tables it is
    linked to (:class:`TableCodeListLink`), so a table uploaded again keeps its code lists."""

    __tablename__ = "table_code_list"

    # Unique across the portal, as PxWebApi's /codelists/{id} has no table in it.
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producer.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # "Aggregation" or "Valueset"
    variable_code: Mapped[str] = mapped_column(String(100))
    label_nb: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300), default="")
    # In output order: [{"code", "nb", "en", "map": [the variable's codes it stands for]}]; a
    # valueset's value maps to itself.
    values: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class TableCodeListLink(Base):
    """Which tables offer a code list (on their variable of the code list's variable code)."""

    __tablename__ = "table_code_list_link"

    table_id: Mapped[str] = mapped_column(
        ForeignKey("data_table.id", ondelete="CASCADE"), primary_key=True
    )
    codelist_id: Mapped[str] = mapped_column(
        ForeignKey("table_code_list.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class TableCellPart(Base):
    """A part of the cells of one table revision in the database, for portals on PostgreSQL that run
    on several machines (issue 23): the flat float64 bytes of revision ``revision`` of table ``key``,
    cut into parts of a few MiB (:mod:`pxbridge.store.shared`). Content-addressed and never changed
    (but for ``stored_at``, made young again when an upload names the revision again); each machine
    keeps a verified copy as its local cache. Empty on SQLite."""

    __tablename__ = "table_cells"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    revision: Mapped[str] = mapped_column(String(16), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    # On the machines' clocks (as the cache files' ages are): `portal tables check` leaves younger
    # revisions no row names alone, as they may be an upload's that is not committed yet.
    stored_at: Mapped[datetime]


class TableFilePart(Base):
    """A part of a built whole-table file (:mod:`pxbridge.store.whole`) in the database, so every
    machine serves the bytes the first one built (issue 23). ``name`` is the file's built name
    (revision, format and checksums); one file per table, file revision and format: the first
    stored wins. Empty on SQLite."""

    __tablename__ = "table_files"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    revision: Mapped[str] = mapped_column(String(16), primary_key=True)
    format: Mapped[str] = mapped_column(String(20), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime]


def latest_row(
    session: Session, table_id: str, options: Sequence[ExecutableOption] = ()
) -> DataTable | None:
    """The latest upload of table ``table_id`` (case-insensitive), public or waiting: the row that
    writes change (never a kept row); ``options``: loader options for the query."""
    return session.scalar(
        select(DataTable)
        .where(func.lower(DataTable.row_id) == table_id.lower(), DataTable.row_id == DataTable.id)
        .options(*options)
    )
