"""Editing "Om statistikken" in headless Chromium (issue 20): the browser's own CRLF line breaks leave
untouched fields out of the public diff, a section button saves before moving on, and leaving a form
with unsaved edits asks first."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser

SSB_EDITOR = ("redaktor@ssb.demo.statistikkportalen.no", "demo-ssb-passord")
DOCS = "/api/v1/statistics/kpi/documentation"


def _login(page, base: str) -> None:
    page.goto(f"{base}/logg-inn")
    page.get_by_label("E-post").fill(SSB_EDITOR[0])
    page.get_by_label("Passord").fill(SSB_EDITOR[1])
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{base}/min-side")


def test_a_browser_edit_publishes_only_what_was_changed(browser, served_portal: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    _login(page, served_portal)
    page.goto(f"{served_portal}/min-side/statistikk/kpi/dokumentasjon?seksjon=definisjoner")
    # The demo's S.3.4 is a Markdown list over several lines: Chromium sends it back with CRLF.
    assert "\n" in page.locator("textarea[name='S.3.4__nb']").input_value()
    field = page.locator("textarea[name='S.3.2__nb']")
    field.fill(field.input_value() + "\nEndret i nettleseren.")
    page.get_by_role("button", name="Bakgrunn").click()
    page.wait_for_url("**seksjon=bakgrunn**")
    banner = page.get_by_role("status").filter(has_text="er lagret i utkastet")
    assert banner.inner_text().startswith("Endringene i «Definisjoner» er lagret i utkastet.")
    page.get_by_label("Hva er endret").fill("Klassifikasjonen er utdypet.")
    page.get_by_role("button", name="Publiser ny versjon").click()
    page.wait_for_url("**publisert=**")
    items = json.loads(page.request.get(f"{served_portal}{DOCS}/versions").text())["items"]
    newest, before = items[0]["number"], items[1]["number"]
    assert items[0]["change_note"] == "Klassifikasjonen er utdypet."
    diff = json.loads(
        page.request.get(f"{served_portal}{DOCS}/diff?from={before}&to={newest}").text()
    )
    assert [c["code"] for c in diff["changes"]] == ["S.3.2"]
    assert diff["changes"][0]["after"]["nb"].endswith("\nEndret i nettleseren.")
    context.close()


def test_leaving_a_form_with_unsaved_edits_asks_first(browser, served_portal: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    _login(page, served_portal)
    url = f"{served_portal}/min-side/statistikk/kpi/dokumentasjon?seksjon=produksjon"
    asked: list[str] = []

    def answer(dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.goto(url)
    page.locator("textarea[name$='__en']").first.click()
    page.close(run_before_unload=True)  # nothing typed: no question
    page = context.new_page()
    page.on("dialog", answer)
    page.goto(url)
    assert asked == []
    field = page.locator("textarea[name$='__en']").first
    field.click()
    page.keyboard.type(" Ulagret.")
    page.close(run_before_unload=True)
    page.wait_for_timeout(200)
    assert asked == ["beforeunload"]
    assert not page.is_closed()  # the editor chose to stay
    # A section button saves: moving on asks nothing.
    page.get_by_role("button", name="Definisjoner").click()
    page.wait_for_url("**seksjon=definisjoner**")
    assert asked == ["beforeunload"]
    context.close()
