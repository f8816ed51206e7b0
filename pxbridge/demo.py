"""The demo's tables: real Statistics Norway PX files from public repositories (pxbridge/data/SOURCES.md
names each file's source), filed under the statistics they belong to. Idempotent."""

from __future__ import annotations

from datetime import datetime
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import CLI_ACTOR
from portal.programme.models import Statistic
from pxbridge.ingest import store_table
from pxbridge.models import DataTable
from pxbridge.px import parse_px
from pxbridge.store import CellStore

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
    return added
