"""Markdown to safe HTML. Producers write Markdown; what reaches a page has no script, no event
handlers and no ``javascript:`` or ``data:`` links, whatever they typed."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

# Raw HTML in the Markdown is shown as text, not passed through; nh3 then cleans what Markdown made.
_markdown = MarkdownIt("js-default", {"linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "code",
    "pre",
    "blockquote",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}


def to_html(markdown: str) -> str:
    """Sanitised HTML for ``markdown`` (safe to mark as such in a template)."""
    html = _markdown.render(markdown or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"scope"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
