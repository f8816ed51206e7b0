"""Producers' code lists through the token API: create, add a version from CSV or Klass JSON (all or
nothing), preview changes, publish; then read back through the Klass API. Scoped to the owner."""

from __future__ import annotations

import io
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from metadata.codelists.models import ClassificationItem, ClassificationVersion
from portal.http.db import get_database
from tests.conftest import NAV_EDITOR, bearer, csrf_token, login, make_token

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


def _draft(
    client: FlaskClient,
    token,
    list_id: int,
    valid_from: str = "2020-01-01",
    valid_to: str = "2030-01-01",
) -> int:
    until = f"&valid_to={valid_to}" if valid_to else ""
    response = client.post(
        f"/api/v1/code-lists/{list_id}/versions?valid_from={valid_from}{until}",
        data=CSV,
        content_type="text/csv",
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    return int(response.json["id"])


def test_items_of_a_draft_are_edited_one_at_a_time(client: FlaskClient, app: Flask) -> None:
    token = make_token(app, "fiskeridir")
    list_id = _create(client, token)
    version = _draft(client, token, list_id)
    base = f"/api/v1/code-lists/{list_id}/versions/{version}/items"
    renamed = client.put(
        f"{base}/11",
        headers=bearer(token),
        json={
            "name_nb": "Snurpenot/ringnot",
            "name_en": "Purse seine",
            "parent_code": "1",
            "level": 2,
        },
    )
    assert renamed.status_code == 200 and renamed.json["name_nb"] == "Snurpenot/ringnot"
    added = client.put(
        f"{base}/22",
        headers=bearer(token),
        json={"name_nb": "Reketrål", "parent_code": "2", "level": 2},
    )
    assert added.status_code == 200
    orphan = client.put(
        f"{base}/99", headers=bearer(token), json={"name_nb": "X", "parent_code": "7", "level": 2}
    )
    assert orphan.status_code == 400 and "unknown parent 7" in orphan.json["detail"]
    assert client.delete(f"{base}/1", headers=bearer(token)).status_code == 409  # has children
    assert client.delete(f"{base}/21", headers=bearer(token)).status_code == 204
    assert client.delete(f"{base}/21", headers=bearer(token)).status_code == 404
    client.post(f"/api/v1/code-lists/{list_id}/versions/{version}/publish", headers=bearer(token))
    codes = client.get(
        f"/api/klass/v1/classifications/{list_id}/codesAt?date=2021-01-01&language=en"
    ).json["codes"]
    assert [(c["code"], c["name"]) for c in codes] == [
        ("1", "Not"),
        ("11", "Purse seine"),
        ("2", "Trål"),
        ("22", "Reketrål"),
    ]
    fixed = client.put(f"{base}/2", headers=bearer(token), json={"name_nb": "Trål 2"})
    assert fixed.status_code == 409 and "published" in fixed.json["detail"]


VARIANT = "code,parentCode,level,name\nA,,1,Aktive redskap\nP,,1,Passive redskap\n11,A,2,Snurpenot\n21,A,2,Bunntrål\n"


def test_a_producer_defines_and_publishes_a_variant(client: FlaskClient, app: Flask) -> None:
    token = make_token(app, "fiskeridir")
    list_id = _create(client, token)
    version = _draft(client, token, list_id)
    client.post(f"/api/v1/code-lists/{list_id}/versions/{version}/publish", headers=bearer(token))
    made = client.post(
        f"/api/v1/code-lists/{list_id}/versions/{version}/variants"
        "?name_nb=Aktive og passive&name_en=Active and passive&valid_from=2020-01-01",
        data=VARIANT,
        content_type="text/csv",
        headers=bearer(token),
    )
    assert made.status_code == 201, made.text
    variant_id = made.json["id"]
    at = f"/api/klass/v1/classifications/{list_id}/variantAt?date=2021-01-01&variantName=Aktive og passive"
    assert client.get(at).status_code == 404  # a draft is not public
    published = client.post(
        f"/api/v1/code-lists/{list_id}/variants/{variant_id}/publish", headers=bearer(token)
    )
    assert published.status_code == 200 and published.json["published"] is True
    codes = client.get(at).json["codes"]
    assert [(c["code"], c["parentCode"], c["level"]) for c in codes] == [
        ("11", "A", "2"),
        ("21", "A", "2"),
        ("A", None, "1"),
        ("P", None, "1"),
    ]
    listed = client.get(f"/api/klass/v1/versions/{version}").json["classificationVariants"]
    assert [v["id"] for v in listed] == [variant_id]
    again = client.post(
        f"/api/v1/code-lists/{list_id}/variants/{variant_id}/publish", headers=bearer(token)
    )
    assert again.status_code == 409


def test_bad_variant_and_correspondence_files_leave_nothing(
    client: FlaskClient, app: Flask
) -> None:
    from metadata.codelists.models import ClassificationVariant, CorrespondenceTable

    token = make_token(app, "fiskeridir")
    list_id = _create(client, token)
    version = _draft(client, token, list_id)

    def counts() -> tuple[int, int]:
        with get_database(app).sessions() as s:
            return (
                s.scalar(select(func.count()).select_from(ClassificationVariant)) or 0,
                s.scalar(select(func.count()).select_from(CorrespondenceTable)) or 0,
            )

    before = counts()
    bad_variant = (
        "code,parentCode,level,name\nA,,1,Aktive\n11,A,2,Snurpenot\n77,A,2,Ukjent\n12,B,2,X\n"
    )
    refused = client.post(
        f"/api/v1/code-lists/{list_id}/versions/{version}/variants?name_nb=V&valid_from=2019-01-01",
        data=bad_variant,
        content_type="text/csv",
        headers=bearer(token),
    )
    assert refused.status_code == 400
    assert {(e["pointer"], e["detail"]) for e in refused.json["errors"]} >= {
        ("line 4", f"line 4: code 77 is not in version {version}"),
        ("line 5", "line 5: unknown parent B"),
        ("/valid_from", "the variant must lie within its version"),
    }
    second = _draft(client, token, list_id, "2030-01-01", "")
    bad_table = "sourceCode,targetCode\n11,11\n99,11\n,\n11,11\n"
    refused = client.post(
        f"/api/v1/code-lists/{list_id}/versions/{version}/correspondences?target_version={second}",
        data=bad_table,
        content_type="text/csv",
        headers=bearer(token),
    )
    assert refused.status_code == 400
    assert [e["pointer"] for e in refused.json["errors"]] == ["line 3", "line 4", "line 5"]
    assert counts() == before
    made = client.post(
        f"/api/v1/code-lists/{list_id}/versions/{version}/correspondences?target_version={second}",
        data="sourceCode,targetCode\n11,11\n21,\n",
        content_type="text/csv",
        headers=bearer(token),
    )
    assert made.status_code == 201 and made.json["rows"] == 2
    table_id = made.json["id"]
    for v in (version, second):
        client.post(f"/api/v1/code-lists/{list_id}/versions/{v}/publish", headers=bearer(token))
    assert client.get(f"/api/klass/v1/correspondencetables/{table_id}").status_code == 404
    client.post(
        f"/api/v1/code-lists/{list_id}/correspondences/{table_id}/publish", headers=bearer(token)
    )
    changes = client.get(
        f"/api/klass/v1/classifications/{list_id}/changes?from=2029-01-01&to=2031-01-01&includeFuture=true"
    ).json["codeChanges"]
    assert [(c["oldCode"], c["newCode"], c["changeOccurred"]) for c in changes] == [
        ("11", "11", "2030-01-01"),
        ("21", None, "2030-01-01"),
    ]


def test_new_code_list_writes_are_scoped(client: FlaskClient, app: Flask) -> None:
    owner, other = make_token(app, "fiskeridir"), make_token(app, "nav")
    list_id = _create(client, owner)
    version = _draft(client, owner, list_id)
    variant = client.post(
        f"/api/v1/code-lists/{list_id}/versions/{version}/variants?name_nb=V&valid_from=2020-01-01",
        data=VARIANT,
        content_type="text/csv",
        headers=bearer(owner),
    ).json["id"]
    second = _draft(client, owner, list_id, "2030-01-01", "")
    table = client.post(
        f"/api/v1/code-lists/{list_id}/versions/{version}/correspondences?target_version={second}",
        data="sourceCode,targetCode\n11,11\n",
        content_type="text/csv",
        headers=bearer(owner),
    ).json["id"]
    base = f"/api/v1/code-lists/{list_id}"
    writes = [
        (
            "PUT",
            f"{base}/versions/{version}/items/11",
            {"json": {"name_nb": "X", "parent_code": "1", "level": 2}},
        ),
        ("DELETE", f"{base}/versions/{version}/items/21", {}),
        (
            "POST",
            f"{base}/versions/{version}/variants?name_nb=V&valid_from=2020-01-01",
            {"data": VARIANT, "content_type": "text/csv"},
        ),
        ("POST", f"{base}/variants/{variant}/publish", {}),
        (
            "POST",
            f"{base}/versions/{version}/correspondences?target_version={second}",
            {"data": "sourceCode,targetCode\n11,11\n", "content_type": "text/csv"},
        ),
        ("POST", f"{base}/correspondences/{table}/publish", {}),
    ]
    with get_database(app).sessions() as s:
        items_before = s.scalar(select(func.count()).select_from(ClassificationItem))
    for method, path, kwargs in writes:
        assert client.open(path, method=method, **kwargs).status_code == 401, path
        assert (
            client.open(path, method=method, headers=bearer(other), **kwargs).status_code == 403
        ), path
    with get_database(app).sessions() as s:
        assert s.scalar(select(func.count()).select_from(ClassificationItem)) == items_before


def test_notes_and_item_validity_survive_the_pages_and_the_item_api(
    client: FlaskClient, app: Flask
) -> None:
    login(client, NAV_EDITOR)
    page = client.get("/min-side/kodelister")
    created = client.post(
        "/min-side/kodelister",
        data={
            "csrf_token": csrf_token(page.text),
            "producer": "nav",
            "kind": "CODELIST",
            "name_nb": "Ytelser",
            "name_en": "Benefits",
        },
    )
    assert created.status_code == 303, created.text
    list_id = int(created.headers["Location"].rstrip("/").split("/")[-1])
    page = client.get(f"/min-side/kodelister/{list_id}").text
    body = (
        "code;parentCode;level;name;shortName;validFrom;validTo;notes\n"
        "01;;1;Dagpenger;Dagp.;2021-01-01;;Omfatter permitterte\n"
    )
    uploaded = client.post(
        f"/min-side/kodelister/{list_id}/ny-versjon",
        data={
            "v-csrf_token": re.search(r'name="v-csrf_token"[^>]*value="([^"]+)"', page).group(1),
            "v-file": (io.BytesIO(body.encode()), "ytelser.csv"),
            "v-valid_from": "2020-01-01",
            "v-valid_to": "",
        },
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 303, uploaded.text
    with get_database(app).sessions() as s:
        row = s.scalar(
            select(ClassificationItem)
            .join(ClassificationVersion)
            .where(ClassificationVersion.classification_id == list_id)
        )
        assert row is not None
        version_id = row.version_id
        assert (row.short_name_nb, row.notes_nb, str(row.valid_from), row.valid_to) == (
            "Dagp.",
            "Omfatter permitterte",
            "2021-01-01",
            None,
        )
    # The page's form changes the name; what it does not show stays.
    page = client.get(f"/min-side/kodelister/{list_id}").text
    saved = client.post(
        f"/min-side/kodelister/{list_id}/kode",
        data={
            "i-csrf_token": re.search(r'name="i-csrf_token"[^>]*value="([^"]+)"', page).group(1),
            "i-version": str(version_id),
            "i-code": "01",
            "i-level": "1",
            "i-name_nb": "Dagpenger ved arbeidsløshet",
            "i-name_en": "Unemployment benefit",
        },
    )
    assert saved.status_code == 303
    with get_database(app).sessions() as s:
        row = s.scalar(
            select(ClassificationItem).where(ClassificationItem.version_id == version_id)
        )
        assert row is not None
        assert (row.name_nb, row.short_name_nb, row.notes_nb) == (
            "Dagpenger ved arbeidsløshet",
            "Dagp.",
            "Omfatter permitterte",
        )
    # The item API replaces the whole item, notes and validity included.
    token = make_token(app, "nav")
    put = client.put(
        f"/api/v1/code-lists/{list_id}/versions/{version_id}/items/01",
        json={
            "name_nb": "Dagpenger",
            "notes_nb": "Ny merknad\nmed linjeskift",
            "valid_to": "2030-01-01",
        },
        headers=bearer(token),
    )
    assert put.status_code == 200, put.text
    with get_database(app).sessions() as s:
        row = s.scalar(
            select(ClassificationItem).where(ClassificationItem.version_id == version_id)
        )
        assert row is not None
        assert (row.notes_nb, row.short_name_nb, row.valid_from, str(row.valid_to)) == (
            "Ny merknad\nmed linjeskift",
            "",
            None,
            "2030-01-01",
        )
