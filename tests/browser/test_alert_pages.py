"""The alerts' pages in headless Chromium (issue 22), without JavaScript of their own: a visitor follows a
statistic's "Få varsel på e-post", subscribes, confirms with the button and changes how often on the manage
page; the subscribe, confirm and manage pages, in bokmål and English, reflow at 320 px and pass axe, and
fit at 1366 px.

The served portal sends no e-mail (no SMTP relay is set), so the links the e-mails would carry are signed
here from its instance folder's secret key and database, as the portal signs them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from portal.notify import tokens
from tests.browser.test_reflow import _check, _with_english

if TYPE_CHECKING:  # playwright is imported only where the browser tests run
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

EMAIL = "nettleser@example.no"


@pytest.fixture(scope="module")
def page(browser: Browser) -> Iterator[Page]:
    # bypass_csp lets the test inject axe; the portal itself never allows inline or foreign scripts.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 800})
    yield context.new_page()
    context.close()


def _instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The served portal's instance folder (tests/browser/conftest.py's ``served_portal``)."""
    [found] = [
        p
        for p in tmp_path_factory.getbasetemp().glob("served*")
        if not p.is_symlink() and (p / "secret_key").exists()  # pytest links "servedcurrent" to it
    ]
    return found


def _links(instance: Path) -> dict[str, str]:
    """The confirm and manage links' tokens of EMAIL's subscription, signed as the e-mails sign them."""
    secret = (instance / "secret_key").read_text().strip()
    with sqlite3.connect(instance / "portal.sqlite3") as db:
        sub_id, sub_nonce, subscriber_id, subscriber_nonce = db.execute(
            "SELECT s.id, s.nonce, p.id, p.nonce FROM notify_subscription s "
            "JOIN notify_subscriber p ON p.id = s.subscriber_id WHERE p.email = ?",
            (EMAIL,),
        ).fetchone()
    return {
        "confirm": tokens.sign(secret, tokens.CONFIRM, sub_id, sub_nonce),
        "manage": tokens.sign(secret, tokens.MANAGE, subscriber_id, subscriber_nonce),
    }


def test_subscribe_confirm_and_manage_in_a_browser(
    page: Page,
    served_portal: str,
    axe_source: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto(f"{served_portal}/statistikk/kpi")
    page.get_by_role("link", name="Få varsel på e-post").click()
    page.wait_for_url("**/varsler/ny?topic=statistic:kpi")
    form_path = "/varsler/ny?topic=statistic:kpi"
    page.get_by_label("E-postadresse").fill(EMAIL)
    page.get_by_label("Samlet én gang om dagen").check()
    page.get_by_role("button", name="Send meg en bekreftelse").click()
    page.get_by_role("heading", name="Sjekk e-posten din").wait_for(
        state="visible"
    )  # waits for the page after a click

    links = _links(_instance(tmp_path_factory))
    confirm_path = f"/varsler/bekreft/{links['confirm']}"
    manage_path = f"/varsler/mine/{links['manage']}"
    paths = _with_english(page, served_portal, [form_path, confirm_path, manage_path])
    assert len(paths) == 6  # the English twins were found
    assert _check(page, served_portal, paths, axe_source) == {}

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(served_portal + confirm_path)
    page.get_by_role("button", name="Bekreft varslene").click()
    page.get_by_role("heading", name="Varslene er bekreftet").wait_for(
        state="visible"
    )  # waits for the page after a click
    page.get_by_role("link", name="Se og endre varslene dine").click()
    page.get_by_label("Hvor ofte", exact=True).select_option("weekly")
    page.get_by_role("button", name="Lagre hvor ofte for statistikken Konsumprisindeksen").click()
    page.get_by_role("status").filter(has_text="Endringen er lagret.").wait_for(
        state="visible"
    )  # waits for the page after a click
    assert page.get_by_label("Hvor ofte", exact=True).input_value() == "weekly"
    assert _check(page, served_portal, [manage_path], axe_source) == {}
