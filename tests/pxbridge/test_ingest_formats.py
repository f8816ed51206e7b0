"""JSON-stat 2.0 and CSV+sidecar ingest: round trips into PxTable (and on through PX), and every
rejection with the pointer or line it names."""

from __future__ import annotations

import csv
import io
import math
import random
import re
from typing import Any

import numpy as np
import orjson
import pytest

from portal.kernel.errors import BadRequest, PortalError
from pxbridge.formats.px import write_px
from pxbridge.ingest.from_csv import parse_csv_with_sidecar
from pxbridge.ingest.from_jsonstat import parse_jsonstat
from pxbridge.ingest.input_checks import infer_time_scale
from pxbridge.ingest.px import PxTable, parse_px
from pxbridge.store import cells

REGIONS = {"0": "Hele landet", "03": "Oslo", "11": "Rogaland"}
CONTENTS = {"Folkemengde": "Folkemengde", "Andel": "Andel"}
YEARS = ["2022", "2023", "2024"]
SIZE = [3, 2, 3]


def expected_cell(r: int, c: int, y: int) -> float | str:
    """The cells that go in: a ":" and a ".." among numbers with and without decimals."""
    if (r, c, y) == (1, 0, 2):
        return ":"
    if (r, c, y) == (2, 1, 0):
        return ".."
    return round((r + 1) * 1000 + y + (0.5 if c else 0), 1)


def grid() -> list[float | str]:
    return [expected_cell(r, c, y) for r in range(3) for c in range(2) for y in range(3)]


def dataset(**changes: Any) -> dict[str, Any]:
    """A JSON-stat dataset as PxWebApi writes one, with the symbols as null + status."""
    values = grid()
    body: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "label": "Folkemengde, etter region, statistikkvariabel og år",
        "source": "Statistisk sentralbyrå",
        "updated": "2025-11-01T07:00:00Z",
        "note": ["Foreløpige tall"],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "id": ["Region", "ContentsCode", "Tid"],
        "size": SIZE,
        "dimension": {
            "Region": {
                "label": "region",
                "category": {"index": {c: i for i, c in enumerate(REGIONS)}, "label": REGIONS},
                "extension": {"elimination": True, "eliminationValueCode": "0"},
            },
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {
                    "index": list(CONTENTS),
                    "label": CONTENTS,
                    "unit": {
                        "Folkemengde": {"base": "personer", "decimals": 0},
                        "Andel": {"base": "prosent", "decimals": 1},
                    },
                },
            },
            "Tid": {"label": "år", "category": {"index": YEARS, "label": {y: y for y in YEARS}}},
        },
        "value": [None if isinstance(v, str) else v for v in values],
        "status": {str(i): v for i, v in enumerate(values) if isinstance(v, str)},
        "extension": {"px": {"tableid": "07459", "matrix": "BefolkFylke", "language": "no"}},
    }
    body.update(changes)
    return body


def as_cells(table: PxTable) -> list[float | str | None]:
    """Each cell as its number or the symbol it carries."""
    return [cells.decode(v) or v for v in table.values.tolist()]


def _bad(call: Any) -> BadRequest:
    with pytest.raises(BadRequest) as caught:
        call()
    assert caught.value.status == 400
    return caught.value


def pointers(error: PortalError) -> list[str]:
    return [e.pointer for e in error.errors]


def js(doc: object) -> bytes:
    return orjson.dumps(doc)


# --------------------------------------------------------------------------------------------
# JSON-stat round trips


def test_jsonstat_dense_round_trip() -> None:
    table = parse_jsonstat(js(dataset()), max_cells=1000)
    assert (table.matrix, table.table_id, table.language, table.languages) == (
        "BefolkFylke",
        "07459",
        "nb",
        ("nb",),
    )
    assert table.title == {"nb": "Folkemengde, etter region, statistikkvariabel og år"}
    assert table.source == {"nb": "Statistisk sentralbyrå"}
    assert table.notes == {"nb": ("Foreløpige tall",)}
    assert table.updated is not None and table.updated.isoformat() == "2025-11-01T07:00:00+00:00"
    assert [v.code for v in table.variables] == ["Region", "ContentsCode", "Tid"]
    assert (table.stub, table.heading) == (("Region", "ContentsCode"), ("Tid",))
    region, contents, time = table.variables
    assert region.codes == tuple(REGIONS) and region.value_labels == {"nb": tuple(REGIONS.values())}
    assert region.labels == {"nb": "region"}
    assert (region.elimination, region.elimination_code) == (True, "0")
    assert contents.is_contents and not region.is_contents
    assert (time.time_scale, time.codes, time.elimination) == ("A", tuple(YEARS), False)
    assert [(c.code, c.units, c.decimals) for c in table.contents_values] == [
        ("Folkemengde", {"nb": "personer"}, 0),
        ("Andel", {"nb": "prosent"}, 1),
    ]
    assert table.sizes == (3, 2, 3)
    assert as_cells(table) == grid()
    assert table.decimals == 1  # inferred from the data: one decimal keeps every number


def test_jsonstat_sparse_values_and_status_list() -> None:
    values = grid()
    sparse = {str(i): v for i, v in enumerate(values) if not isinstance(v, str)}
    status = [v if isinstance(v, str) else None for v in values]
    table = parse_jsonstat(js(dataset(value=sparse, status=status)), max_cells=1000)
    assert as_cells(table) == values


def test_jsonstat_null_without_status_is_two_dots_and_symbol_strings_as_values() -> None:
    values: list[Any] = [1.0, None, ":", 4] + [0] * 14
    table = parse_jsonstat(js(dataset(value=values, status=None)), max_cells=1000)
    assert as_cells(table)[:4] == [1.0, "..", ":", 4.0]


def test_jsonstat_status_string_applies_to_every_null() -> None:
    values: list[Any] = [None, 2.0] + [None] * 16
    table = parse_jsonstat(js(dataset(value=values, status="-")), max_cells=1000)
    assert as_cells(table) == ["-", 2.0] + ["-"] * 16


def test_jsonstat_number_with_a_status_keeps_the_number() -> None:
    table = parse_jsonstat(js(dataset(status={"0": ":"})), max_cells=1000)
    assert as_cells(table)[0] == 1000.0


def test_jsonstat_minimal_defaults() -> None:
    doc = {
        "class": "dataset",
        "id": ["A", "B"],
        "size": [2, 1],
        "dimension": {
            "A": {"category": {"index": ["a1", "a2"]}},
            "B": {"category": {"label": {"only": "Den eneste"}}},
        },
        "value": [1.25, 2],
    }
    table = parse_jsonstat(js(doc), max_cells=10, table_id="T1")
    assert (table.matrix, table.table_id, table.language) == ("T1", "T1", "nb")
    a, b = table.variables
    assert a.value_labels == {"nb": ("a1", "a2")} and a.labels == {"nb": "A"}
    assert b.codes == ("only",) and b.value_labels == {"nb": ("Den eneste",)}
    assert not a.elimination and a.time_scale is None and not a.is_contents
    assert [(c.code, c.decimals) for c in table.contents_values] == [("", 2)]
    assert table.decimals == 2 and table.official is None and table.updated is None
    assert table.values.tolist() == [1.25, 2.0]


def test_jsonstat_aggregallowed_from_the_px_extension() -> None:
    """Our own output says ``extension.px.aggregallowed``; reading it back keeps it."""
    px = {"tableid": "07459", "matrix": "BefolkFylke", "aggregallowed": False}
    assert parse_jsonstat(js(dataset(extension={"px": px})), max_cells=1000).aggregallowed is False
    assert parse_jsonstat(js(dataset()), max_cells=1000).aggregallowed is None
    error = _bad(
        lambda: parse_jsonstat(
            js(dataset(extension={"px": {**px, "aggregallowed": "kanskje"}})), max_cells=1000
        )
    )
    assert pointers(error) == ["/extension/px/aggregallowed"]


def test_jsonstat_table_id_argument_wins() -> None:
    table = parse_jsonstat(js(dataset()), max_cells=1000, table_id="99999")
    assert (table.table_id, table.matrix) == ("99999", "BefolkFylke")


def test_jsonstat_placement_from_extension_reorders_the_cells() -> None:
    px = {"tableid": "07459", "stub": ["Tid"], "heading": ["Region", "ContentsCode"]}
    table = parse_jsonstat(js(dataset(extension={"px": px})), max_cells=1000)
    assert [v.code for v in table.variables] == ["Tid", "Region", "ContentsCode"]
    assert (table.stub, table.heading) == (("Tid",), ("Region", "ContentsCode"))
    original = np.array(grid(), dtype=object).reshape(SIZE)
    assert as_cells(table) == original.transpose(2, 0, 1).reshape(-1).tolist()


@pytest.mark.parametrize(
    ("codes", "scale"),
    [
        (["2023", "2024"], "A"),
        (["2024K1", "2024K2"], "Q"),
        (["2024Q4"], "Q"),
        (["2024M01", "2024M12"], "M"),
        (["2024U01", "2024U53"], "W"),
        (["2024H1", "2024H2"], "H"),
        (["2023-2024"], "A"),
    ],
)
def test_time_scale_inferred_from_codes(codes: list[str], scale: str) -> None:
    assert infer_time_scale(codes) == scale


# --------------------------------------------------------------------------------------------
# JSON-stat rejections


def test_jsonstat_invalid_json_names_line_and_column() -> None:
    error = _bad(lambda: parse_jsonstat(b'{\n  "class": dataset}', max_cells=10))
    assert "line 2, column 12" in error.errors[0].detail


def test_jsonstat_not_a_dataset() -> None:
    error = _bad(lambda: parse_jsonstat(js({"class": "collection"}), max_cells=10))
    assert pointers(error) == ["/class"]
    assert pointers(_bad(lambda: parse_jsonstat(b"[1, 2]", max_cells=10))) == ["/class"]


def test_jsonstat_id_size_mismatch() -> None:
    error = _bad(lambda: parse_jsonstat(js(dataset(size=[3, 2])), max_cells=1000))
    assert pointers(error) == ["/size"]


def test_jsonstat_size_disagrees_with_the_categories() -> None:
    error = _bad(lambda: parse_jsonstat(js(dataset(size=[3, 2, 4])), max_cells=1000))
    assert pointers(error) == ["/size/2"]


def test_jsonstat_dimension_missing() -> None:
    doc = dataset()
    del doc["dimension"]["Tid"]
    assert pointers(_bad(lambda: parse_jsonstat(js(doc), max_cells=1000))) == ["/dimension/Tid"]
    del doc["dimension"]
    assert pointers(_bad(lambda: parse_jsonstat(js(doc), max_cells=1000))) == ["/dimension"]


def test_jsonstat_category_missing() -> None:
    doc = dataset()
    del doc["dimension"]["Tid"]["category"]
    error = _bad(lambda: parse_jsonstat(js(doc), max_cells=1000))
    assert pointers(error) == ["/dimension/Tid/category"]


def test_jsonstat_category_index_label_mismatch() -> None:
    doc = dataset()
    doc["dimension"]["Tid"]["category"]["label"] = {"2022": "2022", "2023": "2023", "2025": "x"}
    error = _bad(lambda: parse_jsonstat(js(doc), max_cells=1000))
    assert pointers(error) == [
        "/dimension/Tid/category/label/2025",
        "/dimension/Tid/category/label",
    ]
    assert "2024" in error.errors[1].detail


def test_jsonstat_category_index_positions_must_be_a_permutation() -> None:
    doc = dataset()
    doc["dimension"]["Region"]["category"]["index"] = {"0": 0, "03": 2, "11": 2}
    error = _bad(lambda: parse_jsonstat(js(doc), max_cells=1000))
    assert pointers(error) == ["/dimension/Region/category/index"]


def test_jsonstat_dense_value_length() -> None:
    error = _bad(lambda: parse_jsonstat(js(dataset(value=[1.0] * 17)), max_cells=1000))
    assert pointers(error) == ["/value"]
    assert "17 values" in error.errors[0].detail and "18" in error.errors[0].detail


def test_jsonstat_sparse_key_out_of_range() -> None:
    error = _bad(
        lambda: parse_jsonstat(js(dataset(value={"0": 1, "18": 2, "x": 3})), max_cells=1000)
    )
    assert pointers(error) == ["/value/18", "/value/x"]


def test_jsonstat_status_not_a_symbol() -> None:
    listed: list[Any] = [None] * 18
    listed[5] = "x"
    cases: list[tuple[object, str]] = [
        ({"3": "e"}, "/status/3"),
        ({"18": ":"}, "/status/18"),
        ("e", "/status"),
        ([None] * 17, "/status"),
        (listed, "/status/5"),
    ]
    for status, pointer in cases:
        doc = js(dataset(status=status))
        error = _bad(lambda: parse_jsonstat(doc, max_cells=1000))  # noqa: B023 - called at once
        assert pointers(error) == [pointer]


def test_jsonstat_too_many_cells_before_the_values_are_read() -> None:
    # The value list is wrong as well; the cell limit is checked first, before any cell is built.
    error = _bad(lambda: parse_jsonstat(js(dataset(value=[])), max_cells=17))
    assert pointers(error) == ["/size"]
    assert "18 cells" in error.errors[0].detail


def test_jsonstat_non_numeric_values() -> None:
    values: list[Any] = [0.0] * 18
    values[4] = "12"
    values[7] = True
    values[9] = [1]
    error = _bad(lambda: parse_jsonstat(js(dataset(value=values, status=None)), max_cells=1000))
    assert pointers(error) == ["/value/4", "/value/7", "/value/9"]


def test_jsonstat_needs_a_table_id() -> None:
    error = _bad(lambda: parse_jsonstat(js(dataset(extension={})), max_cells=1000))
    assert pointers(error) == ["/extension/px/tableid"]


def test_jsonstat_bad_roles_and_placement() -> None:
    doc = dataset(role={"metric": ["ContentsCode", "Tid"], "time": ["Nope"]})
    error = _bad(lambda: parse_jsonstat(js(doc), max_cells=1000))
    assert pointers(error) == ["/role/time/0", "/role/metric"]
    px = {"tableid": "1", "stub": ["Tid"], "heading": ["Tid", "Region", "ContentsCode"]}
    error = _bad(lambda: parse_jsonstat(js(dataset(extension={"px": px})), max_cells=1000))
    assert pointers(error) == ["/extension/px/stub"]


# --------------------------------------------------------------------------------------------
# CSV + sidecar


def sidecar(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "table_id": "07459",
        "title": {"nb": "Folkemengde", "en": "Population"},
        "source": {"nb": "Statistisk sentralbyrå", "en": "Statistics Norway"},
        "dimensions": [
            {
                "code": "Region",
                "label": {"nb": "region", "en": "region"},
                "role": "geo",
                "elimination": True,
                "elimination_code": "0",
                "values": [
                    {"code": "0", "label": {"nb": "Hele landet", "en": "The whole country"}},
                    {"code": "03", "label": {"nb": "Oslo"}},
                    {"code": "11", "label": {"nb": "Rogaland", "en": "Rogaland"}},
                ],
            },
            {
                "code": "ContentsCode",
                "label": {"nb": "statistikkvariabel", "en": "contents"},
                "role": "metric",
                "values": [
                    {"code": "Folkemengde", "label": {"nb": "Folkemengde", "en": "Population"}},
                    {"code": "Andel", "label": {"nb": "Andel", "en": "Share"}},
                ],
                "units": {
                    "Folkemengde": {"nb": "personer", "en": "persons", "decimals": 0},
                    "Andel": {"nb": "prosent", "en": "per cent", "decimals": 1},
                },
            },
            {
                "code": "Tid",
                "label": {"nb": "år", "en": "year"},
                "role": "time",
                "elimination": False,
                "elimination_code": None,
                "time_scale": None,
                "values": [{"code": y, "label": y} for y in YEARS],
            },
        ],
        "value_column": "value",
        "decimals": 1,
    }
    body.update(changes)
    return body


def csv_rows(decimal: str = ".") -> list[list[str]]:
    rows = []
    for r, region in enumerate(REGIONS):
        for c, content in enumerate(CONTENTS):
            for y, year in enumerate(YEARS):
                cell = expected_cell(r, c, y)
                text = cell if isinstance(cell, str) else f"{cell:g}".replace(".", decimal)
                rows.append([region, content, year, text])
    return rows


def csv_bytes(rows: list[list[str]], delimiter: str = ",", bom: bool = False) -> bytes:
    header = delimiter.join(["Region", "ContentsCode", "Tid", "value"])
    text = "\n".join([header, *(delimiter.join(row) for row in rows)]) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def shuffled(rows: list[list[str]]) -> list[list[str]]:
    out = list(rows)
    random.Random(7).shuffle(out)
    return out


def test_csv_round_trip_with_rows_shuffled() -> None:
    rows = shuffled(csv_rows())
    assert rows != csv_rows()
    table = parse_csv_with_sidecar(csv_bytes(rows), js(sidecar()), max_cells=1000)
    assert (table.matrix, table.table_id) == ("07459", "07459")
    assert (table.language, table.languages) == ("nb", ("nb", "en"))
    assert table.title == {"nb": "Folkemengde", "en": "Population"}
    assert table.source == {"nb": "Statistisk sentralbyrå", "en": "Statistics Norway"}
    region, contents, time = table.variables
    assert region.codes == ("0", "03", "11")
    # A missing translation takes the default language's text, as parse_px does.
    assert region.value_labels == {
        "nb": ("Hele landet", "Oslo", "Rogaland"),
        "en": ("The whole country", "Oslo", "Rogaland"),
    }
    assert (region.elimination, region.elimination_code) == (True, "0")
    assert contents.is_contents and contents.labels == {
        "nb": "statistikkvariabel",
        "en": "contents",
    }
    assert time.time_scale == "A" and time.value_labels["en"] == tuple(YEARS)
    assert [(c.code, c.units, c.decimals) for c in table.contents_values] == [
        ("Folkemengde", {"nb": "personer", "en": "persons"}, 0),
        ("Andel", {"nb": "prosent", "en": "per cent"}, 1),
    ]
    assert (table.stub, table.heading) == (("Region", "ContentsCode"), ("Tid",))
    assert table.decimals == 1
    assert as_cells(table) == grid()


def test_csv_semicolon_with_decimal_comma_and_bom() -> None:
    data = csv_bytes(shuffled(csv_rows(decimal=",")), delimiter=";", bom=True)
    table = parse_csv_with_sidecar(data, js(sidecar()), max_cells=1000)
    assert as_cells(table) == grid()


def _excel_rows(delimiter: str, decimal: str) -> str:
    """The CSV as a spreadsheet writes it: columns in its own order (value first, the time
    before the region), CRLF line ends, every field quoted that holds the delimiter."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["value", "Tid", "ContentsCode", "Region"])
    for region, content, year, value in shuffled(csv_rows(decimal=decimal)):
        writer.writerow([value, year, content, region])
    return out.getvalue()


@pytest.mark.parametrize(
    ("delimiter", "decimal", "encoding", "side"),
    [
        # Norwegian Excel's "CSV (semikolonseparert)": ; and decimal comma, Windows-1252.
        (";", ",", "cp1252", {"encoding": "windows-1252"}),
        # Its "CSV UTF-8": the same with a BOM.
        (";", ",", "utf-8-sig", {}),
        # Tab-separated, decimal comma said by the sidecar.
        ("\t", ",", "utf-8", {"decimal_mark": ","}),
        # Comma-separated with decimal commas in quoted fields (as NVE's reservoir file is).
        (",", ",", "utf-8", {"decimal_mark": ","}),
        # Semicolons with decimal points.
        (";", ".", "utf-8", {}),
    ],
)
def test_csv_norwegian_excel_files_import_as_their_comma_twin(
    delimiter: str, decimal: str, encoding: str, side: dict[str, Any]
) -> None:
    """Issue 20: whatever the delimiter, decimal mark, encoding and column order, the table is the
    one the plain comma-separated file gives."""
    twin = parse_csv_with_sidecar(csv_bytes(csv_rows()), js(sidecar()), max_cells=1000)
    data = _excel_rows(delimiter, decimal).encode(encoding)
    assert data.count(delimiter.encode()) > 36  # the header's and every row's
    table = parse_csv_with_sidecar(data, js(sidecar(**side)), max_cells=1000)
    assert as_cells(table) == as_cells(twin) == grid()
    assert table.variables == twin.variables


def test_csv_windows_1252_labels_codes_and_a_bom_that_overrules_the_sidecar() -> None:
    body = sidecar()
    body["dimensions"][0]["values"][1] = {"code": "Østfold", "label": "Østfold"}
    rows = [["Østfold" if r == "03" else r, c, y, v] for r, c, y, v in csv_rows(decimal=",")]
    text = "\n".join(";".join(row) for row in [["Region", "ContentsCode", "Tid", "value"], *rows])
    side = js({**body, "encoding": "windows-1252"})
    table = parse_csv_with_sidecar(text.encode("cp1252"), side, max_cells=1000)
    assert table.variables[0].codes == ("0", "Østfold", "11") and as_cells(table) == grid()
    # A UTF-8 BOM is the file's own word: such a file is read as UTF-8 whatever the sidecar says.
    table = parse_csv_with_sidecar(b"\xef\xbb\xbf" + text.encode(), side, max_cells=1000)
    assert table.variables[0].codes == ("0", "Østfold", "11")
    # The same Windows-1252 bytes without the sidecar's word are not UTF-8: refused at their line.
    error = _bad(lambda: parse_csv_with_sidecar(text.encode("cp1252"), js(body), max_cells=1000))
    assert pointers(error) == ["line 8"] and "not valid UTF-8" in error.errors[0].detail


def test_csv_decimal_comma_with_digit_groups_and_an_explicit_point() -> None:
    """Norwegian Excel writes 1 234,5 with a no-break space between the digit groups (Nav's
    files on Datahotellet with a plain space): read in groups of three, where the mark is ","."""
    rows = csv_rows(decimal=",")
    for k, row in enumerate(rows):
        row[3] = re.sub(r"^(\d)(\d{3})\b", rf"\1{(' ', chr(0xA0), chr(0x202F))[k % 3]}\2", row[3])
    spaces = (" ", "\u00a0", "\u202f")
    assert {space for row in rows for space in spaces if space in row[3]} == set(spaces)
    table = parse_csv_with_sidecar(csv_bytes(rows, delimiter=";"), js(sidecar()), max_cells=1000)
    assert as_cells(table) == grid()
    # A sidecar that says the mark is "." refuses the decimal commas, naming each line.
    data = csv_bytes(csv_rows(decimal=","), delimiter=";")
    error = _bad(
        lambda: parse_csv_with_sidecar(data, js(sidecar(decimal_mark=".")), max_cells=1000)
    )
    assert all("is neither a number nor a data symbol" in e.detail for e in error.errors)
    assert "'1001,5'" in " ".join(e.detail for e in error.errors)


@pytest.mark.parametrize("text", ["1 00", "12 3456", "1_000", "1 000 ,5", "1,000,5"])
def test_csv_numbers_that_are_not_grouped_in_threes_are_refused(text: str) -> None:
    rows = csv_rows(decimal=",")
    rows[4][3] = text
    data = csv_bytes(rows, delimiter=";")
    error = _bad(lambda: parse_csv_with_sidecar(data, js(sidecar()), max_cells=1000))
    assert [(e.pointer, e.detail) for e in error.errors] == [
        ("line 6", f"value {text!r} is neither a number nor a data symbol")
    ]


def _wide_sidecar(**changes: Any) -> dict[str, Any]:
    """The test table with its contents in columns, as a spreadsheet holds it."""
    body = sidecar(**changes)
    body.pop("value_column")
    body["dimensions"][1]["columns"] = True
    return body


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_wide_table_with_a_dimension_in_columns_is_its_long_twin(delimiter: str) -> None:
    """Norwegian Excel sheets are wide: one column per value of a dimension (here the contents,
    Folkemengde and Andel), the rows covering the other dimensions. The table is the long one."""
    long = parse_csv_with_sidecar(csv_bytes(csv_rows()), js(sidecar()), max_cells=1000)
    by_row: dict[tuple[str, str], dict[str, str]] = {}
    for region, content, year, value in csv_rows(decimal="," if delimiter == ";" else "."):
        by_row.setdefault((year, region), {})[content] = value
    lines = [delimiter.join(["Tid", "Andel", "Region", "Folkemengde"])]
    lines += [
        delimiter.join([year, cells["Andel"], region, cells["Folkemengde"]])
        for (year, region), cells in reversed(by_row.items())
    ]
    data = ("\r\n".join(lines) + "\r\n").encode()
    table = parse_csv_with_sidecar(data, js(_wide_sidecar()), max_cells=1000)
    assert as_cells(table) == as_cells(long) == grid()
    assert table.variables == long.variables


def test_csv_wide_table_errors_name_the_missing_columns_and_rows() -> None:
    data = b"Region;Tid;Folkemengde\n0;2022;1\n0;2022;2\n"
    error = _bad(lambda: parse_csv_with_sidecar(data, js(_wide_sidecar()), max_cells=1000))
    assert [(e.pointer, e.detail) for e in error.errors] == [("line 1", "missing column 'Andel'")]
    data = b"Region;Tid;Folkemengde;Andel\n0;2022;1;2\n0;2022;2;3\n03;2023;x;4\n"
    error = _bad(lambda: parse_csv_with_sidecar(data, js(_wide_sidecar()), max_cells=1000))
    found = [(e.pointer, e.detail) for e in error.errors]
    assert found[0] == ("line 3", "duplicate of line 2 (Region=0, Tid=2022)")
    assert ("line 5", "no row for Region=0, Tid=2023") in found
    assert ("line 4", "value 'x' is neither a number nor a data symbol") in found


def test_csv_sidecar_columns_are_checked() -> None:
    body = _wide_sidecar()
    body["value_column"] = "value"
    body["dimensions"][0]["columns"] = True
    body["dimensions"][2]["columns"] = "yes"
    error = _bad(lambda: parse_csv_with_sidecar(b"", js(body), max_cells=1000))
    assert pointers(error) == [
        "/dimensions/1/columns",
        "/dimensions/2/columns",
        "/value_column",
    ]
    lonely = _wide_sidecar()
    lonely["dimensions"] = [lonely["dimensions"][1]]
    error = _bad(lambda: parse_csv_with_sidecar(b"", js(lonely), max_cells=1000))
    assert [(e.pointer, e.detail) for e in error.errors] == [
        ("/dimensions", "a dimension in columns needs another for the rows")
    ]
    clash = _wide_sidecar()
    clash["dimensions"][0]["code"] = "Andel"
    error = _bad(lambda: parse_csv_with_sidecar(b"", js(clash), max_cells=1000))
    assert [(e.pointer, e.detail) for e in error.errors] == [
        ("/dimensions", "'Andel' is both a dimension and a column of values")
    ]


def test_csv_sidecar_decimal_mark_and_encoding_are_checked() -> None:
    error = _bad(
        lambda: parse_csv_with_sidecar(
            csv_bytes(csv_rows()),
            js(sidecar(decimal_mark=";", encoding="latin-9")),
            max_cells=1000,
        )
    )
    assert pointers(error) == ["/decimal_mark", "/encoding"]


def test_csv_ignores_extra_columns_and_blank_lines_and_takes_the_value_column() -> None:
    lines = ["Tid,verdi,Region,label,ContentsCode"]
    lines += [f"{y},{v},{r},x,{c}" for r, c, y, v in csv_rows()]
    data = ("\n\n".join(lines) + "\n").encode()
    table = parse_csv_with_sidecar(data, js(sidecar(value_column="verdi")), max_cells=1000)
    assert as_cells(table) == grid()


def test_csv_time_scale_given_or_inferred() -> None:
    side = sidecar()
    side["dimensions"][2]["values"] = [{"code": q, "label": q} for q in ("2024K1", "2024K2")]
    rows = [[r, c, q, "1"] for r in REGIONS for c in CONTENTS for q in ("2024K1", "2024K2")]
    table = parse_csv_with_sidecar(csv_bytes(rows), js(side), max_cells=1000)
    assert table.variables[2].time_scale == "Q"
    side["dimensions"][2]["time_scale"] = "M"
    table = parse_csv_with_sidecar(csv_bytes(rows), js(side), max_cells=1000)
    assert table.variables[2].time_scale == "M"


def line_errors(rows: list[list[str]], **changes: Any) -> list[tuple[str, str]]:
    error = _bad(
        lambda: parse_csv_with_sidecar(csv_bytes(rows), js(sidecar(**changes)), max_cells=1000)
    )
    return [(e.pointer, e.detail) for e in error.errors]


def test_csv_unknown_code() -> None:
    rows = csv_rows()
    rows[5][0] = "99"
    rows[8][2] = "2030"
    found = line_errors(rows)
    assert found == [
        ("line 7", "Region: unknown code '99'"),
        ("line 10", "Tid: unknown code '2030'"),
    ]


def test_csv_duplicate_and_missing_combinations() -> None:
    rows = csv_rows()
    rows[3] = list(rows[0])  # line 5 repeats line 2; the combination of line 5 is then missing
    found = line_errors(rows)
    assert found == [
        ("line 5", "duplicate of line 2 (Region=0, ContentsCode=Folkemengde, Tid=2022)"),
        ("line 20", "no row for Region=0, ContentsCode=Andel, Tid=2022"),
    ]


def test_csv_missing_row() -> None:
    rows = csv_rows()
    del rows[-1]
    assert line_errors(rows) == [("line 19", "no row for Region=11, ContentsCode=Andel, Tid=2024")]


def test_csv_non_numeric_values() -> None:
    rows = csv_rows()
    rows[0][3] = "abc"
    rows[1][3] = ""
    rows[2][3] = "nan"
    rows[3][3] = "1,5"  # a comma decimal only with the ; delimiter (here: the wrong column count)
    found = line_errors(rows)
    assert found == [("line 5", "5 columns; the header has 4")]
    rows[3][3] = "1.5"
    assert [p for p, _ in line_errors(rows)] == ["line 2", "line 3", "line 4"]
    assert "'abc' is neither a number nor a data symbol" in line_errors(rows)[0][1]


def test_csv_wrong_column_count() -> None:
    rows = csv_rows()
    rows[2] = rows[2][:3]
    rows[6] = [*rows[6], "x"]
    assert [p for p, _ in line_errors(rows)] == ["line 4", "line 8"]


def test_csv_missing_columns() -> None:
    data = b"Region,Tid,verdi\n0,2022,1\n"
    error = _bad(lambda: parse_csv_with_sidecar(data, js(sidecar()), max_cells=1000))
    assert [(e.pointer, e.detail) for e in error.errors] == [
        ("line 1", "missing column 'ContentsCode'"),
        ("line 1", "missing column 'value'"),
    ]


def test_csv_errors_are_capped() -> None:
    rows = csv_rows()
    for row in rows:
        row[3] = "x"
    rows += [[r, c, "2030", "1"] for r in REGIONS for c in CONTENTS for _ in range(3)]
    error = _bad(lambda: parse_csv_with_sidecar(csv_bytes(rows), js(sidecar()), max_cells=1000))
    assert len(error.errors) == 20
    assert "problems; the first 20 are listed" in error.detail


def test_csv_not_utf8() -> None:
    data = csv_bytes(csv_rows()).replace(b"2023", b"2023\xe5", 1)
    error = _bad(lambda: parse_csv_with_sidecar(data, js(sidecar()), max_cells=1000))
    assert pointers(error) == ["line 3"]


def test_sidecar_rejections_point_into_the_json() -> None:
    def side_errors(doc: object) -> list[str]:
        data = doc if isinstance(doc, bytes) else js(doc)
        error = _bad(lambda: parse_csv_with_sidecar(csv_bytes(csv_rows()), data, max_cells=1000))
        return pointers(error)

    assert side_errors(b'{"table_id": }') == [""]
    assert side_errors([]) == [""]
    assert side_errors(sidecar(title="x")) == ["/title"]
    assert side_errors(sidecar(table_id=None, colour="red")) == ["/colour", "/table_id"]
    bad = sidecar()
    bad["dimensions"][0]["role"] = "space"
    bad["dimensions"][0]["elimination_code"] = "99"
    bad["dimensions"][1]["values"][1]["code"] = "Folkemengde"
    bad["dimensions"][1]["units"]["Andel"]["decimals"] = "one"
    bad["dimensions"][2]["time_scale"] = "Y"
    bad["dimensions"][2]["values"][0]["label"] = {"nb": "2022", "de": "2022"}
    assert side_errors(bad) == [
        "/dimensions/0/role",
        "/dimensions/0/elimination_code",
        "/dimensions/1/values/1/code",
        "/dimensions/2/values/0/label/de",
        "/dimensions/2/time_scale",
    ]
    bad = sidecar()
    bad["dimensions"][1]["units"]["Andel"]["decimals"] = "one"
    bad["dimensions"][1]["units"]["Nope"] = {"nb": "x"}
    assert side_errors(bad) == ["/dimensions/1/units/Nope", "/dimensions/1/units/Andel/decimals"]
    assert side_errors(sidecar(dimensions=[])) == ["/dimensions"]


def test_sidecar_too_many_cells_before_the_csv_is_read() -> None:
    error = _bad(
        lambda: parse_csv_with_sidecar(b"\xff not even utf-8", js(sidecar()), max_cells=17)
    )
    assert pointers(error) == ["/dimensions"]
    assert "18 cells" in error.errors[0].detail


# --------------------------------------------------------------------------------------------
# Through PX and back


def _px_round_trip(table: PxTable) -> PxTable:
    data = write_px(table, table.values, table.variables, table.stub, table.heading)
    return parse_px(data)


@pytest.mark.parametrize("source", ["jsonstat", "csv"])
def test_converted_tables_survive_write_px_and_parse_px(source: str) -> None:
    if source == "jsonstat":
        table = parse_jsonstat(js(dataset()), max_cells=1000)
    else:
        table = parse_csv_with_sidecar(
            csv_bytes(shuffled(csv_rows())), js(sidecar()), max_cells=1000
        )
    back = _px_round_trip(table)
    assert (back.matrix, back.table_id, back.language, back.languages) == (
        table.matrix,
        table.table_id,
        table.language,
        table.languages,
    )
    assert back.title == table.title and back.source == table.source
    assert (back.stub, back.heading) == (table.stub, table.heading)
    for mine, theirs in zip(table.variables, back.variables, strict=True):
        assert (theirs.code, theirs.codes, theirs.time_scale, theirs.is_contents) == (
            mine.code,
            mine.codes,
            mine.time_scale,
            mine.is_contents,
        )
        assert dict(theirs.labels) == dict(mine.labels)
        assert dict(theirs.value_labels) == dict(mine.value_labels)
        assert (theirs.elimination, theirs.elimination_code) == (
            mine.elimination,
            mine.elimination_code,
        )
    assert [(c.code, dict(c.units), c.decimals) for c in back.contents_values] == [
        (c.code, dict(c.units), c.decimals) for c in table.contents_values
    ]
    assert as_cells(back) == as_cells(table) == grid()


# --------------------------------------------------------------------------------------------
# A million cells


def test_a_million_cells_each_way() -> None:
    n_region, n_time = 1000, 1000
    regions = [f"{k:04d}" for k in range(n_region)]
    years = [f"{1000 + k}" for k in range(n_time)]
    numbers = np.arange(n_region * n_time, dtype=np.float64) / 4
    value: list[Any] = numbers.tolist()
    value[123] = None
    doc = {
        "class": "dataset",
        "id": ["Region", "Tid"],
        "size": [n_region, n_time],
        "role": {"time": ["Tid"]},
        "dimension": {
            "Region": {"category": {"index": regions}},
            "Tid": {"category": {"index": years}},
        },
        "value": value,
        "status": {"123": ":"},
        "extension": {"px": {"tableid": "big"}},
    }
    table = parse_jsonstat(js(doc), max_cells=1_000_000)
    assert cells.decode(float(table.values[123])) == ":"
    assert table.values[124] == numbers[124] and table.values[-1] == numbers[-1]

    side = {
        "table_id": "big",
        "title": {"nb": "Stor"},
        "dimensions": [
            {"code": "Region", "values": [{"code": r} for r in regions]},
            {"code": "Tid", "role": "time", "values": [{"code": y} for y in years]},
        ],
        "decimals": 2,
    }
    # Every cell but the first as a number, in reverse order; the first is a symbol, last.
    lines = ["Region,Tid,value"]
    lines += [
        f"{regions[k // n_time]},{years[k % n_time]},{numbers[k]}"
        for k in range(n_region * n_time - 1, 0, -1)
    ]
    lines.append(f"{regions[0]},{years[0]},..")
    csv_table = parse_csv_with_sidecar(("\n".join(lines)).encode(), js(side), max_cells=1_000_000)
    assert cells.decode(float(csv_table.values[0])) == ".."
    assert np.array_equal(csv_table.values[1:], numbers[1:])
    assert math.isnan(float(csv_table.values[0]))


def test_csv_quoted_fields_and_spaces_after_the_delimiter() -> None:
    lines = ['"Region", "ContentsCode", "Tid", "value"']
    lines += [", ".join(f'"{cell}"' for cell in row) for row in shuffled(csv_rows())]
    data = ("\r\n".join(lines) + "\r\n").encode()
    table = parse_csv_with_sidecar(data, js(sidecar()), max_cells=1000)
    assert as_cells(table) == grid()
    lines[4] = lines[4] + ', "x"'
    error = _bad(
        lambda: parse_csv_with_sidecar("\n".join(lines).encode(), js(sidecar()), max_cells=1000)
    )
    assert [(e.pointer, e.detail) for e in error.errors] == [
        ("line 5", "5 columns; the header has 4")
    ]
