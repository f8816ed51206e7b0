"""Table pages in both languages: the selection form works without JavaScript, the preview is an
accessible table, every download link and the API query give the selection, the chart is an SVG image
with a text alternative, and the statistic's page lists its tables."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask.testing import FlaskClient

from tests.pxbridge.conftest import expected

PAGE = (
    "/en/tables/99001?v-Region=03&v-Region=11&all-ContentsCode=1&v-Tid=2022&v-Tid=2023&v-Tid=2024"
)


def _local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_the_page_shows_the_chosen_selection(client: FlaskClient, test_table: str) -> None:
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.text
    assert "<h1>99001: Test population, by region, contents and year</h1>" in html
    assert re.search(r'name="v-Region" value="03" checked><label [^>]+>Oslo \(03\)</label>', html)
    assert re.search(
        r'name="v-Region" value="0"><label [^>]+>The whole country \(0\)</label>', html
    )
    assert 'name="all-ContentsCode" value="1" checked' in html
    assert '<th scope="row"' in html and '<th scope="col"' in html
    assert 'title="Not for publication"' in html  # Oslo's ":" in 2024
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="chart-title chart-desc"', html)
    assert "Line chart of" in html and 'class="line reactive nofill"' in html  # drawn by pygal
    assert page.headers["Link"].startswith("</api/pxwebapi/v2/tables/99001/metadata")
    norwegian = client.get(PAGE.replace("/en/tables", "/tabeller")).text
    assert "Velg verdier" in norwegian and "Oslo (03)" in norwegian


def test_downloads_and_the_api_query_give_the_same_cells(
    client: FlaskClient, test_table: str
) -> None:
    html = client.get(PAGE).text
    links = dict(re.findall(r'<li><a href="([^"]+)">([a-z0-9-]+)</a></li>', html))
    by_format = {name: href.replace("&amp;", "&") for href, name in links.items()}
    assert set(by_format) == {"json-stat2", "csv", "xlsx", "px", "html", "json-px", "parquet"}
    for name, href in by_format.items():
        response = client.get(_local(href))
        assert response.status_code == 200, name
    data = client.get(_local(by_format["json-stat2"])).json
    assert data["id"] == ["Region", "ContentsCode", "Tid"] and data["size"] == [2, 2, 3]
    assert data["value"][0] == expected("03", "Folkemengde", "2022")
    get_url = re.search(r'<code id="api-get">([^<]+)</code>', html)
    assert get_url
    assert client.get(_local(get_url.group(1).replace("&amp;", "&"))).json["value"] == data["value"]
    body = re.search(r'<code id="api-post">([^<]+)</code>', html)
    assert body
    import html as markup
    import json

    posted = client.post(
        "/api/pxwebapi/v2/tables/99001/data", json=json.loads(markup.unescape(body.group(1)))
    )
    assert posted.json["value"] == data["value"]


def test_search_within_a_list_and_problems(client: FlaskClient, test_table: str) -> None:
    # The search narrows a value list on the server, so it works without JavaScript.
    narrowed = client.get("/en/tables/99001?q-Region=land&all-ContentsCode=1&v-Tid=2024").text
    assert "Rogaland (11)" in narrowed and "Vestland (46)" in narrowed
    assert "Oslo (03)" not in narrowed and "Trøndelag (50)" not in narrowed
    # A bad or too large choice is a readable page.
    bad = client.get("/en/tables/99001?v-Region=99&all-ContentsCode=1&all-Tid=1")
    assert bad.status_code == 400 and "The selection cannot be shown" in bad.text
    missing = client.get("/en/tables/99001?v-Region=03")
    assert missing.status_code == 400 and "mandantory" in missing.text
    assert client.get("/en/tables/nope").status_code == 404
    default = client.get("/tabeller/99001")
    assert default.status_code == 200 and "<table" in default.text


def test_statistic_page_lists_its_tables(client: FlaskClient, test_table: str) -> None:
    page = client.get("/en/statistics/folkemengde").text
    assert 'href="/en/tables/99001"' in page
