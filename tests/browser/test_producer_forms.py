"""Issue 20's forms in headless Chromium, as an editor meets them, in Norwegian and in English: a late
announcement is refused with an error summary and the message at its field, the input kept, and saved once
a justification is given; a schedule file with another producer's row, a time nobody can read and a
duplicate lists all three by row and saves nothing; a file from Norwegian Excel is accepted."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tests.release_calendar.test_schedule import MIXED, _norwegian_excel_rows

pytestmark = pytest.mark.browser

# The demo's calendar has releases around today: years far ahead keep the file's own duplicate its only one.
FAR = MIXED.replace("2027", "2033")

SSB_EDITOR = ("redaktor@ssb.demo.statistikkportalen.no", "demo-ssb-passord")

ANNOUNCE = {"nb": "/min-side/kalender/ny", "en": "/en/my-page/calendar/new"}
UPLOAD = {"nb": "/min-side/kalender/last-opp", "en": "/en/my-page/calendar/upload"}
WORDS = {
    "nb": {
        "summary": "Det er et problem",
        "late": "Publiseringen er mindre enn tre måneder fram i tid.",
        "announced": "Publiseringen er varslet.",
        "rows": "Ingenting er lagret: 3 rader i filen har feil.",
    },
    "en": {
        "summary": "There is a problem",
        "late": "The release is less than three months away.",
        "announced": "The release is announced.",
        "rows": "Nothing was saved: 3 rows of the file have errors.",
    },
}


def _login(page, base: str) -> None:
    page.goto(f"{base}/logg-inn")
    page.get_by_label("E-post").fill(SSB_EDITOR[0])
    page.get_by_label("Passord").fill(SSB_EDITOR[1])
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{base}/min-side")


def _releases(page, base: str, title: str) -> list[dict]:
    answer = json.loads(
        page.request.get(
            f"{base}/api/v1/releases", params={"q": title, "per_page": 100, "from": "2026-01-01"}
        ).text()
    )
    return [r for r in answer["items"] if r["title_nb"] == title]


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_late_announcement_is_refused_at_its_field_and_saved_with_a_justification(
    browser, served_portal: str, lang: str
) -> None:
    words, base = WORDS[lang], served_portal
    page = browser.new_page()
    _login(page, base)
    page.goto(base + ANNOUNCE[lang])
    title = f"KPI, sen varsling ({lang})"
    soon = date.today() + timedelta(days=30)
    page.locator("#statistic").select_option("kpi")
    page.locator("#title_nb").fill(title)
    page.locator("#title_en").fill(f"CPI, late notice ({lang})")
    page.locator("#period_start").fill("2026-01-01")
    page.locator("#period_end").fill("2026-01-31")
    page.locator("#period_label_nb").fill("januar 2026")
    page.locator("#period_label_en").fill("January 2026")
    page.locator("#release_date").fill(soon.isoformat())
    page.locator("main form[method=post] button[type=submit]").click()

    summary = page.get_by_role("alert")
    assert words["summary"] in summary.inner_text()
    assert words["late"] in summary.inner_text()
    # The summary links to the field, which says why and is marked invalid; the input is kept.
    assert summary.locator("a[href='#late_justification']").count() == 1
    field = page.locator("#late_justification")
    assert field.get_attribute("aria-invalid") == "true"
    assert words["late"] in page.locator("#late_justification-error").inner_text()
    assert page.locator("#title_nb").input_value() == title
    assert page.locator("#release_date").input_value() == soon.isoformat()
    body = page.locator("main").inner_text()
    assert "/late_justification" not in body and "K11" not in body
    assert _releases(page, base, title) == []

    field.fill("Tallene ble klare tidligere enn planlagt.")
    page.locator("main form[method=post] button[type=submit]").click()
    shown = title if lang == "nb" else f"CPI, late notice ({lang})"
    page.get_by_role("heading", name=shown).wait_for(
        state="visible"
    )  # waits for the page after a click
    assert words["announced"] in page.get_by_role("status").first.inner_text()
    assert len(_releases(page, base, title)) == 1
    page.close()


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_schedule_with_three_bad_rows_lists_them_all_and_saves_nothing(
    browser, served_portal: str, lang: str
) -> None:
    base = served_portal
    page = browser.new_page()
    _login(page, base)
    page.goto(base + UPLOAD[lang])
    page.locator("#schedule").set_input_files(
        {"name": "plan.csv", "mimeType": "text/csv", "buffer": FAR.encode()}
    )
    page.locator("main form[method=post] button[type=submit]").click()
    assert WORDS[lang]["rows"] in page.get_by_role("alert").inner_text()
    problems = page.locator("#problems tbody tr")
    assert problems.count() == 3
    rows = [problems.nth(i).locator("th").inner_text().strip() for i in range(3)]
    assert rows == (["Rad 3", "Rad 4", "Rad 5"] if lang == "nb" else ["Row 3", "Row 4", "Row 5"])
    text = page.locator("#problems").inner_text()
    assert "Input should" not in text and "release_at:" not in text
    assert _releases(page, base, "KPI mars") == []
    page.close()


def test_a_norwegian_excel_file_is_accepted(browser, served_portal: str) -> None:
    base = served_portal
    page = browser.new_page()
    _login(page, base)
    page.goto(base + UPLOAD["nb"])
    body = _norwegian_excel_rows(";", 2031).encode("cp1252")
    page.locator("#schedule").set_input_files(
        {"name": "plan.csv", "mimeType": "text/csv", "buffer": body}
    )
    page.locator("main form[method=post] button[type=submit]").click()
    page.get_by_role("status").first.wait_for(state="visible")  # waits for the page after a click
    assert len(_releases(page, base, "Konsumprisindeksen, mars (sjø og fjøs)")) == 1
    page.close()
