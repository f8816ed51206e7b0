"""Issue 22: every table answer of PxWebApi 2.0 and the classic API carries a strong ETag; sent back in
``If-None-Match`` it answers 304 while the table is unchanged, and a new upload changes it. The tag
differs by output format, language and selection, so a cache never hands one answer for another."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.pxbridge.conftest import API, px_table, store_table

DATA = (
    f"{API}/tables/99001/data?lang=no&valueCodes[Region]=0&valueCodes[ContentsCode]=Folkemengde"
    "&valueCodes[Tid]=2017"
)
CLASSIC = "/api/v0/no/table/99001"
QUERY = {
    "query": [{"code": "Tid", "selection": {"filter": "item", "values": ["2017"]}}],
    "response": {"format": "json-stat2"},
}


def _tag(client: FlaskClient, url: str, **kwargs: object) -> str:
    response = client.get(url, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    tag = response.headers["ETag"]
    assert tag.startswith('"') and not tag.startswith("W/")  # strong
    return tag


def test_unchanged_data_answers_304_and_a_new_upload_200(app: Flask, client: FlaskClient) -> None:
    store_table(app, client, px_table("99001"), "folkemengde")
    tag = _tag(client, DATA)
    again = client.get(DATA, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == tag
    # Any of several tags, weak or strong, as caches send them.
    assert client.get(DATA, headers={"If-None-Match": f'"x", W/{tag}'}).status_code == 304
    assert client.get(DATA, headers={"If-None-Match": '"other"'}).status_code == 200

    store_table(app, client, px_table("99001").replace(b"1001 1002", b"1001 9999"), "folkemengde")
    changed = client.get(DATA, headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != tag
    assert changed.json["value"]


def test_tags_differ_by_format_language_and_selection(app: Flask, client: FlaskClient) -> None:
    store_table(app, client, px_table("99001"), "folkemengde")
    tags = {
        _tag(client, DATA),
        _tag(client, DATA + "&outputFormat=csv"),
        _tag(client, DATA.replace("lang=no", "lang=en")),
        _tag(client, DATA.replace("Tid]=2017", "Tid]=2018")),
        _tag(client, DATA + "&outputFormat=csv&outputFormatParams=UseTexts"),
        _tag(client, f"{API}/tables/99001/metadata?lang=no"),
        _tag(client, f"{API}/tables/99001/metadata?lang=en"),
        _tag(client, f"{API}/tables/99001/metadata?lang=no&defaultSelection=true"),
        _tag(client, f"{API}/tables/99001?lang=no"),
    }
    assert len(tags) == 9
    # The same selection asked for by POST is a different request for the same data: its own tag,
    # answered 304 as well.
    body = {
        "selection": [
            {"variableCode": "Region", "valueCodes": ["0"]},
            {"variableCode": "ContentsCode", "valueCodes": ["Folkemengde"]},
            {"variableCode": "Tid", "valueCodes": ["2017"]},
        ]
    }
    posted = client.post(f"{API}/tables/99001/data?lang=no", json=body)
    assert posted.status_code == 200
    again = client.post(
        f"{API}/tables/99001/data?lang=no",
        json=body,
        headers={"If-None-Match": posted.headers["ETag"]},
    )
    assert again.status_code == 304


def test_metadata_answers_304_to_its_tag_or_a_star(app: Flask, client: FlaskClient) -> None:
    store_table(app, client, px_table("99001"), "folkemengde")
    url = f"{API}/tables/99001/metadata?lang=no"
    tag = _tag(client, url)
    assert client.get(url, headers={"If-None-Match": tag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": "*"}).status_code == 304


def test_the_classic_api_tags_metadata_and_data(app: Flask, client: FlaskClient) -> None:
    store_table(app, client, px_table("99001"), "folkemengde")
    meta = _tag(client, CLASSIC)
    assert client.get(CLASSIC, headers={"If-None-Match": meta}).status_code == 304
    assert _tag(client, CLASSIC.replace("/no/", "/en/")) != meta

    data = client.post(CLASSIC, json=QUERY)
    assert data.status_code == 200
    tag = data.headers["ETag"]
    assert client.post(CLASSIC, json=QUERY, headers={"If-None-Match": tag}).status_code == 304
    as_csv = client.post(CLASSIC, json={**QUERY, "response": {"format": "csv"}})
    assert as_csv.headers["ETag"] != tag
    other = {
        **QUERY,
        "query": [{**QUERY["query"][0], "selection": {"filter": "item", "values": ["2018"]}}],
    }  # type: ignore[index,dict-item]
    assert client.post(CLASSIC, json=other).headers["ETag"] != tag

    store_table(app, client, px_table("99001").replace(b"1001 1002", b"1001 9999"), "folkemengde")
    assert client.post(CLASSIC, json=QUERY, headers={"If-None-Match": tag}).status_code == 200
