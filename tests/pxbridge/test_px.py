"""PX parsing and writing: a multilingual fixture round-tripped through our writer and pyaxis."""

from __future__ import annotations

import codecs
import math
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
    assert b'\n".." 3.50 3.25\n' in out

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


MINIMAL = 'CODEPAGE="utf-8";\nMATRIX="T";\nSTUB="a";\nVALUES("a")="x","y";\nDATA=\n1 2;\n'


def test_minimal_parses() -> None:
    table = parse_px(MINIMAL.encode())
    assert table.values.tolist() == [1.0, 2.0] and table.variables[0].codes == ("x", "y")
    assert table.contents_values[0].code == ""


@pytest.mark.parametrize(
    ("data", "pointer", "needle"),
    [
        (MINIMAL.replace('MATRIX="T";\n', ""), "line 1", "MATRIX"),
        (MINIMAL.split("DATA=")[0], "line 5", "DATA"),
        (MINIMAL.replace('STUB="a";\n', ""), "line 4", "STUB"),
        (MINIMAL.replace('VALUES("a")="x","y";', 'CODES("a")="x","y";'), "line 3", 'VALUES("a")'),
        (MINIMAL.replace('"x","y";', '"x","y";\nCODES("a")="1","2","3";'), "line 4", "CODES has 3"),
        (MINIMAL.replace("1 2;", "1\n2 3;"), "line 5", "DATA: 3 values"),
        (MINIMAL.replace("1 2;", "1\n- 2;"), "line 7", '"-"'),
        (MINIMAL.replace('MATRIX="T";', 'MATRIX="T;'), "line 2", "MATRIX: unterminated quote"),
        (MINIMAL.replace('MATRIX="T";', 'MATRIX "T";'), "line 2", "MATRIX: statement without '='"),
        (MINIMAL.replace("DATA=", 'KEYS("a")=VALUES;\nDATA='), "line 5", "KEYS is not supported"),
        (
            MINIMAL.replace("DATA=", 'TIMEVAL("a")=TLIST(A1),"1","2","3";\nDATA='),
            "line 4",
            "TIMEVAL has 3",
        ),
        (MINIMAL.replace("DATA=", 'LAST-UPDATED="yesterday";\nDATA='), "line 5", "LAST-UPDATED"),
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
    assert caught.value.errors[0].pointer == "line 5"
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
            f"DATA=\n{' '.join(['1'] * count)};\n"
        )
        variable = parse_px(data.encode()).variables[0]
        assert variable.codes[0] == first and variable.codes[-1] == last
        assert len(variable.codes) == count
    # 2020 has 53 ISO weeks.
    data = 'MATRIX="T";\nHEADING="t";\nVALUES("t")="a","b";\nTIMEVAL("t")=TLIST(W1,"2020W53"-"2021W01");\nDATA=\n1 2;\n'
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
