"""What a refusal shows a reader, for the tests that check each domain tells its refusals in words
(issue 20): a page's visible text, the message at a field, the error summary, the check that a Norwegian
page holds no English or library wording, and the API's problem body."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from werkzeug.test import TestResponse

#: What no Norwegian page may show: English, library wording, internal codes, JSON pointers.
NOT_NORWEGIAN = (
    "error(s)",
    "duplicate",
    "line ",
    "required",
    "must be",
    "Input should",
    "Not a valid",
    "field",
    "nothing was saved",
    "K11",
    "/items/0",
    "/release_at",
)
POINTER = re.compile(r'"/[a-z_]+"')


class _Text(HTMLParser):
    """The text a reader sees (no markup, scripts or styles), with the attribute values a screen reader
    reads (aria-label, title, alt, placeholder)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self.hidden += 1
        for name, value in attrs:
            if name in {"aria-label", "title", "alt", "placeholder"} and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The page's text as a reader (or a screen reader) meets it, blanks collapsed."""
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def assert_reads_norwegian(html: str) -> str:
    """Fails when the page's visible text holds English, library wording or a JSON pointer; returns
    that text."""
    text = visible_text(html)
    found = [word for word in NOT_NORWEGIAN if word in text]
    assert not found, f"English or library wording on a Norwegian page: {found}: {text[:3000]}"
    assert not POINTER.search(text), POINTER.search(text)
    return text


def error_summary(html: str) -> str:
    """The markup of the page's error summary (fails when there is none)."""
    start = html.index('class="alert error error-summary"')
    return html[start : html.index("</div>", start)]


def field_control(html: str, field_id: str) -> str:
    """The start tag of the control ``field_id`` (fails when there is none)."""
    found = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{re.escape(field_id)}"[^>]*>', html)
    assert found, f"no field {field_id}"
    return found.group(0)


def message_at_field(html: str, field_id: str) -> str:
    """The message shown at the field ``field_id``, once checked that the control is marked invalid and
    described by it; the "Error:" said to screen readers before it is left out."""
    found = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    assert found, f"no message at {field_id}: {html[:6000]}"
    control = field_control(html, field_id)
    assert 'aria-invalid="true"' in control and f"{field_id}-error" in control, control
    return visible_text(re.sub(r'<span class="visually-hidden">[^<]*</span>', "", found.group(1)))


def problem(response: TestResponse) -> dict[str, Any]:
    """The RFC 9457 body of an API refusal (fails on any other answer)."""
    assert response.mimetype == "application/problem+json", response.text
    body = response.json
    assert isinstance(body, dict), response.text
    return body
