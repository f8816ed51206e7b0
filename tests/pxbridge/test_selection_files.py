"""The table page's downloads for people (issue 19): the selection the page shows as CSV for Norwegian
Excel (semicolons, decimal commas, UTF-8 with a byte-order mark), as xlsx and as plain CSV, labelled by
text or by code and text, named after the table's id and title, with the same numbers as the API."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta
from pathlib import Path

import openpyxl
from flask import Flask
from flask.testing import FlaskClient

from portal.kernel.clock import FixedClock
from pxbridge.pages.views import file_name
from tests.pxbridge.conftest import px_table, store_table, upload_embargoed

SELECTION = "v-Region=0&v-Region=03&all-ContentsCode=1&v-Tid=2023&v-Tid=2024"
API = (
    "/api/pxwebapi/v2/tables/99001/data?lang=no&valuecodes[Region]=0,03"
    "&valuecodes[ContentsCode]=*&valuecodes[Tid]=2023,2024&outputFormat=json-stat2"
)


def _upload(app: Flask, client: FlaskClient) -> None:
    store_table(app, client, px_table("99001", "Testbefolkning"), "kpi", table_id="99001")


def _api_values(client: FlaskClient) -> list[float | None]:
    return client.get(API).json["value"]


def test_csv_for_norwegian_excel_holds_the_apis_numbers(app: Flask, client: FlaskClient) -> None:
    _upload(app, client)
    response = client.get(f"/tabeller/99001/last-ned/excel-csv?{SELECTION}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="99001_testbefolkning-etter-region-statistikkvariabel-og-ar.csv"'
    )
    raw = response.data
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "region" and rows[1][0] == "Hele landet" and rows[2][0] == "Oslo"
    cells = [c for row in rows[1:] for c in row[1:]]
    assert any("," in c for c in cells) and not any("." in c and c[0].isdigit() for c in cells)
    numbers = [float(c.replace(",", ".")) for c in cells if c[:1].isdigit()]
    expected = [v for v in _api_values(client) if v is not None]
    assert sorted(numbers) == sorted(expected)


def test_xlsx_and_plain_csv_with_codes_or_texts(app: Flask, client: FlaskClient) -> None:
    _upload(app, client)
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/tabeller/99001/last-ned/xlsx?{SELECTION}").data)
    )
    numbers = [
        c.value
        for row in workbook.active.iter_rows()
        for c in row
        if isinstance(c.value, (int, float))
    ]
    assert sorted(numbers) == sorted(v for v in _api_values(client) if v is not None)
    texts = [
        c.value for row in workbook.active.iter_rows() for c in row if isinstance(c.value, str)
    ]
    assert "Enhet: Folkemengde: personer" in texts and "Enhet: Andel: prosent" in texts
    plain = client.get(f"/tabeller/99001/last-ned/csv?{SELECTION}&labels=begge")
    text = plain.data.decode("utf-8")
    assert not text.startswith("\ufeff") and '"0 - Hele landet"' in text and ";" not in text
    english = client.get(f"/tabeller/99001/last-ned/csv?{SELECTION}&lang=en")
    assert '"The whole country"' in english.data.decode("utf-8")
    assert english.headers["Content-Language"] == "en"


def test_the_table_page_links_its_selection_files(app: Flask, client: FlaskClient) -> None:
    _upload(app, client)
    page = client.get(f"/tabeller/99001?{SELECTION}").text
    assert "CSV for Excel (semikolon og desimalkomma)" in page and "med koder" in page
    link = page.split('href="/tabeller/99001/last-ned/excel-csv?', 1)[1].split('"', 1)[0]
    assert "v-Region=03" in link and "labels=tekst" in link and "lang=nb" in link
    english = client.get(f"/en/tables/99001?{SELECTION}").text
    assert "CSV for Norwegian Excel" in english and "lang=en" in english


def test_no_file_of_a_table_under_embargo_or_of_another_kind(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    at = upload_embargoed(app, client, clock.now(), "99503")
    assert client.get("/tabeller/99503/last-ned/excel-csv").status_code == 404
    clock.set(at + timedelta(seconds=1))
    assert client.get("/tabeller/99503/last-ned/excel-csv").status_code == 200
    assert client.get("/tabeller/99503/last-ned/pdf").status_code == 404


def test_file_names_are_plain_ascii_from_id_and_title() -> None:
    assert file_name("05333", "Omsetning i varehandel, etter næring og måned", ".csv") == (
        "05333_omsetning-i-varehandel-etter-naering-og-maned.csv"
    )
    assert file_name("x/../y", "", ".xlsx") == "x-y.xlsx"  # nothing of a path is kept
    assert len(file_name("1", "å" * 300, ".csv")) <= 84


def test_a_title_that_starts_with_the_id_names_the_file_and_the_finder_row_once(
    app: Flask, client: FlaskClient
) -> None:
    # Some producers write "99002 Testbefolkning …", without the colon; the id is not said twice.
    no_colon = px_table("99002").replace(b'TITLE="99002: ', b'TITLE="99002 ')
    store_table(app, client, no_colon, "kpi", table_id="99002")
    response = client.get("/tabeller/99002/last-ned/csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="99002_testbefolkning-etter-region-statistikkvariabel-og-ar.csv"'
    )
    finder = client.get("/tabeller?q=99002").text
    assert "Testbefolkning, etter region" in finder and "99002 Testbefolkning" not in finder


def _preview_periods(html: str) -> list[str]:
    preview = html.split('id="preview-h"', 1)[1].split("</section>", 1)[0]
    return sorted(set(re.findall(r">(20[12][0-9])<", preview)))


def test_the_latest_periods_or_from_a_period_on(app: Flask, client: FlaskClient) -> None:
    _upload(app, client)
    every = "all-Region=1&all-ContentsCode=1"
    page = client.get(f"/tabeller/99001?{every}&latest-Tid=3")
    assert page.status_code == 200 and _preview_periods(page.text) == ["2022", "2023", "2024"]
    assert 'name="latest-Tid" min="1" max="10" inputmode="numeric" value="3"' in page.text
    page = client.get(f"/tabeller/99001?{every}&from-Tid=2023")
    assert _preview_periods(page.text) == ["2023", "2024"]
    assert '<option value="2023" selected>' in page.text
    # Asked alone, the rest of the selection is the table's default.
    alone = client.get("/tabeller/99001?latest-Tid=2")
    assert alone.status_code == 200 and _preview_periods(alone.text) == ["2023", "2024"]
    # The latest periods win over the list, and the files follow them.
    page = client.get(f"/tabeller/99001?{every}&v-Tid=2015&latest-Tid=1")
    assert _preview_periods(page.text) == ["2024"]
    link = page.text.split('href="/tabeller/99001/last-ned/excel-csv?', 1)[1].split('"', 1)[0]
    assert "latest-Tid=1" in link
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    "/tabeller/99001/last-ned/excel-csv?" + link.replace("&amp;", "&")
                ).data.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    assert all("2024" in header for header in rows[0][1:])


def test_a_number_of_periods_the_table_has_not_is_refused_in_words(
    app: Flask, client: FlaskClient
) -> None:
    _upload(app, client)
    for bad in ("0", "11", "tre"):
        page = client.get(f"/tabeller/99001?latest-Tid={bad}")
        assert page.status_code == 400
        assert "Skriv et helt tall fra 1 til 10 for antall siste perioder." in page.text
    english = client.get("/en/tables/99001?from-Tid=1999")
    assert english.status_code == 400 and "Choose the period from the list." in english.text


def test_variables_placed_in_rows_and_columns_as_the_user_asks(
    app: Flask, client: FlaskClient
) -> None:
    _upload(app, client)
    pivot = "place-Region=kolonne&place-ContentsCode=rad&place-Tid=rad"
    page = client.get(f"/tabeller/99001?{SELECTION}&{pivot}")
    assert page.status_code == 200
    preview = page.text.split('id="preview-h"', 1)[1].split("</section>", 1)[0]
    head, body = preview.split("<tbody", 1)
    assert "Oslo" in head and "Hele landet" in head and "2023" not in head
    assert "2023" in body and "Oslo" not in body
    assert '<option value="kolonne" selected>I kolonner</option>' in page.text
    # The API query the page gives places them the same way, and the files follow.
    assert "stub=ContentsCode%2CTid&amp;heading=Region" in page.text
    assert '"heading": [\n      "Region"\n    ]' in html.unescape(page.text)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/tabeller/99001/last-ned/excel-csv?{SELECTION}&{pivot}").data.decode(
                    "utf-8-sig"
                )
            ),
            delimiter=";",
        )
    )
    assert rows[0][:2] == ["statistikkvariabel", "år"] and "Oslo" in rows[0][-1]
    # A variable the selection leaves out (Region, eliminated) is not placed.
    left_out = client.get(
        "/tabeller/99001?v-Tid=2024&all-ContentsCode=1&place-Region=kolonne&place-Tid=kolonne"
        "&place-ContentsCode=rad"
    )
    assert left_out.status_code == 200, left_out.text


def test_units_footnotes_and_the_cell_count_beside_the_preview(
    app: Flask, client: FlaskClient
) -> None:
    _upload(app, client)
    page = client.get(f"/tabeller/99001?{SELECTION}").text
    assert "Utvalget har 8 celler; ett utvalg kan ha høyst" in page
    about = page.split('class="about-figures"', 1)[1].split("</div>", 1)[0]
    assert "Folkemengde: personer" in about and "Andel: prosent" in about
    english = client.get(f"/en/tables/99001?{SELECTION}").text
    assert "Population: persons" in english and "The selection has 8 cells" in english
    # A real file's footnotes (PX NOTE) are listed.
    noted_file = Path(__file__).parent / "data" / "pxweb" / "BE0101F1errorNote.px"
    table_id = store_table(app, client, noted_file.read_bytes(), "kpi")
    noted = client.get(f"/en/tables/{table_id}").text
    assert "Footnotes" in noted
