"""Klass fidelity for variants: what a Klass answer carries for a variant's items survives the producers'
import and comes back the same through the Klass API in JSON and CSV, the pages and the real
`ssb-klass-python` client. Variant items carry short names, notes and their own validity (Klass's
/variant and /variantAt answers; its /variants/{id} answer leaves them null, and so does ours). And an
answer the size of the industries classification imports at the default settings."""

from __future__ import annotations

import json
from typing import Any

import klass
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import bearer, make_token
from tests.metadata.klass_fixtures import klass_server
from tests.metadata.klass_imports import CODES, VERSION, create_list, publish_version, read_csv

API = "/api/klass/v1"
FIELDS = ("code", "parentCode", "level", "name", "shortName", "validFrom", "validTo", "notes")
NAME = "Næringsgrupper"

#: A variant as Klass's /variantAt answers one: every field an item carries, groups with their own
#: validity, quotes in notes.
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


def test_a_variant_keeps_every_field_through_json_csv_and_the_real_client(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = make_token(app, "ssb")
    list_id = create_list(client, token, "Næringer (variant)")
    version_id = publish_version(client, token, list_id, VERSION)
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
    rows = read_csv(as_csv.get_data(as_text=True))
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
    list_id = create_list(client, token, "Næringer (stor)")
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
