"""Issue 19: a producer uploads a PX file in headless Chromium, on a phone and a desktop, in bokmål and
English: a broken file lists its problems by line and stores nothing; a good one shows its preview
(variables, cells, symbols), the release is chosen, and the table waits for it, hidden from the API."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser.test_e2e import SSB_EDITOR, _violations
from tests.pxbridge.conftest import px_table

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

UPLOAD = {"nb": "/min-side/tabeller/last-opp", "en": "/en/my-page/tables/upload"}
WORDS = {
    "nb": {"problem": "Filen kan ikke lagres", "line": "linje", "preview": "Kontroller tabellen"},
    "en": {"problem": "The file cannot be stored", "line": "line", "preview": "Check the table"},
}


def _login(page: Page, base: str) -> None:
    page.goto(f"{base}/logg-inn")
    page.get_by_label("E-post").fill(SSB_EDITOR[0])
    page.get_by_label("Passord").fill(SSB_EDITOR[1])
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{base}/min-side")


def _send(page: Page, body: bytes, name: str) -> None:
    page.locator("#statistic").select_option("folkemengde")
    page.locator("#table").set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": body}
    )
    page.locator("main form[method=post] button[type=submit]").first.click()


def _fits(page: Page, width: int) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width + 1


@pytest.mark.parametrize(("lang", "width"), [("nb", 320), ("en", 1366)])
def test_upload_a_px_file_for_a_coming_release(
    browser: Browser, served_portal: str, axe_source: str, lang: str, width: int
) -> None:
    base, words = served_portal, WORDS[lang]
    table_id = f"99{width}"
    page = browser.new_page(viewport={"width": width, "height": 900})
    _login(page, base)
    page.goto(base + UPLOAD[lang])
    _fits(page, width)
    assert _violations(page, axe_source) == []

    broken = px_table(table_id).replace(b'STUB="region";', b'STUB="region"')
    _send(page, broken, f"{table_id}.px")
    assert words["problem"] in page.get_by_role("alert").inner_text()
    first = page.locator("#problems tbody tr th").first.inner_text()
    assert first.startswith(words["line"]), first
    _fits(page, width)
    assert _violations(page, axe_source) == []
    assert page.request.get(f"{base}/api/pxwebapi/v2/tables/{table_id}/metadata").status == 404

    _send(page, px_table(table_id), f"{table_id}.px")
    assert words["preview"] in page.locator("h1").inner_text()
    facts = page.locator("dl.facts").inner_text()
    assert table_id in facts and "100" in facts
    _fits(page, width)
    assert _violations(page, axe_source) == []

    choices = page.locator("#release-choice input[type=radio]")
    values = [choices.nth(i).get_attribute("value") for i in range(choices.count())]
    releases = [v for v in values if v != "none"]
    assert releases, "the demo's Befolkning has coming releases"
    page.locator(f"#release-choice input[value='{releases[0]}']").check()
    page.locator("main form[method=post] button[type=submit]").first.click()
    status = page.get_by_role("status").first.inner_text()
    assert table_id in status
    _fits(page, width)
    # Waiting for its release: not in the API, not on the public page.
    assert page.request.get(f"{base}/api/pxwebapi/v2/tables/{table_id}/metadata").status == 404
    assert page.request.get(f"{base}/tabeller/{table_id}").status == 404
    page.close()
