"""Who sees and who changes tables: a table tied to a release is invisible on every endpoint until the
release's instant and visible at it; uploads are scoped to the producer and refused whole (nothing left
behind); the PxWebApi rate limit answers 429 with Retry-After."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.app import create_app
from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from pxbridge.models import DataTable
from tests.conftest import bearer, make_token
from tests.pxbridge.conftest import API, px_table
from tests.release_calendar.factories import announce_release, oslo

ENDPOINTS = (
    "/tables/{id}",
    "/tables/{id}/metadata",
    "/tables/{id}/defaultselection",
    "/tables/{id}/data?valuecodes[Region]=*&valuecodes[ContentsCode]=*&valuecodes[Tid]=*",
)


def _release(app: Flask, clock: FixedClock) -> tuple[int, object]:
    at = oslo(2027, 6, 10, 8, 0)
    return announce_release(app, clock.now(), at, statistic="folkemengde"), at


def _visible(client: FlaskClient, table_id: str) -> dict[str, int]:
    found = {path: client.get(API + path.format(id=table_id)).status_code for path in ENDPOINTS}
    listed = client.get(f"{API}/tables?query={table_id}").json["tables"]
    found["/tables"] = 200 if any(t["id"] == table_id for t in listed) else 404
    return found


def test_a_table_is_hidden_until_its_release_and_shown_at_it(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    release_id, at = _release(app, clock)
    token = make_token(app, "ssb")
    stored = client.post(
        f"/api/v1/tables?statistic=folkemengde&release={release_id}",
        data=px_table("99002"),
        content_type="application/octet-stream",
        headers=bearer(token),
    )
    assert stored.status_code == 201, stored.text
    clock.set(at - timedelta(seconds=1))
    assert set(_visible(client, "99002").values()) == {404}
    clock.set(at)
    assert set(_visible(client, "99002").values()) == {200}
    clock.set(at + timedelta(seconds=1))
    assert set(_visible(client, "99002").values()) == {200}


def _counts(app: Flask) -> tuple[int, int]:
    with get_database(app).sessions() as s:
        rows = s.scalar(select(func.count()).select_from(DataTable)) or 0
    files = len(list((Path(app.instance_path) / "tables").rglob("*.npy")))
    return rows, files


def test_bad_uploads_are_refused_whole_and_leave_nothing(app: Flask, client: FlaskClient) -> None:
    token = make_token(app, "ssb")
    before = _counts(app)
    good = px_table("99003")
    broken = {
        "no DATA": good.split(b"DATA=")[0],
        "short DATA": good.rsplit(b"\n", 3)[0] + b";\n",
        "unterminated": good.replace(b'TITLE="99003', b'TITLE="99003 open', 1).replace(
            b'og \xe5r";', b"og \xe5r;", 1
        ),
        "codes mismatch": good.replace(
            b'CODES("statistikkvariabel")="Folkemengde","Andel";',
            b'CODES("statistikkvariabel")="Folkemengde";',
        ),
    }
    for name, body in broken.items():
        response = client.post(
            "/api/v1/tables?statistic=folkemengde",
            data=body,
            content_type="application/octet-stream",
            headers=bearer(token),
        )
        assert response.status_code == 400, name
        assert response.json["errors"][0]["pointer"].startswith("line "), name
        assert _counts(app) == before, name
    unknown = client.post(
        "/api/v1/tables?statistic=finnes-ikke",
        data=good,
        content_type="application/octet-stream",
        headers=bearer(token),
    )
    assert unknown.status_code == 400 and _counts(app) == before
    app.config["TABLE_MAX_CELLS"] = 10
    too_big = client.post(
        "/api/v1/tables?statistic=folkemengde",
        data=good,
        content_type="application/octet-stream",
        headers=bearer(token),
    )
    assert too_big.status_code == 400 and _counts(app) == before


def test_uploads_are_scoped_to_the_producer(app: Flask, client: FlaskClient) -> None:
    ssb, nav = make_token(app, "ssb"), make_token(app, "nav")
    path = "/api/v1/tables?statistic=folkemengde"
    assert (
        client.post(path, data=px_table(), content_type="application/octet-stream").status_code
        == 401
    )
    refused = client.post(
        path, data=px_table(), content_type="application/octet-stream", headers=bearer(nav)
    )
    assert refused.status_code == 403
    assert (
        client.post(
            path, data=px_table(), content_type="application/octet-stream", headers=bearer(ssb)
        ).status_code
        == 201
    )
    # Nav cannot take over SSB's table id under one of its own statistics either.
    taken = client.post(
        "/api/v1/tables?statistic=nav-helt-ledige",
        data=px_table(),
        content_type="application/octet-stream",
        headers=bearer(nav),
    )
    assert taken.status_code == 409
    # Uploading again replaces the table and its cells; the old cell file is removed.
    again = client.post(
        path,
        data=px_table(title="Ny tittel"),
        content_type="application/octet-stream",
        headers=bearer(ssb),
    )
    assert again.status_code == 201
    assert client.get(f"{API}/tables/99001").json["label"].startswith("99001: Ny tittel")
    # One revision: its cells and their symbol positions.
    kept = sorted(p.name for p in (Path(app.instance_path) / "tables" / "99001").iterdir())
    assert len(kept) == 2 and kept[0].endswith(".nan.npy") and kept[1] == kept[0][:16] + ".npy"


def test_the_rate_limit_answers_429_with_retry_after(app_config: dict[str, object]) -> None:
    limited = create_app(
        {
            **app_config,
            "RATELIMIT_ENABLED": True,
            "RATELIMITS": {
                "login": "10 per minute",
                "api": "600 per minute",
                "pxapi": "3 per minute",
            },
        }
    )
    client = limited.test_client()
    statuses = [client.get(f"{API}/tables").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get(f"{API}/tables")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert response.mimetype == "application/problem+json"
    limited.config["RATELIMIT_ENABLED"] = False


def test_json_stat_and_csv_with_a_sidecar_upload_too(app: Flask, client: FlaskClient) -> None:
    import io
    import json

    from tests.pxbridge.test_ingest_formats import csv_bytes, csv_rows, dataset, sidecar

    token = make_token(app, "ssb")
    as_json = client.post(
        "/api/v1/tables?statistic=folkemengde&table_id=77001",
        data=json.dumps(dataset()),
        content_type="application/json",
        headers=bearer(token),
    )
    assert as_json.status_code == 201, as_json.text
    from_json = client.get(
        f"{API}/tables/77001/data?valuecodes[Region]=*&valuecodes[ContentsCode]=*&valuecodes[Tid]=*"
    ).json
    as_csv = client.post(
        "/api/v1/tables?statistic=folkemengde&table_id=77002",
        data={
            "csv": (io.BytesIO(csv_bytes(csv_rows())), "values.csv"),
            "sidecar": (io.BytesIO(json.dumps(sidecar()).encode()), "sidecar.json"),
        },
        content_type="multipart/form-data",
        headers=bearer(token),
    )
    assert as_csv.status_code == 201, as_csv.text
    from_csv = client.get(
        f"{API}/tables/77002/data?valuecodes[Region]=*&valuecodes[ContentsCode]=*&valuecodes[Tid]=*"
    ).json
    assert from_json["value"] == from_csv["value"] and from_json.get("status") == from_csv.get(
        "status"
    )
    before = _counts(app)
    half = client.post(
        "/api/v1/tables?statistic=folkemengde",
        data={"csv": (io.BytesIO(csv_bytes(csv_rows())), "values.csv")},
        content_type="multipart/form-data",
        headers=bearer(token),
    )
    assert half.status_code == 400 and _counts(app) == before
