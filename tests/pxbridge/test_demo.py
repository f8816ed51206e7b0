"""The demo's real tables (pxbridge/demo.py, the files in pxbridge/data and their sources in
pxbridge/data/SOURCES.md): each is the publishing producer's own table, filed under that producer's
statistic, stored with every cell its file holds, and shown on the statistic's page."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from collections import Counter
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.http.db import get_database
from portal.kernel.errors import BadRequest
from portal.programme.models import Statistic
from pxbridge.blueprint import get_store
from pxbridge.demo import TABLES, DemoTable, demo_files, parse_demo_table, seed_tables
from pxbridge.ingest.from_csv import parse_csv_with_sidecar
from pxbridge.models import DataTable
from tests.conftest import START

DATA = Path(__file__).resolve().parents[2] / "pxbridge" / "data"
PROGRAMME = resources.files("portal.programme").joinpath("data")
API = "/api/pxwebapi/v2"


def _items(name: str) -> list[dict[str, str]]:
    items: list[dict[str, str]] = json.loads(PROGRAMME.joinpath(name).read_text("utf-8"))["items"]
    return items


PRODUCER_OF = {s["slug"]: s["producer"] for s in _items("statistics.json")}
PRODUCERS = {p["short"]: p for p in _items("producers.json")}


def _sources_rows() -> dict[str, list[str]]:
    """The demo section's table in SOURCES.md: file -> its columns."""
    text = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    section = text.split("## Demo tables", 1)[1]
    rows = {}
    for line in section.splitlines():
        columns = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(columns) == 9 and columns[0].startswith("demo/"):
            rows[columns[0]] = columns
    return rows


def _data_count(table: DemoTable) -> int:
    """How many cells the file itself holds, counted in its own text, not by the portal's parsers."""
    raw = (DATA / table.path).read_bytes()
    if table.sidecar is not None:
        rows = [row for row in csv.reader(io.StringIO(raw.decode("utf-8"))) if row]
        # A wide file has a column of cells per value of the dimension in columns.
        sidecar = json.loads((DATA / table.sidecar).read_bytes())
        wide = [d for d in sidecar["dimensions"] if d.get("columns")]
        per_row = len(wide[0]["values"]) if wide else 1
        if wide:
            header = rows[0]
            assert all(v["code"] in header for v in wide[0]["values"]), table.path
        return (len(rows) - 1) * per_row
    if table.path.endswith(".json"):
        doc = json.loads(raw)
        values = doc["value"]
        return len(values) if isinstance(values, list) else math.prod(doc["size"])
    body = raw.split(b"DATA=", 1)[1]
    return len(body[: body.rindex(b";")].split())


def _git_blob(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()  # noqa: S324 (git's id)


@pytest.fixture
def seeded(app: Flask) -> dict[str, DataTable]:
    with get_database(app).sessions() as s:
        assert seed_tables(s, get_store(app), START) == len(TABLES)
        s.commit()
        return {t.id: t for t in s.scalars(select(DataTable))}


def test_at_least_fourteen_statistics_of_four_producers_have_real_tables() -> None:
    statistics = {t.statistic for t in TABLES}
    producers = Counter(PRODUCER_OF[slug] for slug in statistics)
    # The consumer price index, the labour force survey and the population among them.
    assert {"kpi", "aku", "folkemengde"} <= statistics
    assert len(statistics) >= 14 and len(statistics) == len(TABLES)
    assert set(producers) == {"SSB", "Sodir", "FHI", "NVE"}
    assert len({t.table_id for t in TABLES}) == len(TABLES)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.table_id)
def test_each_file_is_its_statistics_producers_own_table(table: DemoTable) -> None:
    """The file names its source; that source is the producer of the statistic it is filed under, and
    its own table id is the one it is stored under (the CSV files have none; their sidecar gives it)."""
    parsed = parse_demo_table(table)
    producer = PRODUCERS[PRODUCER_OF[table.statistic]]
    assert parsed.source, table.path
    for text in parsed.source.values():
        assert text.startswith((producer["name_nb"], producer["name_en"])), (table.path, text)
    assert (parsed.table_id or parsed.matrix) == table.table_id
    assert parsed.values.size == _data_count(table)


def test_nves_decimal_commas_and_week_53_come_through_as_the_file_has_them() -> None:
    """NVE's file is comma-separated with its decimal commas in quoted fields; the sidecar's
    "decimal_mark" reads them. It is wide, an area a column. 2020 has 53 ISO weeks, and the file
    has a row for each."""
    (table,) = [t for t in TABLES if t.statistic == "nve-magasinstatistikk"]
    text = (DATA / table.path).read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    areas = ["NO1", "NO2", "NO3", "NO4", "NO5", "NORGE", "VASS1", "VASS2", "VASS3"]
    assert list(rows[0]) == ["Year", "Week", *areas]
    assert [row["Week"] for row in rows] == [str(week) for week in range(1, 54)]
    assert all("," in row[a] and "." not in row[a] for row in rows for a in areas)
    parsed = parse_demo_table(table)
    area, week, year = parsed.variables
    assert (area.codes, week.codes[-1], year.codes) == (tuple(areas), "53", ("2020",))
    # Area by week (the year has one value): each cell the file's own, read with its comma.
    assert parsed.values.tolist() == [
        float(row[a].replace(",", ".")) for a in areas for row in rows
    ]
    # Without the sidecar's word the commas are no decimal marks: refused, every line named.
    sidecar = json.loads((DATA / str(table.sidecar)).read_text("utf-8"))
    del sidecar["decimal_mark"]
    with pytest.raises(BadRequest) as refused:
        parse_csv_with_sidecar(text.encode(), json.dumps(sidecar).encode(), max_cells=1000)
    assert refused.value.errors[0].pointer == "line 2"


def test_every_demo_file_is_small_and_its_source_is_recorded() -> None:
    rows = _sources_rows()
    data_files = {t.path for t in TABLES if t.path.startswith("demo/")}
    assert set(rows) == data_files
    for name in demo_files():
        assert (DATA / name).stat().st_size <= 300_000, name
    for path, (_, statistic, repository, source_path, commit, blob, *_rest) in rows.items():
        (table,) = [t for t in TABLES if t.path == path]
        assert statistic == f"{table.statistic} ({PRODUCER_OF[table.statistic]})"
        assert re.fullmatch(r"[\w.-]+/[\w.-]+", repository) and source_path, path
        assert re.fullmatch(r"[0-9a-f]{40}", commit), path
        # Copied byte for byte from git: the copy's blob id is the original's.
        if blob != "—":
            assert _git_blob((DATA / path).read_bytes()) == blob, path
    # Sidecars are written for the demo and describe only files that are recorded.
    assert {t.sidecar for t in TABLES if t.sidecar} == {
        p.replace(".csv", ".sidecar.json") for p in data_files if p.endswith(".csv")
    }


def test_each_table_stores_every_cell_of_its_file(app: Flask, seeded: dict[str, DataTable]) -> None:
    store = get_store(app)
    for table in TABLES:
        stored = seeded[table.table_id]
        assert stored.store_revision is not None
        cells = store.open(stored.id, stored.store_revision)
        assert cells.size == _data_count(table), table.path
        np.testing.assert_array_equal(
            cells.view(np.uint64), parse_demo_table(table).values.view(np.uint64)
        )
        with get_database(app).sessions() as s:
            statistic = s.get(Statistic, stored.statistic_id)
            assert statistic is not None and statistic.slug == table.statistic


def test_each_table_reads_back_whole_through_the_api(
    client: FlaskClient, seeded: dict[str, DataTable]
) -> None:
    for table in TABLES:
        meta = client.get(f"{API}/tables/{table.table_id}/metadata")
        assert meta.status_code == 200 and meta.json is not None, (table.table_id, meta.text)
        everything = "&".join(f"valuecodes[{code}]=*" for code in meta.json["id"])
        data = client.get(f"{API}/tables/{table.table_id}/data?{everything}")
        assert data.status_code == 200 and data.json is not None, (table.table_id, data.text)
        assert len(data.json["value"]) == _data_count(table), table.table_id


def test_each_table_is_listed_on_its_statistic_page(
    client: FlaskClient, seeded: dict[str, DataTable]
) -> None:
    for table in TABLES:
        page = client.get(f"/statistikk/{table.statistic}")
        assert page.status_code == 200
        assert f'href="/tabeller/{table.table_id}"' in page.text, table.statistic
        assert client.get(f"/tabeller/{table.table_id}").status_code == 200, table.table_id
        english = client.get(f"/en/statistics/{table.statistic}")
        assert f'href="/en/tables/{table.table_id}"' in english.text, table.statistic


def test_seeding_again_adds_nothing_and_reads_no_file(
    app: Flask, seeded: dict[str, DataTable], monkeypatch: pytest.MonkeyPatch
) -> None:
    def unread(table: DemoTable) -> None:
        raise AssertionError(f"{table.path} was read again")

    monkeypatch.setattr("pxbridge.demo.parse_demo_table", unread)
    with get_database(app).sessions() as s:
        assert seed_tables(s, get_store(app), START) == 0
        assert len(list(s.scalars(select(DataTable.id)))) == len(TABLES)
