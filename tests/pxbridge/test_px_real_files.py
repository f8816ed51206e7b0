"""Real PX files (pxbridge/data, see SOURCES.md): parsed, written back and parsed again.

The expectations below were read off the files themselves (STUB/HEADING, VALUES, TITLE and the
DATA text) and agree with the summary column of SOURCES.md, which a test checks as well.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from pxbridge.formats.px import write_px
from pxbridge.ingest.px import PxTable, parse_px
from pxbridge.store import cells

DATA_DIR = Path(__file__).resolve().parents[2] / "pxbridge" / "data"


@dataclass(frozen=True)
class Expected:
    codepage: str  # as parse_px reports it (the file's CODEPAGE)
    language: str  # LANGUAGE as written in the file ("no" is read as "nb")
    languages: tuple[str, ...]  # as parsed, default first
    variables: tuple[str, ...]  # STUB then HEADING names in the default language
    codes: tuple[str, ...]  # VARIABLECODE of each, stub then heading
    sizes: tuple[int, ...]
    cells: int
    title_first_words: dict[str, str]  # per parsed language
    first_data: str  # the first and last DATA tokens exactly as the file text has them
    last_data: str


EXPECTED: dict[str, Expected] = {
    "14216.px": Expected(
        codepage="iso-8859-1",
        language="no",
        languages=("nb",),
        variables=("tettsted", "statistikkvariabel", "år"),
        codes=("TettSted", "ContentsCode", "Tid"),
        sizes=(1, 2, 2),
        cells=4,
        title_first_words={"nb": "14216: Areal og befolkning"},
        first_data="275.87",
        last_data="1098061.00",
    ),
    "tab_12909_metaid.px": Expected(
        codepage="iso-8859-1",
        language="no",
        languages=("nb",),
        variables=("yrke", "landbakgrunn", "statistikkvariabel", "kvartal"),
        codes=("Yrke", "LandBakgr", "ContentsCode", "Tid"),
        sizes=(2, 3, 2, 1),
        cells=12,
        title_first_words={"nb": "12909: Legemeldt sykefravær"},
        first_data="6.4",
        last_data="6.0",
    ),
    "WeeklyStatisticsWithTwoContent.px": Expected(
        codepage="iso-8859-1",
        language="no",
        languages=("nb",),
        variables=("varegruppe", "statistikkvariabel", "uke"),
        codes=("VareGrupper2", "ContentsCode", "Tid"),
        sizes=(2, 2, 1),
        cells=4,
        title_first_words={"nb": "03024: Eksport av oppalen"},
        first_data="17898.00",
        last_data="105.03",
    ),
    "statfin_khi_pxt_11xm.px": Expected(
        codepage="iso-8859-15",
        language="fi",
        languages=("fi", "sv", "en"),
        variables=("Vuosi", "Tiedot"),
        codes=("Vuosi", "Tiedot"),
        sizes=(72, 1),
        cells=72,
        title_first_words={
            "fi": "Elinkustannusindeksi",
            "sv": "Levnadskostnadsindex",
            "en": "Cost-of-living index",
        },
        first_data='"."',
        last_data="2161",
    ),
    "tab4_fewcells.px": Expected(
        codepage="iso-8859-1",
        language="en",
        languages=("en", "sv"),
        variables=("sector", "greenhouse gas", "contents", "year"),
        codes=("SECTOR", "GREENHOUSEGAS", "ContentsCode", "TIME"),
        sizes=(1, 1, 1, 1),
        cells=1,
        title_first_words={"en": "Total air emissions", "sv": "Totala utsläpp"},
        first_data="445",
        last_data="445",
    ),
    "MontlyStatisticsWithOneContent.px": Expected(
        codepage="iso-8859-1",
        language="no",
        languages=("nb",),
        variables=("varegruppe", "måned", "statistikkvariabel"),
        codes=("Varer", "Tid", "ContentsCode"),
        sizes=(5, 282, 1),
        cells=1410,
        title_first_words={"nb": "05333: Varekonsumindeks (2005=100),"},
        first_data="77.10000000",
        last_data="188.60000000",
    ),
}

FILES = sorted(EXPECTED)
_SUMMARY = re.compile(
    r"(\d+) cells?; (\d+) vars \(([^)]*)\); (\d+) languages? \(([^)]*)\)", re.IGNORECASE
)


def _raw(name: str) -> bytes:
    return (DATA_DIR / name).read_bytes()


def _data_tokens(raw: bytes) -> list[str]:
    """The DATA block's tokens as the file text has them (no PX text here contains "DATA=")."""
    body = raw.split(b"DATA=", 1)[1]
    return body[: body.rindex(b";")].decode("ascii").split()


def _cell_text(value: float) -> str | float:
    symbol = cells.decode(value)
    return f'"{symbol}"' if symbol is not None else value


def test_every_data_file_is_covered() -> None:
    assert sorted(p.name for p in DATA_DIR.glob("*.px")) == FILES


def test_expectations_agree_with_sources_md() -> None:
    rows = {}
    for line in (DATA_DIR / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        columns = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(columns) == 7 and columns[0] in EXPECTED:
            rows[columns[0]] = columns
    assert sorted(rows) == FILES
    for name, columns in rows.items():
        expected = EXPECTED[name]
        assert columns[5].rsplit(",", 1)[-1].strip() == expected.codepage, name
        match = _SUMMARY.fullmatch(columns[6])
        assert match is not None, columns[6]
        n_cells, n_vars, var_names, n_langs, langs = match.groups()
        assert int(n_cells) == expected.cells, name
        assert int(n_vars) == len(expected.variables), name
        assert tuple(v.strip() for v in var_names.split(",")) == expected.variables, name
        listed = tuple(lang.strip() for lang in langs.split(","))
        assert int(n_langs) == len(listed) == len(expected.languages), name
        assert listed[0] == expected.language, name
        assert listed[1:] == expected.languages[1:], name


@pytest.mark.parametrize("name", FILES)
def test_parse_real_file(name: str) -> None:
    expected = EXPECTED[name]
    raw = _raw(name)
    table = parse_px(raw)

    assert table.codepage == expected.codepage
    assert f'LANGUAGE="{expected.language}";' in raw.decode(expected.codepage)
    assert table.language == expected.languages[0]
    assert table.languages == expected.languages
    assert len(table.variables) == len(expected.variables)
    assert tuple(v.labels[table.language] for v in table.variables) == expected.variables
    assert (*table.stub, *table.heading) == expected.codes
    assert tuple(v.code for v in table.variables) == expected.codes
    assert table.sizes == expected.sizes
    assert table.values.shape == (expected.cells,)
    assert table.values.size == math.prod(table.sizes) == expected.cells
    for variable in table.variables:
        assert set(variable.value_labels) == set(table.languages)
        for labels in variable.value_labels.values():
            assert len(labels) == len(variable.codes)

    assert set(table.title) == set(expected.languages)
    for lang, words in expected.title_first_words.items():
        assert table.title[lang].startswith(words + " "), (lang, table.title[lang])
        assert table.title[lang] in raw.decode(expected.codepage)

    tokens = _data_tokens(raw)
    assert len(tokens) == expected.cells
    assert (tokens[0], tokens[-1]) == (expected.first_data, expected.last_data)
    for token, value in zip(tokens, table.values.tolist(), strict=True):
        assert _cell_text(value) == (token if token.startswith('"') else float(token))


def test_concrete_metadata_of_the_real_files() -> None:
    """The features SOURCES.md points out in each file."""
    oslo = parse_px(_raw("14216.px"))
    # CODES wins over a TIMEVAL list in another order: VALUES/CODES say 2025, 2024.
    assert oslo.variables[2].codes == ("2025", "2024") and oslo.variables[2].time_scale == "A"
    assert [(c.code, c.decimals) for c in oslo.contents_values] == [("Areal", 2), ("Bosatte", 0)]
    assert oslo.values.tolist() == [275.87, 276.3, 1110887.0, 1098061.0]

    sick = parse_px(_raw("tab_12909_metaid.px"))
    # The NOTE is split across two quoted strings in the middle of a word ("ikk" "e").
    (note,) = sick.notes["nb"]
    assert "Tabellen inkluderer ikke statsløse lønnstakere" in note
    assert sick.variables[3].time_scale == "Q" and sick.variables[3].codes == ("2025K4",)
    assert sick.variables[0].elimination_code == "0-9"
    assert sick.values[3] == -4.2 and sick.values[9] == -8.9

    salmon = parse_px(_raw("WeeklyStatisticsWithTwoContent.px"))
    assert salmon.variables[2].time_scale == "W" and salmon.variables[2].codes == ("2023U29",)
    assert [(c.code, c.decimals) for c in salmon.contents_values] == [("Vekt", 0), ("Kilopris", 2)]

    index = parse_px(_raw("statfin_khi_pxt_11xm.px"))
    assert index.variables[0].codes[0] == "1951" and index.variables[0].codes[-1] == "2022"
    assert index.variables[1].value_labels == {
        "fi": ("Pisteluku",),
        "sv": ("Indextal",),
        "en": ("Point figure",),
    }
    value_notes = index.variables[1].value_notes
    assert set(value_notes) == {"fi", "sv", "en"}
    assert value_notes["en"]["pisteluku"][0].startswith("Point figure is a change quantity")
    # The "." missing-value symbol is a NaN carrying its own payload.
    assert index.values.view(np.uint64)[0] == np.float64(cells.encode(".")).view(np.uint64)
    assert cells.decode(float(index.values[0])) == "."
    assert index.values[1] == 101 and index.values[-1] == 2161

    emissions = parse_px(_raw("tab4_fewcells.px"))
    assert emissions.variables[0].value_labels["sv"] == (
        "LÖSNINGSMEDEL OCH ÖVRIG PRODUKTANVÄNDNING, TOTALT",
    )
    assert emissions.variables[0].notes == {"en": ("Footnote text",), "sv": ("Text för Fotnot",)}
    assert emissions.values.tolist() == [445.0]


def _assert_same(again: PxTable, table: PxTable) -> None:
    assert again.language == table.language
    assert again.languages == table.languages
    assert (again.stub, again.heading) == (table.stub, table.heading)
    assert again.sizes == table.sizes
    assert len(again.variables) == len(table.variables)
    for before, after in zip(table.variables, again.variables, strict=True):
        assert after.code == before.code
        assert after.codes == before.codes
        assert after.is_contents == before.is_contents
        assert after.time_scale == before.time_scale
        for lang in table.languages:
            assert after.labels[lang] == before.labels[lang], (before.code, lang)
            assert after.value_labels[lang] == before.value_labels[lang], (before.code, lang)
        assert dict(after.notes) == dict(before.notes)
        assert dict(after.value_notes) == dict(before.value_notes)
    assert dict(again.title) == dict(table.title)
    assert dict(again.notes) == dict(table.notes)
    assert again.contents_values == table.contents_values
    assert again.values.dtype == table.values.dtype == np.float64
    np.testing.assert_array_equal(again.values.view(np.uint64), table.values.view(np.uint64))


@pytest.mark.parametrize("codepage", ["utf-8", "windows-1252", "iso-8859-1"])
@pytest.mark.parametrize("name", FILES)
def test_write_then_parse_again(name: str, codepage: str) -> None:
    table = parse_px(_raw(name))
    out = write_px(
        table,
        table.values,
        table.variables,
        table.stub,
        table.heading,
        languages=table.languages,
        codepage=codepage,
    )
    again = parse_px(out)
    assert again.codepage == codepage.replace("windows-1252", "cp1252")
    _assert_same(again, table)
