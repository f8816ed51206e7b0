"""The DCAT-AP-NO 2.0 catalogue that data.norge.no harvests: one ``dcat:Catalog`` listing every public
table as a ``dcat:Dataset`` with one ``dcat:Distribution`` per output format, and the PxWebApi, the
classic PxWeb API and the Klass API as ``dcat:DataService``. Plain functions of plain values (no Flask,
no database) that build an rdflib graph; ``portal/search/catalog.py`` serves it.

Controlled vocabularies are the EU Publications Office authority tables that DCAT-AP-NO makes
mandatory: data themes, file types, frequencies, access rights, languages, licences and countries.
Each concept used is typed with the class the shapes ask for (``dct:Frequency``, ``dct:LicenseDocument``
…), which is what DCAT-AP says it is; its labels and scheme are the vocabulary's own and are not
repeated here (a harvester loads them; the test loads a local copy, ``tests/portal/data/dcat``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

from portal.kernel.findable import Dataset

EU = "http://publications.europa.eu/resource/authority/"
THEME = Namespace(EU + "data-theme/")
FILE_TYPE = Namespace(EU + "file-type/")
FREQUENCY = Namespace(EU + "frequency/")
ACCESS = Namespace(EU + "access-right/")
LANGUAGE = Namespace(EU + "language/")
LICENCE = Namespace(EU + "licence/")
COUNTRY = Namespace(EU + "country/")
IANA = "https://www.iana.org/assignments/media-types/"
DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")

#: NLOD 2.0, the licence of everything the portal publishes, as the EU licence table names it.
NLOD = LICENCE["NLOD_2_0"]
#: Our Frequency values -> the EU frequency table.
FREQUENCIES = {
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "annual": "ANNUAL",
    "biennial": "BIENNIAL",
    "triennial": "TRIENNIAL",
    "every-four-years": "QUADRENNIAL",
    "irregular": "IRREG",
}
#: Subject areas (the programme's 21) -> EU data themes. A statistic in no subject area is SOCI.
THEMES: Mapping[str, tuple[str, ...]] = {
    "arbeid-og-lonn": ("ECON", "SOCI"),
    "bank-og-finansmarked": ("ECON",),
    "bedrifter-foretak-og-regnskap": ("ECON",),
    "befolkning": ("SOCI",),
    "bygg-bolig-og-eiendom": ("SOCI", "ECON"),
    "energi-og-industri": ("ENER", "ECON"),
    "fou-teknologi-og-innovasjon": ("TECH",),
    "helse-og-omsorg": ("HEAL",),
    "inntekt-og-forbruk": ("ECON", "SOCI"),
    "kultur-og-fritid": ("EDUC",),
    "landbruk-fiskeri-og-akvakultur": ("AGRI",),
    "nasjonalregnskap": ("ECON",),
    "natur-areal-klima-og-miljo": ("ENVI",),
    "offentlige-finanser": ("GOVE", "ECON"),
    "priser-og-prisindekser": ("ECON",),
    "sosiale-forhold-og-kriminalitet": ("SOCI", "JUST"),
    "transport-og-reiseliv": ("TRAN",),
    "utdanning": ("EDUC",),
    "utenriksokonomi": ("ECON", "INTR"),
    "valg-og-demokrati": ("GOVE",),
    "varehandel-og-naeringslivstjenester": ("ECON",),
}
#: Output format -> (EU file type or None, IANA media type or None, title).
FORMATS: Mapping[str, tuple[str | None, str | None, str]] = {
    "json-stat2": ("JSON", "application/json", "JSON-stat 2.0"),
    "csv": ("CSV", "text/csv", "CSV"),
    "xlsx": (
        "XLSX",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel (XLSX)",
    ),
    "px": ("OCTET", None, "PC-Axis (PX)"),  # the EU table has no PX type
    "html": ("HTML", "text/html", "HTML"),
    "json-px": ("JSON", "application/json", "JSON-PX"),
    "parquet": (None, "application/vnd.apache.parquet", "Apache Parquet"),  # no EU type
}
LANGUAGES = {"nb": "NOB", "nn": "NNO", "en": "ENG"}


@dataclass(frozen=True)
class Agent:
    """A producer: its organisation number's URI in Enhetsregisteret when it has one, else its page."""

    uri: str
    name_nb: str
    name_en: str
    org_number: str | None = None


@dataclass(frozen=True)
class Download:
    """Where one distribution is downloaded: a whole-table file (with its size and SHA-1, the one
    checksum algorithm DCAT-AP-NO 2.0's shapes accept for ``spdx:checksum``), or an API's answer."""

    url: str
    whole_file: bool = False
    byte_size: int | None = None
    sha1: str | None = None


@dataclass(frozen=True)
class TableEntry:
    """A domain's :class:`~portal.kernel.findable.Dataset` with what the catalogue adds: its publisher
    as an agent and its URLs."""

    dataset: Dataset
    publisher: Agent
    page: str  # the table's page (nb); the dataset is ``{page}#dataset``, its landing page is the page
    page_en: str
    statistic_page: str
    downloads: Mapping[str, Download] = field(default_factory=dict)  # output format -> where


@dataclass(frozen=True)
class Service:
    uri: str
    title_nb: str
    title_en: str
    description_en: str
    endpoint: str
    conforms_to: str
    conforms_to_title: str
    endpoint_description: str | None = None
    serves_tables: bool = False


def agent_uri(org_number: str | None, fallback: str) -> str:
    if org_number:
        return f"https://data.brreg.no/enhetsregisteret/api/enheter/{org_number}"
    return fallback


def _text(graph: Graph, node: URIRef | BNode, prop: URIRef, nb: str, en: str) -> None:
    if nb:
        graph.add((node, prop, Literal(nb, lang="nb")))
    if en:
        graph.add((node, prop, Literal(en, lang="en")))


Node = TypeVar("Node", URIRef, BNode)


def _typed(graph: Graph, node: Node, *classes: URIRef) -> Node:
    for cls in classes:
        graph.add((node, RDF.type, cls))
    return node


def _agent(graph: Graph, agent: Agent) -> URIRef:
    node = _typed(graph, URIRef(agent.uri), FOAF.Agent, FOAF.Organization)
    _text(graph, node, FOAF.name, agent.name_nb, agent.name_en)
    if agent.org_number:
        graph.add((node, DCTERMS.identifier, Literal(agent.org_number)))
    return node


_PERIOD = re.compile(r"^(\d{4})(?:([MKQHUW])(\d{1,2}))?$")


def period_dates(period: str, *, end: bool) -> date | None:
    """The first (or last) day of a PX period: ``2024``, ``2024M03``, ``2024K2``/``Q2``, ``2024H1``,
    ``2024U05``/``W05`` (ISO weeks). Anything else (``2023-2024``, ``2024M13``) has no date."""
    found = _PERIOD.match(period.strip())
    if found is None:
        return None
    year, unit, number = int(found[1]), found[2], int(found[3] or 0)
    try:
        if unit is None:
            return date(year, 12, 31) if end else date(year, 1, 1)
        if unit in "UW":
            monday = date.fromisocalendar(year, number, 1)
            return monday + timedelta(days=6) if end else monday
        months = {"M": 1, "K": 3, "Q": 3, "H": 6}[unit]
        first = (number - 1) * months + 1
        if not 1 <= first <= 12 or number < 1:
            return None
        if not end:
            return date(year, first, 1)
        last = first + months
        return date(year + last // 13, (last - 1) % 12 + 1, 1) - timedelta(days=1)
    except ValueError:
        return None


def _dataset(graph: Graph, entry: TableEntry, services: Sequence[URIRef]) -> URIRef:
    node = _typed(graph, URIRef(f"{entry.page}#dataset"), DCAT.Dataset)
    graph.add((node, DCTERMS.identifier, Literal(str(node))))
    _text(graph, node, DCTERMS.title, entry.dataset.title_nb, entry.dataset.title_en)
    _text(
        graph,
        node,
        DCTERMS.description,
        entry.dataset.description_nb or entry.dataset.title_nb,
        entry.dataset.description_en or entry.dataset.title_en,
    )
    graph.add((node, DCTERMS.publisher, _agent(graph, entry.publisher)))
    graph.add((node, DCTERMS.creator, URIRef(entry.publisher.uri)))
    themes = {t for s in entry.dataset.subjects for t in THEMES.get(s, ())} or {"SOCI"}
    for code in sorted(themes):
        graph.add((node, DCAT.theme, _typed(graph, THEME[code], SKOS.Concept)))
    for word in entry.dataset.keywords_nb:
        graph.add((node, DCAT.keyword, Literal(word, lang="nb")))
    for word in entry.dataset.keywords_en:
        graph.add((node, DCAT.keyword, Literal(word, lang="en")))
    graph.add(
        (node, DCTERMS.accessRights, _typed(graph, ACCESS["PUBLIC"], DCTERMS.RightsStatement))
    )
    if entry.dataset.frequency in FREQUENCIES:
        found = FREQUENCY[FREQUENCIES[entry.dataset.frequency]]
        graph.add((node, DCTERMS.accrualPeriodicity, _typed(graph, found, DCTERMS.Frequency)))
    for lang in entry.dataset.languages:
        if lang in LANGUAGES:
            found = LANGUAGE[LANGUAGES[lang]]
            graph.add((node, DCTERMS.language, _typed(graph, found, DCTERMS.LinguisticSystem)))
    graph.add((node, DCTERMS.spatial, _typed(graph, COUNTRY["NOR"], DCTERMS.Location)))
    if entry.dataset.modified is not None:
        graph.add((node, DCTERMS.modified, Literal(entry.dataset.modified, datatype=XSD.dateTime)))
    start = (
        period_dates(entry.dataset.first_period, end=False) if entry.dataset.first_period else None
    )
    stop = period_dates(entry.dataset.last_period, end=True) if entry.dataset.last_period else None
    if start and stop:
        period = BNode()
        _typed(graph, period, DCTERMS.PeriodOfTime)
        graph.add((period, DCAT.startDate, Literal(start, datatype=XSD.date)))
        graph.add((period, DCAT.endDate, Literal(stop, datatype=XSD.date)))
        graph.add((node, DCTERMS.temporal, period))
    graph.add((node, DCAT.landingPage, _typed(graph, URIRef(entry.page), FOAF.Document)))
    graph.add((node, FOAF.page, _typed(graph, URIRef(entry.page_en), FOAF.Document)))
    graph.add((node, DCTERMS.isReferencedBy, URIRef(entry.statistic_page)))
    contact = BNode()
    _typed(graph, contact, VCARD.Organization, VCARD.Kind)
    graph.add((contact, VCARD.fn, Literal(entry.dataset.contact_name or entry.publisher.name_nb)))
    if entry.dataset.contact_email:
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{entry.dataset.contact_email}")))
    graph.add((node, DCAT.contactPoint, contact))
    for fmt, where in entry.downloads.items():
        graph.add((node, DCAT.distribution, _distribution(graph, entry, fmt, where, services)))
    return node


def _distribution(
    graph: Graph, entry: TableEntry, fmt: str, found: Download, services: Sequence[URIRef]
) -> URIRef:
    file_type, media, title = FORMATS[fmt]
    node = _typed(graph, URIRef(f"{entry.page}#{fmt}"), DCAT.Distribution)
    graph.add((node, DCTERMS.title, Literal(title, lang="en")))
    how_nb, how_en = ("som fil", "as a file") if found.whole_file else ("gjennom", "through")
    _text(
        graph,
        node,
        DCTERMS.description,
        f"Hele tabellen {entry.dataset.id} som {title}, {how_nb}"
        + (" (den publiserte versjonen)." if found.whole_file else " PxWebApi 2.0."),
        f"The whole of table {entry.dataset.id} as {title}, {how_en}"
        + (" (its published revision)." if found.whole_file else " PxWebApi 2.0."),
    )
    graph.add((node, DCAT.accessURL, URIRef(found.url)))
    graph.add((node, DCAT.downloadURL, URIRef(found.url)))
    if found.byte_size is not None:
        graph.add((node, DCAT.byteSize, Literal(Decimal(found.byte_size), datatype=XSD.decimal)))
    if found.sha1 is not None:
        checksum = _typed(graph, BNode(), SPDX.Checksum)
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha1))
        graph.add((checksum, SPDX.checksumValue, Literal(found.sha1, datatype=XSD.hexBinary)))
        graph.add((node, SPDX.checksum, checksum))
    if file_type:
        kind = FILE_TYPE[file_type]
        graph.add((node, DCTERMS.format, _typed(graph, kind, DCTERMS.MediaTypeOrExtent)))
    if media:
        graph.add((node, DCAT.mediaType, _typed(graph, URIRef(IANA + media), DCTERMS.MediaType)))
    graph.add((node, DCTERMS.license, _typed(graph, NLOD, DCTERMS.LicenseDocument)))
    graph.add((node, DCATAP.availability, DCATAP["stable"]))
    for service in services:
        graph.add((node, DCAT.accessService, service))
    if entry.dataset.modified is not None:
        graph.add((node, DCTERMS.modified, Literal(entry.dataset.modified, datatype=XSD.dateTime)))
    return node


def _service(graph: Graph, service: Service, tables: Iterable[URIRef], publisher: URIRef) -> URIRef:
    node = _typed(graph, URIRef(service.uri), DCAT.DataService)
    graph.add((node, DCTERMS.identifier, Literal(service.uri)))
    _text(graph, node, DCTERMS.title, service.title_nb, service.title_en)
    graph.add((node, DCTERMS.description, Literal(service.description_en, lang="en")))
    graph.add((node, DCAT.endpointURL, URIRef(service.endpoint)))
    if service.endpoint_description:
        graph.add((node, DCAT.endpointDescription, URIRef(service.endpoint_description)))
    standard = _typed(graph, URIRef(service.conforms_to), DCTERMS.Standard)
    graph.add((standard, DCTERMS.title, Literal(service.conforms_to_title, lang="en")))
    graph.add((node, DCTERMS.conformsTo, standard))
    graph.add((node, DCTERMS.publisher, publisher))
    graph.add((node, DCTERMS.license, _typed(graph, NLOD, DCTERMS.LicenseDocument)))
    graph.add((node, DCTERMS.format, _typed(graph, FILE_TYPE["JSON"], DCTERMS.MediaTypeOrExtent)))
    graph.add(
        (node, DCTERMS.accessRights, _typed(graph, ACCESS["PUBLIC"], DCTERMS.RightsStatement))
    )
    if service.serves_tables:
        for table in tables:
            graph.add((node, DCAT.servesDataset, table))
    return node


def catalogue(
    *,
    uri: str,
    homepage: str,
    publisher: Agent,
    tables: Sequence[TableEntry],
    services: Sequence[Service],
    modified: datetime | None,
) -> Graph:
    """The whole catalogue as one graph."""
    graph = Graph()
    for prefix, ns in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("skos", SKOS),
        ("vcard", VCARD),
        ("dcatap", DCATAP),
        ("spdx", SPDX),
    ):
        graph.bind(prefix, ns)
    node = _typed(graph, URIRef(uri), DCAT.Catalog)
    graph.add((node, DCTERMS.identifier, Literal(uri)))
    _text(
        graph,
        node,
        DCTERMS.title,
        "Statistikkportalen – offisiell statistikk fra Norge",
        "Statistikkportalen – official statistics from Norway",
    )
    _text(
        graph,
        node,
        DCTERMS.description,
        "Tabellene fra alle produsentene av offisiell statistikk i Norge, med API-ene de hentes "
        "gjennom (PxWebApi 2.0, det klassiske PxWeb-API-et og Klass).",
        "The tables of every producer of official statistics in Norway, with the APIs that serve "
        "them (PxWebApi 2.0, the classic PxWeb API and Klass).",
    )
    owner = _agent(graph, publisher)
    graph.add((node, DCTERMS.publisher, owner))
    graph.add((node, FOAF.homepage, _typed(graph, URIRef(homepage), FOAF.Document)))
    graph.add((node, DCTERMS.license, _typed(graph, NLOD, DCTERMS.LicenseDocument)))
    for code in ("NOB", "ENG"):
        graph.add((node, DCTERMS.language, _typed(graph, LANGUAGE[code], DCTERMS.LinguisticSystem)))
    graph.add((node, DCTERMS.spatial, _typed(graph, COUNTRY["NOR"], DCTERMS.Location)))
    taxonomy = _typed(graph, URIRef(EU + "data-theme"), SKOS.ConceptScheme)
    graph.add((node, DCAT.themeTaxonomy, taxonomy))
    if modified is not None:
        graph.add((node, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)))
    service_nodes = [URIRef(s.uri) for s in services if s.serves_tables]
    table_nodes = [_dataset(graph, entry, service_nodes) for entry in tables]
    for found in table_nodes:
        graph.add((node, DCAT.dataset, found))
    for service in services:
        graph.add((node, DCAT.service, _service(graph, service, table_nodes, owner)))
    return graph


#: Media type -> rdflib serialiser, in the order of preference when the client accepts anything.
SERIALISERS = {
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
}
#: ``/catalog.<suffix>`` -> media type, for links and clients that cannot set Accept.
SUFFIXES = {
    "ttl": "text/turtle",
    "rdf": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
}


def serialise(graph: Graph, media_type: str) -> bytes:
    fmt = SERIALISERS[media_type]
    if fmt == "json-ld":
        context = {p: str(ns) for p, ns in graph.namespaces() if p}
        return graph.serialize(format="json-ld", context=context, auto_compact=True).encode()
    return graph.serialize(format=fmt, encoding="utf-8")
