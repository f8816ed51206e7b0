"""The table page in headless Chromium: the cell count follows the form as values are ticked, the
latest periods or a from period are chosen, or a code list is picked, and equals the count the server
reports after the form is sent; and the chart reads on a 320 px phone (every axis and legend text at
10 px or more, none over another, nothing wider than the screen)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

TABLE = "/tabeller/05333"  # varegruppe (optional, with a code list) × måned × statistikkvariabel


def _count(page: Page) -> str:
    return page.locator("#cell-count").inner_text()


def _cells(page: Page) -> int:
    found = re.search(r"har ([0-9\s\u00a0\u202f]+) celler", _count(page))
    assert found, _count(page)
    return int(re.sub(r"\D", "", found.group(1)))


def _sent(page: Page) -> int:
    """The form sent: the count the server reports for the selection it then shows."""
    page.get_by_role("button", name="Vis tabell").click()
    page.wait_for_load_state()
    assert page.locator(".table-scroll table").count() == 1, _count(page)
    return _cells(page)


def test_the_count_follows_the_form_and_matches_the_server(
    browser: Browser, served_portal: str
) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(served_portal + TABLE)
    region = page.locator("#cell-count")
    assert region.get_attribute("aria-live") == "polite"
    first = _cells(page)  # the no-JS text is the starting state
    assert first > 0
    goods = page.locator("input[type=checkbox][name='v-Varer']")
    goods.nth(0).uncheck()
    assert _cells(page) == first - 1
    live = _cells(page)
    assert _sent(page) == live
    # The latest 12 months win over the months ticked in the list, as on the server.
    page.locator("input[type=checkbox][name='v-Tid']").nth(0).check()
    page.fill("#latest-Tid", "12")
    live = _cells(page)
    assert live == 12 * _ticked(page, "Varer") * _ticked(page, "ContentsCode")
    assert _sent(page) == live
    # Every month from the fourth on.
    page.fill("#latest-Tid", "")
    page.select_option("#from-Tid", index=4)
    months = page.locator("#from-Tid option").count() - 4  # the first option is "not chosen"
    live = _cells(page)
    assert live == months * _ticked(page, "Varer") * _ticked(page, "ContentsCode")
    assert _sent(page) == live
    # A code list: only its values count, and none of them ticked means all of them.
    page.select_option("#cl-Varer", index=1)
    assert _sent(page) == _cells(page)
    # Varegruppe may be left out (it counts as one); statistikkvariabel may not.
    page.select_option("#cl-Varer", index=0)
    page.get_by_role("button", name="Bruk kodelisten").first.click()
    page.wait_for_load_state()
    for box in page.locator("input[type=checkbox][name='v-Varer']").all():
        box.uncheck()
    page.locator("input[name='all-Varer']").uncheck()
    live = _cells(page)
    assert live == months * _ticked(page, "ContentsCode")
    assert _sent(page) == live
    page.locator("input[type=checkbox][name='v-ContentsCode']").first.uncheck()
    assert _count(page) == "Utvalget har 0 celler: velg minst én verdi for statistikkvariabel."
    page.get_by_role("button", name="Vis tabell").click()
    page.wait_for_load_state()
    assert (
        "Velg minst én verdi for statistikkvariabel." in page.locator("[role=alert]").inner_text()
    )
    context.close()


def _ticked(page: Page, code: str) -> int:
    return page.locator(f"input[type=checkbox][name='v-{code}']:checked").count()


def test_the_count_warns_in_the_pages_language(browser: Browser, served_portal: str) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(served_portal + TABLE)
    page.fill("#latest-Tid", "0")
    assert _count(page).startswith("Skriv et helt tall fra 1 til")
    page.fill("#latest-Tid", "24")
    cells = _cells(page)
    # The demo's tables stay far under the portal's limit: the page is given a lower one, as the server
    # would render it, to see the warning.
    page.evaluate(f"document.getElementById('cell-count').dataset.max = '{cells - 1}'")
    page.fill("#latest-Tid", "25")
    assert _count(page).endswith(
        "Det er for mange celler. Velg færre verdier før du viser tabellen."
    )
    assert "over" in (page.locator("#cell-count").get_attribute("class") or "")
    page.goto(served_portal + "/en/tables/05333")
    page.fill("#latest-Tid", "3")
    assert re.fullmatch(
        r"The selection has [0-9,]+ cells; one selection may have at most [0-9,]+\.", _count(page)
    )
    context.close()


#: Every axis and legend text of the chart shown: its text, its box, and its font size as drawn
#: (the computed size times the SVG's scale), with the SVG's box and the page's width.
TEXTS = """() => {
  const shown = [...document.querySelectorAll('svg.pygal-chart')]
    .filter((svg) => svg.getBoundingClientRect().width > 0);
  return {
    scroll: document.documentElement.scrollWidth,
    charts: shown.map((svg) => {
      const box = svg.getBoundingClientRect();
      const scale = box.width / svg.viewBox.baseVal.width;
      return {
        box: [box.left, box.top, box.right, box.bottom],
        texts: [...svg.querySelectorAll('.axis text, .legends text')]
          .map((t) => [t, t.getBoundingClientRect()]).filter(([, b]) => b.width > 0)
          .map(([t, b]) => ({
            text: t.textContent,
            px: parseFloat(getComputedStyle(t).fontSize) * scale,
            box: [b.left, b.top, b.right, b.bottom],
          })),
      };
    }),
  };
}"""


def _apart(a: list[float], b: list[float]) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


@pytest.mark.parametrize(
    "path",
    [
        f"{TABLE}?latest-Tid=12",
        f"{TABLE}?all-Varer=1&all-Tid=1&v-ContentsCode=Ujustert",
        f"{TABLE}?all-Varer=1&v-Tid=2023M06&v-ContentsCode=Ujustert",  # bars
        "/tabeller/14216",
    ],
)
def test_the_chart_reads_on_a_phone(browser: Browser, served_portal: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(served_portal + path)
    found = page.evaluate(TEXTS)
    assert found["scroll"] <= 320, found["scroll"]
    assert len(found["charts"]) == 1  # the narrow one; the wide one is not shown
    chart = found["charts"][0]
    texts = chart["texts"]
    assert len(texts) >= 2, texts
    for text in texts:
        assert text["px"] >= 10, text
        left, top, right, bottom = text["box"]
        assert left >= chart["box"][0] - 0.5 and right <= chart["box"][2] + 0.5, text
    for i, one in enumerate(texts):
        for other in texts[i + 1 :]:
            assert _apart(one["box"], other["box"]), (one, other)
    # On a desktop the wide chart is the one shown, the narrow one hidden.
    page.set_viewport_size({"width": 1366, "height": 800})
    wide = page.evaluate(TEXTS)["charts"]
    assert len(wide) == 1 and wide[0]["box"][2] - wide[0]["box"][0] > 600
    context.close()
