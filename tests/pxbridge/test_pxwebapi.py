"""PxWebApi 2.0 through the real clients from PyPI on a live server (pxwebpy, pyjstat, jsonstat-validator,
pyaxis), and its contract through plain HTTP: config, tables, metadata, default selection, data by GET
and POST, every output format, problems, the cell limit."""

from __future__ import annotations

import io
import math

import pytest
import requests
from flask.testing import FlaskClient
from jsonstat_validator import validate_jsonstat
from pxweb import PxApi
from pyaxis import pyaxis
from pyjstat import pyjstat

from tests.pxbridge.conftest import API, REGIONS, YEARS, expected

ALL = "valuecodes[Region]=*&valuecodes[ContentsCode]=*&valuecodes[Tid]=*"


def test_pxwebpy_reads_metadata_and_data_through_the_api(live: str, test_table: str) -> None:
    api = PxApi(live, language="en")
    variables = api.get_table_variables(test_table)
    assert list(variables) == ["Region", "ContentsCode", "Tid"]
    assert variables["Region"]["elimination"] is True
    assert variables["Region"]["category"]["label"]["0"] == "The whole country"
    rows = api.get_table_data(
        test_table,
        value_codes={"Region": ["03", "11"], "ContentsCode": ["Andel"], "Tid": ["top(2)"]},
    )
    assert [(r["region"], r["year"], r["value"]) for r in rows] == [
        ("Oslo", "2023", expected("03", "Andel", "2023")),
        ("Oslo", "2024", expected("03", "Andel", "2024")),
        ("Rogaland", "2023", expected("11", "Andel", "2023")),
        ("Rogaland", "2024", expected("11", "Andel", "2024")),
    ]
    found = api.search("Test population")
    assert [t["id"] for t in found["tables"]] == [test_table]
    # Wildcards are expanded by the client, expressions sent as they are.
    everything = api.get_table_data(
        test_table, value_codes={"Region": ["*"], "ContentsCode": ["*"], "Tid": ["from(2020)"]}
    )
    assert len(everything) == len(REGIONS) * 2 * 5


def test_pyjstat_and_the_validator_read_our_json_stat(live: str, test_table: str) -> None:
    text = requests.get(f"{live}/tables/{test_table}/data?lang=en&{ALL}", timeout=10).text
    frame = pyjstat.Dataset.read(text).write("dataframe", naming="id")
    assert len(frame) == len(REGIONS) * 2 * len(YEARS)
    oslo_2024 = frame[
        (frame["Region"] == "03")
        & (frame["ContentsCode"] == "Folkemengde")
        & (frame["Tid"] == "2024")
    ]
    assert math.isnan(oslo_2024["value"].iloc[0])  # the confidential ":" cell is null
    assert oslo_2024.shape[0] == 1
    body = requests.get(f"{live}/tables/{test_table}/data?{ALL}", timeout=10).json()
    assert validate_jsonstat(body) is True
    status = body["status"]
    assert sorted(status.values()) == ["..", ":"]
    assert body["value"][int(next(k for k, v in status.items() if v == ":"))] is None
    metadata = requests.get(f"{live}/tables/{test_table}/metadata?lang=en", timeout=10).json()
    assert metadata["value"] == [] and metadata["size"] == [5, 2, 10]
    assert metadata["dimension"]["ContentsCode"]["category"]["unit"]["Andel"] == {
        "base": "per cent",
        "decimals": 1,
    }


def test_pyaxis_parses_our_px_back_to_the_same_values(live: str, test_table: str) -> None:
    parsed = pyaxis.parse(
        f"{live}/tables/{test_table}/data?outputFormat=px&{ALL}", encoding="utf-8"
    )
    frame = parsed["DATA"]
    assert len(frame) == len(REGIONS) * 2 * len(YEARS)
    labels = dict(zip([nb for _, nb, _ in REGIONS], [c for c, _, _ in REGIONS], strict=True))
    for row in frame.itertuples(index=False):
        region, contents, year, value = row
        want = expected(labels[region], contents, year)
        if isinstance(want, float):
            assert float(value) == pytest.approx(want)
        elif want == "..":
            assert math.isnan(value)  # pyaxis reads ".." as missing
        else:
            assert value == f'"{want}"'  # and keeps other symbols as their quoted text


def test_real_statistics_norway_tables(live: str, tables: dict[str, str]) -> None:
    api = PxApi(live, language="no")
    rows = api.get_table_data(
        tables["tab_12909_metaid.px"],
        value_codes={"Yrke": ["*"], "LandBakgr": ["*"], "ContentsCode": ["*"], "Tid": ["*"]},
    )
    assert rows[0]["value"] == 6.4 and rows[-1]["value"] == 6.0 and len(rows) == 12
    salmon = api.get_table_metadata(tables["WeeklyStatisticsWithTwoContent.px"])
    assert salmon["dimension"]["Tid"]["category"]["label"] == {"2023U29": "2023U29"}


def test_config_and_table_listing(client: FlaskClient, test_table: str) -> None:
    config = client.get(f"{API}/config").json
    for key in (
        "apiVersion",
        "appVersion",
        "languages",
        "defaultLanguage",
        "maxDataCells",
        "maxCallsPerTimeWindow",
        "timeWindow",
        "license",
        "defaultDataFormat",
        "dataFormats",
    ):
        assert key in config
    assert set(config["dataFormats"]) == {
        "px",
        "json-stat2",
        "csv",
        "xlsx",
        "html",
        "json-px",
        "parquet",
    }
    one = client.get(f"{API}/tables/{test_table.lower()}?LANG=en")
    assert one.json["id"] == test_table and one.json["timeUnit"] == "Annual"
    assert one.json["firstPeriod"] == "2015" and one.json["lastPeriod"] == "2024"
    paged = client.get(f"{API}/tables?pagesize=1&pageNumber=1").json
    assert paged["page"]["pageSize"] == 1 and paged["page"]["totalElements"] >= 1
    assert client.get(f"{API}/tables?pageNumber=999").status_code == 404
    assert client.get(f"{API}/tables?lang=sv").json["title"] == "Unsupported language"
    default = client.get(f"{API}/tables/{test_table}/defaultselection").json
    assert {s["variableCode"]: s["valueCodes"] for s in default["selection"]}["Tid"] == ["2024"]


def test_get_and_post_select_the_same_cells(client: FlaskClient, test_table: str) -> None:
    get = client.get(
        f"{API}/tables/{test_table}/data?valuecodes[region]=03,46&valueCodes[ContentsCode]=Folkemengde&valuecodes[time]=[range(2016,2018)]"
    )
    post = client.post(
        f"{API}/tables/{test_table}/data",
        json={
            "selection": [
                {"variableCode": "Region", "codelist": None, "valueCodes": ["03", "46"]},
                {"variableCode": "ContentsCode", "valueCodes": ["Folkemengde"]},
                {"variableCode": "Tid", "valueCodes": ["range(2016,2018)"]},
            ],
            "placement": None,
        },
    )
    assert get.status_code == post.status_code == 200
    assert (
        get.json["value"]
        == post.json["value"]
        == [expected(r, "Folkemengde", y) for r in ("03", "46") for y in ("2016", "2017", "2018")]
    )
    # Left out, the eliminable region takes its elimination value, "Hele landet".
    national = client.get(
        f"{API}/tables/{test_table}/data?valuecodes[ContentsCode]=Folkemengde&valuecodes[Tid]=2020"
    ).json
    assert national["id"] == ["ContentsCode", "Tid"] and national["value"] == [
        expected("0", "Folkemengde", "2020")
    ]
    pivot = client.get(
        f"{API}/tables/{test_table}/data?{ALL}&stub=Tid&heading=Region,ContentsCode"
    ).json
    assert pivot["id"] == ["Tid", "Region", "ContentsCode"]
    assert pivot["value"][1] == expected("0", "Andel", "2015")


@pytest.mark.parametrize(
    ("query", "status", "title"),
    [
        ("valuecodes[Nope]=1", 400, "Non-existent variable"),
        (
            "valuecodes[Region]=99&valuecodes[ContentsCode]=*&valuecodes[Tid]=*",
            400,
            "Non-existent value",
        ),
        (
            "valuecodes[Region]=top(x)&valuecodes[ContentsCode]=*&valuecodes[Tid]=*",
            400,
            "Illegal selection expression",
        ),
        ("valuecodes[Region]=*", 400, "Missing selection for mandantory variable"),
        (f"{ALL}&outputFormat=docx", 400, "Unsupported output format"),
        (f"{ALL}&stub=Tid&heading=Tid", 400, "Illegal placment"),
        (f"{ALL}&outputFormat=json-stat2&outputFormatParams=SeparatorTab", 400, None),
    ],
)
def test_bad_selections_are_problems(
    client: FlaskClient, test_table: str, query: str, status: int, title: str | None
) -> None:
    response = client.get(f"{API}/tables/{test_table}/data?{query}")
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    if title:
        assert response.json["title"] == title


def test_unknown_tables_and_the_cell_limit(client: FlaskClient, app, test_table: str) -> None:
    for path in (
        "/tables/nope",
        "/tables/nope/metadata",
        "/tables/nope/data",
        "/tables/nope/defaultselection",
        "/codelists/vs_nope",
    ):
        response = client.get(API + path)
        assert response.status_code == 404, path
        assert response.mimetype == "application/problem+json"
    app.config["PXAPI_MAX_CELLS"] = 99
    over = client.get(f"{API}/tables/{test_table}/data?{ALL}")
    assert over.status_code == 403 and over.json["title"] == "Too many cells selected"
    assert (
        client.get(
            f"{API}/tables/{test_table}/data?valuecodes[Region]=*&valuecodes[ContentsCode]=*&valuecodes[Tid]=top(9)"
        ).status_code
        == 200
    )


def test_every_format_has_its_content_and_type(client: FlaskClient, test_table: str) -> None:
    import csv
    import json

    import openpyxl
    import pyarrow.parquet as pq

    def get(fmt: str, params: str = "") -> object:
        response = client.get(f"{API}/tables/{test_table}/data?{ALL}&outputFormat={fmt}{params}")
        assert response.status_code == 200, response.text
        assert response.headers["Content-Disposition"].startswith('inline; filename="99001')
        return response

    csv_response = get("csv")
    assert csv_response.content_type.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_response.text)))
    assert len(rows) == 1 + len(REGIONS) and len(rows[0]) == 1 + 2 * len(YEARS)
    assert rows[2][1 + 9] == ":"  # Oslo, Folkemengde, 2024
    texts = list(
        csv.reader(
            io.StringIO(get("csv", "&outputFormatParams=UseTexts,SeparatorSemicolon").text),
            delimiter=";",
        )
    )
    assert texts[1][0] == "Hele landet"
    xlsx = get("xlsx")
    assert xlsx.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    numbers = [
        c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, (int, float))
    ]
    assert expected("50", "Andel", "2024") in numbers
    html = get("html")
    assert html.content_type.startswith("text/html") and '<th scope="row"' in html.text
    json_px = json.loads(get("json-px").data)
    assert {c["type"] for c in json_px["columns"]} >= {"d", "t", "c"}
    parquet = pq.read_table(io.BytesIO(get("parquet").data))
    assert parquet.num_rows == len(REGIONS) * len(YEARS)
    assert get("px").content_type.startswith("application/octet-stream")
    assert get("json-stat2").content_type.startswith("application/json")


def test_status_names_exactly_the_null_cells_of_any_cut_and_placement(
    client: FlaskClient, test_table: str
) -> None:
    """The answer's symbol cells come from the cell store's symbol positions by index arithmetic;
    they must be the null values, wherever the selection and the placement put them."""
    queries = [
        "valuecodes[Region]=03,46&valuecodes[ContentsCode]=*&valuecodes[Tid]=2015,2024",
        "valuecodes[Region]=11,03&valuecodes[ContentsCode]=Andel,Folkemengde&valuecodes[Tid]=*"
        "&stub=Tid&heading=Region,ContentsCode",
        "valuecodes[Region]=*&valuecodes[ContentsCode]=Andel&valuecodes[Tid]=top(10)&heading=Region",
        "valuecodes[Region]=11&valuecodes[ContentsCode]=Andel&valuecodes[Tid]=2015",
        "valuecodes[Region]=03&valuecodes[ContentsCode]=Folkemengde&valuecodes[Tid]=2024",
    ]
    seen = []
    for query in queries:
        body = client.get(f"{API}/tables/{test_table}/data?{query}").json
        nulls = {str(i) for i, v in enumerate(body["value"]) if v is None}
        assert set(body.get("status", {})) == nulls, query
        seen.append(sorted(body.get("status", {}).values()))
    # The test table's ":" is Oslo's 2024 Folkemengde, its ".." Rogaland's 2015 Andel.
    assert seen == [[":"], ["..", ":"], [".."], [".."], [":"]]
