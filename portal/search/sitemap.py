"""What search engines read: ``robots.txt`` and the sitemaps (protocol 0.9). ``/sitemap.xml`` is a
sitemap index with one sitemap per kind of page, each split into files of at most 50,000 URLs (the
protocol's limit); every URL names its other-language page with ``xhtml:link hreflang``. Only what is
public at the request's instant is listed (tables tied to a release from its time on)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from xml.sax.saxutils import escape

from flask import Blueprint, Flask, Response, url_for
from sqlalchemy import select

from portal.db import get_session
from portal.errors import NotFound
from portal.instant import now

bp = Blueprint("findability", __name__)

PER_FILE = 50_000
Entry = tuple[str, str, datetime | None]  # nb path, en path, last modified


def _entries(kind: str, moment: datetime) -> Iterator[Entry]:
    from metadata.codelists.models import Classification
    from portal.programme.models import Producer, Statistic, SubjectArea
    from pxbridge.service import visible
    from release_calendar.models import Release

    db = get_session()
    if kind == "pages":
        yield "/", "/en/", None
        yield "/statistikk", "/en/statistics", None
        yield "/kalender", "/en/calendar", None
        yield "/klassifikasjoner", "/en/classifications", None
    elif kind == "statistics":
        for slug, updated in db.execute(
            select(Statistic.slug, Statistic.updated_at).order_by(Statistic.slug)
        ):
            yield f"/statistikk/{slug}", f"/en/statistics/{slug}", updated
    elif kind == "tables":
        for table in db.scalars(visible(moment).order_by("id")):
            yield f"/tabeller/{table.id}", f"/en/tables/{table.id}", table.updated
    elif kind == "releases":
        for number, updated in db.execute(
            select(Release.id, Release.updated_at).order_by(Release.id)
        ):
            yield f"/kalender/{number}", f"/en/calendar/{number}", updated
    elif kind == "codelists":
        for found in db.scalars(select(Classification).order_by(Classification.id)):
            if any(v.published for v in found.versions) and not found.copyrighted:
                yield (
                    f"/klassifikasjoner/{found.id}",
                    f"/en/classifications/{found.id}",
                    found.last_modified,
                )
    elif kind == "producers":
        for slug in db.scalars(select(Producer.slug).order_by(Producer.slug)):
            yield f"/produsenter/{slug}", f"/en/producers/{slug}", None
    elif kind == "subjects":
        for slug in db.scalars(select(SubjectArea.slug).order_by(SubjectArea.slug)):
            yield f"/emner/{slug}", f"/en/subjects/{slug}", None


KINDS = ("pages", "statistics", "tables", "releases", "codelists", "producers", "subjects")


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
    for kind in KINDS:
        count = sum(1 for _ in _entries(kind, moment))
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
    if kind not in KINDS or part < 1:
        raise NotFound("There is no such sitemap.")
    moment, root = now(), _root()
    entries = list(_entries(kind, moment))[(part - 1) * PER_FILE : part * PER_FILE]
    if not entries and part > 1:
        raise NotFound("There is no such sitemap.")
    urls = []
    for nb, en, modified in entries:
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
