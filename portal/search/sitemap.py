"""What search engines read: ``robots.txt`` and the sitemaps (protocol 0.9). ``/sitemap.xml`` is a
sitemap index with one sitemap per kind of page, each split into files of at most 50,000 URLs (the
protocol's limit); every URL names its other-language page with ``xhtml:link hreflang``. Only what is
public at the request's instant is listed (tables tied to a release from its time on)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from xml.sax.saxutils import escape

from flask import Blueprint, Flask, Response, url_for

from portal.http.db import get_session
from portal.http.instant import now
from portal.kernel.errors import NotFound
from portal.kernel.findable import SitemapEntry, SitemapSection
from portal.search.registry import registered

bp = Blueprint("findability", __name__)

PER_FILE = 50_000


#: The sitemaps in the order the index lists them: the portal's own pages, then each kind a domain
#: registers (``SitemapSection``); a registered kind not named here comes last.
KINDS = ("pages", "statistics", "tables", "releases", "codelists", "producers", "subjects")

_PAGES = (
    SitemapEntry("/", "/en/"),
    SitemapEntry("/statistikk", "/en/statistics"),
    SitemapEntry("/kalender", "/en/calendar"),
    SitemapEntry("/tilgjengelighet", "/en/accessibility"),
    SitemapEntry("/klassifikasjoner", "/en/classifications"),
)


def _sections() -> dict[str, SitemapSection]:
    sections = {section.kind: section for findable in registered() for section in findable.sitemaps}
    sections["pages"] = SitemapSection("pages", lambda session, moment: _PAGES)
    order = {kind: n for n, kind in enumerate(KINDS)}
    return dict(sorted(sections.items(), key=lambda item: order.get(item[0], len(order))))


def _entries(section: SitemapSection, moment: datetime) -> Iterator[SitemapEntry]:
    yield from section.entries(get_session(), moment)


def _root() -> str:
    return url_for("web.home", _external=True).rstrip("/")


def _xml(body: str) -> Response:
    return Response(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + body,
        content_type="application/xml; charset=utf-8",
    )


@bp.get("/sitemap.xml")
def sitemap_index() -> Response:
    moment, root = now(), _root()
    items = []
    for kind, section in _sections().items():
        count = sum(1 for _ in _entries(section, moment))
        for part in range(max(1, -(-count // PER_FILE))):
            items.append(
                f"<sitemap><loc>{escape(f'{root}/sitemap-{kind}-{part + 1}.xml')}</loc></sitemap>"
            )
    return _xml(
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(items)
        + "</sitemapindex>"
    )


@bp.get("/sitemap-<kind>-<int:part>.xml")
def sitemap(kind: str, part: int) -> Response:
    section = _sections().get(kind)
    if section is None or part < 1:
        raise NotFound("").said("search.no_sitemap")
    moment, root = now(), _root()
    entries = list(_entries(section, moment))[(part - 1) * PER_FILE : part * PER_FILE]
    if not entries and part > 1:
        raise NotFound("").said("search.no_sitemap")
    urls = []
    for entry in entries:
        nb, en, modified = entry.path_nb, entry.path_en, entry.modified
        for loc in (nb, en):
            lastmod = f"<lastmod>{modified.date().isoformat()}</lastmod>" if modified else ""
            urls.append(
                f"<url><loc>{escape(root + loc)}</loc>{lastmod}"
                f'<xhtml:link rel="alternate" hreflang="nb" href="{escape(root + nb)}"/>'
                f'<xhtml:link rel="alternate" hreflang="en" href="{escape(root + en)}"/></url>'
            )
    return _xml(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">' + "".join(urls) + "</urlset>"
    )


@bp.get("/robots.txt")
def robots() -> Response:
    lines = [
        "User-agent: *",
        "Allow: /",
        "Disallow: /min-side",
        "Disallow: /en/my-page",
        "Disallow: /logg-inn",
        "Disallow: /en/log-in",
        f"Sitemap: {_root()}/sitemap.xml",
    ]
    return Response("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
