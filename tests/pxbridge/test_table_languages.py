"""Issue 21, "a file's languages are the truth": every language a table file has is kept and served.

Real multilingual files from pxbridge/data, uploaded through HTTP as producers upload them: a Finnish,
Swedish and English file (Statistics Finland) and an English and Swedish one (PxWeb's example
database). A request in any of a table's languages answers in it (PxWebApi 2.0, JSON-stat, CSV, xlsx,
PX and the classic API), and PX output (asked, or the whole-table file) holds every language with the
labels and notes of the original file, as our parser and pyaxis read them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from pyaxis import pyaxis  # type: ignore[import-untyped]
from sqlalchemy import select

from portal.http.db import get_database
from pxbridge.formats.output import FORMAT_NAMES
from pxbridge.ingest.px import PxTable, parse_px
from pxbridge.models import DataTable, TableVariable
from tests.conftest import bearer, make_token
from tests.pxbridge.conftest import API, DATA

STATFIN = "statfin_khi_pxt_11xm.px"  # LANGUAGE="fi", LANGUAGES="fi","sv","en"
TAB4 = "tab4_fewcells.px"  # LANGUAGE="en", LANGUAGES="en","sv"
FILES = [STATFIN, TAB4]


def _upload(app: Flask, client: FlaskClient, name: str) -> str:
    token = make_token(app, "ssb", "issue 21 languages")
    response = client.post(
        "/api/v1/tables?statistic=laks",
        data=(DATA / name).read_bytes(),
        content_type="application/octet-stream",
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    return str(response.json["id"])


def _original(name: str) -> PxTable:
    return parse_px((DATA / name).read_bytes())


def _every(original: PxTable) -> str:
    return "&".join(f"valuecodes[{v.code}]=*" for v in original.variables)


def _assert_same_texts(ours: PxTable, original: PxTable) -> None:
    """Every language of ``original`` in ``ours``, with the same labels, units and notes in each."""
    assert ours.language == original.language
    assert ours.languages == original.languages
    for lang in original.languages:
        assert ours.title[lang] == original.title[lang], lang
        assert ours.contents[lang] == original.contents[lang], lang
        assert ours.units[lang] == original.units[lang], lang
        assert ours.source.get(lang) == original.source.get(lang), lang
        assert ours.notes.get(lang) == original.notes.get(lang), lang
        for mine, theirs in zip(ours.variables, original.variables, strict=True):
            assert mine.code == theirs.code
            assert mine.labels[lang] == theirs.labels[lang], (lang, theirs.code)
            assert mine.value_labels[lang] == theirs.value_labels[lang], (lang, theirs.code)
            assert mine.notes.get(lang) == theirs.notes.get(lang), (lang, theirs.code)
        for mine_c, theirs_c in zip(ours.contents_values, original.contents_values, strict=True):
            assert mine_c.units[lang] == theirs_c.units[lang], lang
    assert np.array_equal(ours.values, original.values, equal_nan=True)


def _number(text: str) -> float | str:
    """A pyaxis DATA cell as a number, or as the text it is (a symbol, or "" for one pyaxis drops)."""
    try:
        return float(text)
    except ValueError:
        return text


def _assert_pyaxis_reads_the_same(ours: bytes, name: str, tmp_path: Path) -> None:
    """pyaxis reads the same frame, column names and labels in each language, from ours and the
    original (pyaxis' own reading of a multilingual file, independent of our parser)."""
    original = _original(name)
    mine_path = tmp_path / f"ours-{name}"
    mine_path.write_bytes(ours)
    for lang in original.languages:
        chosen = None if lang == original.language else lang
        theirs = pyaxis.parse(str(DATA / name), encoding=original.codepage, lang=chosen)["DATA"]
        mine = pyaxis.parse(str(mine_path), encoding="utf-8", lang=chosen)["DATA"]
        assert list(mine.columns) == list(theirs.columns), lang
        for column in theirs.columns[:-1]:
            assert list(mine[column]) == list(theirs[column]), (lang, column)
        assert [_number(x) for x in mine["DATA"]] == [_number(x) for x in theirs["DATA"]], lang


@pytest.mark.parametrize("name", FILES)
def test_pxwebapi_answers_in_each_of_the_tables_languages(
    app: Flask, client: FlaskClient, name: str
) -> None:
    table_id = _upload(app, client, name)
    original = _original(name)
    for lang in original.languages:
        table = client.get(f"{API}/tables/{table_id}?lang={lang}")
        assert table.status_code == 200, table.text
        assert table.json["language"] == lang and table.headers["Content-Language"] == lang
        assert table.json["label"] == original.title[lang]
        assert table.json["variableNames"] == [v.labels[lang] for v in original.variables]
        # PxWebApi names a table's other languages by its alternate links.
        alternates = {x["hreflang"] for x in table.json["links"] if x["rel"] == "alternate"}
        assert alternates == set(original.languages) - {lang}
        meta = client.get(f"{API}/tables/{table_id}/metadata?lang={lang}")
        assert meta.status_code == 200 and meta.headers["Content-Language"] == lang
        assert meta.json["label"] == original.title[lang]
        assert meta.json["note"] == list(original.notes[lang])
        for variable in original.variables:
            dim = meta.json["dimension"][variable.code]
            assert dim["label"] == variable.labels[lang]
            labels = dim["category"]["label"]
            assert [labels[c] for c in variable.codes] == list(variable.value_labels[lang])
            assert dim.get("note", []) == list(variable.notes.get(lang, ()))
        data = client.get(f"{API}/tables/{table_id}/data?lang={lang}&{_every(original)}")
        assert data.status_code == 200 and data.headers["Content-Language"] == lang
        assert data.json["extension"]["px"]["language"] == lang
        assert data.json["label"] == original.title[lang]
        assert data.json["note"] == list(original.notes[lang])
        contents = next(v for v in original.variables if v.is_contents)
        units = data.json["dimension"][contents.code]["category"]["unit"]
        for value in original.contents_values:
            assert units[value.code]["base"] == value.units[lang]


def test_csv_xlsx_and_the_classic_api_answer_in_swedish(app: Flask, client: FlaskClient) -> None:
    table_id = _upload(app, client, STATFIN)
    original = _original(STATFIN)
    year, info = original.variables[0], original.variables[1]
    assert year.labels["sv"] == "År" and info.value_labels["sv"] == ("Indextal",)
    every = _every(original)
    texts = "outputFormatParams=UseTexts"
    answer = client.get(f"{API}/tables/{table_id}/data?lang=sv&outputFormat=csv&{texts}&{every}")
    assert answer.status_code == 200 and answer.headers["Content-Language"] == "sv"
    rows = list(csv.reader(io.StringIO(answer.text, newline="")))
    text = "\n".join(",".join(row) for row in rows)
    assert "År" in text and "Indextal" in text and "Pisteluku" not in text
    workbook = client.get(f"{API}/tables/{table_id}/data?lang=sv&outputFormat=xlsx&{texts}&{every}")
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data)).active
    assert sheet is not None
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert any("Indextal" in c for c in cells) and not any("Pisteluku" in c for c in cells)
    classic = client.get(f"/api/v0/sv/table/{table_id}")
    assert classic.status_code == 200 and classic.headers["Content-Language"] == "sv"
    assert classic.json["title"] == original.title["sv"]
    assert [v["text"] for v in classic.json["variables"]] == ["År", "Uppgifter"]
    assert classic.json["variables"][1]["valueTexts"] == ["Indextal"]
    query = {"query": [], "response": {"format": "px"}}
    px = client.post(f"/api/v0/sv/table/{table_id}", json=query)
    assert px.status_code == 200, px.text
    _assert_same_texts(parse_px(px.data), original)


def test_every_output_format_answers_in_a_language_only_the_table_has(
    app: Flask, client: FlaskClient
) -> None:
    table_id = _upload(app, client, STATFIN)
    every = _every(_original(STATFIN))
    for name in FORMAT_NAMES:
        answer = client.get(f"{API}/tables/{table_id}/data?lang=sv&outputFormat={name}&{every}")
        assert answer.status_code == 200, (name, answer.text)
        assert answer.headers["Content-Language"] == "sv", name
    texts = "outputFormatParams=UseTexts"
    html = client.get(
        f"{API}/tables/{table_id}/data?lang=sv&outputFormat=html&{texts}&{every}"
    ).text
    assert 'lang="sv"' in html and "Levnadskostnadsindex" in html and "Indextal" in html


@pytest.mark.parametrize("name", FILES)
def test_px_output_holds_every_language_as_the_original(
    app: Flask, client: FlaskClient, name: str, tmp_path: Path
) -> None:
    table_id = _upload(app, client, name)
    original = _original(name)
    for lang in original.languages:
        px = client.get(
            f"{API}/tables/{table_id}/data?lang={lang}&outputFormat=px&{_every(original)}"
        )
        assert px.status_code == 200, px.text
        quoted = ",".join(f'"{x}"' for x in original.languages)
        assert f"LANGUAGES={quoted};".encode() in px.data
        _assert_same_texts(parse_px(px.data), original)
    _assert_pyaxis_reads_the_same(px.data, name, tmp_path)


@pytest.mark.parametrize("name", FILES)
def test_the_whole_table_px_file_holds_every_language(
    app: Flask, client: FlaskClient, name: str, tmp_path: Path
) -> None:
    table_id = _upload(app, client, name)
    latest = client.get(f"/tabeller/{table_id}/filer/siste.px")
    assert latest.status_code == 302, latest.text
    with client.get(latest.headers["Location"]) as whole:  # closes the file it was served from
        assert whole.status_code == 200
        body = whole.get_data()
    _assert_same_texts(parse_px(body), _original(name))
    _assert_pyaxis_reads_the_same(body, name, tmp_path)


def test_a_language_the_table_lacks_is_refused_where_the_portal_lacks_it_too(
    app: Flask, client: FlaskClient
) -> None:
    table_id = _upload(app, client, TAB4)
    for path in (f"/tables/{table_id}", f"/tables/{table_id}/metadata", f"/tables/{table_id}/data"):
        # Finnish: neither the table's language nor the portal's.
        refused = client.get(f"{API}{path}?lang=fi")
        assert refused.status_code == 400 and refused.json["title"] == "Unsupported language"
    # The portal's own lists stay in its languages; Swedish is the table's, not the portal's.
    assert client.get(f"{API}/tables?lang=sv").status_code == 400
    assert client.get(f"/api/v0/fi/table/{table_id}").status_code == 404
    # A Norwegian request is the portal's language: answered in the table's own, which says so.
    assert client.get(f"{API}/tables/{table_id}?lang=no").json["language"] == "en"


def test_a_table_stored_before_every_language_answers_as_before(
    app: Flask, client: FlaskClient
) -> None:
    """A row from before migration 0016 (no ``texts``) has its own language and English only: those
    answer from the two label columns, and Swedish is not claimed."""
    table_id = _upload(app, client, STATFIN)
    with get_database(app).session() as session:
        table = session.get(DataTable, table_id)
        assert table is not None and table.texts and set(table.texts) == {"fi", "sv", "en"}
        table.texts = None
        for variable in session.scalars(
            select(TableVariable).where(TableVariable.table_id == table_id)
        ):
            variable.texts = None
    original = _original(STATFIN)
    for lang in ("fi", "en"):
        meta = client.get(f"{API}/tables/{table_id}/metadata?lang={lang}")
        assert meta.status_code == 200 and meta.headers["Content-Language"] == lang
        assert meta.json["label"] == original.title[lang]
        year = meta.json["dimension"][original.variables[0].code]
        assert year["label"] == original.variables[0].labels[lang]
    assert client.get(f"{API}/tables/{table_id}?lang=sv").status_code == 400
    px = client.get(f"{API}/tables/{table_id}/data?lang=en&outputFormat=px&{_every(original)}")
    assert parse_px(px.data).languages == ("fi", "en")


def test_a_saved_query_runs_in_any_of_the_tables_languages(app: Flask, client: FlaskClient) -> None:
    """A saved query is stored in one of the portal's languages; run (or read) with ``lang`` in
    another language of its table, it answers in that one."""
    table_id = _upload(app, client, STATFIN)
    original = _original(STATFIN)
    body = {
        "tableId": table_id,
        "language": "en",
        "outputFormat": "json-stat2",
        "selection": {
            "selection": [
                {"variableCode": "Vuosi", "valueCodes": ["top(2)"]},
                {"variableCode": "Tiedot", "valueCodes": ["*"]},
            ]
        },
    }
    created = client.post(f"{API}/savedqueries", json=body)
    assert created.status_code == 201, created.text
    query_id = created.json["id"]
    stored = client.get(f"{API}/savedqueries/{query_id}/data")
    assert stored.headers["Content-Language"] == "en"
    assert stored.json["label"] == original.title["en"]
    swedish = client.get(f"{API}/savedqueries/{query_id}/data?lang=sv")
    assert swedish.status_code == 200 and swedish.headers["Content-Language"] == "sv"
    assert swedish.json["label"] == original.title["sv"]
    assert swedish.json["dimension"]["Vuosi"]["label"] == "År"
    assert client.get(f"{API}/savedqueries/{query_id}?lang=sv").json["language"] == "sv"
    refused = client.get(f"{API}/savedqueries/{query_id}/data?lang=de")
    assert refused.status_code == 400 and refused.json["title"] == "Unsupported language"
