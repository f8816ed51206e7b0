"""Loading whole classifications: the demo's real Klass lists, and (later) producers' imports. A bad
file is refused whole, with every error listed by line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from metadata.codelists.ids import advance_past_explicit_ids
from metadata.codelists.models import (
    Classification,
    ClassificationFamily,
    ClassificationItem,
    ClassificationKind,
    ClassificationLevel,
    ClassificationVersion,
    CorrespondenceMap,
    CorrespondenceTable,
)
from portal.kernel.errors import BadRequest, FieldError


@dataclass(frozen=True)
class ItemIn:
    """One code as imported: every field a Klass answer's item carries (``code``, ``parentCode``,
    ``level``, ``name``, ``shortName``, ``notes``, ``validFrom``, ``validTo``), plus names in the other
    languages. ``presentationName`` is not among them: Klass builds it per request from
    ``presentationNamePattern``, and so does the registry."""

    code: str
    name_nb: str
    parent_code: str | None = None
    level: int = 1
    name_en: str = ""
    name_nn: str = ""
    short_name_nb: str = ""
    notes_nb: str = ""
    # The item's own validity, when the classification records it per item (None: the version's).
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class VersionIn:
    id: int
    valid_from: date
    valid_to: date | None
    items: Sequence[ItemIn]
    level_names: Sequence[tuple[str, str]] = (("Nivå 1", "Level 1"),)


@dataclass(frozen=True)
class ClassificationIn:
    id: int
    family: tuple[int, str, str]
    producer_id: int
    kind: ClassificationKind
    name_nb: str
    name_en: str
    description_nb: str
    description_en: str
    versions: Sequence[VersionIn]
    source: str = ""
    name_nn: str = ""
    tables: Sequence[tuple[int, int, int, Sequence[tuple[str | None, str | None]]]] = field(
        default=()
    )


def check_items(items: Sequence[ItemIn], first_line: int = 2) -> list[FieldError]:
    """Every problem of a version's items, by line: duplicate codes, unknown parents, level gaps."""
    errors: list[FieldError] = []
    seen: dict[str, ItemIn] = {}
    for number, item in enumerate(items, start=first_line):
        if not item.code.strip() or not item.name_nb.strip():
            errors.append(FieldError(f"line {number}", "code and name are required"))
        if item.code in seen:
            errors.append(FieldError(f"line {number}", f"duplicate code {item.code}"))
        seen[item.code] = item
    for number, item in enumerate(items, start=first_line):
        if item.parent_code:
            parent = seen.get(item.parent_code)
            if parent is None:
                errors.append(FieldError(f"line {number}", f"unknown parent {item.parent_code}"))
            elif parent.level != item.level - 1:
                errors.append(
                    FieldError(
                        f"line {number}",
                        f"level {item.level} under level "
                        f"{parent.level}: levels must follow each other",
                    )
                )
        elif item.level != 1:
            errors.append(FieldError(f"line {number}", f"level {item.level} has no parent"))
        if item.valid_from and item.valid_to and item.valid_to <= item.valid_from:
            errors.append(FieldError(f"line {number}", "validTo is not after validFrom"))
    return errors


def check_versions(versions: Sequence[VersionIn]) -> list[FieldError]:
    ordered = sorted(versions, key=lambda v: v.valid_from)
    errors = []
    for older, newer in zip(ordered, ordered[1:], strict=False):
        if older.valid_to is None or older.valid_to > newer.valid_from:
            errors.append(FieldError(f"version {newer.id}", "validity overlaps an earlier version"))
    for version in versions:
        if version.valid_to is not None and version.valid_to <= version.valid_from:
            errors.append(FieldError(f"version {version.id}", "ends before it starts"))
    return errors


def load(session: Session, data: ClassificationIn, now: datetime) -> Classification:
    """Store a published classification with its versions and tables under their own ids (Klass's, or
    fixed ones in the local range, which the database's numbering then skips). Raises BadRequest listing
    every error; nothing is stored then."""
    errors = check_versions(data.versions)
    for version in data.versions:
        errors += [
            FieldError(f"version {version.id} {e.pointer}", e.detail)
            for e in check_items(version.items)
        ]
    if errors:
        raise BadRequest(f"{len(errors)} error(s); nothing was saved.", tuple(errors))
    family_id, family_nb, family_en = data.family
    if session.get(ClassificationFamily, family_id) is None:
        session.add(ClassificationFamily(id=family_id, name_nb=family_nb, name_en=family_en))
    classification = Classification(
        id=data.id,
        family_id=family_id,
        producer_id=data.producer_id,
        kind=data.kind,
        name_nb=data.name_nb,
        name_nn=data.name_nn,
        name_en=data.name_en,
        description_nb=data.description_nb,
        description_en=data.description_en,
        source=data.source,
        include_short_name=any(i.short_name_nb for v in data.versions for i in v.items),
        include_notes=any(i.notes_nb for v in data.versions for i in v.items),
        last_modified=now,
    )
    session.add(classification)
    for version in data.versions:
        row = ClassificationVersion(
            id=version.id,
            classification_id=data.id,
            valid_from=version.valid_from,
            valid_to=version.valid_to,
            published=True,
            last_modified=now,
        )
        row.levels = [
            ClassificationLevel.numbered(n, nb, en)
            for n, (nb, en) in enumerate(version.level_names, start=1)
        ]
        row.items = [ClassificationItem.of(i) for i in version.items]
        session.add(row)
    session.flush()
    for table_id, source_id, target_id, pairs in data.tables:
        table = CorrespondenceTable(
            id=table_id,
            source_version_id=source_id,
            target_version_id=target_id,
            published=True,
            last_modified=now,
        )
        table.maps = [CorrespondenceMap(source_code=s, target_code=t) for s, t in pairs]
        session.add(table)
    session.flush()
    advance_past_explicit_ids(session)
    return classification
