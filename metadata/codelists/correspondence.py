"""Producers' correspondence tables: from a version of their own code list to any version in the registry
(their own next version makes it a change table). All rows or none, every error by line. Never imports
Flask."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from metadata.codelists.editing import (
    authorize,
    finish_write,
    publish_draft,
    read_document,
    version_of,
)
from metadata.codelists.importing import refused
from metadata.codelists.models import ClassificationVersion, CorrespondenceMap, CorrespondenceTable
from portal.kernel.access import Actor
from portal.kernel.errors import BadRequest, FieldError, NotFound
from portal.kernel.parsing import MAX_TEXT

Pair = tuple[str | None, str | None]


@dataclass(frozen=True)
class TableIn:
    """A correspondence table as imported: its rows, and what a Klass answer for the whole table
    carries besides (``description``, ``sourceLevel``, ``targetLevel``). The rows' names, short names
    and validity are not among them: Klass derives those from the two versions on every request."""

    pairs: Sequence[Pair]
    description: str = ""
    source_level: int | None = None
    target_level: int | None = None


def _level(top: dict[str, Any], field: str, errors: list[FieldError]) -> int | None:
    """Klass's ``sourceLevel``/``targetLevel``: null, or ``{levelNumber, levelName}`` (a bare number
    is taken too)."""
    value = top.get(field)
    if isinstance(value, dict):
        value = value.get("levelNumber")
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if isinstance(value, bool) or number < 1:
        errors.append(FieldError.said(f"/{field}", "cl.table.level_nan", field=field))
        return None
    return number


def parse_maps(body: bytes, content_type: str) -> TableIn:
    """The rows, (source code, target code) pairs, from CSV (``sourceCode,targetCode``) or a Klass JSON
    answer (``correspondenceMaps`` or ``correspondenceItems``), with a whole table's ``description``,
    ``sourceLevel`` and ``targetLevel`` when the answer has them; an empty side is a code that came
    into being or ceased. Raises BadRequest naming the line."""
    rows, top = read_document(
        body,
        content_type,
        columns={"sourceCode", "targetCode"},
        lists=("correspondenceMaps", "correspondenceItems"),
        noun="rows",
    )
    pairs: list[Pair] = []
    errors = []
    for number, row in enumerate(rows, start=2):
        if not isinstance(row, dict):
            errors.append(FieldError.said(f"line {number}", "cl.line.not_object", line=number))
            continue
        source = str(row.get("sourceCode") or "").strip() or None
        target = str(row.get("targetCode") or "").strip() or None
        pairs.append((source, target))
    source_level, target_level = (
        _level(top, "sourceLevel", errors),
        _level(top, "targetLevel", errors),
    )
    description = top.get("description")
    if isinstance(description, str) and len(description) > MAX_TEXT:
        errors.append(FieldError.said("/description", "cl.field.too_long"))
    if errors:
        raise refused(errors)
    return TableIn(
        pairs,
        description if isinstance(description, str) else "",
        source_level,
        target_level,
    )


def check_pairs(
    pairs: Sequence[Pair], source: ClassificationVersion, target: ClassificationVersion
) -> list[FieldError]:
    """Every problem by line: a code missing from its version, a row with neither side, a repeated row."""
    source_codes = {i.code for i in source.items}
    target_codes = {i.code for i in target.items}
    errors, seen = [], set()
    for number, (s, t) in enumerate(pairs, start=2):
        at = f"line {number}"
        if s is None and t is None:
            errors.append(FieldError.said(at, "cl.line.no_side", line=number))
        for code, version, codes in ((s, source, source_codes), (t, target, target_codes)):
            if code is not None and code not in codes:
                errors.append(
                    FieldError.said(
                        at, "cl.line.not_in_version", line=number, code=code, version=version.id
                    )
                )
        if (s, t) in seen:
            errors.append(
                FieldError.said(at, "cl.line.twice", line=number, source=s or "–", target=t or "–")
            )
        seen.add((s, t))
    return errors


def define(
    session: Session,
    actor: Actor | None,
    classification_id: int,
    version_id: int,
    *,
    target_version_id: int,
    pairs: Sequence[Pair],
    description_nb: str,
    now: datetime,
    source_level: int | None = None,
    target_level: int | None = None,
) -> CorrespondenceTable:
    """A draft correspondence table from one of the actor's versions to any published version (or one
    of the actor's own drafts), mapping one level of a side when ``source_level``/``target_level`` say
    so. Raises 401/403/404 and BadRequest listing every error by line."""
    found, actor = authorize(session, actor, classification_id)
    source = version_of(found, version_id)
    target = session.get(ClassificationVersion, target_version_id)
    if target is None or not (
        target.published or target.classification.producer_id == found.producer_id
    ):
        raise NotFound("").said("cl.refuse.no_target", version=target_version_id)
    if target.id == source.id:
        raise BadRequest("", (FieldError.said("target_version", "cl.refuse.same"),)).said(
            "cl.refuse.same_version"
        )
    errors = check_pairs(pairs, source, target)
    for field, level, version in (
        ("sourceLevel", source_level, source),
        ("targetLevel", target_level, target),
    ):
        if level is not None and level not in {n.number for n in version.levels}:
            errors.append(
                FieldError.said(
                    f"/{field}", "cl.table.no_level", field=field, version=version.id, level=level
                )
            )
    if not pairs:
        errors.append(FieldError.said("line 2", "cl.line.no_rows"))
    if errors:
        raise refused(errors)
    table = CorrespondenceTable(
        source_version_id=source.id,
        target_version_id=target.id,
        description_nb=description_nb,
        source_level=source_level,
        target_level=target_level,
        published=False,
        last_modified=now,
    )
    table.maps = [CorrespondenceMap(source_code=s, target_code=t) for s, t in pairs]
    session.add(table)
    finish_write(
        session,
        actor,
        found,
        "define-correspondence",
        now,
        what=("list", found.id),
        after={"table": table.id, "source": source.id, "target": target.id, "rows": len(pairs)},
    )
    return table


def publish(
    session: Session, actor: Actor | None, classification_id: int, table_id: int, now: datetime
) -> CorrespondenceTable:
    """Publish a draft table (the Klass API shows it once both its versions are public too),
    conditional on the table as read (of two publications at once, one succeeds and is audited; the
    other is a Conflict). Raises 401/403/404, Conflict."""
    found, actor = authorize(session, actor, classification_id)
    table = session.get(CorrespondenceTable, table_id)
    if table is None or table.source.classification_id != found.id:
        raise NotFound("").said("cl.refuse.no_table", list=found.id, table=table_id)
    publish_draft(
        session,
        actor,
        found,
        table,
        ("table", table_id),
        "publish-correspondence",
        now,
        {"table": table_id},
    )
    return table
