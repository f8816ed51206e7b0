"""PxWebApi 2.0 saved queries: stored after the selection is checked against the table, run again by id
in the stored or another format and language, their selection expanded; problems as the reference
names them; nothing stored on bad input; invisible while their table is."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from pyjstat import pyjstat
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from pxbridge.models import SavedQuery
from tests.conftest import csrf_token
from tests.pxbridge import conftest as px

API = "/api/pxwebapi/v2"
BODY = {
    "tableId": "99001",
    "language": "en",
    "outputFormat": "csv",
    "selection": {
        "selection": [
            {"variableCode": "Region", "valueCodes": ["03", "11"]},
            {"variableCode": "ContentsCode", "valueCodes": ["Andel"]},
            {"variableCode": "Tid", "valueCodes": ["top(2)"]},
        ],
        "placement": {"heading": ["Tid"], "stub": ["Region", "ContentsCode"]},
    },
}


def _count(app: Flask) -> int:
    with get_database(app).sessions() as s:
        return int(s.scalar(select(func.count()).select_from(SavedQuery)) or 0)


def test_a_saved_query_is_stored_run_and_expanded(
    client: FlaskClient,
    test_table: str,  # noqa: F811  (a fixture)
) -> None:
    created = client.post(f"{API}/savedqueries", json=BODY)
    assert created.status_code == 201, created.json
    saved = created.json
    query_id = saved["id"]
    assert created.headers["Location"] == saved["links"][0]["href"]
    assert saved["savedQuery"]["tableId"] == "99001"
    assert saved["savedQuery"]["selection"] == BODY["selection"]
    again = client.get(f"{API}/savedqueries/{query_id}")
    assert again.status_code == 200 and again.json["savedQuery"] == saved["savedQuery"]

    # run: the stored format (CSV) and language (en)
    run = client.get(f"{API}/savedqueries/{query_id}/data")
    assert run.status_code == 200 and run.content_type.startswith("text/csv")
    lines = run.text.splitlines()
    assert lines[0] == '"region","contents","2023","2024"'  # English names, the stored placement
    assert lines[1] == '"03","Andel",{},{}'.format(
        px.expected("03", "Andel", "2023"), px.expected("03", "Andel", "2024")
    )
    assert len(lines) == 3
    # the query string overrides them; pyjstat reads the JSON-stat it gives
    as_json = client.get(f"{API}/savedqueries/{query_id}/data?outputFormat=json-stat2&lang=no")
    frame = pyjstat.Dataset.read(as_json.text).write("dataframe")
    assert len(frame) == 4
    assert set(frame["år"]) == {"2023", "2024"}
    assert frame["value"].tolist() == [
        px.expected(r, "Andel", y) for r in ("03", "11") for y in ("2023", "2024")
    ]
    # the selection with top(2) expanded to today's codes
    expanded = client.get(f"{API}/savedqueries/{query_id}/selection").json
    assert expanded["selection"] == [
        {"variableCode": "Region", "valueCodes": ["03", "11"]},
        {"variableCode": "ContentsCode", "valueCodes": ["Andel"]},
        {"variableCode": "Tid", "valueCodes": ["2023", "2024"]},
    ]
    assert expanded["placement"] == {"heading": ["Tid"], "stub": ["Region", "ContentsCode"]}


def test_bad_saved_queries_are_problems_and_store_nothing(
    app: Flask,
    client: FlaskClient,
    test_table: str,  # noqa: F811
) -> None:
    before = _count(app)
    cases = [
        (None, 400, "No query specified"),
        ({**BODY, "tableId": "nope"}, 404, "Non-existent table"),
        ({**BODY, "outputFormat": "pdf"}, 400, "Unsupported output format"),
        ({**BODY, "language": "sv"}, 400, "Unsupported language"),
        (
            {**BODY, "selection": {"selection": [{"variableCode": "Tid", "valueCodes": ["1850"]}]}},
            400,
            None,
        ),
        ({**BODY, "selection": {"selection": "all"}}, 400, "Parameter error"),
    ]
    for body, status, title in cases:
        answer = (
            client.post(f"{API}/savedqueries", data="", content_type="application/json")
            if body is None
            else client.post(f"{API}/savedqueries", json=body)
        )
        assert answer.status_code == status, (body, answer.json)
        assert answer.content_type == "application/problem+json"
        if title:
            assert answer.json["title"] == title
    assert _count(app) == before
    missing = client.get(f"{API}/savedqueries/0000")
    assert missing.status_code == 404 and missing.json["title"] == "Saved query not found"
    assert client.get(f"{API}/savedqueries/a..b").status_code == 400
    assert client.get(f"{API}/savedqueries/0000/data").status_code == 404


def test_a_saved_query_of_an_embargoed_table_waits_for_its_release(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    """It cannot be made before the release (the table is not there), and once made it is there."""
    at = px.upload_embargoed(app, client, clock.now(), "99004")
    body = {**BODY, "tableId": "99004"}
    clock.set(at - timedelta(seconds=1))
    assert client.post(f"{API}/savedqueries", json=body).status_code == 404
    clock.set(at + timedelta(seconds=1))
    made = client.post(f"{API}/savedqueries", json=body)
    assert made.status_code == 201
    assert client.get(f"{API}/savedqueries/{made.json['id']}/data").status_code == 200


def test_metadata_through_a_saved_query_or_the_default_selection(
    client: FlaskClient,
    test_table: str,  # noqa: F811  (a fixture)
) -> None:
    query_id = client.post(f"{API}/savedqueries", json=BODY).json["id"]
    whole = client.get(f"{API}/tables/99001/metadata?lang=en").json
    assert whole["size"] == [5, 2, 10]
    through = client.get(f"{API}/tables/99001/metadata?savedQuery={query_id}&lang=en")
    assert through.status_code == 200, through.json
    body = through.json
    assert body["id"] == ["Region", "ContentsCode", "Tid"] and body["size"] == [2, 1, 2]
    assert list(body["dimension"]["Region"]["category"]["index"]) == ["03", "11"]
    assert list(body["dimension"]["Tid"]["category"]["index"]) == ["2023", "2024"]
    assert body["value"] == [] and body["label"] == whole["label"]
    # The parameter in another case; an unknown id, or one saved for another table, is not found.
    assert client.get(f"{API}/tables/99001/metadata?savedquery={query_id}").json["size"] == [
        2,
        1,
        2,
    ]
    unknown = client.get(f"{API}/tables/99001/metadata?savedQuery=nope")
    assert unknown.status_code == 404 and unknown.json["title"] == "Saved query not found"
    default = client.get(f"{API}/tables/99001/metadata?defaultSelection=true").json
    chosen = client.get(f"{API}/tables/99001/defaultselection").json["selection"]
    assert default["size"] == [len(s["valueCodes"]) for s in chosen if s["valueCodes"]]


def test_a_saved_query_in_a_language_only_its_table_has(app: Flask, client: FlaskClient) -> None:
    """Issue 21: TAB004 (PxWebApi's test table) is in English and Swedish only. A saved query may be
    stored in Swedish, which only the table has; one stored in Norwegian is answered in the table's own
    language (English), as the table itself is, and says so; a language neither the portal nor the
    table has is refused, storing nothing."""
    table_id = px.store_table(app, client, (px.DATA / "tab4_fewcells.px").read_bytes(), "laks")
    every = ("SECTOR", "GREENHOUSEGAS", "ContentsCode", "TIME")
    selection = {"selection": [{"variableCode": code, "valueCodes": ["*"]} for code in every]}

    def save(language: str) -> TestResponse:
        body = {"tableId": table_id, "language": language, "outputFormat": "csv"}
        return client.post(f"{API}/savedqueries", json={**body, "selection": selection})

    swedish = save("sv")
    assert swedish.status_code == 201, swedish.json
    assert swedish.json["language"] == "sv" and swedish.json["savedQuery"]["language"] == "sv"
    run = client.get(f"{API}/savedqueries/{swedish.json['id']}/data")
    assert run.status_code == 200 and run.headers["Content-Language"] == "sv"
    assert "sektor" in run.text and "sector" not in run.text

    english = save("en")
    assert english.status_code == 201 and english.json["language"] == "en"
    assert "sector" in client.get(f"{API}/savedqueries/{english.json['id']}/data").text

    norwegian = save("no")
    assert norwegian.status_code == 201, norwegian.json
    assert norwegian.json["savedQuery"]["language"] == "no"  # as asked: kept for the table
    assert norwegian.json["language"] == "en" and norwegian.headers["Content-Language"] == "en"
    query_id = norwegian.json["id"]
    again = client.get(f"{API}/savedqueries/{query_id}")
    assert again.json["language"] == "en" and again.headers["Content-Language"] == "en"
    run = client.get(f"{API}/savedqueries/{query_id}/data")
    assert run.status_code == 200 and run.headers["Content-Language"] == "en"
    assert "sector" in run.text
    expanded = client.get(f"{API}/savedqueries/{query_id}/selection")
    assert expanded.json["language"] == "en"

    before = _count(app)
    for language in ("fi", "x", "swedish"):
        refused = save(language)
        assert refused.status_code == 400 and refused.json["title"] == "Unsupported language"
    assert _count(app) == before


def test_the_table_page_saves_a_selection_in_the_language_it_shows(
    app: Flask, client: FlaskClient
) -> None:
    """An English-only table on a Norwegian page is shown in English; the selection the page saves
    for an alert is stored in English, the language of the labels the person saw."""
    table_id = px.store_table(app, client, (px.DATA / "tab4_fewcells.px").read_bytes(), "laks")
    form = client.get(f"/tabeller/{table_id}/varsle")
    assert form.status_code == 200
    answer = client.post(f"/tabeller/{table_id}/varsle", data={"csrf_token": csrf_token(form.text)})
    assert answer.status_code == 303, answer.text[-1500:]
    with get_database(app).sessions() as s:
        saved = s.scalars(select(SavedQuery).where(SavedQuery.table_id == table_id)).one()
        assert saved.language == "en"
