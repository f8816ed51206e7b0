"""The request's language for the kernel's :mod:`~portal.kernel.i18n`, and its helpers in templates."""

from __future__ import annotations

from flask import Flask, g, has_app_context
from markupsafe import Markup, escape

from portal.kernel import formatting
from portal.kernel.i18n import Chosen, current_language, pick, set_language_source, translate


def _request_language() -> str:
    return str(g.get("lang", "nb")) if has_app_context() else "nb"


def said(text: str, *, note: bool = False) -> Markup:
    """A record's text (from :func:`pick`) for inline use: in a ``<span lang>`` when it is in another
    language than the page's, followed, with ``note``, by the page's words saying it exists in that
    language only ("bare på engelsk", "only in Norwegian")."""
    if not isinstance(text, Chosen) or not text.foreign:
        return escape(text)
    marked = Markup('<span lang="{}">{}</span>').format(text.lang, text)
    if note:
        marked += Markup(' <span class="lang-note">({})</span>').format(text.only_in)
    return marked


def init_app(app: Flask) -> None:
    set_language_source(_request_language)
    from portal.http.routing import other_language_url

    app.jinja_env.globals.update(
        _=translate,
        pick=pick,
        said=said,
        current_language=current_language,
        other_language_url=other_language_url,
    )
    # Numbers, dates and counts as people read them (portal.kernel.formatting, docs/formatting.md).
    app.jinja_env.filters.update(
        number=formatting.number,
        percent=formatting.percent,
        count=formatting.count,
        date=formatting.date,
        datetime=formatting.datetime,
        time=formatting.time,
        month=formatting.month,
        quarter=formatting.quarter,
        date_range=formatting.date_range,
        month_range=formatting.month_range,
        # The older name for an instant in Oslo time: the same as ``datetime``.
        oslo=formatting.datetime,
    )
