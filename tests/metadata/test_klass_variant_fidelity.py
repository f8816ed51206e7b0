"""Klass fidelity for variants and correspondence tables: what a Klass answer carries for them survives the
producers' import and comes back the same through the Klass API in JSON and CSV and through the real
`ssb-klass-python` client. Variant items carry short names, notes and their own validity (Klass's /variant
and /variantAt answers; its /variants/{id} answer leaves them null, and so does ours); a correspondence
table carries its description and the level each side maps (``sourceLevel``, ``targetLevel``), while its
rows' names, short names and validity are derived from the two versions, as in Klass."""

from __future__ import annotations

import csv
import json
from typing import Any

import klass
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from metadata.codelists.models import CorrespondenceTable
from portal.http.db import get_database
from portal.kernel.parsing import MAX_TEXT
from tests.conftest import bearer, make_token
from tests.metadata.klass_fixtures import klass_server

API = "/api/klass/v1"
CODES = "/api/v1/code-lists"
FIELDS = ("code", "parentCode", "level", "name", "shortName", "validFrom", "validTo", "notes")
NAME = "Næringsgrupper"

#: The version the variant regroups: two levels, short names, notes, one code with its own validity.
VERSION = {
    "codes": [
        {"code": "A", "parentCode": None, "level": "1", "name": "Primærnæringer"},
        {
            "code": "01",
            "parentCode": "A",
            "level": "2",
            "name": "Jordbruk",
            "shortName": "Jordbr.",
            "notes": "Med gartneri",
        },
        {"code": "02", "parentCode": "A", "level": "2", "name": "Skogbruk", "shortName": "Skog"},
        {
            "code": "03",
            "parentCode": "A",
            "level": "2",
            "name": "Fiske",
            "validFrom": "2020-03-01",
            "notes": "",
        },
    ]
}

#: A variant as Klass's /variantAt answers one: every field an item carries, groups with their own
#: validity, quotes and line breaks in notes.
VARIANT = {
    "codes": [
        {
            "code": "G1",
            "parentCode": None,
            "level": "1",
            "name": "Jord og skog",
            "shortName": "Jord/skog",
            "presentationName": "",
            "validFrom": None,
            "validTo": None,
            "notes": 'Inkluderer: «sitat» og "hermetegn"',
        },
        {
            "code": "G2",
            "parentCode": None,
            "level": "1",
            "name": "Havbruk og fiske",
            "shortName": "",
            "presentationName": "",
            "validFrom": "2020-03-01",
            "validTo": "2021-01-01",
            "notes": "Gruppen gjaldt til 2021.",
        },
        {
            "code": "01",
            "parentCode": "G1",
            "level": "2",
            "name": "Jordbruk",
            "shortName": "Jordbr.",
            "presentationName": "",
            "validFrom": None,
            "validTo": None,
            "notes": "Med gartneri",
        },
        {
            "code": "02",
            "parentCode": "G1",
            "level": "2",
            "name": "Skogbruk",
            "shortName": "Skog",
            "presentationName": "",
            "validFrom": None,
            "validTo": None,
            "notes": "",
        },
        {
            "code": "03",
            "parentCode": "G2",
            "level": "2",
            "name": "Fiske",
            "shortName": "",
            "presentationName": "",
            "validFrom": "2020-03-01",
            "validTo": "2021-01-01",
            "notes": "Fiske og fangst.",
        },
    ]
}


def _created(client: FlaskClient, token: Any, name: str) -> int:
    made = client.post(
        CODES,
        headers=bearer(token),
        json={"producer": "ssb", "name_nb": name, "name_en": name},
    )
    assert made.status_code == 201, made.text
    return int(made.json["id"])


def _published_version(client: FlaskClient, token: Any, list_id: int, body: Any) -> int:
    added = client.post(
        f"{CODES}/{list_id}/versions?valid_from=2020-01-01", json=body, headers=bearer(token)
    )
    assert added.status_code == 201, added.text
    version_id = int(added.json["id"])
    done = client.post(f"{CODES}/{list_id}/versions/{version_id}/publish", headers=bearer(token))
    assert done.status_code == 200, done.text
    return version_id


def _variant(
    client: FlaskClient,
    token: Any,
    list_id: int,
    version_id: int,
    name: str,
    body: bytes,
    content_type: str,
) -> int:
    added = client.post(
        f"{CODES}/{list_id}/versions/{version_id}/variants?name_nb={name}&valid_from=2020-01-01",
        data=body,
        content_type=content_type,
        headers=bearer(token),
    )
    assert added.status_code == 201, added.text
    variant_id = int(added.json["id"])
    done = client.post(f"{CODES}/{list_id}/variants/{variant_id}/publish", headers=bearer(token))
    assert done.status_code == 200, done.text
    return variant_id


def _fields(codes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: c[k] for k in FIELDS} for c in codes]


def _csv(text: str, separator: str = ",") -> list[dict[str, Any]]:
    """Rows of a Klass CSV, an empty unquoted cell read as null (a quoted one as "")."""
    lines = text.splitlines()
    header = next(csv.reader(lines[:1], delimiter=separator))
    rows = []
    for line in lines[1:]:
        cells = next(csv.reader([line], delimiter=separator))
        quoted = _quoted_cells(line, separator)
        rows.append(
            {h: (c if c or q else None) for h, c, q in zip(header, cells, quoted, strict=True)}
        )
    return rows


def _quoted_cells(line: str, separator: str) -> list[bool]:
    quoted, inside, cell_quoted = [], False, False
    for char in line:
        if char == '"':
            inside, cell_quoted = not inside, True
        elif char == separator and not inside:
            quoted.append(cell_quoted)
            cell_quoted = False
    quoted.append(cell_quoted)
    return quoted


def test_a_variant_keeps_every_field_through_json_csv_and_the_real_client(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = make_token(app, "ssb")
    list_id = _created(client, token, "Næringer (variant)")
    version_id = _published_version(client, token, list_id, VERSION)
    variant_id = _variant(
        client,
        token,
        list_id,
        version_id,
        NAME,
        json.dumps(VARIANT).encode(),
        "application/json",
    )
    base = f"{API}/classifications/{list_id}"
    on_day = client.get(f"{base}/variantAt?date=2020-06-01&variantName={NAME}")
    assert on_day.status_code == 200, on_day.text
    expected = _fields(VARIANT["codes"])
    assert _fields(on_day.json["codes"]) == sorted(expected, key=lambda c: c["code"])
    # Each item's own validity holds, as in Klass: the group and its code are gone in 2021.
    later = client.get(f"{base}/variantAt?date=2021-06-01&variantName={NAME}").json["codes"]
    assert [c["code"] for c in later] == ["01", "02", "G1"]
    ranged = client.get(f"{base}/variant?from=2020-01-01&to=2022-01-01&variantName={NAME}").json
    fiske = next(c for c in ranged["codes"] if c["code"] == "03")
    assert (fiske["validFromInRequestedRange"], fiske["validToInRequestedRange"]) == (
        "2020-03-01",
        "2021-01-01",
    )
    assert _fields(ranged["codes"]) == _fields(on_day.json["codes"])
    # Klass's CSV: the same fields; Klass writes " as ' (its own rule).
    as_csv = client.get(
        f"{base}/variantAt.csv?date=2020-06-01&variantName={NAME}",
        headers={"Accept": "text/csv; charset=UTF-8"},
    )
    rows = _csv(as_csv.get_data(as_text=True))
    in_csv = [{**c, "notes": c["notes"].replace('"', "'")} for c in _fields(on_day.json["codes"])]
    assert [{k: r[k] for k in FIELDS} for r in rows] == in_csv
    # The answers import as they are, JSON and CSV, and come back the same.
    again = _variant(
        client, token, list_id, version_id, "Kopi", on_day.get_data(), "application/json"
    )
    from_csv = _variant(
        client, token, list_id, version_id, "Fra CSV", as_csv.get_data(), "text/csv"
    )
    copy = client.get(f"{base}/variantAt?date=2020-06-01&variantName=Kopi").json["codes"]
    assert _fields(copy) == _fields(on_day.json["codes"])
    csv_copy = client.get(f"{base}/variantAt?date=2020-06-01&variantName=Fra CSV").json["codes"]
    assert _fields(csv_copy) == in_csv
    assert len({variant_id, again, from_csv}) == 3
    # /variants/{id} is Klass's: short names and notes null, no item validity; its CSV has every
    # column of Klass's item, empty where null.
    by_id = client.get(f"{API}/variants/{variant_id}").json
    assert {(i["shortName"], i["notes"]) for i in by_id["classificationItems"]} == {(None, None)}
    assert not any("validFrom" in i for i in by_id["classificationItems"])
    by_id_csv = client.get(f"{API}/variants/{variant_id}.csv").get_data(as_text=True)
    assert by_id_csv.splitlines()[0] == (
        '"code";"parentCode";"level";"name";"shortName";"notes";"validFrom";"validTo"'
    )
    assert '"G1";"";"1";"Jord og skog";;;;' in by_id_csv
    # The variant's page shows the notes in their language (none on the English page).
    page = client.get(f"/klassifikasjoner/{list_id}/varianter/{variant_id}").text
    assert '<p class="code-notes">Gruppen gjaldt til 2021.</p>' in page
    assert "Med gartneri" in page
    english = client.get(f"/en/classifications/{list_id}/variants/{variant_id}").text
    assert "code-notes" not in english
    with klass_server(app, monkeypatch):
        read = klass.KlassClassification(list_id).get_variant_by_name(NAME, "2020-06-01").data
        got = {
            row["code"]: (row["shortName"], row["notes"], row["validFrom"], row["validTo"])
            # pandas reads a null as NaN; back to None to compare.
            for row in read.astype(object).where(read.notna(), None).to_dict("records")
        }
        assert got == {
            c["code"]: (c["shortName"], c["notes"], c["validFrom"], c["validTo"])
            for c in VARIANT["codes"]
        }
        assert klass.KlassVariant(variant_id).data["code"].tolist() == [
            "01",
            "02",
            "03",
            "G1",
            "G2",
        ]


#: A correspondence table as Klass's /correspondencetables/{id} answers one (its other fields, names
#: and ids, are the registry's own).
TABLE = {
    "description": "Fra næring til sektor.\nBrukt i nasjonalregnskapet.",
    "sourceLevel": {"levelNumber": 2, "levelName": "Nivå 2"},
    "targetLevel": {"levelNumber": 1, "levelName": "Nivå 1"},
    "changelogs": [],
    "correspondenceMaps": [
        {"sourceCode": "01", "sourceName": "Jordbruk", "targetCode": "L", "targetName": "Land"},
        {"sourceCode": "02", "sourceName": "Skogbruk", "targetCode": "L", "targetName": "Land"},
        {"sourceCode": "03", "sourceName": "Fiske", "targetCode": None, "targetName": None},
    ],
}
SECTORS = {
    "codes": [
        {"code": "L", "level": "1", "name": "Land", "shortName": "Land"},
        {"code": "H", "level": "1", "name": "Hav", "shortName": "Sjø"},
    ]
}


def _table(
    client: FlaskClient,
    token: Any,
    list_id: int,
    version_id: int,
    target: int,
    body: bytes,
    content_type: str,
) -> Any:
    return client.post(
        f"{CODES}/{list_id}/versions/{version_id}/correspondences?target_version={target}",
        data=body,
        content_type=content_type,
        headers=bearer(token),
    )


def test_a_correspondence_table_keeps_what_klass_carries_for_it(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = make_token(app, "ssb")
    source_list = _created(client, token, "Næringer (tabell)")
    source = _published_version(client, token, source_list, VERSION)
    target_list = _created(client, token, "Sektorer")
    target = _published_version(client, token, target_list, SECTORS)
    added = _table(
        client, token, source_list, source, target, json.dumps(TABLE).encode(), "application/json"
    )
    assert added.status_code == 201 and added.json["rows"] == 3, added.text
    table_id = int(added.json["id"])
    done = client.post(
        f"{CODES}/{source_list}/correspondences/{table_id}/publish", headers=bearer(token)
    )
    assert done.status_code == 200, done.text
    answer = client.get(f"{API}/correspondencetables/{table_id}").json
    for field in ("description", "sourceLevel", "targetLevel", "correspondenceMaps"):
        assert answer[field] == TABLE[field], field
    as_csv = client.get(f"{API}/correspondencetables/{table_id}.csv").get_data(as_text=True)
    assert _csv(as_csv, ";") == TABLE["correspondenceMaps"]
    # The version lists it with its levels too (Klass's summary carries them).
    listed = client.get(f"{API}/versions/{source}").json["correspondenceTables"]
    assert [(t["id"], t["sourceLevel"], t["targetLevel"]) for t in listed] == [
        (table_id, TABLE["sourceLevel"], TABLE["targetLevel"])
    ]
    # The answer imports as it is and comes back the same; so does its CSV (rows only).
    again = _table(
        client,
        token,
        source_list,
        source,
        target,
        client.get(f"{API}/correspondencetables/{table_id}").get_data(),
        "application/json",
    )
    assert again.status_code == 201, again.text
    client.post(
        f"{CODES}/{source_list}/correspondences/{again.json['id']}/publish",
        headers=bearer(token),
    )
    copy = client.get(f"{API}/correspondencetables/{again.json['id']}").json
    for field in ("description", "sourceLevel", "targetLevel", "correspondenceMaps"):
        assert copy[field] == answer[field], field
    from_csv = _table(client, token, source_list, source, target, as_csv.encode(), "text/csv")
    assert from_csv.status_code == 201 and from_csv.json["rows"] == 3, from_csv.text
    # The rows' short names and validity come from the versions, as in Klass.
    rows = client.get(
        f"{API}/classifications/{source_list}/corresponds"
        f"?targetClassificationId={target_list}&from=2020-01-01&to=2021-01-01"
    ).json["correspondenceItems"]
    first = rows[0]
    assert (first["sourceShortName"], first["targetShortName"]) == ("Jordbr.", "Land")
    assert (first["validFrom"], first["validTo"]) == ("2020-01-01", "2021-01-01")
    with klass_server(app, monkeypatch):
        read = klass.KlassCorrespondence(correspondence_id=table_id)
        assert read.description == TABLE["description"]
        assert (read.sourceLevel, read.targetLevel) == (
            TABLE["sourceLevel"],
            TABLE["targetLevel"],
        )
        assert read.correspondence == TABLE["correspondenceMaps"]


def test_a_level_the_versions_do_not_have_is_refused_and_nothing_stored(
    app: Flask, client: FlaskClient
) -> None:
    token = make_token(app, "ssb")
    source_list = _created(client, token, "Næringer (nivå)")
    source = _published_version(client, token, source_list, VERSION)
    target = _published_version(client, token, _created(client, token, "Sektorer 2"), SECTORS)
    with get_database(app).sessions() as s:
        before = s.scalar(select(func.count()).select_from(CorrespondenceTable))
    bad = {**TABLE, "sourceLevel": {"levelNumber": 3, "levelName": "Nivå 3"}, "targetLevel": "x"}
    refused = _table(
        client, token, source_list, source, target, json.dumps(bad).encode(), "application/json"
    )
    assert refused.status_code == 400
    assert [e["pointer"] for e in refused.json["errors"]] == ["/targetLevel"]
    no_level = _table(
        client,
        token,
        source_list,
        source,
        target,
        json.dumps({**TABLE, "sourceLevel": {"levelNumber": 3}}).encode(),
        "application/json",
    )
    assert no_level.status_code == 400
    assert [e["pointer"] for e in no_level.json["errors"]] == ["/sourceLevel"]
    assert "has no level 3" in no_level.json["errors"][0]["detail"]
    long = _table(
        client,
        token,
        source_list,
        source,
        target,
        json.dumps({**TABLE, "description": "x" * (MAX_TEXT + 1)}).encode(),
        "application/json",
    )
    assert long.status_code == 400
    assert [e["pointer"] for e in long.json["errors"]] == ["/description"]
    with get_database(app).sessions() as s:
        assert s.scalar(select(func.count()).select_from(CorrespondenceTable)) == before


def test_an_answer_the_size_of_the_industries_imports_compacted_at_the_default_settings(
    app: Flask, client: FlaskClient
) -> None:
    """The real industries answer (classification 6, 1,808 codes, 1.08 MB compacted) was not found in
    a public repository (tests/metadata/data/klass/SOURCES.md); this one has its shape and weight: the
    same number of codes, notes in Klass's "Inkluderer: …\\nEkskluderer: …" form, no whitespace to spare."""
    sections = [chr(c) for c in range(ord("A"), ord("U") + 1)]
    items: list[dict[str, Any]] = [
        {"code": s, "parentCode": "", "level": "1", "name": f"Næringshovedområde {s}", "notes": ""}
        for s in sections
    ]
    for n in range(1808 - len(sections)):
        section = sections[n % len(sections)]
        items.append(
            {
                "code": f"{n // 10:02d}.{n % 1000:03d}{section}",
                "parentCode": section,
                "level": "2",
                "name": f"Næring {n} innen {section}",
                "shortName": f"Næring {n}",
                "notes": f"Inkluderer: Omfatter virksomhet nummer {n} i hovedområde {section}, "
                + "med tilknyttede tjenester og handel. " * 11
                + f"\nEkskluderer: Virksomhet som grupperes under {section} ellers.",
            }
        )
    body = json.dumps({"classificationItems": items}, ensure_ascii=False, separators=(",", ":"))
    compact = body.encode()
    assert len(compact) > 1_080_000 > app.config["MAX_CONTENT_LENGTH"]
    token = make_token(app, "ssb")
    list_id = _created(client, token, "Næringer (stor)")
    added = client.post(
        f"{CODES}/{list_id}/versions?valid_from=2020-01-01",
        data=compact,
        content_type="application/json",
        headers=bearer(token),
    )
    assert added.status_code == 201 and added.json["items"] == 1808, added.text
    version_id = int(added.json["id"])
    client.post(f"{CODES}/{list_id}/versions/{version_id}/publish", headers=bearer(token))
    read = client.get(f"{API}/versions/{version_id}").json["classificationItems"]
    assert {i["code"]: i["notes"] for i in read} == {i["code"]: i["notes"] for i in items}
    codes = client.get(f"{API}/classifications/{list_id}/codesAt?date=2024-01-01").json["codes"]
    # /codes and /codesAt write each line break as a space, as Klass's do.
    assert {c["code"]: c["notes"] for c in codes} == {
        i["code"]: " ".join(i["notes"].split()) for i in items
    }
