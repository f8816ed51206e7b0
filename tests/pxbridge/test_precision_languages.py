"""Issue 21: precision kept everywhere, and a file's languages are the truth.

Machine exports (CSV, json-px, PX DATA, JSON-stat, Parquet, xlsx cell values) keep every digit a cell
carries; DECIMALS, SHOWDECIMALS and PRECISION travel as metadata and round only what people read (HTML,
xlsx display formats). A table's own language is its default: a request for a language it lacks is
answered in its own, and says so. Real files from pxbridge/data, through HTTP as producers upload them.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import numpy as np
import openpyxl
import pyarrow.parquet as pq
import pytest
from flask import Flask
from flask.testing import FlaskClient

from pxbridge.formats import FORMATS, OutputParams, format_lines
from pxbridge.formats.html import html_table
from pxbridge.formats.output import render_px
from pxbridge.ingest.px import parse_px
from pxbridge.query.cube import Cube, Dimension, Unit
from pxbridge.query.extract import without_sum_noise
from pxbridge.store import cells
from tests.pxbridge.conftest import API, DATA, store_table

WEEKLY = "WeeklyStatisticsWithTwoContent.px"  # DECIMALS=2, SHOWDECIMALS=0, PRECISION(Kilopris)=2
TAB4 = "tab4_fewcells.px"  # LANGUAGE="en", LANGUAGES="en","sv", NOTE and NOTE("sector")
STATFIN = "statfin_khi_pxt_11xm.px"  # LANGUAGE="fi", LANGUAGES="fi","sv","en", NOTE in each


def _upload(app: Flask, client: FlaskClient, data: bytes, statistic: str = "laks") -> str:
    return store_table(app, client, data, statistic)


def _csv_rows(client: FlaskClient, table_id: str, query: str = "") -> list[list[str]]:
    response = client.get(f"{API}/tables/{table_id}/data?outputFormat=csv{query}")
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.text, newline="")))


# --- the formatter ----------------------------------------------------------------------------


def test_exact_cells_are_shortest_round_trip_without_exponent_or_trailing_zero() -> None:
    values = np.array(
        [[0.86, 52.43, 17898.0, -0.0], [1e-05, 1.5e16, -0.04, cells.encode("..")]],
        dtype=np.float64,
    )
    lines = format_lines(
        values,
        row_decimals=None,
        col_decimals=np.array([1, 0, 0, 0]),
        decimals=0,
        sep=",",
        symbol_markup=lambda s: f'"{s}"',
        exact=True,
    )
    assert lines == ["0.86,52.43,17898,0", '0.00001,15000000000000000,-0.04,".."']
    # Every cell reads back as the very float64 stored.
    numbers = [float(x) for x in lines[0].split(",")] + [float(x) for x in lines[1].split(",")[:3]]
    assert numbers == [0.86, 52.43, 17898.0, 0.0, 1e-05, 1.5e16, -0.04]
    rounded = format_lines(
        values[:1],
        row_decimals=None,
        col_decimals=np.array([1, 0, 0, 0]),
        decimals=0,
        sep=",",
        symbol_markup=str,
    )
    assert rounded == ["0.9,52,17898,0"]  # what people read: each column's decimals


@pytest.mark.parametrize("noisy", [False, True])
def test_exact_cells_match_numpys_shortest_positional_text(noisy: bool) -> None:
    # Decimal texts of up to 15 digits (the fast path), and with ``noisy`` computed values of 17
    # digits and a huge one (the repr path); negative numbers, zeros, whole numbers, tiny ones.
    rng = np.random.default_rng(21)
    digits = rng.integers(0, 7, size=4000)
    values = np.round(rng.normal(0, 1e4, size=4000) * 10.0**digits) / 10.0**digits
    values[::7] = rng.integers(-(10**9), 10**9, size=values[::7].size)
    values[::11] = 0.0
    values[5] = 1.5e-9
    if noisy:
        values[6] = 4.0e17
        values[::97] = 1 / 3
    matrix = values.reshape(100, 40)
    lines = format_lines(
        matrix,
        row_decimals=None,
        col_decimals=None,
        decimals=0,
        sep=";",
        symbol_markup=str,
        exact=True,
    )
    expected = [
        ";".join(np.format_float_positional(v + 0.0, unique=True, trim="-") for v in row)
        for row in matrix
    ]
    assert lines == expected
    assert [float(x) for line in lines for x in line.split(";")] == values.tolist()


def test_sums_lose_binary_noise_but_no_written_digit() -> None:
    sums = np.array([0.1 + 0.2, 52.43 + 1.1, 17898.0, 1e20, cells.encode(":"), 0.0])
    clean = without_sum_noise(sums)
    assert clean[:4].tolist() == [0.3, 53.53, 17898.0, 1e20]
    assert cells.decode(float(clean[4])) == ":" and clean[5] == 0.0


def _cube(**extra: object) -> Cube:
    contents = Dimension(
        "ContentsCode",
        "statistikkvariabel",
        ("Vekt", "Kilopris"),
        ("Vekt (tonn)", "Kilopris (kr)"),
        role="metric",
    )
    week = Dimension("Tid", "uke", ("2023U29",), ("2023U29",), role="time", time_scale="W")
    goods = Dimension("VareGrupper2", "varegruppe", ("01", "02"), ("Fersk", "Frosen"))
    fields: dict[str, object] = {
        "table_id": "03024",
        "matrix": "Vekt",
        "language": "nb",
        "title": "Eksport av laks",
        "source": "SSB",
        "updated": datetime(2023, 7, 26, 6, 0, tzinfo=UTC),
        "dimensions": (goods, contents, week),
        "stub": 1,
        "values": np.array([17898.004, 92.6749, 125.0, 0.86]),
        "units": {"Vekt": Unit("tonn", 0), "Kilopris": Unit("kr", 1)},
        "decimals": 3,
        "showdecimals": 0,
    }
    fields.update(extra)
    return Cube(**fields)  # type: ignore[arg-type]


def test_every_machine_export_keeps_the_digits_and_people_see_the_decimals() -> None:
    cube = _cube()
    rows = list(csv.reader(io.StringIO(FORMATS["csv"].render(cube, OutputParams()).decode())))
    assert rows[1:] == [["01", "17898.004", "92.6749"], ["02", "125", "0.86"]]
    doc = json.loads(FORMATS["json-px"].render(cube, OutputParams()))
    assert [row["values"] for row in doc["data"]] == [["17898.004", "92.6749"], ["125", "0.86"]]
    frame = pq.read_table(io.BytesIO(FORMATS["parquet"].render(cube, OutputParams())))
    assert frame.column("ContentsCode_Kilopris").to_pylist() == [92.6749, 0.86]
    sheet = openpyxl.load_workbook(io.BytesIO(FORMATS["xlsx"].render(cube, OutputParams()))).active
    assert sheet is not None
    assert [sheet.cell(5, c).value for c in (2, 3)] == [17898.004, 92.6749]
    # The display format rounds what people see: 0 decimals for Vekt, 1 for Kilopris.
    assert [sheet.cell(5, c).number_format for c in (2, 3)] == ["#,##0", "#,##0.0"]
    html = html_table(cube, OutputParams())
    assert ">17898<" in html and ">92.7<" in html and ">0.9<" in html and "0.86" not in html


def test_px_output_keeps_digits_and_writes_decimals_showdecimals_precision_back() -> None:
    text = render_px(_cube()).decode("utf-8")
    assert "\nDECIMALS=3;\nSHOWDECIMALS=0;\n" in text
    assert 'PRECISION("statistikkvariabel","Kilopris (kr)")=1;' in text
    assert text.count("PRECISION") == 1  # Vekt is shown with SHOWDECIMALS: no PRECISION of its own
    assert text.endswith("DATA=\n17898.004 92.6749\n125 0.86\n;\n")
    again = parse_px(text.encode("utf-8"))
    assert (again.decimals, again.showdecimals) == (3, 0)
    assert [c.decimals for c in again.contents_values] == [0, 1]
    assert again.values.tolist() == [17898.004, 92.6749, 125.0, 0.86]


# --- real files through HTTP: precision -----------------------------------------------------


def test_a_real_file_keeps_its_precision_keywords_and_digits(
    app: Flask, client: FlaskClient
) -> None:
    original = (DATA / WEEKLY).read_bytes()
    table_id = _upload(app, client, original)
    query = "&valuecodes[VareGrupper2]=*&valuecodes[ContentsCode]=*&valuecodes[Tid]=*"
    px = client.get(f"{API}/tables/{table_id}/data?outputFormat=px{query}")
    assert px.status_code == 200
    text = px.data.decode("utf-8")
    # As the file says: DECIMALS=2, SHOWDECIMALS=0 and Kilopris's PRECISION=2, nothing invented.
    assert "\nDECIMALS=2;\nSHOWDECIMALS=0;\n" in text
    assert text.count("PRECISION") == 1
    assert 'PRECISION("statistikkvariabel","Kilopris (kr)")=2;' in text
    before, after = parse_px(original), parse_px(px.data)
    assert (after.decimals, after.showdecimals) == (before.decimals, before.showdecimals)
    assert [c.decimals for c in after.contents_values] == [
        c.decimals for c in before.contents_values
    ]
    assert after.values.tolist() == before.values.tolist() == [17898.0, 92.67, 125.0, 105.03]
    meta = client.get(f"{API}/tables/{table_id}/metadata").json
    units = meta["dimension"]["ContentsCode"]["category"]["unit"]
    assert {code: u["decimals"] for code, u in units.items()} == {"Vekt": 0, "Kilopris": 2}


def test_cells_with_more_digits_than_decimals_are_not_rounded_in_exports(
    app: Flask, client: FlaskClient
) -> None:
    # The real file, declaring one decimal where its cells carry two (issue 21: 0.86 became 0.9).
    text = (DATA / WEEKLY).read_bytes()
    text = text.replace(b"DECIMALS=2;\nSHOWDECIMALS=0;", b"DECIMALS=1;")
    text = text.replace(b'PRECISION("statistikkvariabel","Kilopris (kr)")=2;\n', b"")
    text = text.replace(b"92.67", b"0.86")
    table_id = _upload(app, client, text)
    query = "&valuecodes[VareGrupper2]=*&valuecodes[ContentsCode]=*&valuecodes[Tid]=*"
    rows = _csv_rows(client, table_id, query)
    assert rows[1][1:] == ["17898", "0.86"] and rows[2][1:] == ["125", "105.03"]
    body = client.get(f"{API}/tables/{table_id}/data?{query[1:]}").json
    assert body["value"] == [17898, 0.86, 125, 105.03]
    jsonpx = client.get(f"{API}/tables/{table_id}/data?outputFormat=json-px{query}").json
    assert [row["values"] for row in jsonpx["data"]] == [["17898", "0.86"], ["125", "105.03"]]
    html = client.get(f"{API}/tables/{table_id}/data?outputFormat=html{query}").text
    assert ">0.9<" in html and ">105.0<" in html and "0.86" not in html
    selection = "all-VareGrupper2=1&all-ContentsCode=1&all-Tid=1"
    page = client.get(f"/tabeller/{table_id}?{selection}")
    # People read the table's decimals, in the page's language (issue 18: a decimal comma in nb).
    assert page.status_code == 200 and ">0,9<" in page.text
    assert "0,86" not in page.text and "0.86" not in page.text
    page = client.get(f"/en/tables/{table_id}?{selection}")
    assert page.status_code == 200 and ">0.9<" in page.text and "0.86" not in page.text
    px = client.get(f"{API}/tables/{table_id}/data?outputFormat=px{query}").data
    assert b"DATA=\n17898 0.86\n125 105.03\n;" in px and b"\nDECIMALS=1;\n" in px


# --- real files through HTTP: languages -----------------------------------------------------


def test_an_english_file_asked_in_norwegian_answers_in_english_with_its_notes(
    app: Flask, client: FlaskClient
) -> None:
    table_id = _upload(app, client, (DATA / TAB4).read_bytes())
    table = client.get(f"{API}/tables/{table_id}?lang=no")
    assert table.json["language"] == "en" and table.headers["Content-Language"] == "en"
    assert table.json["label"].startswith("Total air emissions")
    meta = client.get(f"{API}/tables/{table_id}/metadata?lang=no")
    assert meta.headers["Content-Language"] == "en"
    assert meta.json["extension"]["px"]["language"] == "en"
    assert meta.json["note"] == ["Footnote text##.. = Data not available"]
    assert meta.json["dimension"]["SECTOR"]["note"] == ["Footnote text"]
    data = client.get(f"{API}/tables/{table_id}/data?lang=no")
    assert data.json["extension"]["px"]["language"] == "en"
    assert data.json["note"] == ["Footnote text##.. = Data not available"]
    px = client.get(f"{API}/tables/{table_id}/data?lang=no&outputFormat=px")
    assert px.headers["Content-Language"] == "en"
    assert b'LANGUAGE="en";' in px.data and b'LANGUAGE="nb"' not in px.data
    assert b'NOTE="Footnote text##.. = Data not available";' in px.data
    classic = client.get(f"/api/v0/no/table/{table_id}")
    assert classic.headers["Content-Language"] == "en"
    assert classic.json["title"].startswith("Total air emissions")
    csv_answer = client.get(f"{API}/tables/{table_id}/data?lang=no&outputFormat=csv")
    assert csv_answer.headers["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("path", "notice"),
    [
        ("/tabeller/{id}", "Tabellen finnes ikke på norsk. Den vises på engelsk"),
        ("/en/tables/{id}", None),
    ],
)
def test_the_table_page_says_when_it_shows_another_language(
    app: Flask, client: FlaskClient, path: str, notice: str | None
) -> None:
    table_id = _upload(app, client, (DATA / TAB4).read_bytes())
    page = client.get(path.format(id=table_id))
    assert page.status_code == 200
    if notice is None:
        assert 'role="note"' not in page.text
    else:
        assert notice in page.text
        assert '<h1 lang="en">' in page.text


def test_a_three_language_file_answers_in_its_own_and_px_holds_each_language(
    app: Flask, client: FlaskClient
) -> None:
    table_id = _upload(app, client, (DATA / STATFIN).read_bytes())
    finnish = client.get(f"{API}/tables/{table_id}/metadata?lang=no")
    assert finnish.headers["Content-Language"] == "fi"
    assert "Tilaston dokumentaatio" in finnish.json["note"][0]
    assert client.get(f"{API}/tables/{table_id}?lang=no").json["language"] == "fi"
    english = client.get(f"{API}/tables/{table_id}/metadata?lang=en")
    assert english.headers["Content-Language"] == "en"
    assert "Documentation of statistics" in english.json["note"][0]
    assert client.get(f"{API}/tables/{table_id}?lang=en").json["language"] == "en"
    every = "valuecodes[Vuosi]=*&valuecodes[Tiedot]=*"
    px = client.get(f"{API}/tables/{table_id}/data?lang=en&outputFormat=px&{every}").data
    text = px.decode("utf-8")
    assert 'LANGUAGE="fi";' in text and 'LANGUAGES="fi","sv","en";' in text
    parsed = parse_px(px)
    assert parsed.language == "fi" and parsed.languages == ("fi", "sv", "en")
    assert "Tilaston dokumentaatio" in parsed.notes["fi"][0]
    assert "Documentation of statistics" in parsed.notes["en"][0]
    original = parse_px((DATA / STATFIN).read_bytes())
    assert parsed.title["en"] == original.title["en"]
    assert parsed.variables[0].value_labels["en"] == original.variables[0].value_labels["en"]
    assert np.array_equal(parsed.values, original.values, equal_nan=True)
