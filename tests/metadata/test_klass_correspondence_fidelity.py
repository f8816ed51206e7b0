"""Klass fidelity for correspondence tables: a table carries its description and the level each side
maps (``sourceLevel``, ``targetLevel``) through the producers' import, the Klass API in JSON and CSV and
the real `ssb-klass-python` client; its rows' names, short names and validity are derived from the two
versions, as in Klass."""

from __future__ import annotations

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
from tests.metadata.klass_imports import CODES, VERSION, create_list, publish_version, read_csv

API = "/api/klass/v1"

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
    source_list = create_list(client, token, "Næringer (tabell)")
    source = publish_version(client, token, source_list, VERSION)
    target_list = create_list(client, token, "Sektorer")
    target = publish_version(client, token, target_list, SECTORS)
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
    assert read_csv(as_csv, ";") == TABLE["correspondenceMaps"]
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
    source_list = create_list(client, token, "Næringer (nivå)")
    source = publish_version(client, token, source_list, VERSION)
    target = publish_version(client, token, create_list(client, token, "Sektorer 2"), SECTORS)
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
