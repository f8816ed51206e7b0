"""Output formats: each serialiser's bytes read back with a real reader and compared with the cube."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import time
from datetime import UTC, datetime
from html.parser import HTMLParser

import numpy as np
import openpyxl
import pyarrow.parquet as pq
import pytest

from portal.kernel.errors import BadRequest
from pxbridge.formats import FORMATS, OutputParams, parse_output_params
from pxbridge.formats.html import html_table
from pxbridge.formats.parquet import period_start
from pxbridge.query.cube import Cube, Dimension, Unit
from pxbridge.store import cells
from tests.pxbridge.big_cube import million_cell_cube

REGION = Dimension("Region", "region", ("0301", "4601"), ("Oslo", "Bergen"), role="geo")
CONTENTS = Dimension(
    "ContentsCode",
    "statistikkvariabel",
    ("Folk", "Andel"),
    ('Folkemengde "bosatt"', "Andel, prosent"),
    role="metric",
)
TIME = Dimension(
    "Tid", "år", ("2022", "2023", "2024"), ("2022", "2023", "2024"), role="time", time_scale="A"
)
DIMS = {"Region": REGION, "ContentsCode": CONTENTS, "Tid": TIME}
UNITS = {"Folk": Unit("personer", 0), "Andel": Unit("prosent", 1)}

# The cell at (region, contents, year): a number, or a stored data symbol.
SYMBOL_AT = {("4601", "Folk", "2023"): ":", ("0301", "Andel", "2024"): ".."}


def truth(region: str, contents: str, year: str) -> float | str:
    if (region, contents, year) in SYMBOL_AT:
        return SYMBOL_AT[(region, contents, year)]
    r, c, t = REGION.codes.index(region), CONTENTS.codes.index(contents), TIME.codes.index(year)
    if contents == "Folk":
        return 700_000.0 + 1000 * r + 10 * t + 0.4
    return -0.04 if (r, t) == (1, 0) else 12.34 + r + t / 10 + c


def shown(value: float | str, contents: str) -> str:
    if isinstance(value, str):
        return SYMBOLS.get(value, value)
    text = f"{value:.{UNITS[contents].decimals}f}"
    return "0.0" if text == "-0.0" else text


def written(value: float | str) -> str:
    """A cell as the machine exports write it: every digit the float64 carries (issue 21)."""
    if isinstance(value, str):
        return SYMBOLS.get(value, value)
    return np.format_float_positional(value, unique=True, trim="-")


SYMBOLS = {":": ":", "..": ".."}


def make_cube(
    order: tuple[str, ...] = ("Region", "ContentsCode", "Tid"),
    stub: int = 2,
    *,
    language: str = "nb",
    symbols: dict[str, str] | None = None,
) -> Cube:
    dims = tuple(DIMS[code] for code in order)
    values = []
    for combo in itertools.product(*(d.codes for d in dims)):
        at = dict(zip(order, combo, strict=True))
        v = truth(at["Region"], at["ContentsCode"], at["Tid"])
        values.append(cells.encode(v) if isinstance(v, str) else v)
    return Cube(
        table_id="07459",
        matrix="Befolkning",
        language=language,
        title="Befolkning <og> andel, etter region & år",
        source="Statistisk sentralbyrå",
        updated=datetime(2024, 2, 21, 7, 0, tzinfo=UTC),
        dimensions=dims,
        stub=stub,
        values=np.array(values, dtype=np.float64),
        units=UNITS,
        symbols=symbols if symbols is not None else SYMBOLS,
    )


def label(dim: Dimension, code: str, mode: str) -> str:
    text = dim.labels[dim.codes.index(code)]
    return {"code": code, "text": text, "code_text": f"{code} - {text}"}[mode]


# --- csv ------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["code", "text", "code_text"])
@pytest.mark.parametrize("separator", [",", ";", "\t", " "])
def test_csv_reads_back_with_the_csv_module(mode: str, separator: str) -> None:
    cube = make_cube(("Region", "ContentsCode", "Tid"), stub=1)
    body = FORMATS["csv"].render(cube, OutputParams(labels=mode, separator=separator))
    text = body.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    header, data = rows[0], rows[1:]
    heading = [(c, t) for c in CONTENTS.codes for t in TIME.codes]
    assert header == ["region"] + [
        f"{label(CONTENTS, c, mode)} {label(TIME, t, mode)}" for c, t in heading
    ]
    assert [row[0] for row in data] == [label(REGION, r, mode) for r in REGION.codes]
    for region, row in zip(REGION.codes, data, strict=True):
        assert row[1:] == [written(truth(region, c, t)) for c, t in heading]
    # Labels and symbols are quoted, numbers are not.
    first_data_line = text.split("\r\n")[1]
    assert first_data_line.startswith(
        f'"{label(REGION, "0301", mode)}"{separator}700000.4{separator}'
    )
    assert f'{separator}".."' in text and f'{separator}":"' in text


def test_csv_keeps_every_digit_whatever_the_metric_decimals() -> None:
    # Issue 21: the metric's decimals (0 and 1 here) are for people; the CSV is for machines.
    cube = make_cube(("Region", "ContentsCode", "Tid"), stub=2)
    rows = list(
        csv.reader(io.StringIO(FORMATS["csv"].render(cube, OutputParams()).decode(), newline=""))
    )
    assert rows[0] == ["region", "statistikkvariabel", "2022", "2023", "2024"]
    assert rows[1] == ["0301", "Folk", "700000.4", "700010.4", "700020.4"]
    assert rows[2] == ["0301", "Andel", "13.34", "13.44", ".."]
    assert rows[3] == ["4601", "Folk", "701000.4", ":", "701020.4"]
    assert rows[4] == ["4601", "Andel", "-0.04", "14.44", "14.54"]
    assert len(rows) == 5


def test_csv_title_and_symbol_texts_and_quotes() -> None:
    cube = make_cube(stub=2, symbols={":": "konf.", "..": '"mangler"'})
    text = FORMATS["csv"].render(cube, OutputParams(labels="text", include_title=True)).decode()
    lines = text.split("\r\n")
    assert lines[0] == '"Befolkning <og> andel, etter region & år"'
    assert lines[1] == ""
    rows = list(csv.reader(io.StringIO("\r\n".join(lines[2:]), newline="")))
    assert rows[1][:2] == ["Oslo", 'Folkemengde "bosatt"']
    assert rows[2][4] == '"mangler"'
    assert rows[3][3] == "konf."
    assert FORMATS["csv"].content_type == "text/csv; charset=utf-8"


def test_csv_without_stub_or_heading() -> None:
    all_heading = make_cube(stub=0)
    rows = list(
        csv.reader(io.StringIO(FORMATS["csv"].render(all_heading, OutputParams()).decode()))
    )
    assert len(rows) == 2 and len(rows[0]) == len(rows[1]) == 12
    assert rows[0][0] == "0301 Folk 2022" and rows[1][0] == "700000.4"
    all_stub = make_cube(stub=3)
    rows = list(csv.reader(io.StringIO(FORMATS["csv"].render(all_stub, OutputParams()).decode())))
    assert rows[0] == ["region", "statistikkvariabel", "år", all_stub.title]
    assert rows[1] == ["0301", "Folk", "2022", "700000.4"]
    assert len(rows) == 13


# --- xlsx -----------------------------------------------------------------------------------


def test_xlsx_numbers_are_numbers_and_symbols_text() -> None:
    cube = make_cube(("Region", "ContentsCode", "Tid"), stub=1)
    body = FORMATS["xlsx"].render(cube, OutputParams(labels="text"))
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    grid = [list(row) for row in sheet.iter_rows()]
    assert grid[0][0].value == cube.title
    # Two heading dimensions: two header rows, the last naming the stub.
    contents_row = [c.value for c in grid[2][1:7]]
    time_row = [c.value for c in grid[3]]
    assert contents_row == ['Folkemengde "bosatt"'] * 3 + ["Andel, prosent"] * 3
    assert time_row == ["region", "2022", "2023", "2024", "2022", "2023", "2024"]
    heading = [(c, t) for c in CONTENTS.codes for t in TIME.codes]
    for r, region in enumerate(REGION.codes):
        row = grid[4 + r]
        assert row[0].value == label(REGION, region, "text")
        for k, (c, t) in enumerate(heading):
            cell, want = row[1 + k], truth(region, c, t)
            if isinstance(want, str):
                assert cell.data_type == "s" and cell.value == want
            else:
                assert cell.data_type == "n" and isinstance(cell.value, float)
                assert cell.value == pytest.approx(want)
                decimals = UNITS[c].decimals
                assert cell.number_format == "#,##0" + ("." + "0" * decimals if decimals else "")
    assert any("Statistisk sentralbyrå" in str(c.value) for row in grid[6:] for c in row)


def test_xlsx_of_the_same_cube_is_the_same_bytes_whenever_it_is_written() -> None:
    """A whole-table file's SHA-256 is its ETag and its checksum in the catalogue: built again (on
    another machine, a second later) it must be the same bytes, so the workbook's creation time is
    the table's update time, not the clock's."""
    cube = make_cube(("Region", "ContentsCode", "Tid"), stub=1)
    first = FORMATS["xlsx"].render(cube, OutputParams(labels="text"))
    time.sleep(1.1)  # the creation time is written to the second
    assert FORMATS["xlsx"].render(cube, OutputParams(labels="text")) == first
    properties = openpyxl.load_workbook(io.BytesIO(first)).properties
    assert cube.updated is not None
    assert properties.created == cube.updated.astimezone(UTC).replace(tzinfo=None)


# --- html -----------------------------------------------------------------------------------


class _Table(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.caption = ""
        self.th: list[tuple[str, dict[str, str | None], str]] = []  # section, attrs, text
        self.td: list[tuple[dict[str, str | None], str]] = []
        self.abbr: list[tuple[str | None, str]] = []
        self.rows: dict[str, int] = {"thead": 0, "tbody": 0}
        self.lang: str | None = None
        self.title = ""
        self._text = ""
        self._attrs: dict[str, str | None] = {}
        self._abbr_title: str | None = None
        self._abbr_start = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag == "tr":
            section = "thead" if "thead" in self.stack else "tbody"
            self.rows[section] += 1
        if tag in ("th", "td", "caption", "title"):
            self._text = ""
            self._attrs = dict(attrs)
        if tag == "abbr":
            self._abbr_title = dict(attrs).get("title")
            self._abbr_start = len(self._text)
        if tag not in ("meta", "link", "br"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack.pop() == tag
        if tag == "caption":
            self.caption = self._text
        elif tag == "title":
            self.title = self._text
        elif tag == "abbr":
            self.abbr.append((self._abbr_title, self._text[self._abbr_start :]))
        elif tag == "th":
            self.th.append(("thead" if "thead" in self.stack else "tbody", self._attrs, self._text))
        elif tag == "td":
            self.td.append((self._attrs, self._text))

    def handle_data(self, data: str) -> None:
        self._text += data


def _parse(markup: str) -> _Table:
    parser = _Table()
    parser.feed(markup)
    parser.close()
    return parser


def test_html_table_is_accessible_and_complete() -> None:
    cube = make_cube(("Region", "Tid", "ContentsCode"), stub=1)
    markup = html_table(cube, OutputParams(labels="text"))
    table = _parse(markup)
    assert table.caption == cube.title
    assert "Befolkning &lt;og&gt; andel, etter region &amp; år" in markup
    head = [(a, t) for s, a, t in table.th if s == "thead"]
    assert table.rows == {"thead": 2, "tbody": 2}
    assert head[0] == ({"scope": "col", "rowspan": "2"}, "region")
    assert [(a.get("colspan"), t) for a, t in head[1:4]] == [
        ("2", "2022"),
        ("2", "2023"),
        ("2", "2024"),
    ]
    assert all(a["scope"] == "col" for a, _ in head)
    assert [t for _, t in head[4:]] == ['Folkemengde "bosatt"', "Andel, prosent"] * 3
    rows = [(a, t) for s, a, t in table.th if s == "tbody"]
    assert rows == [({"scope": "row"}, "Oslo"), ({"scope": "row"}, "Bergen")]
    assert len(table.td) == 12 and all(a == {"class": "num"} for a, _ in table.td)
    expected = [
        shown(truth(r, c, t), c) for r in REGION.codes for t in TIME.codes for c in CONTENTS.codes
    ]
    assert [t for _, t in table.td] == expected
    assert sorted(table.abbr) == [
        ("Tall kan ikke offentliggjøres", ":"),
        ("Tallgrunnlag mangler", ".."),
    ]


def test_html_max_cells_and_document() -> None:
    cube = make_cube(stub=2, language="en")
    table = _parse(html_table(cube, OutputParams(), max_cells=7))
    assert table.rows["tbody"] == 2 and len(table.td) == 6
    body = FORMATS["html"].render(cube, OutputParams())
    text = body.decode("utf-8")
    assert text.startswith("<!doctype html>")
    document = _parse(text)
    assert document.lang == "en" and document.title == cube.title
    assert len(document.td) == 12
    assert ("Not for publication", ":") in document.abbr
    assert "Source: Statistisk sentralbyrå" in text
    assert FORMATS["html"].content_type == "text/html; charset=utf-8"


# --- json-px --------------------------------------------------------------------------------


def test_json_px_columns_keys_and_values() -> None:
    cube = make_cube(("Region", "ContentsCode", "Tid"), stub=2)
    doc = json.loads(FORMATS["json-px"].render(cube, OutputParams()))
    assert doc["columns"] == [
        {"code": "Region", "text": "region", "type": "d"},
        {"code": "Tid", "text": "år", "type": "t"},
        {"code": "Folk", "text": 'Folkemengde "bosatt"', "type": "c", "unit": "personer"},
        {"code": "Andel", "text": "Andel, prosent", "type": "c", "unit": "prosent"},
    ]
    assert doc["comments"] == []
    keys = [(r, t) for r in REGION.codes for t in TIME.codes]
    assert [row["key"] for row in doc["data"]] == [list(k) for k in keys]
    for (r, t), row in zip(keys, doc["data"], strict=True):
        assert row["values"] == [written(truth(r, c, t)) for c in CONTENTS.codes]
    assert doc["metadata"] == [
        {
            "infofile": "",
            "updated": "2024-02-21T07:00:00Z",
            "label": cube.title,
            "source": cube.source,
        }
    ]


def test_json_px_without_metric() -> None:
    region = REGION
    cube = Cube(
        table_id="1",
        matrix="X",
        language="nb",
        title="T",
        source="S",
        updated=None,
        dimensions=(region, TIME),
        stub=1,
        values=np.array([1.0, 2.5, cells.encode("-"), 4, 5, 6]),
        units={"": Unit("antall", 1)},
    )
    doc = json.loads(FORMATS["json-px"].render(cube, OutputParams()))
    assert doc["columns"][-1] == {"code": "value", "text": "T", "type": "c", "unit": "antall"}
    assert [row["values"] for row in doc["data"]] == [["1"], ["2.5"], ["-"], ["4"], ["5"], ["6"]]
    assert doc["metadata"][0]["updated"] == ""


# --- parquet --------------------------------------------------------------------------------


def test_parquet_wide_contents_columns_and_row_order() -> None:
    cube = make_cube(("Region", "ContentsCode", "Tid"), stub=2)
    table = pq.read_table(io.BytesIO(FORMATS["parquet"].render(cube, OutputParams())))
    assert table.column_names == [
        "region",
        "år",
        "timestamp",
        "ContentsCode_Folk",
        "ContentsCode_Folk_symbol",
        "ContentsCode_Andel",
        "ContentsCode_Andel_symbol",
    ]
    data = table.to_pydict()
    # The first dimension varies fastest.
    assert data["region"] == ["0301", "4601"] * 3
    assert data["år"] == ["2022", "2022", "2023", "2023", "2024", "2024"]
    assert data["timestamp"] == [datetime(int(y), 1, 1) for y in data["år"]]  # noqa: DTZ001
    for k, (r, t) in enumerate(zip(data["region"], data["år"], strict=True)):
        for c in CONTENTS.codes:
            want = truth(r, c, t)
            got, symbol = data[f"ContentsCode_{c}"][k], data[f"ContentsCode_{c}_symbol"][k]
            if isinstance(want, str):
                assert math.isnan(got) and symbol == want
            else:
                assert got == want and symbol is None
    assert str(table.schema.field("ContentsCode_Folk").type) == "double"
    assert str(table.schema.field("region").type) == "string"


def test_parquet_single_metric_value_and_symbol() -> None:
    contents = Dimension(
        "ContentsCode", "statistikkvariabel", ("Folk",), ("Folkemengde",), role="metric"
    )
    time_q = Dimension(
        "Tid",
        "kvartal",
        ("2024K1", "2024K4", "2024X9"),
        ("2024K1", "2024K4", "2024X9"),
        role="time",
        time_scale="Q",
    )
    cube = Cube(
        table_id="1",
        matrix="X",
        language="nb",
        title="T",
        source="S",
        updated=None,
        dimensions=(contents, time_q),
        stub=1,
        values=np.array([1.5, cells.encode("..."), 3.0]),
        units={"Folk": Unit("personer", 0)},
        symbols={"...": "ikke klar"},
    )
    table = pq.read_table(io.BytesIO(FORMATS["parquet"].render(cube, OutputParams())))
    assert table.column_names == ["kvartal", "timestamp", "value", "value_symbol"]
    data = table.to_pydict()
    assert data["timestamp"] == [datetime(2024, 1, 1), datetime(2024, 10, 1), None]  # noqa: DTZ001
    assert data["value"][0] == 1.5 and math.isnan(data["value"][1]) and data["value"][2] == 3.0
    assert data["value_symbol"] == [None, "ikke klar", None]


@pytest.mark.parametrize(
    ("code", "scale", "start"),
    [
        ("2024", "A", datetime(2024, 1, 1)),  # noqa: DTZ001
        ("2024H2", "H", datetime(2024, 7, 1)),  # noqa: DTZ001
        ("2024K3", "Q", datetime(2024, 7, 1)),  # noqa: DTZ001
        ("2024Q2", None, datetime(2024, 4, 1)),  # noqa: DTZ001
        ("2024M11", "M", datetime(2024, 11, 1)),  # noqa: DTZ001
        ("2024U01", "W", datetime(2024, 1, 1)),  # noqa: DTZ001
        ("2021W01", None, datetime(2021, 1, 4)),  # noqa: DTZ001
        ("2020W53", "W", datetime(2020, 12, 28)),  # noqa: DTZ001
        ("2021W53", "W", None),
        ("2024M13", "M", None),
        ("2020-2021", "A", None),
    ],
)
def test_period_start(code: str, scale: str | None, start: datetime | None) -> None:
    assert period_start(code, scale) == start


# --- parameters -----------------------------------------------------------------------------


def test_parse_output_params_accepts() -> None:
    assert parse_output_params([], "csv") == OutputParams()
    assert parse_output_params(
        ["usetexts", " IncludeTitle ", "SEPARATORSEMICOLON"], "CSV"
    ) == OutputParams(labels="text", separator=";", include_title=True)
    assert parse_output_params(["UseCodesAndTexts"], "html").labels == "code_text"
    assert parse_output_params(["SeparatorTab"], "csv").separator == "\t"
    assert parse_output_params(["SeparatorSpace"], "csv").separator == " "
    assert parse_output_params(["IncludeTitle", "UseCodes"], "xlsx").include_title
    assert parse_output_params([""], "parquet") == OutputParams()


@pytest.mark.parametrize(
    ("raw", "fmt"),
    [
        (["SeparatorTab"], "xlsx"),
        (["SeparatorSemicolon"], "html"),
        (["UseTexts"], "json-px"),
        (["IncludeTitle"], "parquet"),
        (["UseCodes"], "px"),
        (["UseCodes"], "json-stat2"),
        (["UseCodes", "UseTexts"], "csv"),
        (["SeparatorTab", "SeparatorSpace"], "csv"),
        (["ExcludeZerosAndMissingValues"], "csv"),
    ],
)
def test_parse_output_params_rejects(raw: list[str], fmt: str) -> None:
    with pytest.raises(BadRequest, match="Unsupported output format parameters"):
        parse_output_params(raw, fmt)


def test_registry() -> None:
    assert set(FORMATS) == {"csv", "xlsx", "html", "json-px", "parquet"}
    assert {f.suffix for f in FORMATS.values()} == {".csv", ".xlsx", ".html", ".json", ".parquet"}
    assert all(name == f.name for name, f in FORMATS.items())


# --- a million cells ------------------------------------------------------------------------


# What the two exports cost is measured in bench/tables_million_cells.py, against a floor in the same run.
@pytest.mark.parametrize("name", ["csv", "parquet"])
def test_a_million_cells_are_all_written(name: str) -> None:
    cube = million_cell_cube()
    body = FORMATS[name].render(cube, OutputParams())
    symbols = int(np.isnan(cube.values).sum())
    if name == "csv":
        rows = list(csv.reader(io.StringIO(body.decode(), newline="")))
        assert len(rows) == 1001 and {len(row) for row in rows} == {1001}
        assert [row[0] for row in rows[1:3]] == ["R0000", "R0001"]
        assert sum(row[1:].count(":") for row in rows[1:]) == symbols
    else:
        table = pq.read_table(io.BytesIO(body)).to_pydict()
        assert len(table["region"]) == 500_000
        marked = [v for c in "AB" for v in table[f"ContentsCode_{c}_symbol"] if v is not None]
        assert marked == [":"] * symbols
