"""Programme views as API shapes, with links to their JSON and HTML forms."""

from __future__ import annotations

from typing import Any

from flask import url_for

from portal.programme import schemas
from portal.programme.service import ProducerView, StatisticPage, StatisticView, SubjectAreaView


def _links(api_endpoint: str, page_endpoint: str, slug: str) -> schemas.Links:
    return schemas.Links(
        self=url_for(api_endpoint, slug=slug),
        html_nb=url_for(page_endpoint, slug=slug, lang="nb"),
        html_en=url_for(page_endpoint, slug=slug, lang="en"),
    )


def producer(view: ProducerView) -> schemas.ProducerOut:
    return schemas.ProducerOut(
        slug=view.slug,
        short_name=view.short_name,
        name_nb=view.name_nb,
        name_en=view.name_en,
        website=view.website,
        org_number=view.org_number,
        statistics_count=view.statistics_count,
        links=_links("api_v1.get_producer", "web.producer", view.slug),
    )


def subject_area(view: SubjectAreaView) -> schemas.SubjectAreaOut:
    return schemas.SubjectAreaOut(
        slug=view.slug,
        name_nb=view.name_nb,
        name_en=view.name_en,
        statistics_count=view.statistics_count,
        links=_links("api_v1.get_subject_area", "web.subject_area", view.slug),
    )


def statistic(view: StatisticView) -> schemas.StatisticOut:
    return schemas.StatisticOut(
        slug=view.slug,
        name_nb=view.name_nb,
        name_en=view.name_en,
        description_nb=view.description_nb,
        description_en=view.description_en,
        frequency=view.frequency,  # type: ignore[arg-type]
        producer=schemas.ProducerRef(
            slug=view.producer_slug,
            short_name=view.producer_short_name,
            name_nb=view.producer_name_nb,
            name_en=view.producer_name_en,
        ),
        subject_areas=[a.slug for a in view.subject_areas],
        contact=schemas.Contact(name=view.contact_name, email=view.contact_email),
        producer_url=view.producer_url,
        is_official=view.is_official,
        updated_at=view.updated_at,
        version=view.version,
        main_table_id=view.main_table_id,
        headline={k: list(v) for k, v in view.headline.items()} if view.headline else None,
        links=_links("api_v1.get_statistic", "web.statistic", view.slug),
    )


def statistic_page(page: StatisticPage, args: dict[str, str]) -> schemas.StatisticListOut:
    def at(number: int) -> str:
        values: dict[str, Any] = {**args, "page": str(number)}
        return url_for("api_v1.list_statistics", **values)

    return schemas.StatisticListOut(
        items=[statistic(s) for s in page.items],
        total=page.total,
        page=page.page,
        per_page=page.per_page,
        links=schemas.PageLinks(
            self=at(page.page),
            next=at(page.page + 1) if page.page < page.pages else None,
            prev=at(page.page - 1) if page.page > 1 else None,
        ),
    )
