"""Reading the registry for the Klass-compatible API. Never imports Flask.

Public means published; a version is *future* while its start lies after today and stays hidden unless
asked for (``include_future``), as in Klass.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from metadata.codelists.codes import ItemRow, VersionRows, overlaps
from metadata.codelists.models import (
    Classification,
    ClassificationFamily,
    ClassificationItem,
    ClassificationVersion,
    CorrespondenceTable,
)
from portal.kernel.errors import BadRequest, FieldError, NotFound

LANGUAGES = ("nb", "nn", "en")


def language(raw: str | None) -> str:
    """``language`` parameter: nb, nn or en, any case; nb when absent. Raises BadRequest."""
    value = (raw or "nb").lower()
    if value not in LANGUAGES:
        raise BadRequest("", (FieldError.said("language", "klass.language.field"),)).said(
            "klass.language", raw=raw
        )
    return value


def text(obj: object, field: str, lang: str) -> str:
    value = getattr(obj, f"{field}_{lang}", "")
    return value if isinstance(value, str) else ""


def classification(session: Session, classification_id: int) -> Classification:
    found = session.scalar(
        select(Classification)
        .where(Classification.id == classification_id)
        .options(
            selectinload(Classification.versions),
            selectinload(Classification.producer),
            selectinload(Classification.family),
        )
    )
    if found is None or not any(v.published for v in found.versions):
        raise NotFound("").said("klass.no_classification", id=classification_id)
    return found


def public_versions(
    found: Classification, today: date, include_future: bool
) -> list[ClassificationVersion]:
    """Published versions, newest first; future ones only when asked for."""
    return [v for v in found.versions if v.published and (include_future or v.valid_from <= today)]


def is_current(version: ClassificationVersion, today: date) -> bool:
    return version.valid_from <= today and (version.valid_to is None or today < version.valid_to)


def version_rows(
    session: Session,
    versions: Sequence[ClassificationVersion],
    lang: str,
    today: date,
    include_future: bool,
    start: date,
    end: date | None,
) -> list[VersionRows]:
    """The items of the versions overlapping [start, end) in ``lang``. A current version's known end is
    hidden unless the future is asked for, as Klass does."""
    chosen = [v for v in versions if overlaps(start, end, v.valid_from, v.valid_to)]
    items: dict[int, list[ClassificationItem]] = {v.id: [] for v in chosen}
    if chosen:
        for item in session.scalars(
            select(ClassificationItem).where(ClassificationItem.version_id.in_(items))
        ):
            items[item.version_id].append(item)
    result = []
    for version in chosen:
        valid_to = version.valid_to
        if not include_future and is_current(version, today):
            valid_to = None
        result.append(
            VersionRows(
                version.valid_from,
                valid_to,
                [
                    ItemRow(
                        i.code,
                        i.parent_code,
                        i.level,
                        text(i, "name", lang) or i.name_nb,
                        text(i, "short_name", lang),
                        text(i, "notes", lang),
                        i.valid_from,
                        i.valid_to,
                    )
                    for i in items[version.id]
                ],
            )
        )
    return result


def version(session: Session, version_id: int) -> ClassificationVersion:
    found = session.scalar(
        select(ClassificationVersion)
        .where(ClassificationVersion.id == version_id)
        .options(
            selectinload(ClassificationVersion.items),
            selectinload(ClassificationVersion.levels),
            selectinload(ClassificationVersion.classification),
            selectinload(ClassificationVersion.variants),
        )
    )
    if found is None or not found.published:
        raise NotFound("").said("klass.no_version", id=version_id)
    return found


def tables_between(
    session: Session, source: Classification, target: Classification
) -> list[CorrespondenceTable]:
    """Published correspondence tables from any version of ``source`` to any of ``target``."""
    source_ids = [v.id for v in source.versions if v.published]
    target_ids = [v.id for v in target.versions if v.published]
    return list(
        session.scalars(
            select(CorrespondenceTable)
            .where(
                CorrespondenceTable.source_version_id.in_(source_ids),
                CorrespondenceTable.target_version_id.in_(target_ids),
                CorrespondenceTable.published.is_(True),
            )
            .options(
                selectinload(CorrespondenceTable.maps),
                selectinload(CorrespondenceTable.source).selectinload(ClassificationVersion.items),
                selectinload(CorrespondenceTable.target).selectinload(ClassificationVersion.items),
            )
        )
    )


def table(session: Session, table_id: int) -> CorrespondenceTable:
    found = session.get(CorrespondenceTable, table_id)
    if found is None or not (found.published and found.source.published and found.target.published):
        raise NotFound("").said("klass.no_table", id=table_id)
    return found


def families(session: Session) -> list[ClassificationFamily]:
    return list(session.scalars(select(ClassificationFamily).order_by(ClassificationFamily.id)))


def all_public(session: Session) -> list[Classification]:
    rows = session.scalars(
        select(Classification)
        .order_by(Classification.id)
        .options(selectinload(Classification.versions), selectinload(Classification.producer))
    )
    return [c for c in rows if not c.copyrighted and any(v.published for v in c.versions)]


def registry_revision(session: Session) -> str:
    """Changes whenever anything the Klass API shows could change. Every write to a classification,
    its versions or tables moves its ``last_modified``; ids and counts cover additions."""
    from sqlalchemy import func

    latest_table = select(func.max(CorrespondenceTable.last_modified)).scalar_subquery()
    tables = select(func.count(CorrespondenceTable.id)).scalar_subquery()
    row = session.execute(
        select(
            func.max(Classification.last_modified),
            func.count(Classification.id),
            latest_table,
            tables,
        )
    ).one()
    return "|".join(str(part) for part in row)


def statistics_using(session: Session, classification_id: int) -> list[tuple[str, str, str]]:
    """(slug, name nb, name en) of the statistics that use a code list, by Norwegian name."""
    from metadata.codelists.models import StatisticCodeList
    from portal.programme.models import Statistic

    rows = session.execute(
        select(Statistic.slug, Statistic.name_nb, Statistic.name_en)
        .join(StatisticCodeList, StatisticCodeList.statistic_id == Statistic.id)
        .where(StatisticCodeList.classification_id == classification_id)
        .order_by(Statistic.name_nb)
    )
    return [(slug, nb, en) for slug, nb, en in rows]


def code_lists_of(session: Session, statistic_slug: str) -> list[tuple[int, str, str]]:
    """(id, name nb, name en) of the public code lists a statistic uses."""
    from metadata.codelists.models import StatisticCodeList
    from portal.programme.models import Statistic

    rows = session.execute(
        select(Classification.id, Classification.name_nb, Classification.name_en)
        .join(StatisticCodeList, StatisticCodeList.classification_id == Classification.id)
        .join(Statistic, Statistic.id == StatisticCodeList.statistic_id)
        .where(Statistic.slug == statistic_slug)
        .order_by(Classification.id)
    )
    return [(number, nb, en) for number, nb, en in rows]
