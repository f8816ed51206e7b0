"""Administering the programme: producers and subject areas (portal administrators), and retiring
statistics. Never imports Flask; every write checks its actor, records an audit row and leaves committing
to the caller. Retiring never deletes: a retired producer, subject area or statistic keeps its history and
public pages; it only stops taking new things (a retired producer's users and tokens can no longer write).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.kernel.access import Actor, Permission, ensure_permission
from portal.kernel.errors import BadRequest, Conflict, FieldError, Forbidden, Unauthorized
from portal.programme.models import Producer, Statistic, SubjectArea
from portal.programme.service import by_slug, changed_fields, record_entry, refuse_taken

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ORG_NUMBER = re.compile(r"^\d{9}$")


def ensure_portal_admin(actor: Actor | None) -> Actor:
    """Only portal administrators administer producers, subject areas and users of every producer."""
    if actor is None:
        raise Unauthorized()
    if not actor.is_portal_admin:
        raise Forbidden("").said("programme.only_admin")
    return actor


@dataclass(frozen=True)
class ProducerFields:
    """What an administrator sets on a producer; ``None`` in an update means "leave as it is"."""

    short_name: str | None = None
    name_nb: str | None = None
    name_en: str | None = None
    website: str | None = None
    org_number: str | None = None


@dataclass(frozen=True)
class SubjectAreaFields:
    name_nb: str | None = None
    name_en: str | None = None
    position: int | None = None


def _text(name: str, value: str | None, limit: int, errors: list[FieldError]) -> None:
    if value is not None and (not value.strip() or len(value) > limit):
        errors.append(FieldError.said(f"/{name}", "programme.text_length", limit=limit))


def _check_slug(slug: str, limit: int) -> None:
    if not SLUG.match(slug) or len(slug) > limit:
        raise BadRequest("", (FieldError.said("/slug", "programme.slug_rule", limit=limit),)).said(
            "programme.bad_slug"
        )


def _check_producer(fields: ProducerFields) -> None:
    errors: list[FieldError] = []
    _text("short_name", fields.short_name, 40, errors)
    _text("name_nb", fields.name_nb, 200, errors)
    _text("name_en", fields.name_en, 200, errors)
    if fields.website is not None and (
        not re.match(r"^https?://[^\s/]+\S*$", fields.website) or len(fields.website) > 300
    ):
        errors.append(FieldError.said("/website", "programme.website_rule"))
    if fields.org_number and not ORG_NUMBER.match(fields.org_number):
        errors.append(FieldError.said("/org_number", "programme.org_number_rule"))
    if errors:
        raise BadRequest("", tuple(errors)).said("programme.fields_not_valid")


def producer_snapshot(p: Producer) -> dict[str, Any]:
    return {
        "slug": p.slug,
        "short_name": p.short_name,
        "name_nb": p.name_nb,
        "name_en": p.name_en,
        "website": p.website,
        "org_number": p.org_number,
        "retired_at": p.retired_at.isoformat() if p.retired_at else None,
    }


def _taken(session: Session, producer: Producer | None, fields: ProducerFields) -> None:
    own = producer.id if producer else -1
    if fields.short_name is not None:
        other = session.scalar(
            select(Producer.id).where(
                func.lower(Producer.short_name) == fields.short_name.strip().lower()
            )
        )
        if other is not None and other != own:
            raise Conflict("").said("programme.short_name_taken", name=fields.short_name.strip())
    if fields.org_number:
        other = session.scalar(select(Producer.id).where(Producer.org_number == fields.org_number))
        if other is not None and other != own:
            raise Conflict("").said("programme.org_number_taken", number=fields.org_number)


def create_producer(
    session: Session, actor: Actor | None, *, slug: str, fields: ProducerFields, now: datetime
) -> Producer:
    """A new producer. Raises 401/403, BadRequest, Conflict (slug, name or organisation number taken)."""
    actor = ensure_portal_admin(actor)
    _check_slug(slug, 40)
    missing = [n for n in ("short_name", "name_nb", "name_en", "website") if not getattr(fields, n)]
    if missing:
        raise BadRequest(
            "", tuple(FieldError.said(f"/{n}", "programme.field_missing") for n in missing)
        ).said("programme.fields_missing")
    _check_producer(fields)
    refuse_taken(session, Producer, slug)
    _taken(session, None, fields)
    producer = Producer(
        slug=slug,
        short_name=(fields.short_name or "").strip(),
        name_nb=(fields.name_nb or "").strip(),
        name_en=(fields.name_en or "").strip(),
        website=(fields.website or "").strip(),
        org_number=fields.org_number or None,
    )
    session.add(producer)
    return _audited(session, actor, producer, None, now, "create")


def update_producer(
    session: Session, actor: Actor | None, slug: str, fields: ProducerFields, now: datetime
) -> Producer:
    """Change a producer's names, web site or organisation number. Raises 401/403/404, 400, 409."""
    actor = ensure_portal_admin(actor)
    producer = by_slug(session, Producer, slug)
    _check_producer(fields)
    _taken(session, producer, fields)
    before = producer_snapshot(producer)
    for name, value in asdict(fields).items():
        if value is None:
            continue
        if name == "org_number":
            producer.org_number = value.strip() or None
        else:
            setattr(producer, name, value.strip())
    return _audited(session, actor, producer, before, now)


def set_producer_retired(
    session: Session, actor: Actor | None, slug: str, retired: bool, now: datetime
) -> Producer:
    """Retire a producer (it keeps its history and public pages; its users and tokens can no longer
    write), or bring it back."""
    actor = ensure_portal_admin(actor)
    producer = by_slug(session, Producer, slug)
    before = producer_snapshot(producer)
    if retired and producer.retired_at is None:
        producer.retired_at = now
    elif not retired:
        producer.retired_at = None
    return _audited(session, actor, producer, before, now, "retire" if retired else "reinstate")


def _audited(
    session: Session,
    actor: Actor,
    producer: Producer,
    before: dict[str, Any] | None,
    now: datetime,
    action: str = "update",
) -> Producer:
    session.flush()
    _record(
        session,
        actor,
        now,
        action,
        "producer",
        producer.slug,
        producer.id,
        before,
        producer_snapshot(producer),
    )
    return producer


def _record(
    session: Session,
    actor: Actor,
    now: datetime,
    action: str,
    entity: str,
    entity_id: str,
    producer_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    """Audit a write to a register entry: a new one whole (``before`` None), a changed one by the
    fields that changed, and nothing when none did."""
    if before is not None:
        changed = changed_fields(before, after)
        if changed is None:
            return
        before, after = changed
    record_entry(session, actor, now, action, entity, entity_id, producer_id, before, after)


def list_all_producers(session: Session) -> list[Producer]:
    """Every producer, retired ones too, by short name (for administration)."""
    return list(session.scalars(select(Producer).order_by(func.lower(Producer.short_name))))


def list_all_subject_areas(session: Session) -> list[SubjectArea]:
    return list(session.scalars(select(SubjectArea).order_by(SubjectArea.position)))


def area_snapshot(a: SubjectArea) -> dict[str, Any]:
    return {
        "slug": a.slug,
        "name_nb": a.name_nb,
        "name_en": a.name_en,
        "position": a.position,
        "retired_at": a.retired_at.isoformat() if a.retired_at else None,
    }


def _check_area(fields: SubjectAreaFields) -> None:
    errors: list[FieldError] = []
    _text("name_nb", fields.name_nb, 200, errors)
    _text("name_en", fields.name_en, 200, errors)
    if fields.position is not None and not 1 <= fields.position <= 10_000:
        errors.append(FieldError.said("/position", "programme.position_rule"))
    if errors:
        raise BadRequest("", tuple(errors)).said("programme.fields_not_valid")


def create_subject_area(
    session: Session, actor: Actor | None, *, slug: str, fields: SubjectAreaFields, now: datetime
) -> SubjectArea:
    actor = ensure_portal_admin(actor)
    _check_slug(slug, 80)
    if not fields.name_nb or not fields.name_en:
        raise BadRequest(
            "",
            tuple(
                FieldError.said(f"/{n}", "programme.field_missing") for n in ("name_nb", "name_en")
            ),
        ).said("programme.area_needs_names")
    _check_area(fields)
    refuse_taken(session, SubjectArea, slug)
    last = session.scalar(select(func.max(SubjectArea.position))) or 0
    area = SubjectArea(
        slug=slug,
        name_nb=fields.name_nb.strip(),
        name_en=fields.name_en.strip(),
        position=fields.position or last + 1,
    )
    session.add(area)
    return _audited_area(session, actor, area, None, now, "create")


def update_subject_area(
    session: Session, actor: Actor | None, slug: str, fields: SubjectAreaFields, now: datetime
) -> SubjectArea:
    actor = ensure_portal_admin(actor)
    area = by_slug(session, SubjectArea, slug)
    _check_area(fields)
    before = area_snapshot(area)
    if fields.name_nb is not None:
        area.name_nb = fields.name_nb.strip()
    if fields.name_en is not None:
        area.name_en = fields.name_en.strip()
    if fields.position is not None:
        area.position = fields.position
    return _audited_area(session, actor, area, before, now, "update")


def set_subject_area_retired(
    session: Session, actor: Actor | None, slug: str, retired: bool, now: datetime
) -> SubjectArea:
    """Retire a subject area: its statistics keep it, but no statistic can be filed under it anew."""
    actor = ensure_portal_admin(actor)
    area = by_slug(session, SubjectArea, slug)
    before = area_snapshot(area)
    area.retired_at = (area.retired_at or now) if retired else None
    return _audited_area(session, actor, area, before, now, "retire" if retired else "reinstate")


def _audited_area(
    session: Session,
    actor: Actor,
    area: SubjectArea,
    before: dict[str, Any] | None,
    now: datetime,
    action: str,
) -> SubjectArea:
    session.flush()
    _record(
        session, actor, now, action, "subject_area", area.slug, None, before, area_snapshot(area)
    )
    return area


def set_statistic_retired(
    session: Session, actor: Actor | None, slug: str, retired: bool, now: datetime
) -> Statistic:
    """Retire a statistic (its pages and history stay; it is marked as no longer produced), or bring it
    back. The statistic's producer or a portal administrator may. Raises 401/403/404."""
    statistic = by_slug(session, Statistic, slug)
    actor = ensure_permission(actor, Permission.STATISTIC_UPDATE, statistic.producer_id)
    was = statistic.retired_at
    if retired and was is None:
        statistic.retired_at = now
    elif not retired:
        statistic.retired_at = None
    if statistic.retired_at != was:
        session.flush()
        record_entry(
            session,
            actor,
            now,
            "retire" if retired else "reinstate",
            "statistic",
            slug,
            statistic.producer_id,
            {"retired_at": was.isoformat() if was else None},
            {"retired_at": statistic.retired_at.isoformat() if statistic.retired_at else None},
        )
    return statistic
