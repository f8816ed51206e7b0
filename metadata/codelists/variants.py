"""Variants: a producer's regrouping of one version's codes (Klass "variant"), e.g. municipalities grouped
by county. Reading for the Klass API and the pages, and the producers' writes. Never imports Flask.

A variant's deepest level holds codes of its version; the levels above are the groups it defines. It has
its own validity and is public only when both it and its version are published.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from metadata.codelists.codes import ItemRow, VersionRows, earlier, overlaps
from metadata.codelists.editing import authorize, finish_write, publish_draft, version_of
from metadata.codelists.importing import ItemIn, check_items, refused
from metadata.codelists.models import (
    ClassificationVariant,
    ClassificationVersion,
    VariantItem,
    VariantLevel,
)
from metadata.codelists.service import text
from portal.kernel.access import Actor
from portal.kernel.errors import FieldError, NotFound


def full_name(variant: ClassificationVariant, version_name: str, lang: str) -> str:
    """Klass's generated name: base, start (year, or year-month), then " - variant av <version>". The
    double space is Klass's own (Klass's API guide, data.ssb.no/api/klass/v1/api-guide.html)."""
    base = text(variant, "name", lang) or variant.name_nb
    start = variant.valid_from
    postfix = f"{start:%Y}" if (start.month, start.day) == (1, 1) else f"{start:%Y-%m}"
    joiner = " - variant of " if lang == "en" else " - variant av "
    return f"{base} {postfix} {joiner}{version_name}"


def is_public(variant: ClassificationVariant) -> bool:
    return variant.published and variant.version.published


def public_variant(session: Session, variant_id: int) -> ClassificationVariant:
    """A published variant of a published version. Raises NotFound with Klass's text."""
    found = session.scalar(
        select(ClassificationVariant)
        .where(ClassificationVariant.id == variant_id)
        .options(
            selectinload(ClassificationVariant.items),
            selectinload(ClassificationVariant.levels),
            selectinload(ClassificationVariant.version).selectinload(
                ClassificationVersion.classification
            ),
        )
    )
    if found is None or not is_public(found):
        raise NotFound("").said("klass.no_variant", id=variant_id)
    return found


def variants_named(
    session: Session,
    versions: Sequence[ClassificationVersion],
    name: str,
    lang: str,
    version_names: dict[int, str],
    start: date,
    end: date | None,
) -> list[ClassificationVariant]:
    """For each version, the first published variant whose base name is ``name``, else whose full name
    is; only those overlapping [start, end). Exact matching, as Klass does."""
    ids = [v.id for v in versions]
    rows: list[ClassificationVariant] = (
        list(
            session.scalars(
                select(ClassificationVariant)
                .where(ClassificationVariant.version_id.in_(ids))
                .order_by(ClassificationVariant.id)
                .options(selectinload(ClassificationVariant.items))
            )
        )
        if ids
        else []
    )
    by_version: dict[int, list[ClassificationVariant]] = {}
    for row in rows:
        by_version.setdefault(row.version_id, []).append(row)
    chosen = []
    for version in versions:
        candidates = by_version.get(version.id, [])
        match = next(
            (c for c in candidates if (text(c, "name", lang) or c.name_nb) == name), None
        ) or next(
            (c for c in candidates if full_name(c, version_names[version.id], lang) == name), None
        )
        if (
            match is not None
            and match.published
            and overlaps(start, end, match.valid_from, earlier(match.valid_to, version.valid_to))
        ):
            chosen.append(match)
    return chosen


def variant_rows(variant: ClassificationVariant, lang: str) -> VersionRows:
    """The variant's items as one block with its own validity (an open end stops where its version
    ends), for the codes pipeline: with their short names, notes and own validity, as Klass's /variant
    answers carry them."""
    return VersionRows(
        variant.valid_from,
        earlier(variant.valid_to, variant.version.valid_to),
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
            for i in variant.items
        ],
    )


def define(
    session: Session,
    actor: Actor | None,
    classification_id: int,
    version_id: int,
    *,
    name_nb: str,
    name_en: str,
    valid_from: date,
    valid_to: date | None,
    items: Sequence[ItemIn],
    now: datetime,
) -> ClassificationVariant:
    """A new draft variant of a version. Every error is listed by line: the item checks of an import,
    deepest-level codes that are not in the version, validity outside the version's.
    Raises 401/403/404 and BadRequest; nothing is stored then."""
    found, actor = authorize(session, actor, classification_id)
    version = version_of(found, version_id)
    errors = check_items(items)
    deepest = max((i.level for i in items), default=1)
    codes = {i.code for i in version.items}
    errors += [
        FieldError.said(
            f"line {n}", "cl.line.not_in_version", line=n, code=i.code, version=version.id
        )
        for n, i in enumerate(items, start=2)
        if i.level == deepest and i.code not in codes
    ]
    if (
        valid_from < version.valid_from
        or (version.valid_to is not None and valid_from >= version.valid_to)
        or (version.valid_to is not None and valid_to is not None and valid_to > version.valid_to)
    ):
        errors.append(FieldError.said("/valid_from", "cl.version.in_version"))
    if valid_to is not None and valid_to <= valid_from:
        errors.append(FieldError.said("/valid_to", "cl.version.ends_first"))
    if not items:
        errors.append(FieldError.said("line 2", "cl.line.no_items"))
    if errors:
        raise refused(errors)
    variant = ClassificationVariant(
        version_id=version.id,
        name_nb=name_nb,
        name_en=name_en,
        valid_from=valid_from,
        valid_to=valid_to,
        published=False,
        last_modified=now,
    )
    variant.levels = VariantLevel.used_by(items)
    variant.items = [VariantItem.of(i) for i in items]
    session.add(variant)
    finish_write(
        session,
        actor,
        found,
        "define-variant",
        now,
        what=("list", found.id),
        checked=(version,),
        after={"variant": variant.id, "version": version.id, "items": len(items)},
    )
    return variant


def publish(
    session: Session, actor: Actor | None, classification_id: int, variant_id: int, now: datetime
) -> ClassificationVariant:
    """Publish a draft variant, conditional on the variant as read (of two publications at once, one
    succeeds and is audited; the other is a Conflict). Raises 401/403/404, Conflict."""
    found, actor = authorize(session, actor, classification_id)
    variant = session.get(ClassificationVariant, variant_id)
    if variant is None or variant.version.classification_id != found.id:
        raise NotFound("").said("cl.refuse.no_variant", list=found.id, variant=variant_id)
    publish_draft(
        session,
        actor,
        found,
        variant,
        ("variant", variant_id),
        "publish-variant",
        now,
        {"variant": variant_id},
    )
    return variant
