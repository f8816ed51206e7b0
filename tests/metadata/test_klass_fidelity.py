"""Klass fidelity: a real Klass answer (tests/metadata/data/klass/, sources in SOURCES.md) imported through
the producers' HTTP import keeps every field its items carry, notes above all, and comes back the same
through the Klass API in JSON and CSV and through the real `ssb-klass-python` client. Imports take
bodies up to CODELIST_IMPORT_MAX_BYTES at the default settings; every other request keeps
MAX_CONTENT_LENGTH."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import klass
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from metadata.codelists.models import ClassificationItem, ClassificationVersion
from portal.http.db import get_database
from portal.kernel.config import DEFAULTS
from tests.conftest import SSB_EDITOR, bearer, csrf_token, login, make_token
from tests.metadata.klass_fixtures import klass_server

DATA = Path(__file__).parent / "data" / "klass"
#: Klass's version 1860 of the municipalities (131), as saved from data.ssb.no.
KOMMUNER_2020 = DATA / "131-version-1860-kommuneinndeling-2020.json"
API = "/api/klass/v1"


def _answer() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(KOMMUNER_2020.read_text(encoding="utf-8"))
    return loaded


def _create(client: FlaskClient, token: Any) -> int:
    response = client.post(
        "/api/v1/code-lists",
        headers=bearer(token),
        json={"producer": "ssb", "name_nb": "Kommuner (import)", "name_en": "Municipalities"},
    )
    assert response.status_code == 201, response.text
    return int(response.json["id"])


def _import(
    client: FlaskClient,
    token: Any,
    list_id: int,
    body: bytes,
    content_type: str,
    query: str = "valid_from=2020-01-01&valid_to=2022-01-01",
) -> Any:
    response = client.post(
        f"/api/v1/code-lists/{list_id}/versions?{query}",
        data=body,
        content_type=content_type,
        headers=bearer(token),
    )
    return response


def _publish(client: FlaskClient, token: Any, list_id: int, version_id: int) -> None:
    published = client.post(
        f"/api/v1/code-lists/{list_id}/versions/{version_id}/publish", headers=bearer(token)
    )
    assert published.status_code == 200, published.text


def _items_count(app: Flask) -> int:
    with get_database(app).sessions() as s:
        return int(s.scalar(select(func.count()).select_from(ClassificationItem)) or 0)


def test_a_real_klass_answer_keeps_every_note_through_the_real_client(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = make_token(app, "ssb")
    list_id = _create(client, token)
    answer = _answer()
    items = answer["classificationItems"]
    with_notes = {i["code"]: i["notes"] for i in items if i["notes"]}
    assert len(items) == 357 and len(with_notes) == 147
    version = _import(client, token, list_id, KOMMUNER_2020.read_bytes(), "application/json")
    assert version.status_code == 201, version.text
    assert version.json["items"] == 357
    _publish(client, token, list_id, version.json["id"])
    flagged = client.get(f"{API}/classifications/{list_id}").json
    assert flagged["includeNotes"] is True and flagged["includeShortName"] is False
    with klass_server(app, monkeypatch):
        codes = klass.KlassClassification(list_id).get_codes("2021-06-01").data
        read = dict(zip(codes["code"], codes["notes"], strict=True))
        assert len(read) == 357
        assert {c: n for c, n in read.items() if n} == with_notes
        # A version's items carry them too (the list says it has notes, as Klass's flag does).
        version_items = klass.KlassVersion(version.json["id"]).data
        assert dict(zip(version_items["code"], version_items["notes"], strict=True)) == {
            i["code"]: i["notes"] for i in items
        }


def test_export_and_import_round_trip_every_field_in_json_and_csv(
    app: Flask, client: FlaskClient
) -> None:
    token = make_token(app, "ssb")
    list_id = _create(client, token)
    # Every field a Klass item carries, per-item validity and short names included.
    first = {
        "codes": [
            {
                "code": "A",
                "parentCode": None,
                "level": "1",
                "name": "Jordbruk, skogbruk og fiske",
                "shortName": "Jordbruk mv.",
                "presentationName": "",
                "validFrom": None,
                "validTo": None,
                "notes": 'Inkluderer: planteressursene; «sitat» og "hermetegn"',
            },
            {
                "code": "01",
                "parentCode": "A",
                "level": "2",
                "name": "Jordbruk",
                "shortName": "",
                "presentationName": "",
                "validFrom": "2020-03-01",
                "validTo": None,
                "notes": "",
            },
        ]
    }
    added = client.post(
        f"/api/v1/code-lists/{list_id}/versions?valid_from=2020-01-01&valid_to=2022-01-01",
        json=first,
        headers=bearer(token),
    )
    assert added.status_code == 201, added.text
    _publish(client, token, list_id, added.json["id"])
    exported = client.get(f"{API}/classifications/{list_id}/codes?from=2020-01-01&to=2022-01-01")
    codes = exported.json["codes"]
    assert [{k: c[k] for k in first["codes"][0]} for c in codes] == [
        {**first["codes"][1]},
        {**first["codes"][0]},
    ]
    # A version's CSV carries each item's own validity; it imports as it is (semicolons and all).
    version_csv = client.get(f"{API}/versions/{added.json['id']}.csv").get_data(as_text=True)
    assert '"01";"A";"2";"Jordbruk";"";"";"2020-03-01";' in version_csv
    draft = _import(
        client,
        token,
        list_id,
        version_csv.encode(),
        "text/csv",
        "valid_from=2019-01-01&valid_to=2020-01-01",
    )
    assert draft.status_code == 201 and draft.json["items"] == 2, draft.text
    # The item's own validity holds: before its first day the code is not there.
    early = client.get(f"{API}/classifications/{list_id}/codesAt?date=2020-02-01").json["codes"]
    assert [c["code"] for c in early] == ["A"]
    # The JSON answer imports as the next version as it is (range fields and all) ...
    again = client.post(
        f"/api/v1/code-lists/{list_id}/versions?valid_from=2022-01-01&valid_to=2024-01-01",
        data=exported.get_data(),
        content_type="application/json",
        headers=bearer(token),
    )
    assert again.status_code == 201, again.text
    _publish(client, token, list_id, again.json["id"])
    # ... and so does Klass's CSV answer (UTF-8 asked for), with its notes column.
    csv_answer = client.get(
        f"{API}/classifications/{list_id}/codesAt.csv?date=2020-06-01",
        headers={"Accept": "text/csv; charset=UTF-8"},
    )
    header = csv_answer.get_data(as_text=True).splitlines()[0]
    assert header.endswith('"validFrom","validTo","notes"')
    third = _import(
        client,
        token,
        list_id,
        csv_answer.get_data(),
        "text/csv",
        "valid_from=2024-01-01",
    )
    assert third.status_code == 201, third.text
    _publish(client, token, list_id, third.json["id"])
    fields = ("code", "parentCode", "level", "name", "shortName", "validFrom", "validTo", "notes")
    by_year = {
        day: [
            {k: c[k] for k in fields}
            for c in client.get(f"{API}/classifications/{list_id}/codesAt?date={day}").json["codes"]
        ]
        for day in ("2020-06-01", "2022-06-01", "2024-06-01")
    }
    # Klass's CSV writes " as ' (its own rule), so only that differs after the CSV round trip.
    in_csv = [{**c, "notes": c["notes"].replace('"', "'")} for c in by_year["2020-06-01"]]
    assert by_year["2022-06-01"] == by_year["2020-06-01"]
    assert by_year["2024-06-01"] == in_csv
    assert by_year["2020-06-01"][1]["notes"] == first["codes"][0]["notes"]


def test_bad_fields_are_refused_by_line_and_change_nothing(app: Flask, client: FlaskClient) -> None:
    token = make_token(app, "ssb")
    list_id = _create(client, token)
    before = _items_count(app)
    bad = (
        "code;parentCode;level;name;validFrom;validTo;notes\n"
        "1;;1;Ett;2020-01-01;;Merknad\n"
        "2;;1;To;1. mai;;\n"
        "3;;1;Tre;2021-01-01;2020-01-01;\n"
        f"4;;1;{'x' * 501};;;\n"
    )
    refused = _import(client, token, list_id, bad.encode(), "text/csv")
    assert refused.status_code == 400
    assert [e["pointer"] for e in refused.json["errors"]] == ["line 3", "line 5", "line 4"]
    assert "validFrom is not a date" in refused.json["errors"][0]["detail"]
    assert _items_count(app) == before
    latin1 = _import(client, token, list_id, "code,name\n1,Østfold\n".encode("latin-1"), "text/csv")
    assert latin1.status_code == 400 and "UTF-8" in latin1.json["detail"]
    nul = _import(
        client,
        token,
        list_id,
        b'{"codes": [{"code": "1", "name": "a\\u0000"}]}',
        "application/json",
    )
    assert nul.status_code == 400
    assert _items_count(app) == before
    # A byte order mark is stepped over, in CSV and in JSON.
    bom = b"\xef\xbb\xbf"
    assert (
        _import(
            client,
            token,
            list_id,
            bom + b'{"codes": [{"code": "1", "name": "En"}]}',
            "application/json",
        ).status_code
        == 201
    )


def test_imports_past_a_mebibyte_at_the_default_settings(app: Flask, client: FlaskClient) -> None:
    assert app.config["MAX_CONTENT_LENGTH"] == DEFAULTS["MAX_CONTENT_LENGTH"] == 1024 * 1024
    limit = app.config["CODELIST_IMPORT_MAX_BYTES"]
    assert limit == DEFAULTS["CODELIST_IMPORT_MAX_BYTES"] >= 8_000_000
    token = make_token(app, "ssb")
    list_id = _create(client, token)
    # The real answer, laid out with enough whitespace to weigh 1.5 MiB: the same JSON.
    compact = KOMMUNER_2020.read_bytes()
    big = compact[:-1] + b" " * (3 * 512 * 1024 - len(compact)) + compact[-1:]
    assert len(big) > app.config["MAX_CONTENT_LENGTH"]
    imported = _import(client, token, list_id, big, "application/json")
    assert imported.status_code == 201, imported.text
    assert imported.json["items"] == 357
    # Sent chunked (no Content-Length) it imports too.
    chunked = client.post(
        f"/api/v1/code-lists/{list_id}/versions?valid_from=2022-01-01&valid_to=2024-01-01",
        input_stream=io.BytesIO(big),
        content_type="application/json",
        headers={**bearer(token), "Transfer-Encoding": "chunked"},
        # As gunicorn marks a chunked body: its end is the stream's end, not a Content-Length.
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert chunked.status_code == 201, chunked.text
    # The other two imports take the larger limit too: a variant and a correspondence table.
    variant = client.post(
        f"/api/v1/code-lists/{list_id}/versions/{imported.json['id']}/variants"
        "?name_nb=Alle&valid_from=2020-01-01&valid_to=2022-01-01",
        data=big,
        content_type="application/json",
        headers=bearer(token),
    )
    assert variant.status_code == 201, variant.text
    maps = json.dumps(
        {
            "correspondenceMaps": [
                {"sourceCode": i["code"], "targetCode": i["code"]}
                for i in _answer()["classificationItems"]
            ]
        }
    ).encode()
    table = client.post(
        f"/api/v1/code-lists/{list_id}/versions/{imported.json['id']}/correspondences"
        f"?target_version={chunked.json['id']}",
        data=maps[:-1] + b" " * len(big) + maps[-1:],
        content_type="application/json",
        headers=bearer(token),
    )
    assert table.status_code == 201 and table.json["rows"] == 357, table.text
    # Past the import limit: 413 and nothing stored, declared or chunked.
    app.config["CODELIST_IMPORT_MAX_BYTES"] = len(big) - 1
    before = _items_count(app)
    too_big = _import(client, token, list_id, big, "application/json", "valid_from=2024-01-01")
    assert too_big.status_code == 413
    cut = client.post(
        f"/api/v1/code-lists/{list_id}/versions?valid_from=2024-01-01",
        input_stream=io.BytesIO(big),
        content_type="application/json",
        headers={**bearer(token), "Transfer-Encoding": "chunked"},
        # As gunicorn marks a chunked body: its end is the stream's end, not a Content-Length.
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert cut.status_code == 413
    assert _items_count(app) == before
    # Other requests keep MAX_CONTENT_LENGTH: the larger limit is the imports' only.
    create = client.post(
        "/api/v1/code-lists",
        data=b'{"producer": "ssb", "name_nb": "x", "name_en": "x"' + b" " * len(big) + b"}",
        content_type="application/json",
        headers=bearer(token),
    )
    assert create.status_code == 413


def test_the_producers_pages_import_past_a_mebibyte_too(app: Flask, client: FlaskClient) -> None:
    login(client, SSB_EDITOR)
    page = client.get("/min-side/kodelister")
    created = client.post(
        "/min-side/kodelister",
        data={
            "csrf_token": csrf_token(page.text),
            "producer": "ssb",
            "kind": "CLASSIFICATION",
            "name_nb": "Kommuner (fra siden)",
            "name_en": "Municipalities (from the page)",
        },
    )
    assert created.status_code == 303, created.text
    list_id = int(created.headers["Location"].rstrip("/").split("/")[-1])
    compact = KOMMUNER_2020.read_bytes()
    big = compact[:-1] + b" " * (3 * 512 * 1024 - len(compact)) + compact[-1:]
    page_html = client.get(f"/min-side/kodelister/{list_id}").text
    uploaded = _post_form(
        client,
        f"/min-side/kodelister/{list_id}/ny-versjon",
        {
            "v-csrf_token": _form_token(page_html, "v-"),
            "v-file": FileStorage(io.BytesIO(big), "kommuner.json"),
            "v-valid_from": "2020-01-01",
            "v-valid_to": "2022-01-01",
        },
    )
    assert uploaded.status_code == 303, uploaded.text[:500]
    with get_database(app).sessions() as s:
        notes = s.scalars(
            select(ClassificationItem.notes_nb)
            .join(ClassificationVersion)
            .where(ClassificationVersion.classification_id == list_id)
        ).all()
        version_id = s.scalar(
            select(ClassificationVersion.id).where(
                ClassificationVersion.classification_id == list_id
            )
        )
    assert len(notes) == 357 and sum(1 for n in notes if n) == 147
    # Its form fields are still checked for NUL (the edge leaves these bodies to the page).
    before = _items_count(app)
    page_html = client.get(f"/min-side/kodelister/{list_id}").text
    refused = _post_form(
        client,
        f"/min-side/kodelister/{list_id}/variant",
        {
            "var-csrf_token": _form_token(page_html, "var-"),
            "var-version": str(version_id),
            "var-name_nb": "Alle\x00",
            "var-valid_from": "2020-01-01",
            "var-file": FileStorage(io.BytesIO(big), "variant.json"),
        },
    )
    assert refused.status_code == 400
    assert "NUL" in refused.get_data(as_text=True)
    assert _items_count(app) == before


def _form_token(html: str, prefix: str) -> str:
    found = re.search(rf'name="{prefix}csrf_token"[^>]*value="([^"]+)"', html)
    assert found, f"no {prefix}csrf_token"
    return found.group(1)


def _post_form(client: FlaskClient, path: str, fields: dict[str, Any]) -> Any:
    """POST ``fields`` as multipart/form-data built in memory (the test client would spool a large
    file to a temporary file it never closes)."""
    boundary, body = encode_multipart(fields)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")
