"""Loading whole classifications: the demo's real Klass lists, and (later) producers' imports. A bad
file is refused whole, with every error listed by line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
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


def refused(errors: Sequence[FieldError]) -> BadRequest:
    """The refusal of a whole file (or form) for ``errors``: counted, in the reader's language ("2 feil;
    ingenting ble lagret." / "2 errors; nothing was saved."), every error listed."""
    key = "cl.refused.one" if len(errors) == 1 else "cl.refused.many"
    return BadRequest("", tuple(errors)).said(key, n=len(errors))


def check_items(
    items: Sequence[ItemIn], first_line: int = 2, *, by_code: bool = False
) -> list[FieldError]:
    """Every problem of a version's items, by line (``line N``: duplicate codes, unknown parents, level
    gaps), or with ``by_code`` by the code each concerns (``/items/<code>``: one code changed by hand),
    each told by the catalogue (``cl.line.*`` or ``cl.code.*``)."""
    errors: list[FieldError] = []

    def problem(number: int, item: ItemIn, reason: str, **values: object) -> None:
        if by_code:
            key, where = f"cl.code.{reason}", f"/items/{item.code}"
            errors.append(FieldError.said(where, key, code=item.code, **values))
        else:
            key, where = f"cl.line.{reason}", f"line {number}"
            errors.append(FieldError.said(where, key, line=number, **values))

    seen: dict[str, ItemIn] = {}
    for number, item in enumerate(items, start=first_line):
        if not item.code.strip() or not item.name_nb.strip():
            problem(number, item, "required")
        if item.code in seen:
            problem(number, item, "duplicate", **({} if by_code else {"code": item.code}))
        seen[item.code] = item
    for number, item in enumerate(items, start=first_line):
        if item.parent_code:
            parent = seen.get(item.parent_code)
            if parent is None:
                problem(number, item, "unknown_parent", parent=item.parent_code)
            elif parent.level != item.level - 1:
                problem(number, item, "level_gap", level=item.level, parent_level=parent.level)
        elif item.level != 1:
            problem(number, item, "no_parent", level=item.level)
        if item.valid_from and item.valid_to and item.valid_to <= item.valid_from:
            problem(number, item, "ends_first")
    return errors


def check_versions(versions: Sequence[VersionIn]) -> list[FieldError]:
    """Versions whose validity overlaps an earlier one's or ends before it starts (``version N``)."""
    ordered = sorted(versions, key=lambda v: v.valid_from)
    errors = []
    for older, newer in zip(ordered, ordered[1:], strict=False):
        if older.valid_to is None or older.valid_to > newer.valid_from:
            errors.append(FieldError.said(f"version {newer.id}", "cl.version.overlaps"))
    for version in versions:
        if version.valid_to is not None and version.valid_to <= version.valid_from:
            errors.append(FieldError.said(f"version {version.id}", "cl.version.ends_first"))
    return errors


def load(session: Session, data: ClassificationIn, now: datetime) -> Classification:
    """Store a published classification with its versions and tables under their own ids (Klass's, or
    fixed ones in the local range, which the database's numbering then skips). Raises BadRequest listing
    every error; nothing is stored then."""
    errors = check_versions(data.versions)
    for version in data.versions:
        errors += [
            replace(e, pointer=f"version {version.id} {e.pointer}")
            for e in check_items(version.items)
        ]
    if errors:
        raise refused(errors)
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
