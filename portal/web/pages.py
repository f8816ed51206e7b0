"""Public pages: home, statistics, a producer, a subject area, a statistic."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Response, request, url_for

from portal.api.params import STATISTIC_FILTERS, parse_statistic_query
from portal.http.db import get_session
from portal.http.instant import now
from portal.http.pagecache import shared
from portal.http.routing import bilingual, bp, render_page
from portal.kernel.clock import in_oslo
from portal.kernel.i18n import register_messages
from portal.programme import service
from release_calendar.listing import MAX_PER_PAGE, ReleaseQuery, ReleaseView, list_releases
from release_calendar.params import start_of_day
from release_calendar.rules import Precision, Status

register_messages(
    {
        "home.coming": (
            "Publiseringer i dag og de neste dagene",
            "Releases today and in the coming days",
        ),
        "home.today": ("I dag", "Today"),
        "home.none_today": ("Ingen publiseringer i dag", "No releases today"),
        "home.none_coming": (
            "Ingen publiseringer de neste seks dagene",
            "No releases in the next six days",
        ),
        "home.whole_calendar": ("Hele publiseringskalenderen", "The whole release calendar"),
        "home.latest": ("Sist publisert", "Latest releases"),
        "home.all_published": ("Alt som er publisert", "Everything published"),
        "home.tables": ("Tabeller", "Tables"),
        "home.tables_intro": (
            "Finn tabellene med tallene bak statistikken.",
            "Find the tables with the figures behind the statistics.",
        ),
        "home.tables_label": ("Søk etter tabeller", "Search for tables"),
        "home.all_tables": (
            "Alle tabeller, etter emne og produsent",
            "All tables, by subject and producer",
        ),
        "home.all_statistics": (
            "All statistikk, med tabellene",
            "All statistics, with their tables",
        ),
        "stat.next_release": ("Neste publisering", "Next release"),
        "stat.subscribe": ("Følg denne statistikken", "Follow this statistic"),
        "stat.table_id": ("Tabell", "Table"),
        "stat.table_title": ("Tittel", "Title"),
        "stat.table_periods": ("Perioder", "Periods"),
        "stat.table_updated": ("Sist oppdatert", "Last updated"),
        "stat.facts": ("Fakta", "Facts"),
        "release.what_was_published": ("Dette ble publisert", "What was published"),
        "release.tables": ("Tabeller som ble publisert", "Tables published"),
        "release.doc_changes": (
            "Endringer i «Om statistikken» ved denne publiseringen",
            "Changes to “About the statistics” at this release",
        ),
    }
)


#: How many days the home page looks ahead (today included), and how many releases it shows as latest.
HOME_DAYS = 7
HOME_LATEST = 8


@bilingual("/", "/en/", twin="api_v1.index")
@shared
def home() -> Response:
    """The front page (issue 18): a search box, today's and the next days' releases across producers,
    the latest published, and the ways in by subject area, producer and table. The calendar's listing
    decides what is public at this instant."""
    db = get_session()
    upcoming, latest = _home_releases(db)
    return render_page(
        "portal/home.html",
        twin_url=url_for("api_v1.index"),
        producers=service.list_producers(db),
        subject_areas=service.list_subject_areas(db),
        days=upcoming,
        latest=latest,
    )


def _home_releases(
    db: Any,
) -> tuple[list[tuple[date, list[ReleaseView]]], tuple[ReleaseView, ...]]:
    """The coming days, today first, each with its releases at an exact time (not cancelled), and the
    newest releases that are out."""
    moment = now()
    today = in_oslo(moment).date()
    window = ReleaseQuery(
        start=start_of_day(today),
        end=start_of_day(today + timedelta(days=HOME_DAYS)),
        per_page=MAX_PER_PAGE,
    )
    by_day: dict[date, list[ReleaseView]] = {
        today + timedelta(days=n): [] for n in range(HOME_DAYS)
    }
    for release in list_releases(db, window, moment).items:
        if release.precision is Precision.EXACT and release.status is not Status.CANCELLED:
            by_day[in_oslo(release.release_at).date()].append(release)
    newest = ReleaseQuery(status=Status.PUBLISHED, newest_first=True, per_page=HOME_LATEST)
    return list(by_day.items()), list_releases(db, newest, moment).items


@bilingual("/statistikk", "/en/statistics", twin="api_v1.list_statistics")
@shared
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
@shared
def statistic(slug: str) -> Response:
    """The statistic's hub (issue 18): its key figures, next and latest releases, tables, "Om
    statistikken" and code lists, all as public at this instant."""
    from metadata.codelists.service import code_lists_of
    from metadata.sims.service import completeness, published
    from portal.kernel.i18n import current_language
    from portal.programme.models import Statistic
    from portal.web import keyfigures
    from pxbridge.blueprint import cube_source
    from release_calendar.views import statistic_releases

    db, moment = get_session(), now()
    found = service.get_statistic(db, slug)
    row = service.by_slug(db, Statistic, slug)
    upcoming, released = statistic_releases(slug)
    documentation = published(db, slug, moment)
    return render_page(
        "portal/statistic.html",
        twin_url=url_for("api_v1.get_statistic", slug=slug),
        statistic=found,
        key_figures=keyfigures.key_figures(cube_source(), row, moment, current_language()),
        upcoming=upcoming,
        published=released,
        code_lists=code_lists_of(db, slug),
        tables=keyfigures.table_summaries(db, row.id, moment),
        documentation=documentation,
        completeness=completeness(documentation.entries) if documentation.number else None,
        structured_data=_statistic_dataset(found),
    )


@bp.record_once
def _register_release_part(_state: Any) -> None:
    """A release page shows what it published through the calendar's extension point."""
    from release_calendar.views import RELEASE_OUT_PARTS

    if release_published_part not in RELEASE_OUT_PARTS:
        RELEASE_OUT_PARTS.append(release_published_part)


def release_published_part(db: Any, release_id: int, moment: Any) -> dict[str, Any]:
    """What a release page shows once the release is out (issue 18): the tables it published, public
    now, the key figures among them, and the "Om statistikken" version that went out with it. Registered
    with the calendar's extension point (:data:`release_calendar.views.RELEASE_OUT_PARTS`)."""
    from sqlalchemy import select

    from metadata.sims.models import DocumentationVersion
    from metadata.sims.service import list_versions
    from portal.kernel.i18n import current_language
    from portal.programme.models import Statistic
    from portal.web import keyfigures
    from pxbridge.blueprint import cube_source
    from pxbridge.models import DataTable
    from release_calendar.models import Release

    release = db.get(Release, release_id)
    statistic = db.get(Statistic, release.statistic_id)
    ids = list(db.scalars(select(DataTable.id).where(DataTable.release_id == release_id)))
    tables = [t for t in keyfigures.table_summaries(db, statistic.id, moment) if t.id in ids]
    figures = (
        keyfigures.key_figures(
            cube_source(), statistic, moment, current_language(), only=[t.id for t in tables]
        )
        if tables
        else None
    )
    numbers = set(
        db.scalars(
            select(DocumentationVersion.number).where(DocumentationVersion.release_id == release_id)
        )
    )
    versions = [v for v in list_versions(db, statistic.slug, moment) if v.number in numbers]
    return {
        "published_tables": tables,
        "release_key_figures": figures,
        "documentation_changes": versions,
    }


def _statistic_dataset(found: Any) -> object:
    from sqlalchemy import select

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
