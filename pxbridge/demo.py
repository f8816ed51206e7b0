"""The demo's tables: real tables of the demo statistics' producers, saved in public repositories
(pxbridge/data/SOURCES.md names each file's repository, path and commit), each filed under the demo
statistic of the producer that publishes it, and a code list or two on them (PxWebApi 2.0 aggregations
and valuesets). PX files, JSON-stat 2.0 answers and CSV files with a sidecar that describes them, read by
the same parsers as an upload. Idempotent: a table already stored is not read again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.kernel.access import CLI_ACTOR
from portal.programme.models import Statistic
from pxbridge.codelists import put_codelist
from pxbridge.ingest.from_csv import parse_csv_with_sidecar
from pxbridge.ingest.from_jsonstat import parse_jsonstat
from pxbridge.ingest.px import PxTable, parse_px
from pxbridge.ingest.storing import store_table
from pxbridge.models import DataTable, TableCodeList
from pxbridge.store.cell_store import CellStore

#: The largest demo table is 53,820 cells; this only bounds what a damaged file could ask for.
MAX_CELLS = 1_000_000


@dataclass(frozen=True)
class DemoTable:
    """One real table: its file in pxbridge/data, the id it is stored under (the file's own table id;
    the CSV files have none, so their sidecar gives it), the demo statistic it belongs to, and for a CSV
    file the sidecar (JSON) that describes its columns."""

    path: str
    table_id: str
    statistic: str
    sidecar: str | None = None


#: The demo tables, by producer. Statistics Norway's from its PxWeb (PX files and PxWebApi JSON-stat
#: answers), the Norwegian Offshore Directorate's FactPages export, the Norwegian Institute of Public
#: Health's SYSVAK file and NVE's reservoir statistics (CSV, each described by a sidecar written for
#: the demo).
TABLES: tuple[DemoTable, ...] = (
    DemoTable("14216.px", "14216", "beftett"),
    DemoTable("tab_12909_metaid.px", "12909", "sykefratot"),
    DemoTable("WeeklyStatisticsWithTwoContent.px", "03024", "laks"),
    DemoTable("MontlyStatisticsWithOneContent.px", "05333", "omsetning-i-varehandel"),
    DemoTable("demo/ssb-cpi-14700.json", "14700", "kpi"),
    DemoTable("demo/13760_data_no.json", "13760", "aku"),
    DemoTable("demo/download-07459_20220914-092711.json", "07459", "folkemengde"),
    DemoTable("demo/ssb_07221_pxwebpy_response_no.json", "07221", "bpi"),
    DemoTable("demo/ssb_13599_proj_fixture.json", "13599", "befframg"),
    DemoTable("demo/MultipleContent.px", "11327", "flytting"),
    DemoTable("demo/SingleValueMultipleVariables.px", "12093", "barnehager"),
    DemoTable(
        "demo/raw_production_yearly_total.csv",
        "sodir_produksjon_aar",
        "sodir-produksjonstal",
        sidecar="demo/raw_production_yearly_total.sidecar.json",
    ),
    DemoTable(
        "demo/data_covid19_sysvak_by_location_latest.csv",
        "fhi_sysvak_covid19",
        "fhi-vaksinasjonsdekning",
        sidecar="demo/data_covid19_sysvak_by_location_latest.sidecar.json",
    ),
    # NVE's reservoir statistics as NVE's download writes them: comma-separated, decimal commas in
    # quoted fields (the sidecar says "decimal_mark": ","), an area a column (the sidecar's
    # "columns": true), and the 53 ISO weeks of 2020.
    DemoTable(
        "demo/nve_hydro_reservoir_2020.csv",
        "nve_magasin_2020",
        "nve-magasinstatistikk",
        sidecar="demo/nve_hydro_reservoir_2020.sidecar.json",
    ),
)


def _read(path: str) -> bytes:
    return resources.files("pxbridge").joinpath("data").joinpath(path).read_bytes()


def demo_files() -> Iterator[str]:
    """Every file the demo tables are read from (paths under pxbridge/data), sidecars included."""
    for table in TABLES:
        yield table.path
        if table.sidecar is not None:
            yield table.sidecar


def parse_demo_table(table: DemoTable) -> PxTable:
    """The table as an upload of the same file would parse it."""
    data = _read(table.path)
    if table.sidecar is not None:
        return parse_csv_with_sidecar(data, _read(table.sidecar), max_cells=MAX_CELLS)
    if table.path.endswith(".json"):
        return parse_jsonstat(data, max_cells=MAX_CELLS)
    return parse_px(data, max_cells=MAX_CELLS)


def seed_tables(session: Session, store: CellStore, now: datetime) -> int:
    """Store the demo tables that are missing (of the statistics that exist); returns how many were
    added. A table that is there already is not read again, so seeding twice costs two queries."""
    present = set(session.scalars(select(DataTable.id)))
    statistics = set(session.scalars(select(Statistic.slug)))
    added = 0
    for table in TABLES:
        if table.statistic not in statistics or table.table_id in present:
            continue
        store_table(
            session,
            CLI_ACTOR,
            store,
            parse_demo_table(table),
            statistic_slug=table.statistic,
            table_id=table.table_id,
            now=now,
        )
        added += 1
    session.flush()
    # The consumer price index shows the key figures its producer chose from its main table (issue 18):
    # the demo's one statistic with a saved choice, so the choosing form is seen with its lists.
    kpi = session.scalar(select(Statistic).where(Statistic.slug == "kpi"))
    if (
        kpi is not None
        and kpi.main_table_id is None
        and session.get(DataTable, "14700") is not None
    ):
        kpi.main_table_id = "14700"
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
