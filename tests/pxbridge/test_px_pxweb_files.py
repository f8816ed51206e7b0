"""Real PX files as PxWeb reads them (issue 21): files from PxWeb's example database and pyaxis' tests
(tests/pxbridge/data/pxweb, see SOURCES.md there).

Each accepted file is stored as an upload stores it, cut into a cube of all its cells, and written as
JSON-stat, CSV, xlsx and PX by the output formats; what each output holds (value labels, cells,
symbols) is compared with what pyaxis reads from the original file. pyaxis keeps only the last NOTE
and ignores PRECISION and KEYS, so those are checked against the file's own statements: the KEYS
files against their dense twins from the same database. Each file PxWeb's example database keeps in
``error/fatal`` is refused with a message naming its line and keyword (one, a missing DECIMALS, is
read with a warning instead: docs/px-reading.md says why).

CSV, xlsx and PX output may still round a cell to the table's decimals until exports keep every digit
(issue 21, "Precision kept everywhere"), so their numbers are compared at the file's precision;
JSON-stat's exactly.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from pyaxis import pyaxis  # type: ignore[import-untyped]
from sqlalchemy import select

from portal.http.db import get_database
from portal.kernel.access import CLI_ACTOR
from portal.kernel.errors import BadRequest
from pxbridge.blueprint import get_store
from pxbridge.formats import FORMATS, OutputParams, jsonstat
from pxbridge.formats.output import as_px_table
from pxbridge.formats.px import write_px
from pxbridge.ingest.px import PxTable, parse_px
from pxbridge.ingest.storing import store_table as store_parsed
from pxbridge.models import DataTable
from pxbridge.query.cube import Cube
from pxbridge.query.extract import build_cube
from pxbridge.query.selection import Selection
from pxbridge.store import cells
from tests.conftest import bearer, make_token
from tests.pxbridge.conftest import API, store_table, upload

DATA = Path(__file__).with_name("data") / "pxweb"
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Accepted:
    encoding: str  # the file's CODEPAGE; without one, CHARSET="ANSI" (Windows-1252)
    warnings: tuple[tuple[int, str], ...]  # (line, keyword) of each warning, in order
    dense: str | None = None  # a KEYS file: its dense twin in the same database, for pyaxis


ACCEPTED: dict[str, Accepted] = {
    # pyaxis (icane/pyaxis): INE's "sexo " file, its rows ending in ';' and DATA in ';;'.
    "14001.px": Accepted("windows-1252", ((48, "DATA"),)),
    # pyaxis: INE's index with PRECISION on a value of a variable that is not a contents variable.
    "27067.px": Accepted("iso-8859-15", ()),
    # PxWeb's example database (statisticssweden/PxWeb).
    "BE0101A1elimtot.px": Accepted("windows-1252", ((4, "CREATION-DATE"),)),
    "BE0101A1proc.px": Accepted("windows-1252", ()),
    "BE0101F1errorNote.px": Accepted("iso-8859-1", ((49, "NOTE"),)),
    "BE0101F1symbnot.px": Accepted("windows-1252", ()),
    "BE0101F1symbnotkeys.px": Accepted("windows-1252", (), dense="BE0101F1symbnot.px"),
    "BE101ACE.px": Accepted("windows-1252", ((23, 'CODES("sex")'),)),
    "BE101ACEkeys.px": Accepted("windows-1252", ((40, "DATA"),), dense="BE101ACE.px"),
    "HA0201E8.px": Accepted("windows-1252", ((56, "DATA"),)),
    "PR0101B3.px": Accepted("windows-1252", ((56, "DATA"),)),
    # From error/fatal: PxWeb refuses a file without DECIMALS; read here, with a warning.
    "fatal_BE0101F1missingDecimal.px": Accepted("iso-8859-1", ((89, "DECIMALS"),)),
}

# From PxWeb's example database, error/fatal: (pointer, what the message must say).
REFUSED: dict[str, tuple[str, str]] = {
    "fatal_BE0101F1errorContvariable.px": (
        "line 17",
        'CONTVARIABLE: "typex" is no variable of STUB or HEADING',
    ),
    "fatal_BE0101F1errorContVariableunits.px": (
        "line 42",
        'UNITS("Inmigrated"): missing for this value of the contents variable '
        '(CONTVARIABLE on line 17); UNITS("Inmigratedx") names no value',
    ),
    "fatal_BE0101F1errorHeading.px": ("line 16", "HEADING: unterminated quote"),
    "fatal_BE0101F1errormissingValues.px": ("line 15", 'VALUES("age"): missing for this variable'),
    "fatal_BE0101F1missingContents.px": ("line 90", "CONTENTS: the file has no CONTENTS"),
    "fatal_BE0101F1missingMatrix.px": ("line 90", "MATRIX: the file has no MATRIX"),
    "fatal_BE0101F1missingTitle.px": ("line 88", "TITLE: the file has no TITLE or DESCRIPTION"),
    "fatal_BE0101F1missingUnit.px": ("line 90", "UNITS: the file has no UNITS"),
}


def _raw(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_every_file_is_listed_here_and_in_sources_md() -> None:
    files = sorted(p.name for p in DATA.glob("*.px"))
    assert files == sorted([*ACCEPTED, *REFUSED])
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip() for line in sources.splitlines() if line.startswith("| ")}
    assert set(files) <= rows
    # The fatal ones came from PxWeb's error/fatal folder, as SOURCES.md records.
    for name in files:
        if name.startswith("fatal_"):
            (row,) = [line for line in sources.splitlines() if line.startswith(f"| {name} ")]
            assert "/error/fatal/" in row, name


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_files_pxweb_finds_fatal_are_refused_naming_line_and_keyword(name: str) -> None:
    pointer, detail = REFUSED[name]
    with pytest.raises(BadRequest) as refused:
        parse_px(_raw(name))
    first = refused.value.errors[0]
    assert (first.pointer, first.detail[: len(detail)]) == (pointer, detail)
    assert f"at {pointer}: {detail}" in refused.value.detail


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepted_files_carry_their_warnings(name: str) -> None:
    table = parse_px(_raw(name))
    assert [(w.line, w.keyword) for w in table.warnings] == list(ACCEPTED[name].warnings)
    for warning in table.warnings:
        line = _raw(name).split(b"\n")[warning.line - 1]
        keyword = warning.keyword.split("(")[0].encode()
        # The warning's line holds its keyword; a missing keyword's is where DATA starts, and
        # DATA's is the line of its last value (or of a ';' within it).
        assert keyword in line or line.startswith(b"DATA=") or warning.keyword == "DATA"


# --- outputs against pyaxis ------------------------------------------------------------------


def _pyaxis(path: Path, encoding: str) -> tuple[list[list[str]], list[float | str]]:
    """pyaxis' reading: each dimension's value labels (as pyaxis strips them) and the cells, a
    number or a data symbol (pyaxis gives "." as "" and ".." as NaN, other symbols quoted)."""
    frame = pyaxis.parse(str(path), encoding=encoding)["DATA"]
    dims = [c for c in frame.columns if c != "DATA"]
    labels = [list(dict.fromkeys(str(x) for x in frame[d].tolist())) for d in dims]
    out: list[float | str] = []
    for raw in frame["DATA"].tolist():
        if isinstance(raw, float) and math.isnan(raw):
            out.append("..")
        elif raw == "":
            out.append(".")
        elif raw.startswith('"'):
            out.append(raw.strip('"'))
        else:
            out.append(float(raw))
    return labels, out


def _stored_cube(app: Flask, table: PxTable, key: str, lang: str = "nb") -> Cube:
    """The table stored as an upload stores it, and all its cells cut as a cube in ``lang`` (the
    portal's "nb" texts are the file's default language's)."""
    db, store = get_database(app), get_store(app)
    with db.sessions() as session:
        row, _ = store_parsed(
            session, CLI_ACTOR, store, table, statistic_slug="beftett", table_id=key, now=NOW
        )
        session.commit()
        stored = session.get(DataTable, row.id)
        assert stored is not None and stored.store_revision is not None
        everything = Selection(tuple(tuple(range(len(v.codes))) for v in stored.variables))
        return build_cube(
            stored,
            store.open(stored.id, stored.store_revision),
            everything,
            lang,
            nan_at=store.symbol_positions(stored.id, stored.store_revision),
        )


def _close(got: float, want: float, decimals: int) -> bool:
    return abs(got - want) <= 0.5 * 10.0**-decimals + 1e-9 * max(1.0, abs(want))


def _check_cells(got: list[float | str], want: list[float | str], decimals: int, what: str) -> None:
    assert len(got) == len(want), what
    for n, (g, w) in enumerate(zip(got, want, strict=True)):
        if isinstance(w, str):
            assert g == w, (what, n, g, w)
        else:
            assert isinstance(g, float) and _close(g, w, decimals), (what, n, g, w)


def _shown(cube: Cube, symbol: str) -> str:
    return cube.symbols.get(symbol, symbol)


def _jsonstat(cube: Cube) -> tuple[list[list[str]], list[float | str]]:
    body = json.loads(b"".join(jsonstat.stream(cube)))
    labels = []
    for dim_id in body["id"]:
        category = body["dimension"][dim_id]["category"]
        order = sorted(category["index"], key=category["index"].get)
        labels.append([category["label"][code].strip() for code in order])
    status = body.get("status") or {}
    out: list[float | str] = []
    for n, value in enumerate(body["value"]):
        symbol = status.get(str(n)) if isinstance(status, dict) else status[n]
        out.append(symbol if value is None else float(value))
    return labels, out


def _csv(cube: Cube) -> tuple[list[list[str]], list[float | str]]:
    text = FORMATS["csv"].render(cube, OutputParams(labels="text")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    data = rows[1:]
    labels = [list(dict.fromkeys(r[k].strip() for r in data)) for k in range(cube.stub)]
    return labels, [_number_or_text(c) for r in data for c in r[cube.stub :]]


def _number_or_text(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


def _xlsx(cube: Cube) -> list[float | str]:
    body = FORMATS["xlsx"].render(cube, OutputParams(labels="text"))
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    grid = [[c.value for c in row] for row in sheet.iter_rows()]
    first = 2 + (len(cube.dimensions) - cube.stub)
    nrows = math.prod(len(d.codes) for d in cube.dimensions[: cube.stub])
    out: list[float | str] = []
    for row in grid[first : first + nrows]:
        for value in row[cube.stub : cube.stub + len(cube.values) // nrows]:
            out.append(float(value) if isinstance(value, int | float) else str(value))
    return out


def _px(cube: Cube, tmp_path: Path) -> tuple[list[list[str]], list[float | str]]:
    table = as_px_table(cube)
    path = tmp_path / "out.px"
    path.write_bytes(write_px(table, table.values, table.variables, table.stub, table.heading))
    return _pyaxis(path, "utf-8")


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_outputs_hold_what_pyaxis_reads_from_the_original(
    app: Flask, name: str, tmp_path: Path
) -> None:
    expected = ACCEPTED[name]
    table = parse_px(_raw(name))
    labels, want = _pyaxis(DATA / (expected.dense or name), expected.encoding)
    # The file's own labels, in its order, are pyaxis' (which strips them).
    assert [[t.strip() for t in v.value_labels[table.language]] for v in table.variables] == labels
    cube = _stored_cube(app, table, re.sub(r"[^A-Za-z0-9_-]", "_", name.removesuffix(".px")))
    decimals = min(
        [table.decimals, *(c.decimals for c in table.contents_values)]
        + [d for v in table.variables for d in v.precision.values()]
    )

    # Symbols as the file's DATASYMBOLn name them; numbers with every digit the file has.
    shown = [_shown(cube, w) if isinstance(w, str) else w for w in want]
    got_labels, got = _jsonstat(cube)
    assert got_labels == labels
    _check_cells(got, shown, 12, "json-stat")

    stub_labels, got = _csv(cube)
    assert stub_labels == labels[: cube.stub]
    _check_cells(got, shown, decimals, "csv")
    _check_cells(_xlsx(cube), shown, decimals, "xlsx")

    px_labels, got = _px(cube, tmp_path)
    assert px_labels == labels
    _check_cells(got, want, decimals, "px")


# --- what pyaxis does not read: notes, precision, KEYS ---------------------------------------


_TABLE_NOTE = re.compile(r'^NOTEX?="(.*?)";\s*$', re.MULTILINE)


def test_every_table_note_is_kept_where_pyaxis_keeps_the_last(app: Flask) -> None:
    """BE0101F1symbnot.px has a NOTEX and a NOTE for the table, and two for its region; pyaxis
    keeps one. Both come back in JSON-stat (in English, the file's only language)."""
    raw = _raw("BE0101F1symbnot.px")
    written = _TABLE_NOTE.findall(raw.decode("cp1252"))
    assert written == ["Mandatory English note", "Test English note"]
    assert pyaxis.parse(str(DATA / "BE0101F1symbnot.px"), encoding="windows-1252")["METADATA"][
        "NOTE"
    ] == ["Test English note"]
    table = parse_px(raw)
    assert table.notes == {"en": ("Mandatory English note", "Test English note")}
    region = table.variables[0]
    assert region.notes["en"][0] == "Mandatory footnote for region."
    assert region.notes["en"][1].startswith("Since 1 January 1999, a new regional division")
    cube = _stored_cube(app, table, "symbnot", "en")
    body = json.loads(b"".join(jsonstat.stream(cube)))
    assert body["note"] == written
    assert body["dimension"][region.code]["note"] == list(region.notes["en"])
    # The NOTE PxWeb cannot read (a stray quote) is left out; the NOTEX before it is kept.
    assert parse_px(_raw("BE0101F1errorNote.px")).notes == {"en": ("Mandatory table note",)}


def test_precision_is_kept_as_the_file_says(app: Flask) -> None:
    """PRECISION("$$SORT","Per cent")=2 on PxWeb's sort variable, PRECISION("Índice y tasas",
    "Índice")=3 on INE's: kept per value, and the cells keep their digits (DECIMALS=0 and 1)."""
    proc = parse_px(_raw("BE0101A1proc.px"))
    (sort,) = [v for v in proc.variables if v.code == "$$SORT"]
    assert dict(sort.precision) == {"Per cent": 2} and proc.decimals == 0
    index = parse_px(_raw("27067.px"))
    assert [dict(v.precision) for v in index.variables] == [{}, {}, {"Índice": 3}, {}]
    assert index.decimals == 1
    assert 102.787 in index.values.tolist()
    cube = _stored_cube(app, index, "ine27067")
    _, got = _jsonstat(cube)
    assert 102.787 in got


@pytest.mark.parametrize("name", ["BE0101F1symbnotkeys.px", "BE101ACEkeys.px"])
def test_keys_files_hold_the_cells_of_their_dense_twins(name: str) -> None:
    """The KEYS layout read into dense cells: the same bits as the dense file of the same table,
    rows the KEYS file leaves out (6 of 84 in BE101ACEkeys.px) being zeros there too."""
    keys, dense = parse_px(_raw(name)), parse_px(_raw(ACCEPTED[name].dense or ""))
    assert keys.sizes == dense.sizes
    assert [v.codes for v in keys.variables] == [v.codes for v in dense.variables]
    np.testing.assert_array_equal(keys.values.view(np.uint64), dense.values.view(np.uint64))
    symbols = {cells.decode(float(v)) for v in keys.values if math.isnan(v)}
    if name == "BE0101F1symbnotkeys.px":
        assert symbols == {".", "..", "...", "....", ".....", "......"}


def test_a_variable_named_with_a_trailing_space_is_one_variable() -> None:
    """INE's 14001.px: HEADING="sexo ", VALUES("sexo "), PRESTEXT("sexo ")."""
    table = parse_px(_raw("14001.px"))
    (sex,) = [v for v in table.variables if v.labels["nb"] == "sexo "]
    assert sex.value_labels["nb"] == ("Esposos", "Esposas") and sex.show == "code"


def test_an_upload_answers_with_its_warnings(app: Flask, client: FlaskClient) -> None:
    token = make_token(app, "ssb")
    answer = client.post(
        "/api/v1/tables?statistic=beftett&table_id=ha0201e8",
        data=_raw("HA0201E8.px"),
        content_type="application/octet-stream",
        headers=bearer(token),
    )
    assert answer.status_code == 201, answer.text
    assert answer.json is not None
    assert answer.json["cells"] == 117
    assert answer.json["warnings"] == [
        {
            "line": 56,
            "keyword": "DATA",
            "text": "not terminated by ';': read to the end of the file",
        }
    ]
    refused = client.post(
        "/api/v1/tables?statistic=beftett",
        data=_raw("fatal_BE0101F1missingTitle.px"),
        content_type="application/octet-stream",
        headers=bearer(token),
    )
    assert refused.status_code == 400
    assert refused.json is not None
    assert refused.json["errors"][0]["pointer"] == "line 88"
    with get_database(app).sessions() as session:  # the refused file left nothing behind
        stored = session.scalars(select(DataTable.matrix)).all()
    assert "HA0201E8" in stored and "BE0101F1" not in stored


def test_the_import_command_lists_warnings_and_refusals(app: Flask, tmp_path: Path) -> None:
    for name in ("HA0201E8.px", "fatal_BE0101F1missingTitle.px"):
        (tmp_path / name).write_bytes(_raw(name))
    result = app.test_cli_runner().invoke(
        args=["tables", "import-px", str(tmp_path), "--statistic", "beftett"]
    )
    assert result.exit_code == 1
    assert "1 of 2 tables imported." in result.stdout
    assert (
        "  warning HA0201E8.px: line 56: DATA: not terminated by ';': read to the end of the file"
        in result.stdout.splitlines()
    )
    assert "refused fatal_BE0101F1missingTitle.px" in result.stderr
    assert "line 88: TITLE: the file has no TITLE or DESCRIPTION" in result.stderr


# --- what an upload stores and PX output writes back (issue 21) ------------------------------


def _px_output(client: FlaskClient, table_id: str, picks: dict[str, str]) -> bytes:
    query = {f"valuecodes[{name}]": codes for name, codes in picks.items()}
    answer = client.get(
        f"{API}/tables/{table_id}/data", query_string={"outputFormat": "px", **query}
    )
    assert answer.status_code == 200, answer.text
    return answer.data


def test_precision_on_a_sort_variable_comes_back_in_px_output(
    app: Flask, client: FlaskClient
) -> None:
    """BE0101A1proc.px: PRECISION("$$SORT","Per cent")=2 on a variable that is not the contents
    variable is stored with the table and written back; a selection without "Per cent" has none."""
    table_id = store_table(app, client, _raw("BE0101A1proc.px"), "beftett", table_id="proc")
    every = {"region": "*", "$$SORT": "*", "marital status": "*", "sex": "*", "period": "*"}
    written = _px_output(client, table_id, every)
    assert written.count(b"PRECISION") == 1
    assert b'PRECISION("$$SORT","Per cent")=2;' in written
    again = parse_px(written)
    (sort,) = [v for v in again.variables if v.labels["en"] == "$$SORT"]
    assert dict(sort.precision) == {"Per cent": 2} and again.decimals == 0
    assert again.values.tolist() == parse_px(_raw("BE0101A1proc.px")).values.tolist()
    numbers_only = _px_output(client, table_id, {**every, "$$SORT": "Number"})
    assert b"PRECISION" not in numbers_only


def test_a_date_that_is_no_px_date_comes_back_as_the_file_wrote_it(
    app: Flask, client: FlaskClient
) -> None:
    """BE0101A1elimtot.px's CREATION-DATE="2007-04-18 09:18" (no PX date): stored as text and
    written back as the file had it, once, in place of the creation date PX output would give."""
    table_id = store_table(app, client, _raw("BE0101A1elimtot.px"), "beftett", table_id="elimtot")
    written = _px_output(client, table_id, {"marital status": "*", "sex": "*", "period": "*"})
    assert written.count(b"CREATION-DATE=") == 1
    assert b'CREATION-DATE="2007-04-18 09:18";' in written
    assert b'LAST-UPDATED="20070215 09:51";' in written  # the date the file gives is read
    again = parse_px(written)
    assert again.kept_as_text == {"CREATION-DATE": "2007-04-18 09:18"}
    assert ("CREATION-DATE", "2007-04-18 09:18") in [(w.keyword, w.value) for w in again.warnings]


def test_a_last_updated_that_is_no_date_comes_back_as_text(app: Flask, client: FlaskClient) -> None:
    """HA0201E8.px with LAST-UPDATED="05/10/99", as INE's population register file has it (ruby_px'
    README quotes it): the upload is taken with a warning, and PX output says it as the file did."""
    raw = _raw("HA0201E8.px").replace(
        b'LAST-UPDATED="20090604 09:58";', b'LAST-UPDATED="05/10/99";'
    )
    response = upload(client, make_token(app, "ssb"), raw, "beftett", table_id="ha0201e8dmy")
    assert response.status_code == 201, response.text
    assert response.json is not None
    assert [w["keyword"] for w in response.json["warnings"]] == ["LAST-UPDATED", "DATA"]
    written = _px_output(client, "ha0201e8dmy", {"Commodity group SITC": "*", "period": "*"})
    assert written.count(b"LAST-UPDATED") == 1 and b'LAST-UPDATED="05/10/99";' in written
    assert b'CREATION-DATE="20090708 13:54";' in written  # the table's date stands there
    again = parse_px(written)
    assert again.kept_as_text == {"LAST-UPDATED": "05/10/99"}
    assert again.values.tolist() == parse_px(raw).values.tolist()
