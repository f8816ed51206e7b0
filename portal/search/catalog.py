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
from portal.kernel.findable import DataFile, Dataset, FileSummary, Organisation, Service
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


def _service(root: str, service: Service) -> dcat.Service:
    """A domain's API as the catalogue describes it: identified by, and served at, its root."""
    described = service.description
    return dcat.Service(
        uri=root + service.path,
        title_nb=service.title_nb,
        title_en=service.title_en,
        description_en=service.description_en,
        endpoint=root + service.path,
        endpoint_description=(
            url_for(described.endpoint, **described.values, _external=True) if described else None
        ),
        conforms_to=service.conforms_to,
        conforms_to_title=service.conforms_to_title,
        serves_tables=service.serves_tables,
    )


def _file(file: DataFile) -> dcat.Download:
    """A domain's file, with the size and checksums its view gives (``describe``, built if need be)."""
    view = current_app.view_functions[file.link.endpoint]
    describe = getattr(view, "describe", None)
    facts: FileSummary | None = describe(**file.link.values) if describe else None
    return dcat.Download(
        url=url_for(file.link.endpoint, **file.link.values, _external=True),
        whole_file=True,
        byte_size=facts.byte_size if facts else None,
        sha1=facts.sha1 if facts else None,
    )


def distributions(table: Dataset) -> dict[str, dcat.Download]:
    """Each format's distribution: the dataset's whole-table files where the domain has them (only
    the formats it has them in: a table too large for a worksheet has no xlsx), else the whole table
    through the API in every format (every value, the ``data`` link's query, under the API's cell
    limit)."""
    if table.files:
        files = {f.format: f for f in table.files}
        return {fmt: _file(files[fmt]) for fmt in dcat.FORMATS if fmt in files}
    values = {**table.data.values, "lang": "no"}
    return {
        fmt: dcat.Download(url_for(table.data.endpoint, **values, outputFormat=fmt, _external=True))
        for fmt in dcat.FORMATS
    }


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
                downloads=distributions(table),
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
        services=[_service(root, s) for f in registered() for s in f.services],
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
        raise NotAcceptable("").said(
            "search.catalogue_formats", formats=", ".join(dcat.SERIALISERS)
        )
    return _answer(best)


@bp.get("/catalog.<suffix>")
def catalog_as(suffix: str) -> Response:
    if suffix not in dcat.SUFFIXES:
        raise NotFound("").said(
            "search.catalogue_at", paths="/catalog." + ", /catalog.".join(dcat.SUFFIXES)
        )
    return _answer(dcat.SUFFIXES[suffix])


def init_app(app: Flask) -> None:
    app.config.setdefault("CATALOG_PUBLISHER", "ssb")
    app.register_blueprint(bp)
