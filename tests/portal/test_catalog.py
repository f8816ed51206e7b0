"""The DCAT-AP-NO catalogue at /catalog: every serialisation parses with rdflib and validates with pyshacl
against Digdir's DCAT-AP-NO 2.0 SHACL shapes (a local copy of the shapes and of the EU vocabulary terms
used, tests/portal/data/dcat, so the check runs offline); it lists public tables only, from their minute."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pyshacl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, SH

from portal.kernel.clock import FixedClock
from portal.search import dcat
from tests.pxbridge.conftest import test_table, upload_embargoed  # noqa: F401  (a fixture)

DATA = Path(__file__).parent / "data" / "dcat"
EU = "http://publications.europa.eu/resource/authority/"
DATASET = URIRef("http://localhost/tabeller/99001#dataset")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(DATA / "DCAT-AP-NO-shacl_shapes_2.00.ttl")


@pytest.fixture(scope="module")
def vocabularies() -> Graph:
    return Graph().parse(DATA / "vocabularies.ttl")


def _violations(catalogue: Graph, shapes: Graph, vocabularies: Graph) -> list[str]:
    conforms, report, text = pyshacl.validate(
        catalogue + vocabularies, shacl_graph=shapes, inference="rdfs", allow_warnings=True
    )
    found = [
        str(report.value(result, SH.resultMessage))
        for result in report.subjects(SH.resultSeverity, SH.Violation)
    ]
    assert conforms == (not found), text
    return found


def _fetch(client: FlaskClient, path: str, accept: str | None = None) -> tuple[str, bytes]:
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200, response.text
    return response.content_type.split(";")[0], response.data


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        (None, "text/turtle", "turtle"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "text/turtle", "turtle"),
        ("text/turtle", "text/turtle", "turtle"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/json;q=0.5, application/ld+json", "application/ld+json", "json-ld"),
    ],
)
def test_every_serialisation_validates_against_the_dcat_ap_no_shapes(
    client: FlaskClient,
    test_table: str,  # noqa: F811  (the fixture imported above)
    shapes: Graph,
    vocabularies: Graph,
    accept: str | None,
    media_type: str,
    rdflib_format: str,
) -> None:
    served, body = _fetch(client, "/catalog", accept)
    assert served == media_type
    catalogue = Graph().parse(data=body, format=rdflib_format)
    assert (DATASET, RDF.type, DCAT.Dataset) in catalogue
    assert _violations(catalogue, shapes, vocabularies) == []


def test_the_suffixed_addresses_serve_the_same_graph(
    client: FlaskClient,
    test_table: str,  # noqa: F811
) -> None:
    graphs = {
        suffix: Graph().parse(data=_fetch(client, f"/catalog.{suffix}")[1], format=fmt)
        for suffix, fmt in (("ttl", "turtle"), ("rdf", "xml"), ("jsonld", "json-ld"), ("nt", "nt"))
    }
    sizes = {suffix: len(g) for suffix, g in graphs.items()}
    assert len(set(sizes.values())) == 1, sizes
    assert client.get("/catalog.csv").status_code == 404
    refused = client.get("/catalog", headers={"Accept": "application/pdf"})
    assert refused.status_code == 406
    assert refused.content_type == "application/problem+json"
    assert "text/turtle" in refused.json["detail"]
    assert "Accept" in client.get("/catalog").headers["Vary"]


def test_a_table_is_a_dataset_with_a_distribution_per_format_and_the_apis_are_services(
    client: FlaskClient,
    test_table: str,  # noqa: F811
) -> None:
    g = Graph().parse(data=_fetch(client, "/catalog.ttl")[1], format="turtle")
    catalogue = URIRef("http://localhost/catalog")
    assert (catalogue, DCAT.dataset, DATASET) in g
    titles = {t.language: str(t) for t in g.objects(DATASET, DCTERMS.title)}  # type: ignore[attr-defined]
    assert titles["nb"].startswith("99001: Testbefolkning")
    assert titles["en"].startswith("99001: Test population")
    # the publisher is the producer by its organisation number in Enhetsregisteret
    ssb = URIRef("https://data.brreg.no/enhetsregisteret/api/enheter/971526920")
    assert g.value(DATASET, DCTERMS.publisher) == ssb
    assert g.value(ssb, DCTERMS.identifier) == Literal("971526920")
    # EU vocabularies
    assert set(g.objects(DATASET, DCAT.theme)) == {URIRef(EU + "data-theme/SOCI")}
    assert g.value(DATASET, DCTERMS.accessRights) == URIRef(EU + "access-right/PUBLIC")
    assert g.value(DATASET, DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/QUARTERLY")
    assert set(g.objects(DATASET, DCTERMS.language)) == {
        URIRef(EU + "language/NOB"),
        URIRef(EU + "language/ENG"),
    }
    period = g.value(DATASET, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate).toPython() == date(2015, 1, 1)  # type: ignore[union-attr]
    assert g.value(period, DCAT.endDate).toPython() == date(2024, 12, 31)  # type: ignore[union-attr]
    assert g.value(DATASET, DCAT.landingPage) == URIRef("http://localhost/tabeller/99001")
    # one distribution per output format, each downloadable as it says
    distributions = {
        str(g.value(d, DCTERMS.title)): d for d in g.objects(DATASET, DCAT.distribution)
    }
    assert len(distributions) == len(dcat.FORMATS) == 7
    csv = distributions["CSV"]
    assert g.value(csv, DCTERMS.format) == URIRef(EU + "file-type/CSV")
    assert g.value(csv, DCTERMS.license) == URIRef(EU + "licence/NLOD_2_0")
    download = str(g.value(csv, DCAT.downloadURL))
    with client.get(download.replace("http://localhost", "")) as answer:  # a file: closed
        assert answer.status_code == 200 and answer.content_type.startswith("text/csv")
    xlsx = str(g.value(distributions["Excel (XLSX)"], DCAT.mediaType))
    assert xlsx.endswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    # the three APIs are data services; the PxWebApi serves the table and answers at its endpoint
    services = set(g.subjects(RDF.type, DCAT.DataService))
    assert {str(s) for s in services} == {
        "http://localhost/api/pxwebapi/v2/",
        "http://localhost/api/v0/",
        "http://localhost/api/klass/v1/",
    }
    pxwebapi = URIRef("http://localhost/api/pxwebapi/v2/")
    assert (pxwebapi, DCAT.servesDataset, DATASET) in g
    assert (csv, DCAT.accessService, pxwebapi) in g
    config = str(g.value(pxwebapi, DCAT.endpointDescription)).replace("http://localhost", "")
    assert client.get(config).json["apiVersion"].startswith("2.")


def test_an_embargoed_table_enters_the_catalogue_at_its_minute(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    at = upload_embargoed(app, client, clock.now(), "99004")
    embargoed = URIRef("http://localhost/tabeller/99004#dataset")

    def listed() -> bool:
        g = Graph().parse(data=client.get("/catalog.nt").data, format="nt")
        return (embargoed, RDF.type, DCAT.Dataset) in g

    clock.set(at - timedelta(seconds=1))
    assert not listed()
    assert "99004" not in client.get("/catalog.jsonld").text
    clock.set(at + timedelta(seconds=1))
    assert listed()


@pytest.mark.parametrize(
    ("period", "first", "last"),
    [
        ("2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024M02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023M12", date(2023, 12, 1), date(2023, 12, 31)),
        ("2024K4", date(2024, 10, 1), date(2024, 12, 31)),
        ("2024Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2024H2", date(2024, 7, 1), date(2024, 12, 31)),
        ("2024U01", date(2024, 1, 1), date(2024, 1, 7)),
        ("2020W53", date(2020, 12, 28), date(2021, 1, 3)),
    ],
)
def test_period_dates(period: str, first: date, last: date) -> None:
    assert dcat.period_dates(period, end=False) == first
    assert dcat.period_dates(period, end=True) == last


@pytest.mark.parametrize("period", ["2023-2024", "2024M13", "2024K5", "2024M00", "2023W53", "x"])
def test_periods_without_dates(period: str) -> None:
    assert dcat.period_dates(period, end=False) is None
    assert dcat.period_dates(period, end=True) is None


def test_a_concept_outside_the_eu_vocabularies_is_a_violation(
    client: FlaskClient,
    test_table: str,  # noqa: F811
    shapes: Graph,
    vocabularies: Graph,
) -> None:
    """The check can fail: a licence that is not in the EU licence table is refused by the shapes."""
    g = Graph().parse(data=_fetch(client, "/catalog.ttl")[1], format="turtle")
    csv = URIRef("http://localhost/tabeller/99001#csv")
    g.set((csv, DCTERMS.license, URIRef("https://example.org/my-own-licence")))
    assert _violations(g, shapes, vocabularies)
