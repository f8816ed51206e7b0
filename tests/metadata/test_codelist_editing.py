"""Producers' code lists through the token API: create, add a version from CSV or Klass JSON (all or
nothing), preview changes, publish; then read back through the Klass API. Scoped to the owner."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from metadata.codelists.models import ClassificationItem
from portal.db import get_database
from tests.conftest import bearer, make_token

CSV = "code,parentCode,level,name\n1,,1,Not\n11,1,2,Snurpenot\n2,,1,Trål\n21,2,2,Bunntrål\n"


def _create(client: FlaskClient, token, producer: str = "fiskeridir") -> int:
    response = client.post(
        "/api/v1/code-lists",
        headers=bearer(token),
        json={"producer": producer, "name_nb": "Redskapsgrupper", "name_en": "Gear groups"},
    )
    assert response.status_code == 201, response.text
    return int(response.json["id"])


def test_create_import_preview_publish_and_read_through_klass(
    client: FlaskClient, app: Flask
) -> None:
    token = make_token(app, "fiskeridir")
    list_id = _create(client, token)
    assert list_id >= 100000
    first = client.post(
        f"/api/v1/code-lists/{list_id}/versions?valid_from=2020-01-01&valid_to=2025-01-01",
        data=CSV,
        content_type="text/csv",
        headers=bearer(token),
    )
    assert first.status_code == 201 and first.json["items"] == 4
    # A draft is not public.
    assert client.get(f"/api/klass/v1/classifications/{list_id}").status_code == 404
    published = client.post(
        f"/api/v1/code-lists/{list_id}/versions/{first.json['id']}/publish", headers=bearer(token)
    )
    assert published.status_code == 200
    codes = client.get(f"/api/klass/v1/classifications/{list_id}/codesAt?date=2024-06-01").json[
        "codes"
    ]
    assert [(c["code"], c["parentCode"], c["level"]) for c in codes] == [
        ("1", None, "1"),
        ("11", "1", "2"),
        ("2", None, "1"),
        ("21", "2", "2"),
    ]
    # The next version comes from the Klass answer itself, edited.
    exported = client.get(f"/api/klass/v1/classifications/{list_id}/codesAt?date=2024-06-01").json
    exported["codes"][1]["name"] = "Snurpenot/ringnot"
    exported["codes"].append({"code": "3", "parentCode": None, "level": "1", "name": "Line"})
    second = client.post(
        f"/api/v1/code-lists/{list_id}/versions?valid_from=2025-01-01",
        json=exported,
        headers=bearer(token),
    )
    assert second.status_code == 201, second.text
    preview = client.get(
        f"/api/v1/code-lists/{list_id}/versions/{second.json['id']}/changes"
        f"?against={first.json['id']}",
        headers=bearer(token),
    ).json["changes"]
    assert preview == [
        {"code": "11", "old_name": "Snurpenot", "new_name": "Snurpenot/ringnot"},
        {"code": "3", "old_name": None, "new_name": "Line"},
    ]


def test_bad_files_are_refused_whole_with_every_error_by_line(
    client: FlaskClient, app: Flask
) -> None:
    token = make_token(app, "fiskeridir")
    list_id = _create(client, token)
    with get_database(app).sessions() as s:
        before = s.scalar(select(func.count()).select_from(ClassificationItem))
    bad = "code,parentCode,level,name\n1,,1,Not\n1,,1,Igjen\n11,9,2,Foreldreløs\n12,1,3,Hopp\n"
    response = client.post(
        f"/api/v1/code-lists/{list_id}/versions?valid_from=2020-01-01",
        data=bad,
        content_type="text/csv",
        headers=bearer(token),
    )
    assert response.status_code == 400
    assert [e["pointer"] for e in response.json["errors"]] == ["line 3", "line 4", "line 5"]
    with get_database(app).sessions() as s:
        assert s.scalar(select(func.count()).select_from(ClassificationItem)) == before
    ok = client.post(
        f"/api/v1/code-lists/{list_id}/versions?valid_from=2020-01-01",
        data=CSV,
        content_type="text/csv",
        headers=bearer(token),
    )
    assert ok.status_code == 201
    overlap = client.post(
        f"/api/v1/code-lists/{list_id}/versions?valid_from=2021-01-01",
        data=CSV,
        content_type="text/csv",
        headers=bearer(token),
    )
    assert overlap.status_code == 400 and "overlaps" in overlap.json["detail"]
    assert (
        client.post(
            f"/api/v1/code-lists/{list_id}/versions",
            data=CSV,
            content_type="text/csv",
            headers=bearer(token),
        ).status_code
        == 400
    )


def test_code_list_writes_are_scoped(client: FlaskClient, app: Flask) -> None:
    owner, other = make_token(app, "fiskeridir"), make_token(app, "nav")
    assert (
        client.post(
            "/api/v1/code-lists", json={"producer": "fiskeridir", "name_nb": "x", "name_en": "x"}
        ).status_code
        == 401
    )
    assert (
        client.post(
            "/api/v1/code-lists",
            headers=bearer(other),
            json={"producer": "fiskeridir", "name_nb": "x", "name_en": "x"},
        ).status_code
        == 403
    )
    list_id = _create(client, owner)
    version = client.post(
        f"/api/v1/code-lists/{list_id}/versions?valid_from=2020-01-01",
        data=CSV,
        content_type="text/csv",
        headers=bearer(owner),
    ).json["id"]
    for path in (
        f"/api/v1/code-lists/{list_id}/versions?valid_from=2030-01-01",
        f"/api/v1/code-lists/{list_id}/versions/{version}/publish",
    ):
        assert client.post(path, data=CSV, content_type="text/csv").status_code == 401
        assert (
            client.post(path, data=CSV, content_type="text/csv", headers=bearer(other)).status_code
            == 403
        )
    assert (
        client.get(
            f"/api/v1/code-lists/{list_id}/versions/{version}/changes?against={version}",
            headers=bearer(other),
        ).status_code
        == 403
    )
