"""Producers' writes to the registry: create a code list, add a version from a CSV or a Klass JSON file
(all or nothing, every error by line), compare it with another version, publish. Never imports Flask.

Concurrent writes (issue 16): new ids come from the database (``ids.py``), and every write raises the
revision of the rows it read in one conditional UPDATE (``models.py``), so of two writers who read the
same list, version, variant or table one wins and the other gets 409 (a StaleDataError, turned into
Conflict here or by the app's error handler); publishing twice gives one success and one audit row.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from metadata.codelists.importing import ItemIn, VersionIn, check_items, check_versions, refused
from metadata.codelists.models import (
    Classification,
    ClassificationFamily,
    ClassificationItem,
    ClassificationKind,
    ClassificationLevel,
    ClassificationVariant,
    ClassificationVersion,
    CorrespondenceTable,
)
from portal.kernel.access import Actor, Permission, ensure_permission, writable_producer_ids
from portal.kernel.audit import record_change, record_write
from portal.kernel.concurrency import force_update, is_duplicate, lost_race_is_conflict
from portal.kernel.errors import BadRequest, Conflict, FieldError, NotFound
from portal.kernel.parsing import MAX_JSON_DEPTH, MAX_TEXT, checked_rows, parse_json
from portal.programme.models import Producer

#: Where new lists go unless a family is named.
DEFAULT_FAMILY = (100_000, "Produsentenes kodelister", "Producers' code lists")


def _ensure_default_family(session: Session) -> None:
    """Create the producers' family unless it is there. Two first lists created at once both try: the
    one that finds it taken goes on (a savepoint keeps its own transaction usable)."""
    if session.get(ClassificationFamily, DEFAULT_FAMILY[0]) is not None:
        return
    try:
        with session.begin_nested():
            session.add(
                ClassificationFamily(
                    id=DEFAULT_FAMILY[0], name_nb=DEFAULT_FAMILY[1], name_en=DEFAULT_FAMILY[2]
                )
            )
            session.flush()
    except IntegrityError as exc:
        if not is_duplicate(exc):
            raise


#: What a message names: ("list", "version", "variant" or "table", its id).
Named = tuple[str, int]


def flush_write(session: Session, what: Named, *rows: object) -> None:
    """Flush a write to the registry, checking and raising the revision of each of ``rows`` (those the
    write was decided on) whether or not a value in it changed; one that lost a race to another writer
    of the same rows is a Conflict naming ``what``, after the transaction is rolled back."""
    for row in rows:
        force_update(row, "last_modified")
    kind, number = what
    try:
        with lost_race_is_conflict(session, ""):
            session.flush()
    except Conflict as lost:
        raise lost.said(f"cl.refuse.race.{kind}", id=number) from lost.__cause__


def finish_write(
    session: Session,
    actor: Actor,
    found: Classification,
    action: str,
    now: datetime,
    *,
    what: Named,
    checked: Sequence[object] = (),
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Finish a write to code list ``found`` in the caller's transaction: mark the list modified at
    ``now``, flush it checking the revisions of the list and of ``checked`` (:func:`flush_write`, a
    lost race is a Conflict naming ``what``), and append ``action`` to the audit log."""
    found.last_modified = now
    flush_write(session, what, found, *checked)
    record_change(session, actor, now, action, "code_list", found, before=before, after=after)


def publish_draft(
    session: Session,
    actor: Actor,
    found: Classification,
    draft: ClassificationVersion | ClassificationVariant | CorrespondenceTable,
    what: Named,
    action: str,
    now: datetime,
    after: dict[str, Any],
) -> None:
    """Publish ``draft`` of code list ``found``, conditional on it as read: of two publications at
    once, one succeeds and is audited, the other is a Conflict. Raises Conflict if it is public
    already; ``what`` names it in messages."""
    if draft.published:
        raise Conflict("").said(f"cl.refuse.published.{what[0]}", id=what[1])
    draft.published, draft.last_modified = True, now
    finish_write(session, actor, found, action, now, what=what, checked=(draft,), after=after)


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
    """A new, empty code list owned by ``producer_slug``, numbered by the database in the local range
    (lists created at once each get their own id). Raises BadRequest, Unauthorized, Forbidden."""
    producer = session.scalar(select(Producer).where(Producer.slug == producer_slug))
    if producer is None:
        raise BadRequest("", (FieldError.said("/producer", "cl.field.producer"),)).said(
            "cl.refuse.no_producer", producer=producer_slug
        )
    actor = ensure_permission(actor, Permission.CODELIST_WRITE, producer.id)
    if kind not in set(ClassificationKind):
        raise BadRequest("", (FieldError.said("/kind", "cl.field.kind"),)).said("cl.refuse.kind")
    _ensure_default_family(session)
    found = Classification(
        family_id=DEFAULT_FAMILY[0],
        producer_id=producer.id,
        kind=ClassificationKind(kind),
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
        raise NotFound("").said("cl.refuse.no_list", id=classification_id)
    return found, ensure_permission(actor, Permission.CODELIST_WRITE, found.producer_id)


def read_rows(
    body: bytes,
    content_type: str,
    *,
    columns: set[str],
    lists: tuple[str, str],
    noun: str = "items",
) -> list[Any]:
    """The rows of an uploaded file: CSV (comma or semicolon) whose header names ``columns``, or a Klass
    JSON answer holding the first of ``lists`` it has. Raises BadRequest; the rows are not checked.

    The body is parsed where it lies (a large classification is several megabytes): JSON straight from
    the bytes, CSV decoded line by line as it is read; no decoded copy of the whole file is made."""
    return read_document(body, content_type, columns=columns, lists=lists, noun=noun)[0]


def read_document(
    body: bytes,
    content_type: str,
    *,
    columns: set[str],
    lists: tuple[str, str],
    noun: str = "items",
) -> tuple[list[Any], dict[str, Any]]:
    """As :func:`read_rows`, with the rest of a Klass JSON answer (its top-level fields, e.g. a
    correspondence table's ``description``); a CSV has none. Parsed once."""
    if content_type == "text/csv":
        return _csv_rows(body, columns), {}
    if content_type == "application/json":
        # orjson reads a memoryview as it reads bytes: a byte order mark is stepped over, not copied.
        try:
            data = parse_json(
                cast(bytes, memoryview(body)[3:]) if body.startswith(codecs.BOM_UTF8) else body,
                "The file",
            )
        except BadRequest as bad:
            # Told again by the catalogue: the parser's own words (orjson's) are for no reader.
            if "nests deeper" in bad.detail:
                raise BadRequest("").said("cl.refuse.json_deep", levels=MAX_JSON_DEPTH) from bad
            if "NUL" in bad.detail:
                raise BadRequest("").said("cl.refuse.json_nul") from bad
            raise BadRequest("").said("cl.refuse.not_json") from bad
        found = data.get(lists[0], data.get(lists[1])) if isinstance(data, dict) else None
        if not isinstance(found, list):
            raise BadRequest("").said("cl.refuse.klass_lists", first=lists[0], second=lists[1])
        return found, data
    raise BadRequest("").said(f"cl.refuse.file_kind.{noun}")


def _csv_rows(body: bytes, columns: set[str]) -> list[dict[str, Any]]:
    # BytesIO shares the bytes it is given until written to, and the wrapper decodes a chunk at a time.
    text = io.TextIOWrapper(io.BytesIO(body), encoding="utf-8-sig", newline="")
    try:
        header = text.readline()
        reader = csv.DictReader(
            itertools.chain((header,), text), delimiter=";" if ";" in header else ","
        )
        missing = ", ".join(sorted(columns - set(reader.fieldnames or [])))
        if missing:
            raise BadRequest(
                "", (FieldError.said("line 1", "cl.line.columns", columns=missing),)
            ).said("cl.refuse.header", columns=missing)
        try:
            return list(checked_rows(reader))
        except BadRequest as bad:
            raise BadRequest("").said("cl.refuse.bad_csv") from bad
    except UnicodeDecodeError:
        raise BadRequest("").said("cl.refuse.not_utf8") from None


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value)


def _date(row: dict[str, Any], key: str, number: int, errors: list[FieldError]) -> date | None:
    raw = _text(row, key).strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(
            FieldError.said(f"line {number}", "cl.line.not_date", line=number, column=key)
        )
        return None


def _check_text(value: str, limit: int, number: int, errors: list[FieldError]) -> None:
    """A text of line ``number`` longer than ``limit`` or holding a NUL character, told by the
    catalogue (as ``portal.kernel.parsing.check_text`` checks, in the reader's language)."""
    if len(value) > limit:
        errors.append(
            FieldError.said(
                f"line {number}", "cl.line.too_long", line=number, limit=limit, length=len(value)
            )
        )
    elif "\x00" in value:
        errors.append(FieldError.said(f"line {number}", "cl.line.nul", line=number))


def parse_items(body: bytes, content_type: str, *, check: bool = True) -> list[ItemIn]:
    """Items from CSV or a Klass JSON answer (``codes`` of /codes and /codesAt, or
    ``classificationItems`` of a version), with every field a Klass item carries: ``code``,
    ``parentCode``, ``level``, ``name``, ``shortName``, ``notes``, ``validFrom``, ``validTo`` (and
    ``name_nn``, ``name_en``); a CSV needs ``code`` and ``name`` in its header, so Klass's own CSV answers
    import as they are. ``presentationName`` and the ``...InRequestedRange`` fields are read past: Klass
    derives them from each request. Notes keep their line breaks. Raises BadRequest naming the line;
    ``check=False`` leaves the item checks to a caller that lists them with its own."""
    rows = read_rows(
        body, content_type, columns={"code", "name"}, lists=("codes", "classificationItems")
    )
    items, errors = [], []
    for number, row in enumerate(rows, start=2):
        if not isinstance(row, dict):
            errors.append(FieldError.said(f"line {number}", "cl.line.not_object", line=number))
            continue
        try:
            level = int(row.get("level") or 1)
        except (TypeError, ValueError):
            errors.append(FieldError.said(f"line {number}", "cl.line.level_nan", line=number))
            continue
        item = ItemIn(
            code=_text(row, "code").strip(),
            name_nb=_text(row, "name").strip(),
            parent_code=_text(row, "parentCode").strip() or None,
            level=level,
            short_name_nb=_text(row, "shortName"),
            name_nn=_text(row, "name_nn").strip(),
            name_en=_text(row, "name_en").strip(),
            notes_nb=_text(row, "notes"),
            valid_from=_date(row, "validFrom", number, errors),
            valid_to=_date(row, "validTo", number, errors),
        )
        for value, limit in (
            (item.code, 50),
            (item.parent_code or "", 50),
            (item.name_nb, 500),
            (item.name_nn, 500),
            (item.name_en, 500),
            (item.short_name_nb, 200),
            (item.notes_nb, MAX_TEXT),
        ):
            _check_text(value, limit, number, errors)
        items.append(item)
    if check:
        errors += check_items(items)
    if errors:
        raise refused(errors)
    if not items:
        raise BadRequest("").said("cl.refuse.no_items")
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
    """A new draft version, numbered by the database. Raises 401/403/404, BadRequest (overlap with
    another version), Conflict (another version was added to the list meanwhile: the overlap check
    ran on the list as read)."""
    found, actor = authorize(session, actor, classification_id)
    existing = [VersionIn(v.id, v.valid_from, v.valid_to, []) for v in found.versions]
    errors = check_versions([*existing, VersionIn(0, valid_from, valid_to, [])])
    if errors:
        raise BadRequest("", tuple(replace(e, pointer="/valid_from") for e in errors)).said(
            "cl.refuse.overlap"
        )
    version = ClassificationVersion(
        classification_id=found.id,
        valid_from=valid_from,
        valid_to=valid_to,
        published=False,
        last_modified=now,
    )
    version.levels = ClassificationLevel.used_by(items)
    version.items = [ClassificationItem.of(i) for i in items]
    session.add(version)
    # A list whose codes carry short names or notes says so, as Klass's flags do, so its versions
    # show them (a version's classificationItems leave them out otherwise).
    found.include_short_name = found.include_short_name or any(i.short_name_nb for i in items)
    found.include_notes = found.include_notes or any(i.notes_nb for i in items)
    finish_write(
        session,
        actor,
        found,
        "add-version",
        now,
        what=("list", found.id),
        after={"version": version.id, "items": len(items)},
    )
    return version


def version_of(found: Classification, version_id: int) -> ClassificationVersion:
    version = next((v for v in found.versions if v.id == version_id), None)
    if version is None:
        raise NotFound("").said("cl.refuse.no_version", list=found.id, version=version_id)
    return version


def compare(
    session: Session, actor: Actor | None, classification_id: int, version_id: int, against: int
) -> list[Change]:
    """What changes from version ``against`` to ``version_id``: codes added, removed or renamed."""
    found, _ = authorize(session, actor, classification_id)
    new = {i.code: i.name_nb for i in version_of(found, version_id).items}
    old = {i.code: i.name_nb for i in version_of(found, against).items}
    return [
        Change(code, old.get(code), new.get(code))
        for code in sorted(set(new) | set(old))
        if old.get(code) != new.get(code)
    ]


def publish(
    session: Session, actor: Actor | None, classification_id: int, version_id: int, now: datetime
) -> ClassificationVersion:
    """Make a draft version public (it then appears in the Klass API). Conditional on the version as
    read: of two publications at once one succeeds, the other is a Conflict, and only one is audited.
    Raises 401/403/404, Conflict."""
    found, actor = authorize(session, actor, classification_id)
    version = version_of(found, version_id)
    publish_draft(
        session,
        actor,
        found,
        version,
        ("version", version_id),
        "publish-version",
        now,
        {"version": version_id},
    )
    return version


def _draft(found: Classification, version_id: int) -> ClassificationVersion:
    version = version_of(found, version_id)
    if version.published:
        raise Conflict("").said("cl.refuse.fixed", version=version_id)
    return version


def put_item(
    session: Session,
    actor: Actor | None,
    classification_id: int,
    version_id: int,
    item: ItemIn,
    now: datetime,
) -> ClassificationItem:
    """Add or replace one item of a draft version; the version's items must still pass the import
    checks (parents, levels). Raises 401/403/404, Conflict (published), BadRequest."""
    found, actor = authorize(session, actor, classification_id)
    version = _draft(found, version_id)
    existing = {i.code: i for i in version.items}
    before = existing.get(item.code)
    others = [
        ItemIn(i.code, i.name_nb, i.parent_code, i.level)
        for i in version.items
        if i.code != item.code
    ]
    errors = check_items([item, *others], by_code=True)
    if errors:
        first = errors[0]
        raise BadRequest("", tuple(_at_item_field(e, item) for e in errors)).said(
            "cl.refuse.item", why_nb=first.message("nb"), why_en=first.message("en")
        )
    row = before or ClassificationItem(version_id=version.id)
    row.take(item)
    if before is None:
        version.items.append(row)
    if item.level not in {level.number for level in version.levels}:
        version.levels.append(ClassificationLevel.numbered(item.level))
    version.last_modified = now
    finish_write(
        session,
        actor,
        found,
        "put-item",
        now,
        what=("version", version_id),
        checked=(version,),
        # Read after the change, so it holds the new name, as in the rows the audit log already has.
        before={"code": before.code, "name_nb": before.name_nb} if before else None,
        after={"version": version.id, "code": item.code, "name_nb": item.name_nb},
    )
    return row


#: Where a problem of the item being saved lies, by its reason: the field of the item (the form's
#: field of the same name, the API body's member).
_ITEM_FIELDS = {
    "cl.code.required": "/name_nb",
    "cl.code.unknown_parent": "/parent_code",
    "cl.code.no_parent": "/parent_code",
    "cl.code.level_gap": "/level",
}


def _at_item_field(error: FieldError, item: ItemIn) -> FieldError:
    """A problem of the item being saved at its field; other codes' problems stay at their code."""
    if error.pointer != f"/items/{item.code}" or error.key not in _ITEM_FIELDS:
        return error
    return replace(error, pointer=_ITEM_FIELDS[error.key])


def delete_item(
    session: Session,
    actor: Actor | None,
    classification_id: int,
    version_id: int,
    code: str,
    now: datetime,
) -> None:
    """Remove an item without children from a draft version. Raises 401/403/404, Conflict."""
    found, actor = authorize(session, actor, classification_id)
    version = _draft(found, version_id)
    row = next((i for i in version.items if i.code == code), None)
    if row is None:
        raise NotFound("").said("cl.refuse.no_code", version=version_id, code=code)
    if any(i.parent_code == code for i in version.items):
        raise Conflict("").said("cl.refuse.has_children", code=code)
    version.items.remove(row)
    session.delete(row)
    version.last_modified = now
    finish_write(
        session,
        actor,
        found,
        "delete-item",
        now,
        what=("version", version_id),
        checked=(version,),
        before={"version": version.id, "code": code, "name_nb": row.name_nb},
    )


def list_own(session: Session, actor: Actor) -> list[Classification]:
    """The code lists ``actor`` may change (every one for a portal administrator), by id."""
    stmt = select(Classification).order_by(Classification.id)
    scope = writable_producer_ids(actor)
    if scope is not None:
        stmt = stmt.where(Classification.producer_id.in_(scope))
    return list(session.scalars(stmt))


def tables_from(session: Session, found: Classification) -> list[CorrespondenceTable]:
    """Every correspondence table, draft or published, from a version of ``found``."""
    ids = [v.id for v in found.versions]
    if not ids:
        return []
    return list(
        session.scalars(
            select(CorrespondenceTable)
            .where(CorrespondenceTable.source_version_id.in_(ids))
            .order_by(CorrespondenceTable.id)
        )
    )
