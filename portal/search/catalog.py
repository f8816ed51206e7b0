"""``/catalog``: the DCAT-AP-NO catalogue (``portal/search/dcat.py``) by content negotiation — Turtle,
RDF/XML, JSON-LD or N-Triples as the ``Accept`` header asks (Turtle when it accepts anything), and at
``/catalog.ttl``, ``.rdf``, ``.jsonld`` and ``.nt`` for clients that cannot set a header. Only what is
public at the request's instant is listed: a table tied to a release appears at its minute."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, request, url_for
from rdflib import Graph

from portal.http.db import get_session
from portal.http.instant import now
from portal.kernel.errors import NotAcceptable, NotFound
from portal.kernel.findable import Organisation
from portal.search import dcat
from portal.search.registry import registered

bp = Blueprint("catalog", __name__)


def _agent(producer: Organisation) -> dcat.Agent:
    page = url_for("web.producer", slug=producer.slug, lang="nb", _external=True)
    return dcat.Agent(
        uri=dcat.agent_uri(producer.org_number, page),
        name_nb=producer.name_nb,
        name_en=producer.name_en,
        org_number=producer.org_number,
    )


def _services(root: str) -> list[dcat.Service]:
    return [
        dcat.Service(
            uri=f"{root}/api/pxwebapi/v2/",
            title_nb="PxWebApi 2.0 for all offisiell statistikk",
            title_en="PxWebApi 2.0 for all official statistics",
            description_en="Every public table: metadata, selections and data in JSON-stat 2.0, "
            "CSV, XLSX, PX, HTML, JSON-PX and Parquet.",
            endpoint=f"{root}/api/pxwebapi/v2/",
            endpoint_description=f"{root}/api/pxwebapi/v2/config",
            conforms_to="https://github.com/PxTools/PxApiSpecs",
            conforms_to_title="PxWebApi 2.0 specification (PxTools/PxApiSpecs)",
            serves_tables=True,
        ),
        dcat.Service(
            uri=f"{root}/api/v0/",
            title_nb="Klassisk PxWeb-API",
            title_en="Classic PxWeb API",
            description_en="The same tables through the classic PxWeb API (v0/v1), for existing "
            "clients.",
            endpoint=f"{root}/api/v0/",
            conforms_to="https://www.scb.se/en/services/open-data-api/api-for-the-statistical-database/",
            conforms_to_title="PxWeb API (Statistics Sweden's API for the statistical database)",
            serves_tables=True,
        ),
        dcat.Service(
            uri=f"{root}/api/klass/v1/",
            title_nb="Klass-API for klassifikasjoner og kodelister",
            title_en="Klass API for classifications and code lists",
            description_en="Every producer's classifications and code lists, their versions, "
            "variants and correspondence tables, as Statistics Norway's Klass API serves them.",
            endpoint=f"{root}/api/klass/v1/",
            conforms_to="https://data.ssb.no/api/klass/v1/api-guide.html",
            conforms_to_title="Klass API guide (Statistics Norway)",
        ),
    ]


def build() -> Graph:
    """The catalogue as it stands at the request's instant: every registered domain's datasets."""
    root = url_for("web.home", _external=True).rstrip("/")
    db, moment = get_session(), now()
    tables = [
        dataset
        for findable in registered()
        if findable.datasets is not None
        for dataset in findable.datasets(db, moment)
    ]
    entries = []
    for table in tables:
        data = url_for(table.data.endpoint, **table.data.values, _external=True)
        entries.append(
            dcat.TableEntry(
                dataset=table,
                publisher=_agent(table.publisher),
                page=url_for(table.page.endpoint, **table.page.values, lang="nb", _external=True),
                page_en=url_for(
                    table.page.endpoint, **table.page.values, lang="en", _external=True
                ),
                statistic_page=url_for(
                    "web.statistic", slug=table.statistic, lang="nb", _external=True
                ),
                downloads={fmt: f"{data}?lang=no&outputFormat={fmt}" for fmt in dcat.FORMATS},
            )
        )
    slug = current_app.config["CATALOG_PUBLISHER"]
    owner = next(
        (
            found
            for findable in registered()
            if findable.organisation is not None
            and (found := findable.organisation(db, slug)) is not None
        ),
        None,
    )
    publisher = (
        _agent(owner)
        if owner is not None
        else dcat.Agent(uri=f"{root}/", name_nb="Statistikkportalen", name_en="Statistikkportalen")
    )
    return dcat.catalogue(
        uri=f"{root}/catalog",
        homepage=f"{root}/",
        publisher=publisher,
        tables=entries,
        services=_services(root),
        modified=max((t.modified for t in tables if t.modified), default=None),
    )


def _answer(media_type: str) -> Response:
    body = dcat.serialise(build(), media_type)
    response = Response(body, content_type=f"{media_type}; charset=utf-8")
    response.vary.add("Accept")
    return response


@bp.get("/catalog")
def catalog() -> Response:
    accepted = request.accept_mimetypes
    if not accepted or accepted.best in ("*/*", "text/html", "text/*"):
        return _answer("text/turtle")
    best = accepted.best_match(list(dcat.SERIALISERS))
    if best is None:
        raise NotAcceptable(
            "The catalogue is served as " + ", ".join(dcat.SERIALISERS) + "; ask for one of them."
        )
    return _answer(best)


@bp.get("/catalog.<suffix>")
def catalog_as(suffix: str) -> Response:
    if suffix not in dcat.SUFFIXES:
        raise NotFound("The catalogue is at /catalog." + ", /catalog.".join(dcat.SUFFIXES) + ".")
    return _answer(dcat.SUFFIXES[suffix])


def init_app(app: Flask) -> None:
    app.config.setdefault("CATALOG_PUBLISHER", "ssb")
    app.register_blueprint(bp)
