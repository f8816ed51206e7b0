"""Issue 19's journey in headless Chromium, on a phone and a desktop: a user finds table 05333 from
/tabeller by subject, chooses the latest 12 months and two groups with checkboxes, places the months in
the columns, and downloads CSV for Norwegian Excel and xlsx; the files hold the API's numbers, and the page
never scrolls sideways."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

import openpyxl
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

SUBJECT = "varehandel-og-naeringslivstjenester"
GROUPS = ("MAT", "EL")


@pytest.mark.parametrize("width", [320, 1366])
def test_find_choose_pivot_and_download_05333(
    browser: Browser, served_portal: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{served_portal}/")
    page.get_by_role("link", name="Tabeller", exact=True).first.click()
    page.get_by_label("Emner").select_option(SUBJECT)
    page.get_by_role("button", name="Vis tabeller").click()
    page.get_by_role("link", name="05333:").first.click()
    # locator.all() below does not wait: the whole form must be there before its boxes are listed.
    page.wait_for_load_state()
    assert "/tabeller/05333" in page.url
    # Two groups by their checkboxes (the default choice unticked first), the latest 12 months.
    groups = page.locator(
        "fieldset.variable[data-variable='Varer'] input[type=checkbox][name='v-Varer']"
    )
    for box in groups.all():
        if box.is_checked():
            box.uncheck()
    for code in GROUPS:
        page.locator(f"input[name='v-Varer'][value='{code}']").check()
    page.fill("#latest-Tid", "12")
    page.select_option("#place-Tid", "kolonne")
    page.select_option("#place-Varer", "rad")
    page.get_by_role("button", name="Vis tabell").click()
    page.wait_for_load_state()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width + 1
    head = page.locator(".table-scroll table thead").inner_text()
    months = sorted({w for w in head.split() if len(w) == 7 and w[4] == "M"})
    assert len(months) == 12, head  # the months are the columns
    body = page.locator(".table-scroll table tbody").inner_text()
    assert "Mat, drikkevarer og tobakk" in body and "Elektrisitet og brensel" in body

    api = json.loads(
        page.request.get(
            f"{served_portal}/api/pxwebapi/v2/tables/05333/data?lang=no&valuecodes[Varer]="
            f"{','.join(GROUPS)}&valuecodes[Tid]=top(12)&valuecodes[ContentsCode]=*"
        ).text()
    )
    expected = sorted(v for v in api["value"] if v is not None)
    assert len(expected) == 24

    with page.expect_download() as got:
        page.get_by_role(
            "link", name="CSV for Excel (semikolon og desimalkomma)", exact=True
        ).click()
    raw = got.value.path().read_bytes()
    assert got.value.suggested_filename.startswith("05333_") and raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    numbers = sorted(
        float(c.replace(",", ".")) for row in rows[1:] for c in row[1:] if c[:1].isdigit()
    )
    assert numbers == expected

    with page.expect_download() as got:
        page.get_by_role("link", name="Excel-arbeidsbok (xlsx)", exact=True).click()
    assert got.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(got.value.path().read_bytes())).active
    cells = sorted(
        c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, (int, float))
    )
    assert cells == expected
    context.close()
