"""The classic PxWeb API (/api/v0) as scripts written against data.ssb.no/api/v0 use it: metadata by
GET, data by POST with the classic query body, its filters, formats, limits and error shape."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pyaxis import pyaxis
from pyjstat import pyjstat

from tests.pxbridge.conftest import REGIONS, YEARS, expected

BASE = "/api/v0/no/table"


def _query(*items: tuple[str, str, list[str]], fmt: str = "json-stat2") -> dict[str, object]:
    return {
        "query": [{"code": c, "selection": {"filter": f, "values": v}} for c, f, v in items],
        "response": {"format": fmt},
    }


def test_metadata_and_listing(client: FlaskClient, test_table: str) -> None:
    meta = client.get(f"{BASE}/{test_table}").json
    assert meta["title"].startswith("99001: Testbefolkning")
    region, contents, year = meta["variables"]
    assert region["code"] == "Region" and region["elimination"] is True and "time" not in region
    assert region["values"][:2] == ["0", "03"] and region["valueTexts"][:2] == [
        "Hele landet",
        "Oslo",
    ]
    assert year["time"] is True and year["values"] == YEARS
    english = client.get(f"/api/v0/en/table/{test_table}").json
    assert english["variables"][0]["valueTexts"][0] == "The whole country"
    assert any(t["id"] == test_table for t in client.get(BASE).json)
    config = client.get(f"{BASE}?config").json
    assert config["maxCells"] == 800_000 and config["maxCalls"] == 30 and config["timeWindow"] == 10


def test_filters_and_formats(client: FlaskClient, test_table: str) -> None:
    body = _query(
        ("Region", "item", ["46", "03"]), ("ContentsCode", "item", ["Andel"]), ("Tid", "top", ["2"])
    )
    data = client.post(f"{BASE}/{test_table}", json=body).json
    # Item filters answer in table order, not request order.
    assert list(data["dimension"]["Region"]["category"]["index"]) == ["03", "46"]
    assert data["value"] == [
        expected(r, "Andel", y) for r in ("03", "46") for y in ("2023", "2024")
    ]
    # Left out: a mandatory variable is all values, an eliminable one is eliminated.
    national = client.post(f"{BASE}/{test_table}", json=_query(("Tid", "all", ["202*"]))).json
    assert national["id"] == ["ContentsCode", "Tid"] and national["size"] == [2, 5]
    frame = pyjstat.Dataset.read(
        client.post(f"{BASE}/{test_table}", json=_query(("Tid", "top", ["1"]))).text
    ).write("dataframe")
    assert len(frame) == 2
    bundle = client.post(
        f"{BASE}/{test_table}", json=_query(("Tid", "top", ["1"]), fmt="json-stat")
    ).json
    assert bundle["dataset"]["dimension"]["id"] == ["ContentsCode", "Tid"]
    assert bundle["dataset"]["value"] == [
        expected("0", "Folkemengde", "2024"),
        expected("0", "Andel", "2024"),
    ]
    px = client.post(f"{BASE}/{test_table}", json=_query(("Region", "all", ["*"]), fmt="px"))
    assert px.content_type.startswith("application/octet-stream")
    path = io.BytesIO(px.data)
    frame = pyaxis.parse(_write(path), encoding="utf-8")["DATA"]
    assert len(frame) == len(REGIONS) * 2 * len(YEARS)
    csv = client.post(f"{BASE}/{test_table}", json=_query(("Tid", "top", ["1"]), fmt="csv"))
    assert csv.content_type.startswith("text/csv")
    json_px = client.post(
        f"{BASE}/{test_table}", json=_query(("Tid", "top", ["1"]), fmt="json")
    ).json
    assert "columns" in json_px and "data" in json_px


def _write(buffer: io.BytesIO) -> str:
    import tempfile

    with tempfile.NamedTemporaryFile("wb", suffix=".px", delete=False) as handle:
        handle.write(buffer.getvalue())
        return handle.name


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (_query(("Nope", "item", ["1"])), 400),
        (_query(("Region", "item", ["99"])), 400),
        (_query(("Region", "all", ["0"])), 400),
        (_query(("Tid", "top", ["x"])), 400),
        (_query(("Tid", "agg:Fylker", ["1"])), 400),
        (_query(("Tid", "top", ["1"]), fmt="sdmx"), 400),
        ({"query": "everything"}, 400),
    ],
)
def test_bad_queries_get_the_classic_error(
    client: FlaskClient, test_table: str, body: object, status: int
) -> None:
    response = client.post(f"{BASE}/{test_table}", json=body)
    assert response.status_code == status
    assert set(response.json) == {"error"}


def test_limits_and_unknown_tables(client: FlaskClient, app: Flask, test_table: str) -> None:
    assert client.get(f"{BASE}/nope").status_code == 404
    assert client.post(f"{BASE}/nope", json=_query()).status_code == 404
    assert client.get("/api/v0/sv/table").status_code == 404
    app.config["PXAPI_MAX_CELLS"] = 10
    over = client.post(f"{BASE}/{test_table}", json=_query(("Region", "all", ["*"])))
    assert over.status_code == 403 and over.json == {"error": "Too many values selected"}
