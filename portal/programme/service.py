"""Queries and rules for producers, subject areas and statistics. Never imports Flask.

Reads return frozen dataclasses (what templates and serialisers receive); writes take the acting
:class:`~portal.kernel.access.Actor`, check the scoping rule, record an audit row and leave committing to the caller.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.kernel.access import Actor, Permission, ensure_permission, writable_producer_ids
from portal.kernel.audit import record_write
from portal.kernel.concurrency import lost_race_is_conflict
from portal.kernel.errors import BadRequest, Conflict, FieldError, NotFound
from portal.kernel.querying import contains
from portal.programme.models import (
    Frequency,
    Producer,
    Statistic,
    SubjectArea,
    statistic_subject_area,
)


@dataclass(frozen=True)
class ProducerView:
    slug: str
    short_name: str
    name_nb: str
    name_en: str
    website: str
    org_number: str | None
    statistics_count: int


@dataclass(frozen=True)
class SubjectAreaView:
    slug: str
    name_nb: str
    name_en: str
    statistics_count: int


@dataclass(frozen=True)
class SubjectAreaRef:
    slug: str
    name_nb: str
    name_en: str


@dataclass(frozen=True)
class StatisticView:
    slug: str
    name_nb: str
    name_en: str
    description_nb: str
    description_en: str
    frequency: str
    producer_slug: str
    producer_short_name: str
    producer_name_nb: str
    producer_name_en: str
    subject_areas: tuple[SubjectAreaRef, ...]
    contact_name: str | None
    contact_email: str | None
    producer_url: str | None
    is_official: bool
    updated_at: datetime
    version: int
    #: The key figures' main table and headline series as the producer chose them (issue 18); None
    #: when not chosen.
    main_table_id: str | None = None
    headline: dict[str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class StatisticFields:
    """Everything a producer may set on a statistic; ``None`` in an update means "leave as it is"."""

    name_nb: str | None = None
    name_en: str | None = None
    description_nb: str | None = None
    description_en: str | None = None
    frequency: Frequency | None = None
    subject_areas: tuple[str, ...] | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    producer_url: str | None = None
    is_official: bool | None = None
    #: The key figures' main table; "" clears the choice. The shell checks it names a table of the
    #: statistic (:mod:`portal.web.keyfigures`), which this layer cannot read.
    main_table_id: str | None = None
    #: The headline series, {variable code: value codes}; {} clears the choice.
    headline: dict[str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class StatisticQuery:
    producer: str | None = None
    subject_area: str | None = None
    frequency: Frequency | None = None
    official: bool | None = None
    text: str | None = None
    # Aware; statistics changed later than this (a statistic's changes are public when saved).
    updated_after: datetime | None = None
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class StatisticPage:
    items: tuple[StatisticView, ...]
    total: int
    page: int
    per_page: int
    query: StatisticQuery = field(default_factory=StatisticQuery)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


MAX_PER_PAGE = 200


def list_producers(session: Session) -> list[ProducerView]:
    """All producers, largest first, with their number of statistics."""
    counts = (
        select(Statistic.producer_id, func.count().label("n"))
        .group_by(Statistic.producer_id)
        .subquery()
    )
    rows = session.execute(
        select(Producer, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.producer_id == Producer.id)
        .order_by(func.coalesce(counts.c.n, 0).desc(), Producer.short_name)
    )
    return [_producer_view(p, n) for p, n in rows]


#: The programme's three registers, whose entries are named by their slug.
Entry = TypeVar("Entry", Producer, SubjectArea, Statistic)
_ENTRY_KEYS: dict[type[Any], str] = {
    Producer: "programme.no_producer",
    SubjectArea: "programme.no_subject_area",
    Statistic: "programme.no_statistic",
}


def by_slug(session: Session, model: type[Entry], slug: str) -> Entry:
    """The producer, subject area or statistic named ``slug``. Raises NotFound."""
    found = session.scalar(select(model).where(model.slug == slug))
    if found is None:
        raise NotFound("").said(_ENTRY_KEYS[model], slug=slug)
    return found


def refuse_taken(session: Session, model: type[Entry], slug: str) -> None:
    """Raises Conflict when ``slug`` already names an entry of ``model``'s register."""
    if session.scalar(select(model.id).where(model.slug == slug)) is not None:
        raise Conflict("").said("programme.slug_taken", slug=slug)


def get_producer(session: Session, slug: str) -> ProducerView:
    """One producer. Raises NotFound."""
    producer = by_slug(session, Producer, slug)
    n = session.scalar(select(func.count()).where(Statistic.producer_id == producer.id)) or 0
    return _producer_view(producer, n)


def find_producer(session: Session, key: str) -> Producer:
    """A producer by slug or short name (case-insensitive), for the CLI. Raises NotFound."""
    producer = session.scalar(
        select(Producer).where(
            or_(
                func.lower(Producer.slug) == key.lower(),
                func.lower(Producer.short_name) == key.lower(),
            )
        )
    )
    if producer is None:
        raise NotFound("").said("programme.no_producer", slug=key)
    return producer


def writable_statistics(session: Session, actor: Actor) -> list[Statistic]:
    """The statistics ``actor`` may write to (every one for a portal admin), by bokmål name: what the
    announce and upload forms offer."""
    stmt = select(Statistic).order_by(Statistic.name_nb)
    scope = writable_producer_ids(actor)
    if scope is not None:
        stmt = stmt.where(Statistic.producer_id.in_(scope))
    return list(session.scalars(stmt))


def list_subject_areas(session: Session) -> list[SubjectAreaView]:
    """The 21 subject areas in their fixed order, with their number of statistics."""
    counts = (
        select(statistic_subject_area.c.subject_area_id, func.count().label("n"))
        .group_by(statistic_subject_area.c.subject_area_id)
        .subquery()
    )
    rows = session.execute(
        select(SubjectArea, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.subject_area_id == SubjectArea.id)
        .order_by(SubjectArea.position)
    )
    return [SubjectAreaView(a.slug, a.name_nb, a.name_en, n) for a, n in rows]


def get_subject_area(session: Session, slug: str) -> SubjectAreaView:
    """One subject area. Raises NotFound."""
    for area in list_subject_areas(session):
        if area.slug == slug:
            return area
    raise NotFound("").said("programme.no_subject_area", slug=slug)


def _filtered(query: StatisticQuery) -> Select[Statistic]:
    stmt = select(Statistic)
    if query.producer:
        stmt = stmt.join(Producer).where(Producer.slug == query.producer)
    if query.subject_area:
        stmt = stmt.where(Statistic.subject_areas.any(SubjectArea.slug == query.subject_area))
    if query.frequency:
        stmt = stmt.where(Statistic.frequency == query.frequency.value)
    if query.official is not None:
        stmt = stmt.where(Statistic.is_official == query.official)
    if query.text:
        stmt = stmt.where(
            or_(
                contains(Statistic.name_nb, query.text),
                contains(Statistic.name_en, query.text),
                contains(Statistic.slug, query.text),
            )
        )
    if query.updated_after is not None:
        stmt = stmt.where(Statistic.updated_at > query.updated_after)
    return stmt


def list_statistics(session: Session, query: StatisticQuery) -> StatisticPage:
    """A page of statistics matching ``query``, ordered by Norwegian name. Raises BadRequest for paging."""
    if query.page < 1 or not 1 <= query.per_page <= MAX_PER_PAGE:
        raise BadRequest("").said("programme.paging", max=MAX_PER_PAGE)
    stmt = _filtered(query)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.options(selectinload(Statistic.subject_areas), selectinload(Statistic.producer))
        .order_by(Statistic.name_nb, Statistic.id)
        .limit(query.per_page)
        .offset((query.page - 1) * query.per_page)
    )
    return StatisticPage(
        tuple(_statistic_view(s) for s in rows), total, query.page, query.per_page, query
    )


def get_statistic(session: Session, slug: str) -> StatisticView:
    """One statistic. Raises NotFound."""
    return _statistic_view(by_slug(session, Statistic, slug))


def _subject_areas(
    session: Session, slugs: tuple[str, ...], kept: frozenset[str] = frozenset()
) -> list[SubjectArea]:
    """The subject areas named; a retired one only where the statistic has it already (``kept``)."""
    if not slugs:
        raise BadRequest("", (FieldError.said("/subject_areas", "programme.area_required"),)).said(
            "programme.needs_area"
        )
    found = {
        a.slug: a for a in session.scalars(select(SubjectArea).where(SubjectArea.slug.in_(slugs)))
    }
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise BadRequest(
            "",
            tuple(
                FieldError.said("/subject_areas", "programme.unknown_area", slug=s) for s in unknown
            ),
        ).said("programme.unknown_areas", slugs=", ".join(unknown))
    retired = [s for s in slugs if found[s].retired_at is not None and s not in kept]
    if retired:
        raise BadRequest(
            "",
            tuple(
                FieldError.said("/subject_areas", "programme.retired_area", slug=s) for s in retired
            ),
        ).said("programme.retired_areas", slugs=", ".join(retired))
    return [found[s] for s in dict.fromkeys(slugs)]


def _snapshot(statistic: Statistic) -> dict[str, Any]:
    view = asdict(_statistic_view(statistic))
    view["updated_at"] = statistic.updated_at.isoformat()
    view["subject_areas"] = [a.slug for a in statistic.subject_areas]
    if view["headline"] is not None:
        view["headline"] = {k: list(v) for k, v in view["headline"].items()}
    return view


def _apply(session: Session, statistic: Statistic, fields: StatisticFields) -> None:
    # No autoflush while fields are half-applied: each flush would bump the version counter.
    with session.no_autoflush:
        _assign(session, statistic, fields)


def _assign(session: Session, statistic: Statistic, fields: StatisticFields) -> None:
    for name in (
        "name_nb",
        "name_en",
        "description_nb",
        "description_en",
        "contact_name",
        "contact_email",
        "producer_url",
        "is_official",
    ):
        value = getattr(fields, name)
        if value is not None:
            setattr(statistic, name, value)
    if fields.frequency is not None:
        statistic.frequency = fields.frequency
    if fields.main_table_id is not None:
        statistic.main_table_id = fields.main_table_id or None
    if fields.headline is not None:
        statistic.headline = {k: list(v) for k, v in fields.headline.items()} or None
    if fields.subject_areas is not None:
        kept = frozenset(a.slug for a in statistic.subject_areas) if statistic.id else frozenset()
        statistic.subject_areas = _subject_areas(session, fields.subject_areas, kept)


def create_statistic(
    session: Session,
    actor: Actor | None,
    *,
    slug: str,
    producer_slug: str,
    fields: StatisticFields,
    now: datetime,
) -> StatisticView:
    """Create a statistic for a producer. Raises 401/403 (scoping), BadRequest, Conflict (slug taken)."""
    producer = session.scalar(select(Producer).where(Producer.slug == producer_slug))
    if producer is None:
        raise BadRequest("", (FieldError.said("/producer", "programme.unknown_producer"),)).said(
            "programme.no_producer", slug=producer_slug
        )
    actor = ensure_permission(actor, Permission.STATISTIC_CREATE, producer.id)
    if producer.retired_at is not None:
        raise Conflict("").said("programme.retired_no_statistics", producer=producer.short_name)
    if fields.name_nb is None or fields.name_en is None or fields.frequency is None:
        raise BadRequest("").said("programme.statistic_needs")
    refuse_taken(session, Statistic, slug)
    statistic = Statistic(
        slug=slug,
        producer_id=producer.id,
        created_at=now,
        updated_at=now,
        description_nb="",
        description_en="",
        is_official=True,
    )
    _apply(session, statistic, fields)
    if fields.subject_areas is None:
        _subject_areas(session, ())
    session.add(statistic)
    # Two creators of one slug both pass the check above; the unique slug refuses the second.
    with lost_race_is_conflict(session, f"The slug '{slug}' is taken."):
        session.flush()
    record_entry(
        session, actor, now, "create", "statistic", slug, producer.id, None, _snapshot(statistic)
    )
    return _statistic_view(statistic)


def update_statistic(
    session: Session,
    actor: Actor | None,
    slug: str,
    fields: StatisticFields,
    *,
    expected_version: int | None,
    now: datetime,
) -> StatisticView:
    """Change a statistic. Raises NotFound, 401/403 (scoping), BadRequest, Conflict (stale version)."""
    statistic = by_slug(session, Statistic, slug)
    actor = ensure_permission(actor, Permission.STATISTIC_UPDATE, statistic.producer_id)
    if expected_version is not None and expected_version != statistic.version:
        raise Conflict("").said(
            "programme.saved_meanwhile",
            slug=slug,
            current=statistic.version,
            yours=expected_version,
        )
    before = _snapshot(statistic)
    _apply(session, statistic, fields)
    changed = changed_fields(before, _snapshot(statistic), ignore={"updated_at", "version"})
    if changed is None:
        return _statistic_view(statistic)
    statistic.updated_at = now
    # Conditional on the version read (version_id_col): a writer who lost the race gets 409.
    with lost_race_is_conflict(
        session, f"Someone saved '{slug}' at the same moment; reload and try again."
    ):
        session.flush()
    record_entry(session, actor, now, "update", "statistic", slug, statistic.producer_id, *changed)
    return _statistic_view(statistic)


def changed_fields(
    before: dict[str, Any], after: dict[str, Any], ignore: Set[str] = frozenset()
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """What the audit log keeps of a write to a register entry: the fields it changed (by name, less
    the bookkeeping ones in ``ignore``), before and after; None when it changed none."""
    changed = sorted(k for k in after if after[k] != before[k] and k not in ignore)
    if not changed:
        return None
    return {k: before[k] for k in changed}, {k: after[k] for k in changed}


def record_entry(
    session: Session,
    actor: Actor,
    now: datetime,
    action: str,
    entity: str,
    slug: str,
    producer_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Audit a write to an entry of the programme's registers (a producer, subject area or
    statistic), named by its slug, in the caller's transaction."""
    record_write(
        session,
        actor=actor,
        at=now,
        action=action,
        entity=entity,
        entity_id=slug,
        producer_id=producer_id,
        before=before,
        after=after,
    )


def authorize_update(session: Session, actor: Actor | None, slug: str) -> StatisticView:
    """The statistic if ``actor`` may change it. Raises NotFound, then Unauthorized or Forbidden.

    Lets an API check rights before it reads the body, so a stranger learns nothing from validation errors.
    """
    statistic = by_slug(session, Statistic, slug)
    ensure_permission(actor, Permission.STATISTIC_UPDATE, statistic.producer_id)
    return _statistic_view(statistic)


def _producer_view(p: Producer, n: int) -> ProducerView:
    return ProducerView(p.slug, p.short_name, p.name_nb, p.name_en, p.website, p.org_number, n)


def _statistic_view(s: Statistic) -> StatisticView:
    return StatisticView(
        slug=s.slug,
        name_nb=s.name_nb,
        name_en=s.name_en,
        description_nb=s.description_nb,
        description_en=s.description_en,
        frequency=s.frequency,
        producer_slug=s.producer.slug,
        producer_short_name=s.producer.short_name,
        producer_name_nb=s.producer.name_nb,
        producer_name_en=s.producer.name_en,
        subject_areas=tuple(SubjectAreaRef(a.slug, a.name_nb, a.name_en) for a in s.subject_areas),
        contact_name=s.contact_name,
        contact_email=s.contact_email,
        producer_url=s.producer_url,
        is_official=s.is_official,
        updated_at=s.updated_at,
        version=s.version,
        main_table_id=s.main_table_id,
        headline={k: tuple(v) for k, v in s.headline.items()} if s.headline else None,
    )
