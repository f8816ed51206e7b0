"""The demo's tables: real Statistics Norway PX files from public repositories (pxbridge/data/SOURCES.md
names each file's source), filed under the statistics they belong to, and a code list or two on them
(PxWebApi 2.0 aggregations and valuesets). Idempotent."""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.kernel.access import CLI_ACTOR
from portal.programme.models import Statistic
from pxbridge.codelists import put_codelist
from pxbridge.ingest.px import parse_px
from pxbridge.ingest.storing import store_table
from pxbridge.models import DataTable, TableCodeList
from pxbridge.store.cell_store import CellStore

#: File in pxbridge/data -> the demo statistic it is a table of.
TABLES = {
    "14216.px": "beftett",
    "tab_12909_metaid.px": "sykefratot",
    "WeeklyStatisticsWithTwoContent.px": "laks",
    "MontlyStatisticsWithOneContent.px": "omsetning-i-varehandel",
}


def seed_tables(session: Session, store: CellStore, now: datetime) -> int:
    """Store the demo tables that are missing; returns how many were added."""
    present = set(session.scalars(select(DataTable.id)))
    statistics = set(session.scalars(select(Statistic.slug)))
    added = 0
    folder = resources.files("pxbridge").joinpath("data")
    for name, slug in TABLES.items():
        if slug not in statistics:
            continue
        parsed = parse_px(folder.joinpath(name).read_bytes())
        if (parsed.table_id or parsed.matrix) in present:
            continue
        store_table(session, CLI_ACTOR, store, parsed, statistic_slug=slug, now=now)
        added += 1
    session.flush()
    seed_codelists(session, now)
    return added


#: (table id, code list id) -> the code list (the body of PUT /api/v1/tables/{id}/codelists/{id}).
CODELISTS: dict[tuple[str, str], dict[str, Any]] = {
    # 03024 Eksport av oppalen laks: fresh and frozen salmon together (the weight sums; the price
    # per kilo is refused).
    ("03024", "agg_OppalenLaks"): {
        "variable": "VareGrupper2",
        "label_nb": "Oppalen laks i alt",
        "label_en": "Farmed salmon, total",
        "values": [
            {
                "code": "01-02",
                "label_nb": "Oppalen laks i alt",
                "label_en": "Farmed salmon, total",
                "value_map": ["01", "02"],
            }
        ],
    },
    # 05333 Varekonsumindeksen: the commodity groups without their total.
    ("05333", "vs_Varegrupper"): {
        "variable": "Varer",
        "label_nb": "Varegrupper (uten totalen)",
        "label_en": "Commodity groups (without the total)",
        "values": [{"code": code} for code in ("MAT", "EL", "BIL", "AV")],
    },
}


def seed_codelists(session: Session, now: datetime) -> int:
    """Put the demo code lists on the demo tables that are present; returns how many were added."""
    present = set(session.scalars(select(DataTable.id)))
    existing = set(session.scalars(select(TableCodeList.id)))
    added = 0
    for (table_id, codelist_id), body in CODELISTS.items():
        if table_id not in present or codelist_id in existing:
            continue
        put_codelist(session, CLI_ACTOR, table_id, codelist_id, now=now, **body)
        added += 1
    return added
