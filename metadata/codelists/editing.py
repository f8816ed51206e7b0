"""Producers' writes to the registry: create a code list, add a version from a CSV or a Klass JSON file
(all or nothing, every error by line), compare it with another version, publish. Never imports Flask."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from metadata.codelists.importing import ItemIn, VersionIn, check_items, check_versions
from metadata.codelists.models import (
    FIRST_LOCAL_ID,
    Classification,
    ClassificationFamily,
    ClassificationItem,
    ClassificationLevel,
    ClassificationVersion,
)
from portal.access import Actor, Permission, ensure_permission
from portal.accounts.audit import record_write
from portal.errors import BadRequest, Conflict, FieldError, NotFound
from portal.programme.models import Producer

KINDS = ("CLASSIFICATION", "CODELIST")
#: Where new lists go unless a family is named.
DEFAULT_FAMILY = (100_000, "Produsentenes kodelister", "Producers' code lists")


@dataclass(frozen=True)
class Change:
    code: str
    old_name: str | None
    new_name: str | None


def create(
    session: Session,
    actor: Actor | None,
    *,
    producer_slug: str,
    kind: str,
    name_nb: str,
    name_en: str,
    description_nb: str,
    description_en: str,
    now: datetime,
) -> Classification:
    """A new, empty code list owned by ``producer_slug``, numbered in the local range.
    Raises BadRequest, Unauthorized, Forbidden."""
    producer = session.scalar(select(Producer).where(Producer.slug == producer_slug))
    if producer is None:
        raise BadRequest(
            f"There is no producer '{producer_slug}'.", (FieldError("/producer", "unknown"),)
        )
    actor = ensure_permission(actor, Permission.CODELIST_WRITE, producer.id)
    if kind not in KINDS:
        raise BadRequest(
            "kind must be CLASSIFICATION or CODELIST.", (FieldError("/kind", "unknown"),)
        )
    if session.get(ClassificationFamily, DEFAULT_FAMILY[0]) is None:
        session.add(
            ClassificationFamily(
                id=DEFAULT_FAMILY[0], name_nb=DEFAULT_FAMILY[1], name_en=DEFAULT_FAMILY[2]
            )
        )
    highest = (
        session.scalar(
            select(func.max(Classification.id)).where(Classification.id >= FIRST_LOCAL_ID)
        )
        or FIRST_LOCAL_ID - 1
    )
    found = Classification(
        id=highest + 1,
        family_id=DEFAULT_FAMILY[0],
        producer_id=producer.id,
        kind=kind,
        name_nb=name_nb,
        name_en=name_en,
        description_nb=description_nb,
        description_en=description_en,
        last_modified=now,
    )
    session.add(found)
    session.flush()
    record_write(
        session,
        actor=actor,
        at=now,
        action="create",
        entity="code_list",
        entity_id=str(found.id),
        producer_id=producer.id,
        before=None,
        after={"name_nb": name_nb, "kind": kind},
    )
    return found


def authorize(
    session: Session, actor: Actor | None, classification_id: int
) -> tuple[Classification, Actor]:
    """The code list if ``actor`` may change it. Raises NotFound, Unauthorized, Forbidden."""
    found = session.get(Classification, classification_id)
    if found is None:
        raise NotFound(f"There is no code list {classification_id}.")
    return found, ensure_permission(actor, Permission.CODELIST_WRITE, found.producer_id)


def parse_items(body: bytes, content_type: str) -> list[ItemIn]:
    """Items from CSV (``code,parentCode,level,name[,shortName]``) or a Klass JSON answer (``codes`` or
    ``classificationItems``). Raises BadRequest naming the line."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRequest("The file is not UTF-8 text.") from None
    rows: list[dict[str, Any]]
    if content_type == "text/csv":
        reader = csv.DictReader(
            io.StringIO(text), delimiter=";" if ";" in text.split("\n", 1)[0] else ","
        )
        missing = {"code", "name"} - set(reader.fieldnames or [])
        if missing:
            raise BadRequest(
                "The CSV header lacks: " + ", ".join(sorted(missing)),
                (FieldError("line 1", "missing columns"),),
            )
        rows = list(reader)
    elif content_type == "application/json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadRequest(f"The file is not valid JSON (line {exc.lineno}).") from None
        found = (
            data.get("codes", data.get("classificationItems")) if isinstance(data, dict) else None
        )
        if not isinstance(found, list):
            raise BadRequest("Send a Klass answer with 'codes' or 'classificationItems'.")
        rows = found
    else:
        raise BadRequest("Send the items as text/csv or application/json.")
    items, errors = [], []
    for number, row in enumerate(rows, start=2):
        if not isinstance(row, dict):
            errors.append(FieldError(f"line {number}", "not an object"))
            continue
        try:
            level = int(row.get("level") or 1)
        except (TypeError, ValueError):
            errors.append(FieldError(f"line {number}", "level is not a number"))
            continue
        items.append(
            ItemIn(
                code=str(row.get("code") or "").strip(),
                name_nb=str(row.get("name") or "").strip(),
                parent_code=(str(row.get("parentCode")).strip() or None)
                if row.get("parentCode") not in (None, "")
                else None,
                level=level,
                short_name_nb=str(row.get("shortName") or ""),
            )
        )
    errors += check_items(items)
    if errors:
        raise BadRequest(f"{len(errors)} error(s); nothing was saved.", tuple(errors))
    if not items:
        raise BadRequest("The file has no items.")
    return items


def add_version(
    session: Session,
    actor: Actor | None,
    classification_id: int,
    *,
    valid_from: date,
    valid_to: date | None,
    items: list[ItemIn],
    now: datetime,
) -> ClassificationVersion:
    """A new draft version. Raises 401/403/404, BadRequest (overlap with another version)."""
    found, actor = authorize(session, actor, classification_id)
    existing = [VersionIn(v.id, v.valid_from, v.valid_to, []) for v in found.versions]
    errors = check_versions([*existing, VersionIn(0, valid_from, valid_to, [])])
    if errors:
        raise BadRequest(
            "The version overlaps another version or ends before it starts.",
            tuple(FieldError("/valid_from", e.detail) for e in errors),
        )
    highest = (
        session.scalar(
            select(func.max(ClassificationVersion.id)).where(
                ClassificationVersion.id >= FIRST_LOCAL_ID
            )
        )
        or FIRST_LOCAL_ID - 1
    )
    version = ClassificationVersion(
        id=max(highest + 1, 200_000),
        classification_id=found.id,
        valid_from=valid_from,
        valid_to=valid_to,
        published=False,
        last_modified=now,
    )
    version.levels = [
        ClassificationLevel(number=n, name_nb=f"Nivå {n}", name_en=f"Level {n}")
        for n in sorted({i.level for i in items})
    ]
    version.items = [
        ClassificationItem(
            code=i.code,
            parent_code=i.parent_code,
            level=i.level,
            name_nb=i.name_nb,
            short_name_nb=i.short_name_nb,
        )
        for i in items
    ]
    session.add(version)
    found.last_modified = now
    session.flush()
    record_write(
        session,
        actor=actor,
        at=now,
        action="add-version",
        entity="code_list",
        entity_id=str(found.id),
        producer_id=found.producer_id,
        before=None,
        after={"version": version.id, "items": len(items)},
    )
    return version


def _version(found: Classification, version_id: int) -> ClassificationVersion:
    version = next((v for v in found.versions if v.id == version_id), None)
    if version is None:
        raise NotFound(f"Code list {found.id} has no version {version_id}.")
    return version


def compare(
    session: Session, actor: Actor | None, classification_id: int, version_id: int, against: int
) -> list[Change]:
    """What changes from version ``against`` to ``version_id``: codes added, removed or renamed."""
    found, _ = authorize(session, actor, classification_id)
    new = {i.code: i.name_nb for i in _version(found, version_id).items}
    old = {i.code: i.name_nb for i in _version(found, against).items}
    return [
        Change(code, old.get(code), new.get(code))
        for code in sorted(set(new) | set(old))
        if old.get(code) != new.get(code)
    ]


def publish(
    session: Session, actor: Actor | None, classification_id: int, version_id: int, now: datetime
) -> ClassificationVersion:
    """Make a draft version public (it then appears in the Klass API). Raises 401/403/404, Conflict."""
    found, actor = authorize(session, actor, classification_id)
    version = _version(found, version_id)
    if version.published:
        raise Conflict(f"Version {version_id} is already published.")
    version.published, version.last_modified, found.last_modified = True, now, now
    session.flush()
    record_write(
        session,
        actor=actor,
        at=now,
        action="publish-version",
        entity="code_list",
        entity_id=str(found.id),
        producer_id=found.producer_id,
        before=None,
        after={"version": version_id},
    )
    return version
