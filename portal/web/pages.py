"""Public pages: home, statistics, a producer, a subject area, a statistic."""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for

from portal.api.params import STATISTIC_FILTERS, parse_statistic_query
from portal.http.db import get_session
from portal.http.routing import bilingual, render_page
from portal.programme import service


@bilingual("/", "/en/", twin="api_v1.index")
def home() -> Response:
    db = get_session()
    return render_page(
        "portal/home.html",
        twin_url=url_for("api_v1.index"),
        producers=service.list_producers(db),
        subject_areas=service.list_subject_areas(db),
    )


@bilingual("/statistikk", "/en/statistics", twin="api_v1.list_statistics")
def statistics() -> Response:
    db = get_session()
    query = parse_statistic_query(request.args)
    return render_page(
        "portal/statistics.html",
        twin_url=url_for("api_v1.list_statistics", **_query_args()),
        filters={k: v for k, v in _query_args().items() if k != "page"},
        result=service.list_statistics(db, query),
        producers=service.list_producers(db),
        subject_areas=service.list_subject_areas(db),
    )


def _query_args() -> dict[str, Any]:
    return {k: v for k, v in request.args.items() if k in STATISTIC_FILTERS}


@bilingual("/produsenter/<slug>", "/en/producers/<slug>", twin="api_v1.get_producer")
def producer(slug: str) -> Response:
    db = get_session()
    found = service.get_producer(db, slug)
    return render_page(
        "portal/producer.html",
        twin_url=url_for("api_v1.get_producer", slug=slug),
        producer=found,
        statistics=service.list_statistics(
            db, service.StatisticQuery(producer=slug, per_page=service.MAX_PER_PAGE)
        ).items,
    )


@bilingual("/emner/<slug>", "/en/subjects/<slug>", twin="api_v1.get_subject_area")
def subject_area(slug: str) -> Response:
    db = get_session()
    found = service.get_subject_area(db, slug)
    return render_page(
        "portal/subject_area.html",
        twin_url=url_for("api_v1.get_subject_area", slug=slug),
        subject_area=found,
        statistics=service.list_statistics(
            db, service.StatisticQuery(subject_area=slug, per_page=service.MAX_PER_PAGE)
        ).items,
    )


@bilingual("/statistikk/<slug>", "/en/statistics/<slug>", twin="api_v1.get_statistic")
def statistic(slug: str) -> Response:
    from metadata.codelists.service import code_lists_of
    from portal.http.instant import now
    from pxbridge.service import tables_of
    from release_calendar.views import statistic_releases

    found = service.get_statistic(get_session(), slug)
    upcoming, published = statistic_releases(slug)
    return render_page(
        "portal/statistic.html",
        twin_url=url_for("api_v1.get_statistic", slug=slug),
        statistic=found,
        upcoming=upcoming,
        published=published,
        code_lists=code_lists_of(get_session(), slug),
        tables=tables_of(get_session(), slug, now()),
        structured_data=_statistic_dataset(found),
    )


def _statistic_dataset(found: Any) -> object:
    from sqlalchemy import select

    from portal.http.instant import now
    from portal.kernel.i18n import current_language
    from portal.kernel.schema_org import (
        data_download,
        dataset,
        organization,
        script,
        temporal_coverage,
    )
    from portal.programme.models import Producer
    from pxbridge.pages.views import file_links
    from pxbridge.search import public_tables_of

    lang = current_language()
    producer = get_session().scalar(select(Producer).where(Producer.slug == found.producer_slug))
    assert producer is not None
    tables = public_tables_of(get_session(), found.slug, now())
    # The years the statistic's tables cover, first to last (ISO 8601); periods without a year left out.
    firsts = sorted(
        t.first_period for t in tables if temporal_coverage(t.first_period, t.first_period)
    )
    lasts = sorted(t.last_period for t in tables if temporal_coverage(t.last_period, t.last_period))
    temporal = temporal_coverage(firsts[0], lasts[-1]) if firsts and lasts else None
    body = dataset(
        name=(found.name_en if lang == "en" else "") or found.name_nb,
        description=(found.description_en if lang == "en" else "") or found.description_nb,
        url=url_for("web.statistic", slug=found.slug, _external=True),
        identifier=found.slug,
        keywords=[found.name_nb, found.name_en, producer.short_name]
        + [(a.name_en if lang == "en" else a.name_nb) for a in found.subject_areas],
        producer=organization(
            (producer.name_en if lang == "en" else "") or producer.name_nb,
            producer.website,
            producer.org_number,
        ),
        modified=found.updated_at,
        language=lang,
        temporal=temporal,
        catalog_url=url_for("web.home", _external=True),
    )
    # Each table's whole-table files (issue 21); their size and checksum where already built, so a
    # statistic page never waits for files to be built.
    downloads = [
        data_download(fmt, href, facts, name=f"{table.id} ({fmt})")
        for table in tables
        for fmt, (href, facts) in file_links(table).items()
    ]
    if downloads:
        body["distribution"] = downloads
    return script(body)
