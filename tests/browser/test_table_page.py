"""A table page in headless Chromium (issue 19): values are checkboxes (no Ctrl-click), a long list is
filtered as you type and keeps what is ticked, "latest N periods" narrows the preview, and the page passes
axe and reflows at 320 px."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser.test_reflow import _check

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

# The left and right edges of the chart's time labels, left to right.
LABEL_BOXES = """() => [...document.querySelectorAll('svg.pygal-chart .axis.x text')]
  .map((t) => t.getBoundingClientRect()).filter((b) => b.width > 0)
  .map((b) => [b.left, b.right]).sort((a, b) => a[0] - b[0])"""


def test_checkboxes_filter_and_the_latest_periods(
    browser: Browser, served_portal: str, axe_source: str
) -> None:
    context = browser.new_context(bypass_csp=True, viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(f"{served_portal}/tabeller/14700")
    time = page.locator("fieldset.variable", has=page.locator("input[name^='latest-']"))
    code = time.get_attribute("data-variable")
    boxes = time.locator(f"input[type=checkbox][name='v-{code}']")
    total = boxes.count()
    earliest = boxes.nth(0).get_attribute("value")
    assert total > 24, "14700 should have many periods"
    # Typing in the search box hides the periods that do not match, but not the ticked ones.
    boxes.nth(0).check()
    search = time.locator(f"input[data-filter-for='v-{code}']")
    search.fill("2023")
    shown = [
        (b.get_attribute("value") or "", b.is_checked()) for b in boxes.all() if b.is_visible()
    ]
    assert [v for v, _ in shown if "2023" in v] and len(shown) < total
    assert all("2023" in v or ticked for v, ticked in shown)
    assert boxes.nth(0).is_visible()
    search.fill("")
    # The latest 12 periods: the preview shows 12 period columns or rows.
    page.fill(f"#latest-{code}", "12")
    page.get_by_role("button", name="Vis tabell").click()
    page.wait_for_load_state()
    assert f"latest-{code}=12" in page.url
    preview = page.locator(".table-scroll table")
    period_labels = set(preview.locator("th").all_inner_texts()) & {
        b.get_attribute("value") or "" for b in boxes.all()
    }
    assert len(period_labels) == 12, period_labels
    context.close()
    # The chart's time labels, as Chromium lays them out: none overlaps another, every period shown.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 800})
    page = context.new_page()
    for selection in (f"latest-{code}=6", f"latest-{code}=12", f"from-{code}={earliest}"):
        page.goto(f"{served_portal}/tabeller/14700?{selection}")
        boxes = page.evaluate(LABEL_BOXES)
        assert len(boxes) >= 4, boxes
        for (_, right), (left, _) in zip(boxes, boxes[1:], strict=False):
            assert left > right, boxes
    context.close()
    # Reflow and axe, nb and en, phone and desktop.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 800})
    page = context.new_page()
    paths = [f"/tabeller/14700?latest-{code}=12", f"/en/tables/14700?latest-{code}=12"]
    assert _check(page, served_portal, paths, axe_source) == {}
    context.close()
