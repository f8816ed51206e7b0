"""Calendar views as API shapes."""

from __future__ import annotations

from typing import Any

from flask import url_for

from portal.kernel.clock import in_oslo
from release_calendar import schemas
from release_calendar.listing import (
    ChangeNotice,
    ChangeView,
    CorrectionView,
    ReleasePage,
    ReleaseView,
)


def change(view: ChangeView) -> schemas.ChangeOut:
    return schemas.ChangeOut(
        at=view.at,
        action=view.action,
        old_release_at=view.old_release_at,
        new_release_at=view.new_release_at,
        old_precision=view.old_precision,
        new_precision=view.new_precision,
        reason=view.reason_code,
        reason_text=view.reason_text,
        reason_text_en=view.reason_text_en,
        late_announcement=view.late,
        postponed=view.later,
        brought_forward=view.earlier,
    )


def correction(view: CorrectionView) -> schemas.CorrectionOut:
    return schemas.CorrectionOut(**view.__dict__)


def release(view: ReleaseView) -> schemas.ReleaseOut:
    return schemas.ReleaseOut(
        id=view.id,
        statistic=schemas.ReleaseStatisticRef(
            slug=view.statistic_slug,
            name_nb=view.statistic_name_nb,
            name_en=view.statistic_name_en,
            producer=view.producer_slug,
        ),
        title_nb=view.title_nb,
        title_en=view.title_en,
        kind=view.kind,
        period_start=view.period_start,
        period_end=view.period_end,
        period_label_nb=view.period_label_nb,
        period_label_en=view.period_label_en,
        release_at=view.release_at,
        release_at_oslo=in_oslo(view.release_at).isoformat(),
        precision=view.precision,
        status=view.status,
        late_announcement=view.late,
        late_justification=view.late_justification,
        late_justification_en=view.late_justification_en,
        brought_forward=view.moved_earlier,
        contents_nb=view.contents_nb,
        contents_en=view.contents_en,
        release_note_nb=view.release_note_nb,
        release_note_en=view.release_note_en,
        pre_release_access=[schemas.AccessOut(**a.__dict__) for a in view.pre_release_access]
        if view.pre_release_access is not None
        else None,
        cancel_reason=view.cancel_reason_code,
        cancel_reason_text=view.cancel_reason_text,
        cancel_reason_text_en=view.cancel_reason_text_en,
        changes=[change(c) for c in view.changes],
        corrections=[correction(c) for c in view.corrections],
        updated_at=view.updated_at,
        version=view.version,
        links={
            "self": url_for("calendar_api.get_release", release_id=view.id),
            "html_nb": url_for("release_calendar.release", release_id=view.id, lang="nb"),
            "html_en": url_for("release_calendar.release", release_id=view.id, lang="en"),
            "statistic": url_for("api_v1.get_statistic", slug=view.statistic_slug),
        },
    )


def release_page(page: ReleasePage, args: dict[str, str]) -> schemas.ReleaseListOut:
    def at(number: int) -> str:
        values: dict[str, Any] = {**args, "page": str(number)}
        return url_for("calendar_api.list_releases", **values)

    return schemas.ReleaseListOut(
        items=[release(r) for r in page.items],
        total=page.total,
        page=page.page,
        per_page=page.per_page,
        links={
            "self": at(page.page),
            "next": at(page.page + 1) if page.page < page.pages else None,
            "prev": at(page.page - 1) if page.page > 1 else None,
        },
    )


def notice(item: ChangeNotice) -> schemas.ChangeNoticeOut:
    return schemas.ChangeNoticeOut(
        at=item.at,
        kind=item.kind,
        release=release(item.release),
        change=change(item.change) if item.change else None,
        correction=correction(item.correction) if item.correction else None,
    )
