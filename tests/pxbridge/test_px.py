"""PX parsing and writing: a multilingual fixture round-tripped through our writer and pyaxis."""

from __future__ import annotations

import codecs
import math
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from pyaxis import pyaxis  # type: ignore[import-untyped]

from portal.kernel.errors import BadRequest
from pxbridge.formats.px import write_px
from pxbridge.ingest.px import PxTable, Variable, parse_px
from pxbridge.store import cells

FIXTURE = """CHARSET="ANSI";
AXIS-VERSION="2013";
CODEPAGE="{codepage}";
LANGUAGE="no";
LANGUAGES="no","en";
CREATION-DATE="20240115 08:00";
DECIMALS=1;
SHOWDECIMALS=1;
MATRIX="BefolkFylke";
TABLEID="07459";
SUBJECT-CODE="be";
SUBJECT-AREA="Befolkning";
SUBJECT-AREA[en]="Population";
TITLE="Befolkning og flyttinger i fylker, etter region, statistikkvariabel og år";
TITLE[en]="Population and migration, by region, contents and year";
CONTENTS="Befolkning";
CONTENTS[en]="Population";
UNITS="personer";
UNITS[en]="persons";
STUB="region","statistikkvariabel";
STUB[en]="region","contents";
HEADING="år";
HEADING[en]="year";
CONTVARIABLE="statistikkvariabel";
CONTVARIABLE[en]="contents";
VARIABLECODE("region")="Region";
VALUES("region")="Hele landet","Østfold","Møre og Romsdal";
VALUES[en]("region")="The whole country","Østfold","Møre og Romsdal";
CODES("region")="0","01","15";
ELIMINATION("region")="Hele landet";
ELIMINATION[en]("region")="The whole country";
PRESTEXT("region")=2;
VALUENOTE("region","Møre og Romsdal")="Inkluderer tidligere ";
VALUENOTE[en]("region","Møre og Romsdal")="Includes former ";
VARIABLECODE("statistikkvariabel")="ContentsCode";
VALUES("statistikkvariabel")="Folkemengde","Andel flyttet";
VALUES[en]("statistikkvariabel")="Population","Share moved";
CODES("statistikkvariabel")="Folkemengde","AndelFlytt";
VARIABLECODE("år")="Tid";
VALUES("år")="2021","2022","2023";
TIMEVAL("år")=TLIST(A1,"2021"-"2023");
NOTE("region")="Fylkesinndeling per 2024.";
PRECISION("statistikkvariabel","Andel flyttet")=2;
LAST-UPDATED("Folkemengde")="20240220 08:00";
LAST-UPDATED("Andel flyttet")="20240701 08:00";
UNITS("Folkemengde")="personer";
UNITS("Andel flyttet")="prosent";
UNITS[en]("Population")="persons";
UNITS[en]("Share moved")="per cent";
STOCKFA("Folkemengde")="S";
SOURCE="Statistisk sentralbyrå";
SOURCE[en]="Statistics Norway";
CONTACT="Ola Nordmann, SSB";
NOTE="Tall for 2023 er foreløpige; se "
"statistikkbanken.";
NOTE[en]="Figures for 2023 are provisional.";
DATA=
5391369.0 5425270.0 5488984.0
".." 3.5 3.25
299447.0 ":" 304000.0
1.0 "-" -0.5
265238.0 266856.0 269000.5
2.0 2.1 2.22;
"""

VALUES = [
    5391369.0, 5425270.0, 5488984.0,
    None, 3.5, 3.25,
    299447.0, ":", 304000.0,
    1.0, "-", -0.5,
    265238.0, 266856.0, 269000.5,
    2.0, 2.1, 2.22,
]  # fmt: skip


def _cp1252() -> bytes:
    return FIXTURE.format(codepage="windows-1252").encode("cp1252")


def _utf8_bom() -> bytes:
    text = FIXTURE.format(codepage="utf-8").replace('CHARSET="ANSI";\n', "")
    return codecs.BOM_UTF8 + text.encode("utf-8")


def _as_cells(table: PxTable) -> list[float | str | None]:
    out: list[float | str | None] = []
    for v in table.values.tolist():
        symbol = cells.decode(v)
        out.append(None if symbol == ".." else symbol if symbol else v)
    return out


def _check_fixture(table: PxTable) -> None:
    assert table.matrix == "BefolkFylke"
    assert table.table_id == "07459"
    assert table.language == "nb"
    assert table.languages == ("nb", "en")
    assert table.title["en"] == "Population and migration, by region, contents and year"
    assert table.title["nb"].startswith("Befolkning og flyttinger i fylker")
    assert table.contents == {"nb": "Befolkning", "en": "Population"}
    assert table.source == {"nb": "Statistisk sentralbyrå", "en": "Statistics Norway"}
    assert table.notes["nb"] == ("Tall for 2023 er foreløpige; se statistikkbanken.",)
    assert table.notes["en"] == ("Figures for 2023 are provisional.",)
    assert table.decimals == 1 and table.showdecimals == 1
    assert table.subject_code == "be"
    assert table.subject_area == {"nb": "Befolkning", "en": "Population"}
    assert table.updated == datetime(2024, 7, 1, 6, 0, tzinfo=UTC)
    assert table.stub == ("Region", "ContentsCode")
    assert table.heading == ("Tid",)
    assert table.sizes == (3, 2, 3)
    region, contents, year = table.variables
    assert region.labels == {"nb": "region", "en": "region"}
    assert region.codes == ("0", "01", "15")
    assert region.value_labels["nb"] == ("Hele landet", "Østfold", "Møre og Romsdal")
    assert region.value_labels["en"][0] == "The whole country"
    assert region.elimination and region.elimination_code == "0"
    assert region.show == "code_value"
    assert region.notes == {"nb": ("Fylkesinndeling per 2024.",)}
    assert region.value_notes["nb"] == {"15": ("Inkluderer tidligere ",)}
    assert region.value_notes["en"] == {"15": ("Includes former ",)}
    assert region.time_scale is None and not region.is_contents
    assert contents.is_contents and contents.codes == ("Folkemengde", "AndelFlytt")
    assert contents.labels["en"] == "contents"
    assert not contents.elimination
    assert year.code == "Tid" and year.time_scale == "A"
    assert year.codes == ("2021", "2022", "2023")
    pop, share = table.contents_values
    assert (pop.code, pop.decimals, pop.stockfa) == ("Folkemengde", 1, "S")
    assert pop.units == {"nb": "personer", "en": "persons"}
    assert pop.last_updated == datetime(2024, 2, 20, 7, 0, tzinfo=UTC)
    assert (share.code, share.decimals, share.stockfa) == ("AndelFlytt", 2, None)
    assert share.units == {"nb": "prosent", "en": "per cent"}
    assert share.last_updated == datetime(2024, 7, 1, 6, 0, tzinfo=UTC)
    assert table.symbols["-"] == "-" and table.symbols[".."] == ".."
    assert _as_cells(table) == VALUES


@pytest.mark.parametrize(("data", "codepage"), [(_cp1252(), "cp1252"), (_utf8_bom(), "utf-8")])
def test_parse_fixture(data: bytes, codepage: str) -> None:
    table = parse_px(data)
    assert table.codepage == codepage
    _check_fixture(table)


def test_iso_8859_1_is_read_as_cp1252_and_reported_as_declared() -> None:
    data = FIXTURE.format(codepage="iso-8859-1").replace("foreløpige", "foreløpige – ")
    table = parse_px(data.encode("cp1252"))
    assert table.codepage == "iso-8859-1"
    assert "– " in table.notes["nb"][0]


def test_write_then_parse_again_and_with_pyaxis(tmp_path: Path) -> None:
    table = parse_px(_cp1252())
    out = write_px(table, table.values, table.variables, table.stub, table.heading)
    assert out.count(b"DATA=") == 1
    again = parse_px(out)
    _check_fixture(again)
    assert again.values.view(np.uint64).tolist() == table.values.view(np.uint64).tolist()
    # PRECISION 2 for the share: written with at least the digits the cells carry.
    assert re.search(rb'\n"\.\." 3\.50? 3\.25\n', out)

    path = tmp_path / "out.px"
    path.write_bytes(out)
    parsed = pyaxis.parse(str(path), encoding="utf-8")
    frame = parsed["DATA"]
    assert list(frame["region"].unique()) == ["Hele landet", "Østfold", "Møre og Romsdal"]
    assert list(frame["statistikkvariabel"].unique()) == ["Folkemengde", "Andel flyttet"]
    assert list(frame["år"].unique()) == ["2021", "2022", "2023"]
    for got, want in zip(frame["DATA"].tolist(), VALUES, strict=True):
        if want is None:
            assert isinstance(got, float) and math.isnan(got)
        elif isinstance(want, str):
            assert got == f'"{want}"'
        else:
            assert float(got) == want


def test_write_a_selection_in_one_language_and_cp1252() -> None:
    table = parse_px(_utf8_bom())
    region, contents, year = table.variables
    picked = cells.select(table.values, table.sizes, [[2, 0], [1], None])
    sub_region = _subset(region, [2, 0])
    sub_contents = _subset(contents, [1])
    variables = [sub_region, sub_contents, year]
    out = write_px(
        table, picked, variables, table.stub, table.heading, languages=["en"], codepage="cp1252"
    )
    assert out.startswith(b'CHARSET="ANSI";')
    again = parse_px(out)
    assert again.codepage == "cp1252"
    assert again.language == "en" and again.languages == ("en",)
    assert again.variables[0].codes == ("15", "0")
    assert again.variables[0].value_labels["en"] == ("Møre og Romsdal", "The whole country")
    assert again.contents_values[0].units == {"en": "per cent"}
    assert _as_cells(again) == [2.0, 2.1, 2.22, None, 3.5, 3.25]


def _subset(variable: Variable, positions: list[int]) -> Variable:
    return replace(
        variable,
        codes=tuple(variable.codes[p] for p in positions),
        value_labels={k: tuple(v[p] for p in positions) for k, v in variable.value_labels.items()},
    )


def test_ten_thousand_cells_round_trip_with_negatives_and_long_texts() -> None:
    rng = np.random.default_rng(3)
    numbers = np.round(rng.normal(0, 1e6, 10_000), 1)
    numbers[::97] = cells.encode("...")
    body = " ".join('"..."' if math.isnan(x) else f"{x:.1f}" for x in numbers.tolist())
    long_note = "Lang merknad. " * 60
    a_values = ",".join(f'"{i}"' for i in range(100))
    b_values = ",".join(f'"b{i}"' for i in range(100))
    data = (
        'CODEPAGE="utf-8";\nLANGUAGE="nb";\nDECIMALS=1;\nMATRIX="X";\n'
        'TITLE="X";\nCONTENTS="X";\nUNITS="n";\n'
        f'NOTE="{long_note}";\nSTUB="a";\nHEADING="b";\n'
        f'VALUES("a")={a_values};\nVALUES("b")={b_values};\n'
        f"DATA=\n{body};\n"
    ).encode()
    table = parse_px(data)
    assert table.values.view(np.uint64).tolist() == numbers.view(np.uint64).tolist()
    out = write_px(table, table.values, table.variables, table.stub, table.heading)
    assert max(len(line) for line in out.split(b"\nDATA=")[0].split(b"\n")) < 300
    again = parse_px(out)
    assert again.notes["nb"] == (long_note,)
    assert again.values.view(np.uint64).tolist() == numbers.view(np.uint64).tolist()


def _error(data: str) -> BadRequest:
    with pytest.raises(BadRequest) as caught:
        parse_px(data.encode("utf-8"))
    assert caught.value.status == 400
    return caught.value


MINIMAL = (
    'CODEPAGE="utf-8";\nMATRIX="T";\nSTUB="a";\nVALUES("a")="x","y";\n'
    'TITLE="T";CONTENTS="T";UNITS="n";\nDATA=\n1 2;\n'
)


def test_minimal_parses() -> None:
    table = parse_px(MINIMAL.encode())
    assert table.values.tolist() == [1.0, 2.0] and table.variables[0].codes == ("x", "y")
    assert table.contents_values[0].code == ""


@pytest.mark.parametrize(
    ("data", "pointer", "needle"),
    [
        (MINIMAL.replace('MATRIX="T";\n', ""), "line 5", "MATRIX: the file has no MATRIX"),
        (MINIMAL.split("DATA=")[0], "line 6", "DATA"),
        (MINIMAL.replace('STUB="a";\n', ""), "line 5", "STUB"),
        (MINIMAL.replace('VALUES("a")="x","y";', 'CODES("a")="x","y";'), "line 3", 'VALUES("a")'),
        (MINIMAL.replace('"x","y";', '"x","y";\nCODES("a")="1","2","3";'), "line 4", "CODES has 3"),
        (MINIMAL.replace("1 2;", "1\n2 3;"), "line 6", "DATA: 3 values"),
        (MINIMAL.replace("1 2;", "1\n- 2;"), "line 8", '"-"'),
        (MINIMAL.replace('MATRIX="T";', 'MATRIX="T;'), "line 2", "MATRIX: unterminated quote"),
        (MINIMAL.replace('MATRIX="T";', 'MATRIX "T";'), "line 2", "MATRIX: statement without '='"),
        # Mandatory keywords (what PxWeb's example database keeps in error/fatal).
        (MINIMAL.replace('TITLE="T";', ""), "line 6", "TITLE: the file has no TITLE or DESC"),
        (MINIMAL.replace('CONTENTS="T";', ""), "line 6", "CONTENTS: the file has no CONTENTS"),
        (MINIMAL.replace('UNITS="n";', ""), "line 6", "UNITS: the file has no UNITS"),
        (MINIMAL.replace('UNITS="n";', 'UNITS="n";\nCONTVARIABLE="b";'), "line 6", "CONTVARIABLE"),
        (
            MINIMAL.replace('UNITS="n";', 'UNITS="n";\nCONTVARIABLE="a";\nUNITS("x")="n";'),
            "line 8",
            'UNITS("y"): missing for this value of the contents variable (CONTVARIABLE on line 6)',
        ),
        (MINIMAL.replace('UNITS="n";', 'UNITS="n";\nCODES("b")="1";'), "line 6", 'CODES("b")'),
        (MINIMAL.replace('UNITS="n";', 'UNITS="n";\nVALUES("b")="1";'), "line 6", 'VALUES("b")'),
        # A mandatory keyword that cannot be read refuses the file; an optional one does not.
        (MINIMAL.replace('UNITS="n";', 'UNITS="n"x";'), "line 5", "UNITS: unterminated quote"),
        (
            MINIMAL.replace("DATA=\n1 2;", 'KEYS("a")=VALUES;\nDATA=\n"x",1\n"z",2;'),
            "line 9",
            'DATA: "z" is no value of "a" (KEYS)',
        ),
        (
            MINIMAL.replace("DATA=\n1 2;", 'KEYS("a")=VALUES;\nDATA=\n"x",1\n"x",2;'),
            "line 9",
            "given twice",
        ),
        (MINIMAL.replace("1 2;", "1 2;\n3"), "line 7", "text after the ';' that ends DATA"),
    ],
)
def test_rejections_name_line_and_keyword(data: str, pointer: str, needle: str) -> None:
    error = _error(data)
    assert error.errors[0].pointer == pointer, error.errors
    assert needle in error.errors[0].detail, error.errors
    assert pointer in error.detail and needle in error.detail


def test_too_many_cells_is_rejected_before_reading_data() -> None:
    data = MINIMAL.replace("1 2;", "this is never parsed;")
    with pytest.raises(BadRequest) as caught:
        parse_px(data.encode(), max_cells=1)
    assert caught.value.errors[0].pointer == "line 6"
    assert "more than the limit of 1" in caught.value.errors[0].detail


def test_undecodable_bytes_name_the_line() -> None:
    data = MINIMAL.replace('STUB="a"', 'STUB="a"').encode().replace(b'"x"', b'"\xff\xfe"')
    with pytest.raises(BadRequest) as caught:
        parse_px(data)
    assert caught.value.errors[0].pointer == "line 4"
    assert "VALUES" in caught.value.errors[0].detail


def test_values_codes_mismatch_message() -> None:
    error = _error(MINIMAL.replace('"x","y";', '"x","y","z";\nCODES("a")="1","2","3","4";'))
    assert error.errors[0].detail == 'VALUES("a"): 3 values but CODES has 4'
    assert error.errors[0].pointer == "line 4"


def test_timeval_ranges_expand_for_quarters_months_and_weeks() -> None:
    for tlist, first, last, count in [
        ('TLIST(Q1,"2020K3"-"2021K2")', "2020K3", "2021K2", 4),
        ('TLIST(M1,"2020M11"-"2021M02")', "2020M11", "2021M02", 4),
        ('TLIST(W1,"2020U52"-"2021U02")', "2020U52", "2021U02", 4),
    ]:
        labels = ",".join(f'"{i}"' for i in range(count))
        data = (
            f'MATRIX="T";\nHEADING="t";\nVALUES("t")={labels};\nTIMEVAL("t")={tlist};\n'
            f'TITLE="T";CONTENTS="T";UNITS="n";\nDATA=\n{" ".join(["1"] * count)};\n'
        )
        variable = parse_px(data.encode()).variables[0]
        assert variable.codes[0] == first and variable.codes[-1] == last
        assert len(variable.codes) == count
    # 2020 has 53 ISO weeks.
    data = MINIMAL.replace('STUB="a"', 'HEADING="a"').replace(
        "DATA=", 'TIMEVAL("a")=TLIST(W1,"2020W53"-"2021W01");\nDATA='
    )
    assert parse_px(data.encode()).variables[0].codes == ("2020W53", "2021W01")


def test_a_code_listed_twice_is_refused_naming_its_line() -> None:
    """A selection names values by code, so two values with one code cannot both be chosen."""
    error = _error(MINIMAL.replace('"x","y";', '"x","y";\nCODES("a")="1","1";'))
    assert error.errors[0].pointer == "line 5"
    assert error.errors[0].detail == 'CODES("a"): the code "1" is listed twice'
    texts = _error(MINIMAL.replace('"x","y";', '"x","x";'))
    assert texts.errors[0].detail == 'VALUES("a"): the code "x" is listed twice'


def test_aggregallowed() -> None:
    assert parse_px(MINIMAL.encode()).aggregallowed is None
    for said, read in (("NO", False), ("YES", True)):
        data = MINIMAL.replace('MATRIX="T";', f'MATRIX="T";\nAGGREGALLOWED={said};')
        assert parse_px(data.encode()).aggregallowed is read


def _warnings(table: PxTable) -> list[tuple[int, str]]:
    return [(w.line, w.keyword) for w in table.warnings]


def test_minimal_has_the_warnings_pxweb_would_give() -> None:
    """SUBJECT-AREA, SUBJECT-CODE and DECIMALS are mandatory to PxWeb; read without, with a warning."""
    assert _warnings(parse_px(MINIMAL.encode())) == [
        (6, "SUBJECT-AREA"),
        (6, "SUBJECT-CODE"),
        (6, "DECIMALS"),
    ]


FULL = MINIMAL.replace("DATA=", 'SUBJECT-AREA="s";SUBJECT-CODE="s";DECIMALS=0;\nDATA=')


def test_an_unreadable_optional_value_is_kept_as_text_with_a_warning() -> None:
    data = FULL.replace("DATA=", 'LAST-UPDATED="05/10/99";\nCREATION-DATE="20240101 10:00";\nDATA=')
    table = parse_px(data.encode())
    assert table.values.tolist() == [1.0, 2.0]
    (warning,) = table.warnings
    assert (warning.line, warning.keyword) == (7, "LAST-UPDATED")
    assert '"05/10/99" is not a date' in warning.text
    assert table.kept_as_text == {"LAST-UPDATED": "05/10/99"}
    # The file's other date still counts.
    assert table.updated == datetime(2024, 1, 1, 9, 0, tzinfo=UTC)


def test_an_optional_statement_that_cannot_be_read_is_left_out_with_a_warning() -> None:
    data = FULL.replace("DATA=", 'NOTE="Optio"nal note";\nSOURCE="SSB";\nSHOWDECIMALS=A;\nDATA=')
    table = parse_px(data.encode())
    assert _warnings(table) == [(7, "NOTE"), (9, "SHOWDECIMALS")]
    assert "unterminated quote" in table.warnings[0].text
    assert table.notes == {} and table.source == {"nb": "SSB"}
    assert table.showdecimals is None and table.kept_as_text == {"SHOWDECIMALS": "A"}
    # SHOWDECIMALS above DECIMALS: PxWeb leaves it out, and so do we.
    table = parse_px(FULL.replace("DECIMALS=0;", "DECIMALS=0;SHOWDECIMALS=2;").encode())
    assert table.showdecimals is None
    assert [(w.keyword, w.text) for w in table.warnings] == [
        ("SHOWDECIMALS", "2 is more than DECIMALS=0: left out, as PxWeb does")
    ]


def test_names_are_matched_exactly_as_pxweb_matches_them() -> None:
    """`HEADING="sexo "` and `VALUES("sexo ")` (INE's 14001.px) are one variable; "sexo" another."""
    data = FULL.replace('STUB="a";', 'STUB="a ";').replace('VALUES("a")', 'VALUES("a ")')
    table = parse_px(data.encode())
    assert table.variables[0].labels == {"nb": "a "} and table.variables[0].codes == ("x", "y")
    error = _error(FULL.replace('STUB="a";', 'STUB="a ";'))
    assert error.errors[0].detail == 'VALUES("a "): missing for this variable'


def test_statements_naming_no_variable_are_left_out_with_a_warning() -> None:
    data = FULL.replace(
        "DATA=",
        'ELIMINATION("b")=YES;\nVALUENOTE("a","z")="n";\nELIMINATION("a")="q";\nDATA=',
    )
    table = parse_px(data.encode())
    assert _warnings(table) == [
        (7, 'ELIMINATION("b")'),
        (8, 'VALUENOTE("a","z")'),
        (9, 'ELIMINATION("a")'),
    ]
    assert not table.variables[0].elimination and table.variables[0].value_notes == {}


def test_data_without_its_final_semicolon_is_read_to_the_end_of_the_file() -> None:
    table = parse_px(FULL.replace("1 2;", "1 2").encode())
    assert table.values.tolist() == [1.0, 2.0]
    assert [(w.line, w.keyword, w.text) for w in table.warnings] == [
        (8, "DATA", "not terminated by ';': read to the end of the file")
    ]
    # Still refused: a count other than the cells'.
    assert "1 values but" in _error(FULL.replace("1 2;", "1")).errors[0].detail


def test_semicolons_between_values_are_separators_with_a_warning() -> None:
    """INE's 14001.px ends every row with ';' and DATA with ';;' (pyaxis reads on; PxWeb stops)."""
    table = parse_px(FULL.replace("1 2;", "1;\n2;;\n").encode())
    assert table.values.tolist() == [1.0, 2.0]
    assert [(w.line, w.keyword) for w in table.warnings] == [(8, "DATA")]
    assert "';' before the last value" in table.warnings[0].text


def test_timeval_on_a_scale_pxweb_does_not_know_keeps_its_periods() -> None:
    """TLIST(K) (Statistics Norway's Transmengde.px in PxWeb's example database): PxWeb keeps a
    time variable without a scale; so do we, with its letter and a warning."""
    data = FULL.replace("DATA=", 'TIMEVAL("a")=TLIST(K),"2020K1","2020K2";\nDATA=')
    table = parse_px(data.encode())
    (variable,) = table.variables
    assert variable.time_scale == "K" and variable.codes == ("2020K1", "2020K2")
    assert _warnings(table) == [(7, 'TIMEVAL("a")')]
    # A TIMEVAL listing another number of periods than VALUES: the periods are left out.
    data = FULL.replace("DATA=", 'TIMEVAL("a")=TLIST(A1),"1","2","3";\nDATA=')
    table = parse_px(data.encode())
    assert table.variables[0].codes == ("x", "y") and table.variables[0].time_scale == "A"
    assert "3 periods but VALUES has 2" in table.warnings[0].text


def test_keys_data_is_read_into_the_dense_cells() -> None:
    """KEYS: each row names its stub values (VALUES, or CODES when KEYS says so), rows left out are
    zeros (the PX specification), in any order, symbols as in dense DATA."""
    data = (
        'CODEPAGE="utf-8";\nMATRIX="K";\nTITLE="K";\nCONTENTS="K";\nUNITS="n";\nDECIMALS=0;\n'
        'SUBJECT-AREA="s";\nSUBJECT-CODE="s";\nSTUB="a","b";\nHEADING="c";\n'
        'VALUES("a")="A1","A2";\nVALUES("b")="B1","B2","B3";\nVALUES("c")="C1","C2";\n'
        'CODES("b")="b1","b2","b3";\nKEYS("a")=VALUES;\nKEYS("b")=CODES;\nDATA=\n'
        '"A2","b3",5 ".."\n"A1","b2",1 2\n;\n'
    )
    table = parse_px(data.encode())
    assert table.sizes == (2, 3, 2)
    assert _as_cells(table) == [0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0, None]
    assert [w.text for w in table.warnings] == ["KEYS: 4 of 6 rows left out, read as zeros"]
    with pytest.raises(BadRequest, match="KEYS are for variables of the STUB only"):
        parse_px(data.replace('KEYS("b")=CODES;', 'KEYS("b")=CODES;\nKEYS("c")=VALUES;').encode())
    with pytest.raises(BadRequest, match="the last row has 1 cells, not 2"):
        parse_px(data.replace("2\n;", '2\n"A2","b1",7\n;').encode())
