"""The table importers' refusals and warnings in Norwegian and English, and where they say a problem
is (pxbridge/ingest/messages.py): what a producer reads on the upload page.

The English texts are what the API has always answered; the Norwegian ones must be Norwegian all
through (no English words, no JSON pointers, no library wording) and name the place in words."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

import orjson
import pytest

from portal.kernel.errors import BadRequest, FieldError, PortalError
from portal.kernel.i18n import MESSAGES, translate
from pxbridge.ingest.from_csv import parse_csv_with_sidecar
from pxbridge.ingest.from_jsonstat import parse_jsonstat
from pxbridge.ingest.limits import check_table_texts
from pxbridge.ingest.messages import MESSAGES as IMPORT_MESSAGES
from pxbridge.ingest.messages import where
from pxbridge.ingest.px import PxTable, parse_px
from tests.pxbridge.test_ingest_formats import csv_bytes, csv_rows, dataset, sidecar
from tests.pxbridge.test_px_pxweb_files import DATA as PXWEB_FILES
from tests.pxbridge.test_px_pxweb_files import REFUSED as PXWEB_REFUSED

INGEST = Path(__file__).parents[2] / "pxbridge" / "ingest"

# Words an English message is made of and a Norwegian one never holds. Quoted text («…», "…", '…')
# is the file's own (codes, keys, keywords) and is not checked; neither are upper-case keywords.
ENGLISH = frozenset(
    "the expected expect invalid missing not line file value values cells cell is are of and or "
    "but has have no unknown quote statement names column columns row rows twice dimension "
    "dimensions number numbers string strings list object left out read sidecar dataset more "
    "than limit text bytes valid each every only with without terminated after before given "
    "which requires unterminated malformed whole found listed entries position positions "
    "label index category categories must should empty duplicate neither nor a an unexpected "
    "character trailing comma allowed larger field end document".split()
)
_QUOTED = re.compile(r"«[^»]*»|\"[^\"]*\"|'[^']*'")
_POINTER = re.compile(r"(?:^|[\s(])/\w")


def english_words(text: str) -> set[str]:
    bare = _QUOTED.sub(" ", text)
    return {w for w in re.findall(r"[A-Za-zæøåÆØÅ]+", bare) if w in ENGLISH}


def assert_norwegian(nb: str, en: str) -> None:
    assert nb and nb != en, (nb, en)
    assert not english_words(nb), (english_words(nb), nb)
    assert not _POINTER.search(nb), nb


def assert_told_in_both(error: PortalError) -> None:
    """The refusal and each of its problems carry an importer key, English as ``detail``."""
    assert error.key is not None and error.key.startswith("imp."), error.key
    assert error.message("en") == error.detail
    assert_norwegian(error.message("nb"), error.message("en"))
    for problem in error.errors:
        assert problem.key is not None and problem.key.startswith("imp."), problem
        assert problem.message("en") == problem.detail
        assert_norwegian(problem.message("nb"), problem.detail)
        assert_norwegian(where(problem, "nb"), where(problem, "en"))


def refusal(call: Any) -> BadRequest:
    with pytest.raises(BadRequest) as caught:
        call()
    return caught.value


def js(doc: object) -> bytes:
    return orjson.dumps(doc)


# --------------------------------------------------------------------------------------------
# PX

MINIMAL = (
    'CODEPAGE="utf-8";\nMATRIX="T";\nSTUB="a";\nVALUES("a")="x","y";\n'
    'TITLE="T";CONTENTS="T";UNITS="n";\nDATA=\n1 2;\n'
)
FULL = MINIMAL.replace("DATA=", 'SUBJECT-AREA="s";SUBJECT-CODE="s";DECIMALS=0;\nDATA=')
KEYS = 'KEYS("a")=VALUES;\nDATA=\n'

# (the file, its first problem's line, the English detail as the API has always said it)
BROKEN_PX = [
    (MINIMAL.replace('MATRIX="T";\n', ""), 5, "MATRIX: the file has no MATRIX, which PxWeb requires"),
    (MINIMAL.split("DATA=")[0], 6, "DATA: the file has no DATA keyword"),
    (MINIMAL.replace('STUB="a";\n', ""), 5, "STUB/HEADING: the file has neither STUB nor HEADING"),
    (
        MINIMAL.replace('VALUES("a")="x","y";', 'CODES("a")="x","y";'),
        3,
        'VALUES("a"): missing for this variable',
    ),
    (
        MINIMAL.replace('"x","y";', '"x","y";\nCODES("a")="1","2","3";'),
        4,
        'VALUES("a"): 2 values but CODES has 3',
    ),
    (MINIMAL.replace("1 2;", "1\n2 3;"), 6, "DATA: 3 values but VALUES of STUB and HEADING give 2 cells"),
    (MINIMAL.replace("1 2;", "1\n- 2;"), 8, 'DATA: "-" is neither a number nor a data symbol'),
    (MINIMAL.replace('MATRIX="T";', 'MATRIX="T;'), 2, "MATRIX: unterminated quote"),
    (MINIMAL.replace('MATRIX="T";', 'MATRIX "T";'), 2, "MATRIX: statement without '=' after the keyword"),
    (MINIMAL.replace('TITLE="T";', ""), 6, "TITLE: the file has no TITLE or DESCRIPTION, which PxWeb requires"),
    (MINIMAL.replace('UNITS="n";', 'UNITS="n";\nCONTVARIABLE="b";'), 6, 'CONTVARIABLE: "b" is no variable of STUB or HEADING'),
    (
        MINIMAL.replace('UNITS="n";', 'UNITS="n";\nCONTVARIABLE="a";\nUNITS("x")="n";'),
        8,
        'UNITS("y"): missing for this value of the contents variable (CONTVARIABLE on line 6)',
    ),
    (MINIMAL.replace('UNITS="n";', 'UNITS="n";\nCODES("b")="1";'), 6, 'CODES("b"): names no variable of STUB or HEADING'),
    (MINIMAL.replace('UNITS="n";', 'UNITS="n";\nVALUES("b")="1";'), 6, 'VALUES("b"): names no variable of STUB or HEADING'),
    (MINIMAL.replace('UNITS="n";', 'UNITS="n"x";'), 5, "UNITS: unterminated quote"),
    (MINIMAL.replace("DATA=\n1 2;", KEYS + '"x",1\n"z",2;'), 9, 'DATA: "z" is no value of "a" (KEYS)'),
    (MINIMAL.replace("DATA=\n1 2;", KEYS + '"x",1\n"x",2;'), 9, "DATA: this row's values are given twice (KEYS)"),
    (MINIMAL.replace("DATA=\n1 2;", KEYS + '1,1\n"x",2;'), 8, 'DATA: a row must start with the quoted value of "a" (KEYS)'),
    (MINIMAL.replace("DATA=\n1 2;", KEYS + '"x",1\n"y";'), 9, "DATA: the last row has 0 cells, not 1"),
    (MINIMAL.replace("1 2;", "1 2;\n3"), 7, "DATA: text after the ';' that ends DATA"),
    (MINIMAL.replace("1 2;", '1 "?";'), 7, 'DATA: unknown data symbol "?"'),
    (MINIMAL.replace('"x","y";', '"x","y";\nCODES("a")="1","1";'), 5, 'CODES("a"): the code "1" is listed twice'),
    (MINIMAL.replace('CODEPAGE="utf-8"', 'CODEPAGE="klingon"'), 1, 'CODEPAGE: unknown codepage "klingon"'),
    (MINIMAL.replace('MATRIX="T";', 'MATRIX="T";\n"T";'), 3, "expected a keyword, found '\"T\";'"),
    (MINIMAL.split("DATA=")[0] + 'NOTE="x"', 6, "NOTE: statement not terminated by ';'"),
    (MINIMAL.replace('STUB="a";', 'STUB("a"="a";'), 3, "STUB: malformed parenthesised names"),
    (MINIMAL.replace("TITLE=", 'DECIMALS="to";\nTITLE='), 5, "DECIMALS: 'to' is not a whole number"),
    (MINIMAL.replace("DATA=", 'TIMEVAL("a")=2020;\nDATA='), 6, 'TIMEVAL("a"): expected TLIST(A1), TLIST(Q1) …'),
    (
        MINIMAL.replace("DATA=", 'TIMEVAL("a")=TLIST(A1,"20x"-"2021");\nDATA='),
        6,
        'TIMEVAL("a"): bad TLIST range "20x"-"2021"',
    ),
    (
        MINIMAL.replace("DATA=", 'STUB[en]="a","b";\nDATA='),
        6,
        'STUB[en]: 2 names but STUB has 1',
    ),
    (
        MINIMAL.replace("DATA=", 'VALUES[en]("a")="x";\nDATA='),
        6,
        'VALUES[en]("a"): 1 values but VALUES has 2',
    ),
    (
        MINIMAL.replace("DATA=", 'KEYS("b")=VALUES;\nDATA='),
        6,
        'KEYS("b"): names no variable of STUB or HEADING',
    ),
    (
        MINIMAL.replace("DATA=", 'UNITS("x")="n";\nDATA='),
        6,
        'UNITS("x"): names a value, but the file has no CONTVARIABLE',
    ),
]  # fmt: skip


@pytest.mark.parametrize(("data", "line", "detail"), BROKEN_PX)
def test_px_refusals_are_said_in_norwegian_naming_the_line(
    data: str, line: int, detail: str
) -> None:
    error = refusal(lambda: parse_px(data.encode()))
    first = error.errors[0]
    assert (first.pointer, first.detail) == (f"line {line}", detail)
    assert error.detail == f"The PX file is invalid at line {line}: {detail}."
    assert_told_in_both(error)
    assert where(first, "nb") == f"linje {line}" and where(first, "en") == f"line {line}"
    assert error.message("nb").startswith(f"Feil i PX-filen, linje {line}: ")


def test_a_px_refusal_in_norwegian_reads_as_norwegian() -> None:
    error = refusal(lambda: parse_px(MINIMAL.replace('MATRIX="T";', 'MATRIX="T;').encode()))
    assert error.errors[0].message("nb") == "MATRIX: anførselstegnet er ikke avsluttet"
    assert (
        error.message("nb")
        == "Feil i PX-filen, linje 2: MATRIX: anførselstegnet er ikke avsluttet."
    )


def test_undecodable_bytes_and_too_many_cells_are_said_in_norwegian() -> None:
    data = MINIMAL.encode().replace(b'"x"', b'"\xff\xfe"')
    error = refusal(lambda: parse_px(data))
    assert error.errors[0].detail == "VALUES: bytes that are not valid utf-8"
    assert_told_in_both(error)
    error = refusal(lambda: parse_px(MINIMAL.encode(), max_cells=1))
    assert error.errors[0].detail == "DATA: 2 cells is more than the limit of 1"
    assert error.errors[0].message("nb") == "DATA: 2 celler er flere enn grensen på 1"
    assert_told_in_both(error)


@pytest.mark.parametrize("name", sorted(PXWEB_REFUSED))
def test_files_pxweb_finds_fatal_are_refused_in_norwegian(name: str) -> None:
    pointer, detail = PXWEB_REFUSED[name]
    error = refusal(lambda: parse_px((PXWEB_FILES / name).read_bytes()))
    first = error.errors[0]
    assert first.pointer == pointer and first.detail.startswith(detail)
    assert_told_in_both(error)
    assert where(first, "nb") == pointer.replace("line", "linje")


# --------------------------------------------------------------------------------------------
# PX warnings


def _warned(data: str) -> PxTable:
    table = parse_px(data.encode())
    assert table.warnings
    for warning in table.warnings:
        assert warning.key is not None and warning.key.startswith("imp.px.w."), warning
        assert warning.message("en") == warning.text
        assert_norwegian(warning.message("nb"), warning.text)
    return table


def test_an_unreadable_date_is_warned_about_in_norwegian() -> None:
    table = _warned(FULL.replace("DATA=", 'LAST-UPDATED="05/10/99";\nDATA='))
    (warning,) = table.warnings
    assert warning.text == (
        '"05/10/99" is not a date like "CCYYMMDD hh:mm": kept as text, not read as a date'
    )
    assert warning.message("nb").startswith("«05/10/99» er ikke en dato")


def test_data_without_its_final_semicolon_is_warned_about_in_norwegian() -> None:
    table = _warned(FULL.replace("1 2;", "1 2"))
    assert [(w.line, w.text) for w in table.warnings] == [
        (8, "not terminated by ';': read to the end of the file")
    ]
    assert table.warnings[0].message("nb") == "mangler «;» på slutten: lest til slutten av filen"
    _warned(FULL.replace("DATA=\n1 2;", KEYS + '"x",1\n"y",2'))


def test_a_statement_left_out_is_warned_about_without_the_keyword_twice() -> None:
    table = _warned(FULL.replace("DATA=", 'NOTE="Optio"nal note";\nDATA='))
    (warning,) = table.warnings
    assert (
        warning.text == "unterminated quote: the statement is left out, read on from the next line"
    )
    assert warning.message("nb") == (
        "anførselstegnet er ikke avsluttet: setningen er utelatt, lest videre fra neste linje"
    )


@pytest.mark.parametrize(
    "data",
    [
        MINIMAL,  # SUBJECT-AREA, SUBJECT-CODE and DECIMALS missing
        FULL.replace("DECIMALS=0;", "DECIMALS=0;SHOWDECIMALS=2;"),
        FULL.replace("DATA=", "SHOWDECIMALS=A;\nDATA="),
        FULL.replace("1 2;", "1;\n2;;\n"),
        FULL.replace("DATA=", 'TIMEVAL("a")=TLIST(K),"2020K1","2020K2";\nDATA='),
        FULL.replace("DATA=", 'TIMEVAL("a")=TLIST(A1),"1","2","3";\nDATA='),
        FULL.replace("DATA=", 'ELIMINATION("b")=YES;\nVALUENOTE("a","z")="n";\nDATA='),
        FULL.replace("DATA=", 'ELIMINATION("a")="q";\nPRECISION("a","z")=1;\nDATA='),
        FULL.replace('"x","y";', '"x","y";\nCODES("a")="1",;'),
        FULL.replace("DATA=\n1 2;", KEYS + '"x",1;'),
        FULL.replace(
            "UNITS=", 'CONTVARIABLE="a";\nUNITS("x")="n";UNITS("y")="n";\nNOTE("q")="n";\nUNITS='
        ),
    ],
)
def test_px_warnings_are_said_in_norwegian(data: str) -> None:
    _warned(data)


# --------------------------------------------------------------------------------------------
# JSON-stat


def _jsonstat(doc: object, max_cells: int = 1000) -> BadRequest:
    data = doc if isinstance(doc, bytes) else js(doc)
    return refusal(lambda: parse_jsonstat(data, max_cells=max_cells))


def _without(path: tuple[str, ...]) -> dict[str, Any]:
    doc = dataset()
    holder = doc
    for part in path[:-1]:
        holder = holder[part]
    del holder[path[-1]]
    return doc


def _with(path: tuple[str, ...], value: object) -> dict[str, Any]:
    doc = dataset()
    holder = doc
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = value
    return doc


_STATUS_18 = [None] * 17
BROKEN_JSONSTAT: list[tuple[object, str, str | None]] = [
    ({"class": "collection"}, "/class", 'expected a JSON-stat 2.0 dataset ("class": "dataset")'),
    (dataset(size=[3, 2]), "/size", "2 sizes for 3 ids"),
    (dataset(size=[3, 2, 4]), "/size/2", "4, but Tid has 3 categories"),
    (dataset(id=[]), "/id", "expected a non-empty list of dimension ids"),
    (dataset(id=["Region", "Region", "Tid"]), "/id", "dimension ids must be distinct"),
    (dataset(size="3"), "/size", "expected a list of whole numbers"),
    (_without(("dimension", "Tid")), "/dimension/Tid", "missing: every id needs a dimension"),
    (_without(("dimension",)), "/dimension", "expected an object with one entry per id"),
    (_without(("dimension", "Tid", "category")), "/dimension/Tid/category", None),
    (_with(("dimension", "Tid"), 3), "/dimension/Tid", "expected an object"),
    (_without(("dimension", "Tid", "category", "index")), "/dimension/Tid/category/index", None),
    (_with(("dimension", "Tid", "category", "index"), ["1", "1", "2"]), "/dimension/Tid/category/index", None),
    (_with(("dimension", "Tid", "category", "index"), 7), "/dimension/Tid/category/index", None),
    (_with(("dimension", "Region", "category", "index"), {"0": 0, "03": 2, "11": 2}), "/dimension/Region/category/index", None),
    (_with(("dimension", "Tid", "category", "label"), [1]), "/dimension/Tid/category/label", None),
    (_with(("dimension", "Tid", "category", "label"), {"2022": "a", "2023": "b", "2025": "x"}), "/dimension/Tid/category/label/2025", "not in category.index"),
    (_with(("dimension", "Tid", "label"), 5), "/dimension/Tid/label", "expected a string"),
    (_with(("dimension", "Tid", "category", "note"), {"1999": "n"}), "/dimension/Tid/category/note/1999", "no such code"),
    (_with(("dimension", "Tid", "category", "note"), {"2022": 5}), "/dimension/Tid/category/note/2022", "expected a string or a list of strings"),
    (_with(("dimension", "Region", "extension"), {"elimination": "ja"}), "/dimension/Region/extension/elimination", "expected true or false"),
    (_with(("dimension", "Region", "extension"), {"eliminationValueCode": "99"}), "/dimension/Region/extension/eliminationValueCode", "not a category of this id"),
    (dataset(value=[1.0] * 17), "/value", "17 values but size gives 18 cells"),
    (dataset(value=3), "/value", "expected a list or an object of cells"),
    (dataset(value={"0": 1, "18": 2}), "/value/18", "not a cell position 0 … 17"),
    (dataset(value=[0.0] * 4 + ["12"] + [0.0] * 13, status=None), "/value/4", 'expected a number or null, not "12"'),
    (dataset(status={"3": "e"}), "/status/3", "'e' is not a data symbol (. .. ... .... ..... ...... - :)"),
    (dataset(status=_STATUS_18), "/status", "17 entries but there are 18 cells"),
    (dataset(status=[None] * 5 + [7] + [None] * 12), "/status/5", "expected a data symbol or null"),
    (dataset(status=5), "/status", "expected a string, a list or an object"),
    (dataset(extension={}), "/extension/px/tableid", "no table id: give extension.px.tableid or matrix"),
    (dataset(role={"metric": ["ContentsCode", "Tid"]}), "/role/metric", "a PX table has at most one metric dimension"),
    (dataset(role={"time": ["Nope"]}), "/role/time/0", "not a dimension id"),
    (dataset(role={"place": ["Region"]}), "/role/place", "expected time, metric or geo: a list of ids"),
    (dataset(role=["Region"]), "/role", "expected an object"),
    (dataset(updated="i går"), "/updated", 'expected an ISO 8601 date and time like "2024-01-15T08:00:00Z"'),
    (dataset(label=5), "/label", "expected a string"),
    (dataset(extension={"px": {"tableid": "1", "decimals": 99}}), "/extension/px/decimals", "expected a whole number 0 … 15"),
    (dataset(extension={"px": {"tableid": "1", "aggregallowed": "kanskje"}}), "/extension/px/aggregallowed", "expected true or false"),
    (dataset(extension={"px": {"tableid": "1", "stub": ["Tid"], "heading": ["Tid", "Region", "ContentsCode"]}}), "/extension/px/stub", "stub and heading must name every dimension exactly once"),
    (dataset(extension={"px": {"tableid": "1", "stub": "Tid"}}), "/extension/px/stub", "expected a list of dimension ids"),
]  # fmt: skip


@pytest.mark.parametrize(("doc", "pointer", "detail"), BROKEN_JSONSTAT)
def test_jsonstat_refusals_are_said_in_norwegian(
    doc: object, pointer: str, detail: str | None
) -> None:
    error = _jsonstat(doc)
    first = error.errors[0]
    assert first.pointer == pointer, error.errors
    if detail is not None:
        assert first.detail == detail
    assert error.detail.startswith(f"The JSON-stat dataset is invalid at {pointer}: ")
    assert_told_in_both(error)
    assert where(first, "nb").startswith("i JSON-stat-filen, under «")


def test_jsonstat_too_many_cells_and_invalid_json_are_said_in_norwegian() -> None:
    error = _jsonstat(dataset(), max_cells=17)
    assert error.errors[0].detail == "18 cells is more than the limit of 17"
    assert_told_in_both(error)
    error = _jsonstat(b'{\n  "class": dataset}')
    first = error.errors[0]
    assert first.detail.startswith("not valid JSON at line 2, column 12: ")
    assert first.message("nb") == (
        "ikke gyldig JSON på linje 2, kolonne 12: her skulle det stått en verdi"
    )
    assert where(first, "nb") == "i hele filen" and where(first, "en") == "in the whole file"
    assert_told_in_both(error)
    for broken in (b"", b'{"class": "dataset",}', b'{"class": "dataset"} x', b"[1 2]"):
        assert_told_in_both(_jsonstat(broken))


def test_where_names_the_jsonstat_place_with_escapes_decoded() -> None:
    error = _jsonstat(_with(("dimension", "Tid", "category", "note"), {"a/b~c": "n"}))
    first = error.errors[0]
    assert first.pointer == "/dimension/Tid/category/note/a~1b~0c"
    assert where(first, "nb") == (
        "i JSON-stat-filen, under «dimension» → «Tid» → «category» → «note» → «a/b~c»"
    )
    assert where(first, "en") == (
        "in the JSON-stat file, under «dimension» → «Tid» → «category» → «note» → «a/b~c»"
    )


def test_many_problems_are_counted_in_both_languages() -> None:
    values: list[Any] = ["x"] * 18
    error = _jsonstat(dataset(value=values, status=None))
    assert len(error.errors) == 18
    error = _jsonstat(dataset(size=[30, 2, 3], value=["x"] * 180, status=None), max_cells=1000)
    assert error.errors[0].pointer == "/size/0"
    many = dataset(value={str(i): "x" for i in range(18)}, status=None)
    many["value"].update({str(100 + i): 1 for i in range(10)})
    error = _jsonstat(many)
    assert error.detail.endswith("(28 problems; the first 20 are listed)")
    assert error.message("nb").endswith("(28 feil; de første 20 er listet opp)")
    assert_told_in_both(error)


# --------------------------------------------------------------------------------------------
# CSV with its sidecar


def _csv(data: bytes, side: object) -> BadRequest:
    raw = side if isinstance(side, bytes) else js(side)
    return refusal(lambda: parse_csv_with_sidecar(data, raw, max_cells=1000))


def _dimension(position: int, **changes: Any) -> dict[str, Any]:
    body = sidecar()
    body["dimensions"][position].update(changes)
    return body


GOOD_CSV = csv_bytes(csv_rows())
BROKEN_SIDECAR: list[tuple[object, str, str]] = [
    ([1], "", "expected a JSON object describing the table"),
    (sidecar(extra=1), "/extra", "unknown key"),
    (sidecar(table_id=" "), "/table_id", "expected a non-empty string"),
    (sidecar(title="T"), "/title", 'expected texts by language: {"nb": "…", "en": "…"}'),
    (sidecar(notes=["n"]), "/notes", "expected lists of notes by language"),
    (sidecar(notes={"nb": 5}), "/notes/nb", "expected a string or a list of strings"),
    (sidecar(value_column=""), "/value_column", "expected a column name"),
    (sidecar(value_column="Tid"), "/value_column", "is also a dimension code"),
    (sidecar(decimals=16), "/decimals", "expected a whole number 0 … 15"),
    (sidecar(decimal_mark=";"), "/decimal_mark", 'expected "." or ","'),
    (sidecar(encoding="latin-9"), "/encoding", 'expected "utf-8" or "windows-1252"'),
    (sidecar(dimensions=[]), "/dimensions", "expected a non-empty list of dimensions"),
    (sidecar(source=5), "/source", "expected a string or texts by language"),
    (sidecar(source={"sv": "SCB"}), "/source/sv", "not a language of title"),
    (sidecar(official="kanskje"), "/official", "expected true or false"),
    (sidecar(dimensions=[5]), "/dimensions/0", "expected an object"),
    (_dimension(0, colour="blå"), "/dimensions/0/colour", "unknown key"),
    (_dimension(0, code=""), "/dimensions/0/code", "expected a non-empty string"),
    (_dimension(0, role="sted"), "/dimensions/0/role", "expected time, metric, geo or null"),
    (_dimension(0, values=[]), "/dimensions/0/values", "expected a non-empty list of values"),
    (_dimension(0, values=["0"]), "/dimensions/0/values/0", 'expected {"code": …, "label": …}'),
    (_dimension(0, values=[{"code": "0", "navn": "x"}]), "/dimensions/0/values/0/navn", "unknown key"),
    (_dimension(0, values=[{"code": ""}]), "/dimensions/0/values/0/code", "expected a non-empty string"),
    (_dimension(0, values=[{"code": "0"}, {"code": "0"}]), "/dimensions/0/values/1/code", "'0' is listed twice"),
    (_dimension(0, elimination_code="99"), "/dimensions/0/elimination_code", "not one of the values' codes"),
    (_dimension(0, elimination="ja"), "/dimensions/0/elimination", "expected true or false"),
    (_dimension(0, time_scale="A"), "/dimensions/0/time_scale", "A, H, Q, M or W, and only on the time role"),
    (_dimension(0, units={}), "/dimensions/0/units", "only the metric dimension has units"),
    (_dimension(0, columns="ja"), "/dimensions/0/columns", "expected true or false"),
    (_dimension(1, units=5), "/dimensions/1/units", "expected units by value code"),
    (_dimension(1, units={"Antall": {}}), "/dimensions/1/units/Antall", "not one of the values"),
    (_dimension(1, units={"Andel": 5}), "/dimensions/1/units/Andel", "expected texts by language and decimals"),
    (_dimension(1, units={"Andel": {"decimals": -1}}), "/dimensions/1/units/Andel/decimals", "expected a whole number 0 … 15"),
    (_dimension(2, code="Region"), "/dimensions", "dimension code 'Region' is used more than once"),
    (_dimension(2, role="metric"), "/dimensions", "a PX table has at most one metric dimension"),
]  # fmt: skip


@pytest.mark.parametrize(("side", "pointer", "detail"), BROKEN_SIDECAR)
def test_sidecar_refusals_are_said_in_norwegian(side: object, pointer: str, detail: str) -> None:
    error = _csv(GOOD_CSV, side)
    first = error.errors[0]
    assert (first.pointer, first.detail) == (pointer, detail), error.errors
    assert error.detail.startswith(f"The CSV sidecar is invalid at {pointer}: {detail}.")
    assert_told_in_both(error)
    if pointer:
        assert where(first, "nb").startswith("i sidefilen, under «")
        assert where(first, "en").startswith("in the sidecar, under «")
    else:
        assert where(first, "nb") == "i hele sidefilen"


def test_where_names_the_sidecar_place_in_words() -> None:
    error = _csv(GOOD_CSV, _dimension(0, values=[{"code": "0"}, {"code": "0"}]))
    assert (
        where(error.errors[0], "nb")
        == "i sidefilen, under «dimensions» → 0 → «values» → 1 → «code»"
    )
    assert error.message("nb") == (
        "Feil i sidefilen, under «dimensions» → 0 → «values» → 1 → «code»: «0» står to ganger."
    )
    error = _csv(GOOD_CSV, sidecar(**{"a/b": 1}))
    assert error.errors[0].pointer == "/a~1b"
    assert where(error.errors[0], "nb") == "i sidefilen, under «a/b»"


def test_sidecar_wide_table_and_invalid_json_refusals_are_said_in_norwegian() -> None:
    wide = sidecar()
    wide["dimensions"][0]["columns"] = True
    wide["dimensions"][1]["columns"] = True
    assert_told_in_both(_csv(GOOD_CSV, wide))
    wide = sidecar()
    wide["dimensions"][1]["columns"] = True
    wide["dimensions"][0]["code"] = "Andel"
    assert_told_in_both(_csv(GOOD_CSV, wide))
    lonely = sidecar()
    lonely["dimensions"] = [lonely["dimensions"][1]]
    lonely["dimensions"][0]["columns"] = True
    del lonely["value_column"]
    error = _csv(GOOD_CSV, lonely)
    assert error.errors[0].detail == "a dimension in columns needs another for the rows"
    assert_told_in_both(error)
    error = _csv(GOOD_CSV, b'{"table_id": "1",\n "title": }')
    assert error.errors[0].detail.startswith("not valid JSON at line 2, column 11: ")
    assert_told_in_both(error)
    error = refusal(lambda: parse_csv_with_sidecar(GOOD_CSV, js(sidecar()), max_cells=5))
    assert error.errors[0].detail == "18 cells is more than the limit of 5"
    assert_told_in_both(error)


def _rows(**row_changes: Any) -> list[list[str]]:
    rows = csv_rows()
    for index, row in row_changes.items():
        rows[int(index.removeprefix("r"))] = row
    return rows


BROKEN_CSV: list[tuple[bytes, int, str]] = [
    (b"", 1, "expected a header row naming the columns"),
    (b"Region,Tid,verdi\n0,2022,1\n", 1, "missing column 'ContentsCode'"),
    (b"Region,ContentsCode,Tid,value,value\n", 1, "column 'value' appears twice"),
    (b"Region,ContentsCode,Tid,value\n", 2, "no rows: expected 18, one per combination of codes"),
    (csv_bytes(_rows(r2=["0", "Folkemengde", "2024"])), 4, "3 columns; the header has 4"),
    (csv_bytes(_rows(r2=["0", '"Folkemengde"', "2024"])), 4, "3 columns; the header has 4"),
    (csv_bytes(_rows(r5=["99", "Andel", "2024", "1"])), 7, "Region: unknown code '99'"),
    (csv_bytes(_rows(r3=csv_rows()[0])), 5, "duplicate of line 2 (Region=0, ContentsCode=Folkemengde, Tid=2022)"),
    (csv_bytes(csv_rows()[:-1]), 19, "no row for Region=11, ContentsCode=Andel, Tid=2024"),
    (csv_bytes(_rows(r0=["0", "Folkemengde", "2022", "abc"])), 2, "value 'abc' is neither a number nor a data symbol"),
    (csv_bytes(csv_rows()).replace(b"Folkemengde", b"\xff", 1), 2, "bytes that are not valid UTF-8"),
    (csv_bytes(csv_rows()) + b'"' + b"x" * 140_000 + b'"\n', 20, "not CSV: field larger than field limit (131072)"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "line", "detail"), BROKEN_CSV)
def test_csv_refusals_are_said_in_norwegian_naming_the_line(
    data: bytes, line: int, detail: str
) -> None:
    error = _csv(data, sidecar())
    first = error.errors[0]
    assert first.pointer == f"line {line}", error.errors
    if detail:
        assert first.detail == detail
    assert error.detail.startswith(f"The CSV is invalid at line {line}: {first.detail}.")
    assert_told_in_both(error)
    assert where(first, "nb") == f"linje {line}"


def test_undecodable_csv_and_library_wording_stay_out_of_norwegian() -> None:
    data = csv_bytes(csv_rows()).replace(b"Folkemengde", b"Folkem\xe6ngde", 1)
    error = _csv(data, sidecar())
    assert error.errors[0].detail == "bytes that are not valid UTF-8"
    assert error.errors[0].message("nb") == "inneholder tegn som ikke er gyldig UTF-8"
    error = _csv(csv_bytes(csv_rows()) + b'"' + b"x" * 140_000 + b'"\n', sidecar())
    assert error.errors[0].message("nb") == "kan ikke leses som CSV: et felt er for langt"
    assert "131072" not in error.message("nb")


# --------------------------------------------------------------------------------------------
# Any file: the text limits


def test_texts_over_their_limit_are_refused_in_norwegian() -> None:
    table = parse_px(MINIMAL.replace('TITLE="T"', 'TITLE="' + "T" * 1001 + '"').encode())
    error = refusal(lambda: check_table_texts(table))
    assert error.key == "imp.limits.too_long"
    assert error.detail.startswith("Some texts in the table are too long (names, titles and labels")
    assert_norwegian(error.message("nb"), error.message("en"))
    assert where(error.errors[0], "nb") == "ved «TITLE[nb]»"


# --------------------------------------------------------------------------------------------
# The catalogue


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(IMPORT_MESSAGES))
def test_every_message_has_both_languages_with_the_same_placeholders(key: str) -> None:
    nb, en = IMPORT_MESSAGES[key]
    assert key.startswith("imp.") and MESSAGES[key] == (nb, en)
    assert nb.strip() and en.strip() and nb != en
    assert _placeholders(nb) == _placeholders(en), key
    assert not english_words(re.sub(r"\{[^}]*\}", " ", nb)), (key, nb)


def test_every_message_is_used_by_the_importers() -> None:
    source = "\n".join(
        path.read_text(encoding="utf-8")
        for path in INGEST.glob("*.py")
        if path.name not in ("messages.py", "placeholders.py")
    )
    source += (
        (INGEST / "messages.py").read_text(encoding="utf-8").split("register_messages(MESSAGES)")[1]
    )
    unused = [key for key in IMPORT_MESSAGES if f'"{key}"' not in source]
    assert unused == []


def test_where_says_the_whole_file_and_fields_in_words() -> None:
    whole = FieldError.said("", "imp.json.object", document="jsonstat")
    assert (where(whole, "nb"), where(whole, "en")) == ("i hele filen", "in the whole file")
    field = FieldError.said("statistic", "imp.store.unknown")
    assert where(field, "nb") == "ved «statistic»"
    assert translate("imp.store.unknown", "nb") == "ukjent"
