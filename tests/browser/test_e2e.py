"""End to end in headless Chromium: a demo producer logs in and edits a statistic; main pages pass axe."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser

SSB_EDITOR = ("redaktor@ssb.demo.statistikkportalen.no", "demo-ssb-passord")


def _login(page, base: str) -> None:
    page.goto(f"{base}/logg-inn")
    page.get_by_label("E-post").fill(SSB_EDITOR[0])
    page.get_by_label("Passord").fill(SSB_EDITOR[1])
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{base}/min-side")


def test_producer_logs_in_and_edits_a_statistic(browser, served_portal: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    _login(page, served_portal)
    before = json.loads(page.request.get(f"{served_portal}/api/v1/statistics/kpi").text())
    page.get_by_role("heading", name="Min side").wait_for(
        state="visible"
    )  # waits for the page after a click
    page.get_by_role("link", name="Rediger Konsumprisindeksen").click()
    page.get_by_label("Beskrivelse (engelsk)").fill("Edited in a real browser.")
    page.get_by_role("button", name="Lagre").click()
    assert page.get_by_role("status").inner_text().strip() == "Endringene er lagret."
    page.goto(f"{served_portal}/en/statistics/kpi")
    page.get_by_text("Edited in a real browser.").wait_for(
        state="visible"
    )  # waits for the page after a click
    api = json.loads(page.request.get(f"{served_portal}/api/v1/statistics/kpi").text())
    assert api["description_en"] == "Edited in a real browser."
    assert api["version"] == before["version"] + 1
    # Another producer's statistic is out of reach, in the browser too.
    response = page.goto(f"{served_portal}/min-side/statistikk/nav-helt-ledige")
    assert response.status == 403
    context.close()


def test_producer_announces_and_moves_a_release(browser, served_portal: str) -> None:
    page = browser.new_page()
    _login(page, served_portal)
    page.goto(f"{served_portal}/min-side/kalender/ny")
    page.get_by_label("Statistikk", exact=True).select_option("kpi")
    page.get_by_label("Navn (bokmål)").fill("KPI, testmåned")
    page.get_by_label("Navn (engelsk)").fill("CPI, test month")
    page.get_by_label("Referanseperiode: Fra dato").fill("2030-01-01")
    page.get_by_label("Referanseperiode: Til dato").fill("2030-01-31")
    page.get_by_label("Referanseperiode (bokmål)").fill("januar 2030")
    page.get_by_label("Referanseperiode (English)").fill("January 2030")
    page.get_by_label("Publiseringsdato").fill("2030-02-11")
    page.get_by_role("button", name="Varsle").click()
    page.get_by_role("heading", name="KPI, testmåned").wait_for(
        state="visible"
    )  # waits for the page after a click
    move = page.get_by_role("region", name="Flytt publiseringen")
    move.get_by_label("Publiseringsdato").fill("2030-02-18")
    move.get_by_label("Årsak").select_option("late-data")
    move.get_by_label("Forklaring (bokmål)").fill("Data fra Skatteetaten kom sent.")
    move.get_by_label("Forklaring (English)").fill("The tax data arrived late.")
    move.get_by_role("button", name="Flytt publiseringen").click()
    assert page.get_by_role("status").inner_text().strip() == (
        "Publiseringen er flyttet til 18. februar 2030 kl. 08.00 norsk tid."
    )
    release = page.url.split("?")[0].rstrip("/").split("/")[-1]
    page.get_by_role("link", name="Publiseringskalender").last.click()
    page.get_by_text("18. februar 2030 kl. 08.00 norsk tid").first.wait_for(
        state="visible"
    )  # waits for the page after a click
    page.get_by_text("Data fra Skatteetaten kom sent.").wait_for(
        state="visible"
    )  # waits for the page after a click
    # The English page shows the English reason the producer gave.
    page.goto(f"{served_portal}/en/calendar/{release}")
    page.get_by_text("The tax data arrived late.").wait_for(
        state="visible"
    )  # waits for the page after a click
    assert page.get_by_text("Data fra Skatteetaten kom sent.").count() == 0
    page.close()


def test_documentation_form_counts_completeness_live(browser, served_portal: str) -> None:
    page = browser.new_page()
    _login(page, served_portal)
    page.goto(
        f"{served_portal}/min-side/statistikk/bpi/dokumentasjon?seksjon=noyaktighet-og-palitelighet"
    )
    status = page.locator("#section-completeness")
    before = status.inner_text()
    field = page.locator("textarea[name$='__nb']").first
    if field.input_value():
        field.fill("")
        page.wait_for_function(
            "(b) => document.getElementById('section-completeness').textContent !== b", arg=before
        )
        before = status.inner_text()
    field.fill("Feilkildene er beskrevet i metodenotatet.")
    page.wait_for_function(
        "(b) => document.getElementById('section-completeness').textContent !== b", arg=before
    )
    assert int(status.inner_text().split()[0]) == int(before.split()[0]) + 1
    page.close()


def test_keyboard_user_reaches_the_skip_link_first(browser, served_portal: str) -> None:
    page = browser.new_page()
    page.goto(served_portal + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.close()


PUBLIC_PAGES = [
    "/",
    "/en/",
    "/statistikk",
    "/en/statistics?frequency=monthly",
    "/produsenter/ssb",
    "/en/subjects/befolkning",
    "/statistikk/kpi",
    "/en/statistics/kpi",
    "/logg-inn",
    "/api/v1/docs",
    "/finnes-ikke",
    "/klassifikasjoner/131?dato=2024-06-01",
    "/en/classifications/131/variants/100602",
    "/tabeller/12909?all-Yrke=1&all-LandBakgr=1&all-ContentsCode=1&all-Tid=1",
    "/en/tables/14216",
    "/sok?q=konsumprisindeksen",
    "/sok?q=konsumprisindex",
    "/en/search?q=xyzzy",
]
PRIVATE_PAGES = [
    "/min-side",
    "/min-side/statistikk/kpi",
    "/en/my-page",
    "/min-side/kodelister",
    "/en/my-page/code-lists/131",
]


def _violations(page, axe_source: str) -> list[dict]:
    page.evaluate(axe_source)
    result = page.evaluate(
        "async () => { const r = await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}}); "
        "return {violations: r.violations, passes: r.passes.length}; }"
    )
    assert result["passes"] > 10, "axe did not check the page"
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]
    ]


def test_main_pages_have_no_axe_violations(browser, served_portal: str, axe_source: str) -> None:
    # bypass_csp lets the test inject axe; the portal itself never allows inline or foreign scripts.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    found = {}
    for path in PUBLIC_PAGES:
        answer = page.goto(served_portal + path)
        # an error page can pass axe too: every page must answer as it should first
        assert answer is not None and answer.status == (404 if path == "/finnes-ikke" else 200), (
            path
        )
        found[path] = _violations(page, axe_source)
    _login(page, served_portal)
    for path in PRIVATE_PAGES:
        page.goto(served_portal + path)
        found[path] = _violations(page, axe_source)
    context.close()
    assert {path: v for path, v in found.items() if v} == {}


def test_search_answers_in_the_production_server(browser, served_portal: str) -> None:
    """Under gunicorn's threaded workers (not only the test client): results, a correction shown and
    followed, and the suggestion list, all by keyboard-free page loads."""
    page = browser.new_page()
    answer = page.goto(f"{served_portal}/sok?q=konsumprisindex")
    assert answer is not None and answer.status == 200
    assert "Viser treff for «konsumprisindeks»" in page.content()
    page.locator("ol a[href$='/statistikk/kpi']").first.click()
    page.wait_for_url(f"{served_portal}/statistikk/kpi")
    catalogue = page.goto(f"{served_portal}/catalog.ttl")
    assert catalogue is not None and catalogue.status == 200
    assert "dcat:Catalog" in catalogue.text()
    page.close()


PORTAL_ADMIN = ("admin@demo.statistikkportalen.no", "demo-admin-passord")
ADMIN_PAGES = [
    "/min-side",
    "/min-side/admin",
    "/min-side/admin/produsenter",
    "/min-side/admin/produsenter/ssb",
    "/min-side/admin/emneomrader",
    "/min-side/admin/statistikker",
    "/min-side/admin/brukere",
    "/min-side/admin/brukere/2",
    "/min-side/admin/nokler",
    "/min-side/admin/logg",
    "/en/my-page/admin/users",
    "/min-side/nokler",
    "/en/my-page/tokens",
    "/min-side/kalender/last-opp",
    "/en/my-page",
]


@pytest.mark.parametrize("width", [1366, 320])
def test_administration_pages_pass_axe_and_reflow(
    browser, served_portal: str, axe_source: str, width: int
) -> None:
    """The administration at desktop and phone width: no axe violations, and at 320 px nothing but a
    table's own scroll region is wider than the screen (WCAG 1.4.10 reflow)."""
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{served_portal}/logg-inn")
    page.get_by_label("E-post").fill(PORTAL_ADMIN[0])
    page.get_by_label("Passord").fill(PORTAL_ADMIN[1])
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{served_portal}/min-side")
    assert page.get_by_text("Demokontoer er aktive").count() == 1
    found, wide = {}, {}
    for path in ADMIN_PAGES:
        answer = page.goto(served_portal + path)
        assert answer is not None and answer.status == 200, path
        found[path] = _violations(page, axe_source)
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        if overflow > width:
            wide[path] = overflow
    context.close()
    assert {path: v for path, v in found.items() if v} == {}
    assert wide == {}
