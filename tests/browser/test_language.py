"""Language marking in headless Chromium (issue 18, WCAG 2.1 3.1.2): on the demo's English change list, a
reason the producer gave in Norwegian only is in an element whose language is Norwegian, with the page's
words "only in Norwegian" beside it; a reason given in both languages is shown in English, unmarked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from release_calendar.demo import MOVE_REASONS
from tests.browser.test_e2e import _violations

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

# The language the browser computes for each text node holding one of ``texts``: the nearest lang.
LANGUAGES_OF = """(texts) => {
  const found = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const text of texts) {
      if (node.textContent.includes(text)) {
        const holder = node.parentElement.closest('[lang]');
        const next = node.parentElement.nextElementSibling;
        found.push([text, holder.getAttribute('lang'), next ? next.textContent : '']);
      }
    }
  }
  return found;
}"""


def test_reasons_carry_their_language_on_english_pages(
    browser: Browser, served_portal: str, axe_source: str
) -> None:
    context = browser.new_context(bypass_csp=True, viewport={"width": 320, "height": 800})
    page = context.new_page()
    norwegian_only = [nb for nb, en in MOVE_REASONS.values() if en is None]
    norwegian_only.append("Statistikken slås sammen med en annen; tallene kommer i den.")
    english = [en for _, en in MOVE_REASONS.values() if en]
    english.append("The data arrived earlier than expected.")
    both = [nb for nb, en in MOVE_REASONS.values() if en]

    page.goto(f"{served_portal}/en/calendar/changes")
    found = page.evaluate(LANGUAGES_OF, norwegian_only + english + both)
    marked = [(text, lang, note) for text, lang, note in found if text in norwegian_only]
    shown = [(text, lang) for text, lang, _ in found if text in english]
    assert marked, "the demo has no Norwegian-only reason on the change list"
    assert shown, "the demo has no reason in both languages on the change list"
    assert all(lang == "nb" and note == "(only in Norwegian)" for _, lang, note in marked), marked
    assert all(lang == "en" for _, lang in shown), shown
    assert not [text for text, _, _ in found if text in both]  # the English page shows the English
    assert _violations(page, axe_source) == []

    page.goto(f"{served_portal}/kalender/endringer")
    found = page.evaluate(LANGUAGES_OF, norwegian_only + english)
    assert found and all(lang == "nb" for _, lang, _ in found), found
    assert not [text for text, _, _ in found if text in english]
    context.close()
