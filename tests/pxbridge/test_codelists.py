"""PxWebApi 2.0 code lists: a producer puts an aggregation (``agg_…``) or a valueset (``vs_…``) on a
variable of its table (scoped to the producer); /codelists/{id} shows it, the metadata lists it under
both spellings, a selection with it cuts or sums the cells (a missing cell stays missing), in PxWebApi 2.0,
saved queries and the classic API (``agg:``/``agg_single:``/``agg_all:``/``vs:``), and through pxwebpy."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient
from pxweb import PxApi
from sqlalchemy import func, select

from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from pxbridge.codelists import CodeList, CodeValue, aggregate, apply, groups, source_positions
from pxbridge.models import TableCodeList, TableVariable
from pxbridge.store import cells
from tests.conftest import START, bearer, make_token
from tests.pxbridge import conftest as px
from tests.pxbridge.conftest import API, upload_embargoed

AGG = "agg_Landsdeler"
VS = "vs_Utvalgte"
AGGREGATION = {
    "variable": "Region",
    "label_nb": "Landsdeler",
    "label_en": "Parts of the country",
    "values": [
        {
            "code": "SOR",
            "label_nb": "Sør-Norge",
            "label_en": "Southern Norway",
            "value_map": ["03", "11", "46"],
        },
        {
            "code": "MIDT",
            "label_nb": "Midt-Norge",
            "label_en": "Central Norway",
            "value_map": ["50"],
        },
    ],
}
VALUESET = {
    "variable": "region",  # any case: stored as the table's code
    "label_nb": "Utvalgte fylker",
    "label_en": "Selected counties",
    "values": [{"code": "03"}, {"code": "46", "label_nb": "Vestland fylke"}],
}


def put(client: FlaskClient, token: object, table: str, codelist: str, body: object) -> Any:
    return client.put(
        f"/api/v1/tables/{table}/codelists/{codelist}",
        json=body,
        headers=bearer(token) if token is not None else {},  # type: ignore[arg-type]
    )


@pytest.fixture
def with_codelists(app: Flask, client: FlaskClient, test_table: str) -> str:
    token = make_token(app, "ssb", "code lists")
    for codelist, body in ((AGG, AGGREGATION), (VS, VALUESET)):
        response = put(client, token, test_table, codelist, body)
        assert response.status_code == 201, response.text
        assert response.headers["Location"].endswith(f"/codeLists/{codelist}")
    return test_table


def folkemengde(r: int, y: int) -> float:
    """A Folkemengde cell of the test table (tests/pxbridge/conftest.py: cell)."""
    return float((r + 1) * 1000 + y)


# The plain function ---------------------------------------------------------------------------


def test_aggregate_sums_groups_and_keeps_the_first_symbol() -> None:
    # Two rows × four columns; the columns are grouped as (0, 1), (2, 3), (3,) and (1, 2).
    values = np.array(
        [1.0, 2.0, cells.encode(":"), 4.0, 10.0, cells.encode(".."), 30.0, cells.encode("-")]
    )
    out = aggregate(values, (2, 4), 1, [[0, 1], [2, 3], [3], [1, 2]])
    assert out.shape == (8,)
    decoded = [cells.decode(v) or float(v) for v in out.tolist()]
    assert decoded == [3.0, ":", 4.0, ":", "..", "-", "-", ".."]
    # On the first axis: the rows summed per column.
    summed = aggregate(np.arange(6, dtype=np.float64), (2, 3), 0, [[0, 1]])
    assert summed.tolist() == [3.0, 5.0, 7.0]


def test_apply_offers_groups_members_or_both() -> None:
    # Groups A = x + y and B = y + z (y in both) on a variable x, y, z.
    variable = TableVariable(
        code="V",
        codes=["x", "y", "z"],
        labels_nb=["Eks", "Y", "Zet"],
        labels_en=["Ex", "Why", ""],
        elimination=False,
        role=None,
    )
    grouping = CodeList(
        id="agg_G",
        kind="Aggregation",
        variable="V",
        label_nb="G",
        label_en="G",
        values=(CodeValue("A", "A nb", "A en", ("x", "y")), CodeValue("B", "B nb", "", ("y", "z"))),
    )
    grouped = apply(variable, grouping)
    assert grouped.codes == ["A", "B"] and grouped.aggregation
    single = apply(variable, grouping, "single")
    assert single.codes == ["x", "y", "z"] and not single.aggregation  # y once
    assert [v.label("en") for v in single.values] == ["Ex", "Why", "Zet"]
    assert single.sources == ((0,), (1,), (2,))
    assert source_positions(single, [2, 0]) == [2, 0]  # the pick's order, the table's own cells
    both = apply(variable, grouping, "all")
    assert both.codes == ["A", "x", "y", "B", "z"] and both.aggregation
    # Every value picked: each position read once, y used by A, by itself and by B.
    pick = range(len(both.codes))
    assert source_positions(both, pick) == [0, 1, 2]
    members = groups(both, pick)
    assert members == [[0, 1], [0], [1], [1, 2], [2]]
    values = np.array([1.0, 10.0, 100.0, 2.0, 20.0, cells.encode(":")])  # two rows × x, y, z
    out = aggregate(values, (2, 3), 1, members)
    decoded = [cells.decode(v) or float(v) for v in out.tolist()]
    assert decoded == [11.0, 1.0, 10.0, 110.0, 100.0, 22.0, 2.0, 20.0, ":", ":"]
    # A valueset offers its values only.
    valueset = CodeList("vs_S", "Valueset", "V", "S", "S", (CodeValue("x", "", "", ("x",)),))
    with pytest.raises(ValueError):
        apply(variable, valueset, "single")


# Writing them ------------------------------------------------------------------------------------


def test_put_is_scoped_to_the_producer_and_checked(
    app: Flask, client: FlaskClient, test_table: str
) -> None:
    assert put(client, None, test_table, AGG, AGGREGATION).status_code == 401
    nav = make_token(app, "nav")
    refused = put(client, nav, test_table, AGG, AGGREGATION)
    assert refused.status_code == 403 and refused.json["title"] == "Forbidden"
    with get_database(app).sessions() as s:
        assert s.scalar(select(func.count()).select_from(TableCodeList)) == 0

    ssb = make_token(app, "ssb")
    assert put(client, ssb, test_table, AGG, AGGREGATION).status_code == 201
    again = put(client, ssb, test_table, AGG, {**AGGREGATION, "label_en": "Regions"})
    assert again.status_code == 200 and again.json["type"] == "Aggregation"
    assert put(client, ssb, "nope", AGG, AGGREGATION).status_code == 404
    for codelist, body in [
        ("Landsdeler", AGGREGATION),  # no agg_/vs_ prefix
        (AGG, {**AGGREGATION, "variable": "Kommune"}),
        ("vs_Feil", {**VALUESET, "values": [{"code": "99"}]}),
        ("agg_Feil", {**AGGREGATION, "values": [{"code": "X", "label_nb": "X"}]}),  # no value_map
        (
            "agg_Feil",
            {**AGGREGATION, "values": [{"code": "X", "label_nb": "X", "value_map": ["7"]}]},
        ),
        ("agg_Feil", {**AGGREGATION, "extra": 1}),
    ]:
        response = put(client, ssb, test_table, codelist, body)
        assert response.status_code == 400, (codelist, body, response.text)

    # Another producer's id cannot be taken over (NAV's own table, SSB's id).
    nav_table = client.post(
        "/api/v1/tables?statistic=nav-helt-ledige&table_id=nav1",
        data=px.px_table("99009"),
        content_type="application/octet-stream",
        headers=bearer(nav),
    )
    assert nav_table.status_code == 201, nav_table.text
    taken = put(client, nav, "nav1", AGG, AGGREGATION)
    assert taken.status_code == 409
    assert put(client, nav, "nav1", "agg_NavRegioner", AGGREGATION).status_code == 201


# /codelists/{id} --------------------------------------------------------------------------------


def test_get_codelist(client: FlaskClient, with_codelists: str) -> None:
    response = client.get(f"{API}/codelists/{AGG}?lang=en")
    assert response.status_code == 200
    body = response.json
    assert body["id"] == AGG and body["type"] == "Aggregation" and body["language"] == "en"
    assert body["label"] == "Parts of the country" and body["languages"] == ["no", "en"]
    assert body["values"] == [
        {"code": "SOR", "label": "Southern Norway", "valueMap": ["03", "11", "46"]},
        {"code": "MIDT", "label": "Central Norway", "valueMap": ["50"]},
    ]
    rels = {link["rel"]: link for link in body["links"]}
    assert rels["self"]["href"].endswith(f"/codeLists/{AGG}?lang=en")
    assert rels["alternate"]["hreflang"] == "no"

    valueset = client.get(f"{API}/codeLists/{VS.lower()}").json  # any case, default language
    assert valueset["type"] == "Valueset" and valueset["language"] == "no"
    assert valueset["values"] == [
        {"code": "03", "label": "Oslo", "valueMap": ["03"]},
        {"code": "46", "label": "Vestland fylke", "valueMap": ["46"]},
    ]

    missing = client.get(f"{API}/codelists/agg_Finnes_ikke")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert missing.json["title"] == "Non-existent codelist"


def test_a_codelist_of_an_embargoed_table_is_hidden_until_its_release(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    at = upload_embargoed(app, client, START, "99003")
    response = put(client, make_token(app, "ssb"), "99003", AGG, AGGREGATION)
    assert response.status_code == 201, response.text
    assert client.get(f"{API}/codelists/{AGG}").status_code == 404
    clock.set(at + timedelta(seconds=1))
    assert client.get(f"{API}/codelists/{AGG}").status_code == 200


# Metadata ----------------------------------------------------------------------------------------


def test_metadata_lists_the_codelists_under_both_spellings(
    client: FlaskClient, with_codelists: str
) -> None:
    body = client.get(f"{API}/tables/{with_codelists}/metadata?lang=en").json
    region = body["dimension"]["Region"]["extension"]
    assert region["codelists"] == region["codeLists"]
    assert [(c["id"], c["type"], c["label"]) for c in region["codelists"]] == [
        (AGG, "Aggregation", "Parts of the country"),
        (VS, "Valueset", "Selected counties"),
    ]
    link = region["codelists"][0]["links"][0]
    assert link["rel"] == "metadata" and link["hreflang"] == "en"
    assert link["href"].endswith(f"{API}/codeLists/{AGG}?lang=en")
    assert body["dimension"]["Tid"]["extension"]["codeLists"] == []

    grouped = client.get(f"{API}/tables/{with_codelists}/metadata?codelist[Region]={AGG}").json
    category = grouped["dimension"]["Region"]["category"]
    assert category["index"] == {"SOR": 0, "MIDT": 1}
    assert category["label"] == {"SOR": "Sør-Norge", "MIDT": "Midt-Norge"}
    assert grouped["size"][0] == 2
    cut = client.get(f"{API}/tables/{with_codelists}/metadata?CODELIST[region]={VS}").json
    assert cut["dimension"]["Region"]["category"]["index"] == {"03": 0, "46": 1}
    wrong = client.get(f"{API}/tables/{with_codelists}/metadata?codelist[Tid]={AGG}")
    assert wrong.status_code == 400 and wrong.json["title"] == "Non-existent codelist"


# Data ----------------------------------------------------------------------------------------------


def test_data_with_a_valueset(client: FlaskClient, with_codelists: str) -> None:
    body = client.get(
        f"{API}/tables/{with_codelists}/data?codelist[Region]={VS}&valuecodes[Region]=*"
        "&valuecodes[ContentsCode]=Folkemengde&valuecodes[Tid]=2023"
    ).json
    assert body["dimension"]["Region"]["category"]["index"] == {"03": 0, "46": 1}
    assert body["value"] == [folkemengde(1, 8), folkemengde(3, 8)]
    # Value codes name the valueset's values: a value of the variable outside it does not exist.
    outside = client.get(
        f"{API}/tables/{with_codelists}/data?codelist[Region]={VS}&valuecodes[Region]=11"
        "&valuecodes[ContentsCode]=Folkemengde&valuecodes[Tid]=2023"
    )
    assert outside.status_code == 400 and outside.json["title"] == "Non-existent value"


def test_data_with_an_aggregation_sums_and_keeps_missing_cells(
    client: FlaskClient, with_codelists: str
) -> None:
    selection = {
        "selection": [
            {"variableCode": "Region", "codelist": AGG, "valueCodes": ["*"]},
            {"variableCode": "ContentsCode", "codelist": None, "valueCodes": ["Folkemengde"]},
            {"variableCode": "Tid", "valueCodes": ["2023", "2024"]},
        ]
    }
    response = client.post(f"{API}/tables/{with_codelists}/data?lang=en", json=selection)
    assert response.status_code == 200, response.text
    body = response.json
    assert body["id"] == ["Region", "ContentsCode", "Tid"] and body["size"] == [2, 1, 2]
    assert body["dimension"]["Region"]["category"]["label"] == {
        "SOR": "Southern Norway",
        "MIDT": "Central Norway",
    }
    sor_2023 = folkemengde(1, 8) + folkemengde(2, 8) + folkemengde(3, 8)
    # Oslo's 2024 cell is confidential (":"), so Sør-Norge 2024 is too.
    assert body["value"] == [sor_2023, None, folkemengde(4, 8), folkemengde(4, 9)]
    assert body["status"] == {"1": ":"}
    # GET, the legacy key codeList, and a single group: the same cells.
    again = client.get(
        f"{API}/tables/{with_codelists}/data?codelist[Region]={AGG}&valuecodes[Region]=MIDT"
        "&valuecodes[ContentsCode]=Folkemengde&valuecodes[Tid]=2023,2024"
    ).json
    assert again["value"] == [folkemengde(4, 8), folkemengde(4, 9)]
    legacy = {"selection": [{**selection["selection"][0], "codeList": AGG}]}
    del legacy["selection"][0]["codelist"]
    legacy["selection"] += selection["selection"][1:]
    assert (
        client.post(f"{API}/tables/{with_codelists}/data", json=legacy).json["value"]
        == (body["value"])
    )
    csv = client.get(
        f"{API}/tables/{with_codelists}/data?codelist[Region]={AGG}&valuecodes[Region]=*"
        "&valuecodes[ContentsCode]=Folkemengde&valuecodes[Tid]=2023&outputFormat=csv"
    )
    assert csv.status_code == 200 and "SOR" in csv.text and f"{sor_2023:g}" in csv.text


def test_percentages_are_not_summed(client: FlaskClient, with_codelists: str) -> None:
    response = client.get(
        f"{API}/tables/{with_codelists}/data?codelist[Region]={AGG}&valuecodes[Region]=*"
        "&valuecodes[ContentsCode]=*&valuecodes[Tid]=2023"
    )
    assert response.status_code == 400
    assert response.json["type"] == "Parameter error"
    assert AGG in response.json["detail"] and "prosent" in response.json["detail"]
    # A valueset sums nothing, so shares are fine with it.
    shares = client.get(
        f"{API}/tables/{with_codelists}/data?codelist[Region]={VS}&valuecodes[Region]=*"
        "&valuecodes[ContentsCode]=Andel&valuecodes[Tid]=2023"
    )
    assert shares.status_code == 200


def test_a_codelist_of_another_variable_or_none_is_refused(
    client: FlaskClient, with_codelists: str
) -> None:
    base = f"{API}/tables/{with_codelists}/data?valuecodes[ContentsCode]=Folkemengde&valuecodes[Tid]=2023"
    for query in (f"codelist[Tid]={AGG}", "codelist[Region]=agg_Finnes_ikke"):
        response = client.get(f"{base}&valuecodes[Region]=*&{query}")
        assert response.status_code == 400, query
        assert response.json["title"] == "Non-existent codelist"
    unknown = client.get(f"{base}&codelist[Kommune]={AGG}")
    assert unknown.status_code == 400 and unknown.json["title"] == "Non-existent variable"
    posted = client.post(
        f"{API}/tables/{with_codelists}/data",
        json={"selection": [{"variableCode": "Tid", "codelist": VS, "valueCodes": ["2023"]}]},
    )
    assert posted.status_code == 400 and posted.json["title"] == "Non-existent codelist"


def test_saved_queries_keep_the_codelist(client: FlaskClient, with_codelists: str) -> None:
    selection = {
        "selection": [
            {"variableCode": "Region", "valueCodes": ["SOR"], "codelist": AGG},
            {"variableCode": "ContentsCode", "valueCodes": ["Folkemengde"]},
            {"variableCode": "Tid", "valueCodes": ["top(1)"]},
        ],
        "placement": {"heading": [], "stub": []},
    }
    created = client.post(
        f"{API}/savedqueries", json={"tableId": with_codelists, "selection": selection}
    )
    assert created.status_code == 201, created.text
    query_id = created.json["id"]
    assert created.json["savedQuery"]["selection"] == selection
    run = client.get(f"{API}/savedqueries/{query_id}/data").json
    assert run["dimension"]["Region"]["category"]["index"] == {"SOR": 0}
    assert run["value"] == [None] and run["status"] == {"0": ":"}  # 2024: Oslo is confidential
    expanded = client.get(f"{API}/savedqueries/{query_id}/selection").json["selection"]
    assert expanded[0] == {"variableCode": "Region", "codelist": AGG, "valueCodes": ["SOR"]}
    assert expanded[2] == {"variableCode": "Tid", "valueCodes": ["2024"]}
    bad = {"selection": [{"variableCode": "Tid", "valueCodes": ["2024"], "codelist": AGG}]}
    refused = client.post(f"{API}/savedqueries", json={"tableId": with_codelists, "selection": bad})
    assert refused.status_code == 400 and refused.json["title"] == "Non-existent codelist"


# The classic API ---------------------------------------------------------------------------------


def test_classic_api_agg_and_vs_filters(client: FlaskClient, with_codelists: str) -> None:
    def query(region: dict[str, object]) -> Any:
        return client.post(
            f"/api/v0/no/table/{with_codelists}",
            json={
                "query": [
                    {"code": "Region", "selection": region},
                    {
                        "code": "ContentsCode",
                        "selection": {"filter": "item", "values": ["Folkemengde"]},
                    },
                    {"code": "Tid", "selection": {"filter": "item", "values": ["2023"]}},
                ],
                "response": {"format": "json-stat2"},
            },
        )

    grouped = query({"filter": f"agg:{AGG}", "values": ["SOR", "MIDT"]})
    assert grouped.status_code == 200, grouped.text
    assert grouped.json["dimension"]["Region"]["category"]["index"] == {"SOR": 0, "MIDT": 1}
    sor = folkemengde(1, 8) + folkemengde(2, 8) + folkemengde(3, 8)
    assert grouped.json["value"] == [sor, folkemengde(4, 8)]
    # The id without its prefix, as the classic API's filters write it.
    short = query({"filter": "agg:Landsdeler", "values": ["MIDT"]})
    assert short.json["value"] == [folkemengde(4, 8)]
    cut = query({"filter": f"vs:{VS}", "values": ["46", "03"]})
    assert cut.json["dimension"]["Region"]["category"]["index"] == {"03": 0, "46": 1}
    assert cut.json["value"] == [folkemengde(1, 8), folkemengde(3, 8)]
    for wrong in (
        {"filter": "agg:Finnes_ikke", "values": ["SOR"]},
        {"filter": f"agg:{AGG}", "values": ["03"]},  # a code of the variable, not of the grouping
    ):
        response = query(wrong)
        assert response.status_code == 400 and "error" in response.json, wrong


def test_classic_api_agg_single_and_agg_all(client: FlaskClient, with_codelists: str) -> None:
    def query(region: dict[str, object], contents: str = "Folkemengde") -> Any:
        return client.post(
            f"/api/v0/en/table/{with_codelists}",
            json={
                "query": [
                    {"code": "Region", "selection": region},
                    {"code": "ContentsCode", "selection": {"filter": "item", "values": [contents]}},
                    {"code": "Tid", "selection": {"filter": "item", "values": ["2023"]}},
                ],
                "response": {"format": "json-stat2"},
            },
        )

    error = "The request for variable 'Region' has an error. Please check your query."
    # agg_single: the groups' members, the variable's own values, labels and cells (no sums).
    single = query({"filter": f"agg_single:{AGG}", "values": ["50", "03"]})
    assert single.status_code == 200, single.text
    category = single.json["dimension"]["Region"]["category"]
    assert category["index"] == {"03": 0, "50": 1}
    assert category["label"] == {"03": "Oslo", "50": "Trøndelag"}
    assert single.json["value"] == [folkemengde(1, 8), folkemengde(4, 8)]
    # A group is not one of the values it offers; nor is a value outside every group.
    for values in (["SOR"], ["0"]):
        refused = query({"filter": f"agg_single:{AGG}", "values": values})
        assert refused.status_code == 400 and refused.json == {"error": error}, values
    # Every member, in group order; the id without its prefix names the same code list.
    every = query({"filter": "agg_single:Landsdeler", "values": ["50", "46", "11", "03"]})
    assert every.status_code == 200, every.text
    assert every.json["dimension"]["Region"]["category"]["index"] == {
        "03": 0,
        "11": 1,
        "46": 2,
        "50": 3,
    }
    assert every.json["value"] == [folkemengde(r, 8) for r in (1, 2, 3, 4)]

    # agg_all: each group (summed), then its members (their own cells), in grouping order.
    both = query({"filter": f"AGG_ALL:{AGG}", "values": ["MIDT", "03", "SOR"]})
    assert both.status_code == 200, both.text
    category = both.json["dimension"]["Region"]["category"]
    assert category["index"] == {"SOR": 0, "03": 1, "MIDT": 2}
    assert category["label"] == {"SOR": "Southern Norway", "03": "Oslo", "MIDT": "Central Norway"}
    sor = folkemengde(1, 8) + folkemengde(2, 8) + folkemengde(3, 8)
    assert both.json["value"] == [sor, folkemengde(1, 8), folkemengde(4, 8)]
    members = query({"filter": f"agg_all:{AGG}", "values": ["50", "MIDT"]})
    assert members.json["dimension"]["Region"]["category"]["index"] == {"MIDT": 0, "50": 1}
    assert members.json["value"] == [folkemengde(4, 8), folkemengde(4, 8)]
    assert query({"filter": f"agg_all:{AGG}", "values": ["0"]}).status_code == 400

    # Shares: agg_single sums nothing, so they are fine; agg_all sums its groups.
    shares = query({"filter": f"agg_single:{AGG}", "values": ["03", "46"]}, "Andel")
    assert shares.status_code == 200, shares.text
    summed = query({"filter": f"agg_all:{AGG}", "values": ["SOR", "03"]}, "Andel")
    assert summed.status_code == 400 and AGG in summed.json["error"]
    # A valueset is no aggregation, with or without its prefix; nor is an unknown id.
    for wrong in (f"agg_single:{VS}", "agg_single:Utvalgte", f"agg_all:{VS}", "agg_all:Nope"):
        refused = query({"filter": wrong, "values": ["03"]})
        assert refused.status_code == 400 and refused.json == {"error": error}, wrong


# pxwebpy -----------------------------------------------------------------------------------------


def test_pxwebpy_reads_codelists_and_their_data(live: str, with_codelists: str) -> None:
    api = PxApi(live, language="en")
    codelist = api.get_code_list(AGG)
    assert [v["code"] for v in codelist["values"]] == ["SOR", "MIDT"]
    variables = api.get_table_variables(with_codelists)
    assert [c["id"] for c in variables["Region"]["codelists"]] == [AGG, VS]
    # The wildcard is expanded by the client from the code list's values.
    rows = api.get_table_data(
        with_codelists,
        value_codes={"Region": ["*"], "ContentsCode": ["Folkemengde"], "Tid": ["2023"]},
        code_list={"Region": AGG},
    )
    assert [(r["region"], r["value"]) for r in rows] == [
        ("Southern Norway", folkemengde(1, 8) + folkemengde(2, 8) + folkemengde(3, 8)),
        ("Central Norway", folkemengde(4, 8)),
    ]


# The demo ------------------------------------------------------------------------------------


def test_the_demo_tables_have_an_aggregation_and_a_valueset(
    app: Flask, client: FlaskClient
) -> None:
    from pxbridge.blueprint import get_store
    from pxbridge.demo import TABLES, seed_codelists, seed_tables

    with get_database(app).sessions() as s:
        assert seed_tables(s, get_store(app), START) == len(TABLES)
        s.commit()
        assert seed_codelists(s, START) == 0  # idempotent
    salmon = client.get(f"{API}/tables/03024/metadata").json
    assert [c["id"] for c in salmon["dimension"]["VareGrupper2"]["extension"]["codeLists"]] == [
        "agg_OppalenLaks"
    ]
    weight = client.get(
        f"{API}/tables/03024/data?codelist[VareGrupper2]=agg_OppalenLaks&valuecodes[VareGrupper2]=*"
        "&valuecodes[ContentsCode]=Vekt&valuecodes[Tid]=*"
    )
    assert weight.status_code == 200, weight.text
    parts = client.get(
        f"{API}/tables/03024/data?valuecodes[VareGrupper2]=*&valuecodes[ContentsCode]=Vekt"
        "&valuecodes[Tid]=*"
    ).json["value"]
    assert weight.json["value"] == [pytest.approx(sum(parts))]
    price = client.get(
        f"{API}/tables/03024/data?codelist[VareGrupper2]=agg_OppalenLaks&valuecodes[VareGrupper2]=*"
        "&valuecodes[ContentsCode]=Kilopris&valuecodes[Tid]=*"
    )
    assert price.status_code == 400  # a price per kilo is not summed
    goods = client.get(f"{API}/codelists/vs_Varegrupper").json
    assert [v["code"] for v in goods["values"]] == ["MAT", "EL", "BIL", "AV"]


# The table page -------------------------------------------------------------------------------


def test_the_table_page_offers_the_codelists_and_its_links_keep_them(
    client: FlaskClient, with_codelists: str
) -> None:
    page = client.get(f"/tabeller/{with_codelists}")
    assert page.status_code == 200
    assert f'<option value="{AGG}">Landsdeler</option>' in page.text  # offered on Region
    chosen = client.get(
        f"/en/tables/{with_codelists}?cl-Region={AGG}&v-Region=03&v-ContentsCode=Folkemengde"
        "&v-Tid=2023"
    )
    assert chosen.status_code == 200, chosen.text
    text = chosen.text
    # The Region list now offers the groups; the old value 03 is not one, so all groups are chosen.
    assert f'<option value="{AGG}" selected>Parts of the country</option>' in text
    assert re.search(r'value="SOR" checked><label [^>]+>Southern Norway \(SOR\)</label>', text)
    assert 'name="v-Region" value="03"' not in text
    sor_2023 = folkemengde(1, 8) + folkemengde(2, 8) + folkemengde(3, 8)
    assert f'<td class="num">{sor_2023:,g}' in text  # the preview sums, as English writes it
    # The API query the page gives carries the code list, and answers the same cells.
    assert f"codelist%5BRegion%5D={AGG}" in text
    api = client.get(
        f"{API}/tables/{with_codelists}/data?lang=en&valuecodes[Region]=*&valuecodes[ContentsCode]="
        f"Folkemengde&valuecodes[Tid]=2023&codelist[Region]={AGG}"
    ).json
    assert api["value"] == [sor_2023, folkemengde(4, 8)]
    assert f'"codelist": "{AGG}"' in html.unescape(text)  # in the POST body shown
    # Only the code list chosen (the first thing a visitor may do): the default selection through it.
    first = client.get(f"/en/tables/{with_codelists}?cl-Region={AGG}")
    assert first.status_code == 200, first.text
    assert re.search(
        r'value="MIDT" checked><label [^>]+>Central Norway \(MIDT\)</label>', first.text
    )
    # An id that is not one of the variable's code lists is ignored: its own values are offered.
    other = client.get(f"/tabeller/{with_codelists}?cl-Region=agg_Nope")
    assert other.status_code == 200 and 'name="v-Region" value="03"' in other.text


def test_delete_takes_a_codelist_off_its_table(
    app: Flask, client: FlaskClient, with_codelists: str
) -> None:
    url = f"/api/v1/tables/{with_codelists}/codelists/{VS}"
    assert client.delete(url).status_code == 401
    refused = client.delete(url, headers=bearer(make_token(app, "nav")))
    assert refused.status_code == 403
    assert client.get(f"{API}/codelists/{VS}").status_code == 200  # nothing changed
    ssb = bearer(make_token(app, "ssb"))
    unknown = client.delete(f"/api/v1/tables/{with_codelists}/codelists/vs_Nope", headers=ssb)
    assert unknown.status_code == 404
    assert client.delete(url, headers=ssb).status_code == 204
    assert client.get(f"{API}/codelists/{VS}").status_code == 404
    metadata = client.get(f"{API}/tables/{with_codelists}/metadata").json
    assert [c["id"] for c in metadata["dimension"]["Region"]["extension"]["codelists"]] == [AGG]
    gone = client.get(
        f"{API}/tables/{with_codelists}/data?codelist[Region]={VS}&valuecodes[Region]=*"
        "&valuecodes[ContentsCode]=Folkemengde&valuecodes[Tid]=2023"
    )
    assert gone.status_code == 400 and gone.json["title"] == "Non-existent codelist"
    assert client.delete(url, headers=ssb).status_code == 404  # already off
    with get_database(app).sessions() as s:
        assert s.get(TableCodeList, VS) is None and s.get(TableCodeList, AGG) is not None


def test_aggregallowed_is_reported_and_an_average_is_never_summed(
    app: Flask, client: FlaskClient, with_codelists: str
) -> None:
    """PX AGGREGALLOWED=NO is kept and reported (JSON-stat ``extension.px.aggregallowed``, the PX
    output); the producer's own aggregation still applies, as in PxWebApi, but not to contents the
    file calls an average (STOCKFA=A), in either API."""
    token = make_token(app, "ssb", "no sums")
    data = px.px_table("99011").replace(
        b'MATRIX="99011";', b'MATRIX="99011";\nAGGREGALLOWED=NO;\nSTOCKFA("Folkemengde")=A;'
    )
    uploaded = client.post(
        "/api/v1/tables?statistic=folkemengde",
        data=data,
        content_type="application/octet-stream",
        headers=bearer(token),
    )
    assert uploaded.status_code == 201, uploaded.text
    for codelist, body in ((AGG, AGGREGATION), (VS, VALUESET)):
        assert put(client, token, "99011", codelist, body).status_code in (200, 201)
    base = "valuecodes[ContentsCode]=Folkemengde&valuecodes[Tid]=2023"
    refused = client.get(
        f"{API}/tables/99011/data?codelist[Region]={AGG}&valuecodes[Region]=*&{base}"
    )
    assert refused.status_code == 400
    assert refused.json["detail"] == (
        f"Codelist {AGG} adds values up, but Folkemengde is an average (STOCKFA=A) and cannot be "
        "summed: choose other contents, or a valueset"
    )
    cut = client.get(f"{API}/tables/99011/data?codelist[Region]={VS}&valuecodes[Region]=*&{base}")
    assert cut.status_code == 200 and cut.json["value"] == [folkemengde(1, 8), folkemengde(3, 8)]
    assert cut.json["extension"]["px"]["aggregallowed"] is False
    own = client.get(
        f"{API}/tables/{with_codelists}/data?codelist[Region]={AGG}&valuecodes[Region]=*&{base}"
    )
    assert own.status_code == 200 and own.json["extension"]["px"]["aggregallowed"] is True

    def classic(filter_: str, values: list[str]) -> Any:
        return client.post(
            "/api/v0/no/table/99011",
            json={
                "query": [
                    {"code": "Region", "selection": {"filter": filter_, "values": values}},
                    {
                        "code": "ContentsCode",
                        "selection": {"filter": "item", "values": ["Folkemengde"]},
                    },
                    {"code": "Tid", "selection": {"filter": "item", "values": ["2023"]}},
                ],
                "response": {"format": "json-stat2"},
            },
        )

    assert classic(f"agg_all:{AGG}", ["03", "SOR"]).status_code == 400
    single = classic(f"agg_single:{AGG}", ["03"])  # no sum: the table's own cell
    assert single.status_code == 200 and single.json["value"] == [folkemengde(1, 8)]
    written = client.get(f"{API}/tables/99011/data?outputFormat=px&valuecodes[Region]=03&{base}")
    assert written.status_code == 200 and b"\nAGGREGALLOWED=NO;" in written.data
