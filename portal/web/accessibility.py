"""The accessibility page (``/tilgjengelighet``, ``/en/accessibility``), linked from every page's footer.

Norwegian public websites publish their accessibility statement in Digdir's uustatus service; this page
links to it (``ACCESSIBILITY_STATEMENT_URL``, or says the statement is being prepared), says what the
portal's tests check, lists what is known not to conform, and tells how to report a problem
(``ACCESSIBILITY_CONTACT``) and where to complain. Its JSON twin carries the same facts in both languages.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, url_for

from portal.http.routing import bilingual, render_page
from portal.kernel.i18n import MESSAGES
from portal.web import accessibility_messages as _messages  # noqa: F401  (registers the strings)

#: Where to complain when the owner of a website does not answer (Digdir's supervisory authority).
AUTHORITY_URL = "https://www.uutilsynet.no/"

#: Digdir's service where Norwegian public websites publish their accessibility statements.
STATEMENT_SERVICE_URL = "https://uustatus.no/"

#: What the tests check, as the page lists it (catalogue keys, in order).
TESTED = ("a11y.tested_axe", "a11y.tested_reflow", "a11y.tested_keyboard", "a11y.tested_no_script")

#: What is known not to conform (catalogue keys); an empty tuple makes the page say none is known.
KNOWN_ISSUES = ("a11y.known_language_of_parts",)

#: The widths (CSS px) and languages the browser tests check every page type at.
TESTED_WIDTHS = (320, 1366)
TESTED_LANGUAGES = ("nb", "en")


def _setting(key: str) -> str | None:
    value = str(current_app.config.get(key) or "").strip()
    return value or None


def statement_url() -> str | None:
    """The published statement's address, when it is set to an ``http(s)`` address."""
    value = _setting("ACCESSIBILITY_STATEMENT_URL")
    return value if value and value.startswith(("https://", "http://")) else None


def contact() -> str | None:
    """The e-mail address for accessibility problems, when one is set."""
    value = _setting("ACCESSIBILITY_CONTACT")
    return value.removeprefix("mailto:") if value and "@" in value else None


@bilingual("/tilgjengelighet", "/en/accessibility", twin="web.accessibility_json")
def accessibility() -> Response:
    return render_page(
        "portal/accessibility.html",
        twin_url=url_for("web.accessibility_json"),
        statement_url=statement_url(),
        statement_service_url=STATEMENT_SERVICE_URL,
        contact=contact(),
        authority_url=AUTHORITY_URL,
        tested=TESTED,
        known_issues=KNOWN_ISSUES,
    )


@bilingual(
    "/tilgjengelighet.json",
    "/en/accessibility.json",
    no_twin_because="it is the JSON form of the accessibility page",
)
def accessibility_json() -> Response:
    """The page's facts, each text in both languages: the statement's address (null while it is
    being prepared), the contact address, the target standard, what is tested and what does not
    conform."""
    return jsonify(_facts())


def _both(key: str) -> dict[str, str]:
    nb, en = MESSAGES[key]
    return {"nb": nb, "en": en}


def _facts() -> dict[str, Any]:
    return {
        "statement_url": statement_url(),
        "statement_service": STATEMENT_SERVICE_URL,
        "target": "WCAG 2.1 AA",
        "tested": {
            "tool": "axe-core",
            "browser": "Chromium",
            "widths": list(TESTED_WIDTHS),
            "languages": list(TESTED_LANGUAGES),
            "without_javascript": True,
        },
        "known_issues": [_both(key) for key in KNOWN_ISSUES],
        "contact": contact(),
        "complaints": AUTHORITY_URL,
        "page": {
            "nb": url_for("web.accessibility", lang="nb", _external=True),
            "en": url_for("web.accessibility", lang="en", _external=True),
        },
    }
