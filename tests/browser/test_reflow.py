"""Reflow (WCAG 2.1 1.4.10) in headless Chromium: every page type, in bokmål and English, at 320 and 1366 CSS
px. The page never scrolls sideways, nothing but a scroll region's content sticks out of the screen, every
region that scrolls can be reached by keyboard and has a name, and axe finds nothing at 320 px."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser.test_e2e import SSB_EDITOR, _violations

if TYPE_CHECKING:  # playwright is imported only where the browser tests run
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

WIDTHS = (320, 1366)

# One page of every public type, in bokmål; the English twin is found through the page's hreflang link.
PUBLIC_PAGES = [
    "/",
    "/tilgjengelighet",
    "/statistikk",
    "/statistikk/kpi",
    "/statistikk/kpi/om-statistikken",
    "/produsenter/ssb",
    "/emner/befolkning",
    "/kalender",
    "/kalender?view=month",
    "/kalender/endringer",
    "/kalender/indikatorer",
    "/sok?q=konsumprisindeksen",
    "/tabeller",
    "/tabeller?subject_area=befolkning&order=updated",
    "/tabeller/14700",
    "/tabeller/12909?all-Yrke=1&all-LandBakgr=1&all-ContentsCode=1&all-Tid=1",
    "/klassifikasjoner",
    "/klassifikasjoner/131",
    "/klassifikasjoner/131/varianter/100602",
    "/klassifikasjoner/131/endringer",
    "/api/v1/docs",
    "/logg-inn",
    "/personvern",
    "/varsler/ny?topic=statistic:kpi",
]
NOT_FOUND = ["/finnes-ikke", "/en/does-not-exist"]
PRIVATE_PAGES = [
    "/min-side",
    "/min-side/statistikk/kpi",
    "/min-side/kodelister",
    "/min-side/tabeller",
    "/min-side/tabeller/last-opp",
]

# Everything whose right edge passes the screen, unless an ancestor that clips or scrolls (overflow other
# than visible) itself fits: a table in its scroll region is fine, the region being wider is not. Text is
# measured too, since a long word can run out of a box that itself fits.
STICKING_OUT = """() => {
  const limit = window.innerWidth + 1;
  const held = (el) => {
    for (let a = el; a && a !== document.documentElement; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= limit) return true;
    }
    return false;
  };
  const describe = (el, right, text) => el.tagName.toLowerCase()
    + (el.id ? '#' + el.id : '') + (el.classList.length ? '.' + [...el.classList].join('.') : '')
    + ` ends at ${Math.round(right)}: ` + text.trim().replace(/\\s+/g, ' ').slice(0, 40);
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > limit && !held(el.parentElement)) found.push(describe(el, box.right, el.textContent || ''));
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width && box.right > limit && !held(node.parentElement)) found.push(describe(node.parentElement, box.right, node.textContent));
  }
  return found.slice(0, 5);
}"""

# Regions that really scroll sideways: each must take keyboard focus and be a named region.
UNREACHABLE_SCROLLERS = """() => [...document.body.querySelectorAll('*')].filter((el) => {
  const style = getComputedStyle(el);
  return (style.overflowX === 'auto' || style.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1;
}).filter((el) => !(el.tabIndex === 0 && el.getAttribute('role') === 'region'
    && (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'))))
  .map((el) => el.outerHTML.slice(0, 80))"""


@pytest.fixture(scope="module")
def page(browser: Browser) -> Iterator[Page]:
    # bypass_csp lets the test inject axe; the portal itself never allows inline or foreign scripts.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 800})
    yield context.new_page()
    context.close()


def _with_english(page: Page, base: str, paths: list[str]) -> list[str]:
    """The paths and, for each that has one, its English twin (from the page's hreflang link)."""
    both = []
    for path in paths:
        page.goto(base + path)
        both.append(path)
        twin = page.locator("link[rel=alternate][hreflang=en]")
        if twin.count() and (href := twin.get_attribute("href")):
            both.append(href)
    return both


def _a_release_with_history(page: Page, base: str) -> str:
    """The demo's first release with a change in its history (the widest release pages)."""
    page.goto(base + "/kalender/endringer")
    href = page.locator("main table a[href^='/kalender/']").first.get_attribute("href")
    assert href, "the demo has no moved or cancelled release"
    return href


def _check(
    page: Page, base: str, paths: list[str], axe_source: str
) -> dict[str, dict[int, object]]:
    problems: dict[str, dict[int, object]] = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            answer = page.goto(base + path)
            assert answer is not None, path
            expected = 404 if path in NOT_FOUND else 200
            assert answer.status == expected, (path, answer.status)
            found: dict[str, object] = {}
            page_width = page.evaluate("() => document.documentElement.scrollWidth")
            if page_width > width + 1:
                found["page width"] = page_width
            if sticking_out := page.evaluate(STICKING_OUT):
                found["sticks out"] = sticking_out
            if unreachable := page.evaluate(UNREACHABLE_SCROLLERS):
                found["scroll region without focus or name"] = unreachable
            if width == 320 and (violations := _violations(page, axe_source)):
                found["axe"] = violations
            if found:
                problems.setdefault(path, {})[width] = found
    return problems


def test_public_pages_reflow_at_320_px(page: Page, served_portal: str, axe_source: str) -> None:
    paths = _with_english(
        page, served_portal, [*PUBLIC_PAGES, _a_release_with_history(page, served_portal)]
    )
    assert len(paths) > 2 * len(PUBLIC_PAGES)  # the English twins were found
    assert _check(page, served_portal, [*paths, *NOT_FOUND], axe_source) == {}


def test_producer_pages_reflow_at_320_px(page: Page, served_portal: str, axe_source: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto(f"{served_portal}/logg-inn")
    page.get_by_label("E-post").fill(SSB_EDITOR[0])
    page.get_by_label("Passord").fill(SSB_EDITOR[1])
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{served_portal}/min-side")
    paths = _with_english(page, served_portal, PRIVATE_PAGES)
    assert _check(page, served_portal, paths, axe_source) == {}
