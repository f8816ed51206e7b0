"""Reading and writing "Om statistikken" records. Never imports Flask.

Drafts are private to the statistic's producer; published versions are immutable and public from their
``visible_from`` instant (the equal-access rule: a version published with a release appears at its time).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from metadata.sims import scheme
from metadata.sims.embargo import Waiting, not_withdrawn, refuse_overtaking, waiting_version
from metadata.sims.embargo import (
    goes_out_at as goes_out_at,  # re-exported: search documents read it from here
)
from metadata.sims.models import DocumentationDraft, DocumentationVersion
from metadata.sims.writing import ChangeNoteMissing, NothingToPublish, StaleDraft, as_written
from portal.kernel.access import Actor, Permission, ahead_filter, ensure_permission, is_embargoed
from portal.kernel.audit import record_write
from portal.kernel.concurrency import force_update, lost_race_is_conflict
from portal.kernel.errors import BadRequest, Conflict, FieldError, NotFound
from portal.programme.models import Statistic

if TYPE_CHECKING:
    from release_calendar.models import Release

MAX_TEXT = 20_000
#: Why a text was refused; the editing page words it in nb and en.
LANGS = ("nb", "nn", "en")


@dataclass(frozen=True)
class Entry:
    nb: str = ""
    nn: str = ""
    en: str = ""
    not_relevant: bool = False

    @property
    def norwegian(self) -> str:
        return self.nb or self.nn

    @property
    def empty(self) -> bool:
        return not (self.nb or self.nn or self.en or self.not_relevant)


Entries = Mapping[str, Entry]


@dataclass(frozen=True)
class Record:
    """A public version. ``published_by`` names the producer (nb; ``published_by_en`` in English), never
    the person or token that pressed the button: that is in the audit log, for administrators."""

    statistic_slug: str
    statistic_name_nb: str
    statistic_name_en: str
    producer_slug: str
    number: int | None
    published_at: datetime | None
    published_by: str | None
    change_note: str
    entries: Entries
    published_by_en: str | None = None


@dataclass(frozen=True)
class VersionSummary:
    """A version as the public sees it; ``published_by`` is the producer, as on :class:`Record`, and
    ``visible_from`` the instant it goes out (UTC)."""

    number: int
    published_at: datetime
    published_by: str
    published_by_en: str
    visible_from: datetime
    change_note: str


@dataclass(frozen=True)
class DraftView:
    statistic_slug: str
    statistic_name_nb: str
    statistic_name_en: str
    entries: Entries
    based_on: int | None
    version: int
    updated_at: datetime | None
    updated_by: str | None


@dataclass(frozen=True)
class Completeness:
    required: int
    filled: int
    not_relevant: int
    missing: tuple[str, ...]
    english: int

    @property
    def score(self) -> float:
        return (
            round(100 * (self.filled + self.not_relevant) / self.required, 1)
            if self.required
            else 100.0
        )


@dataclass(frozen=True)
class Change:
    code: str
    before: Entry | None
    after: Entry | None


def parse_entries(raw: Any) -> dict[str, Entry]:
    """Entries from their JSON form, keyed by SIMS code. Raises BadRequest listing every bad code."""
    if not isinstance(raw, Mapping):
        raise BadRequest("").said("doc.refuse.concepts_object")
    known = scheme.by_code()
    errors: list[FieldError] = []
    entries: dict[str, Entry] = {}
    for code, value in raw.items():
        pointer = f"/concepts/{code}"
        concept = known.get(code)
        if concept is None:
            errors.append(FieldError.said(pointer, "doc.field.not_sims"))
            continue
        if not concept.editable:
            errors.append(FieldError.said(pointer, "doc.field.not_editable"))
            continue
        if not isinstance(value, Mapping):
            errors.append(FieldError.said(pointer, "doc.field.shape"))
            continue
        unknown = set(value) - {*LANGS, "not_relevant", "sdmx_id", "name"}
        if unknown:
            errors.append(
                FieldError.said(pointer, "doc.field.unknown_keys", keys=", ".join(sorted(unknown)))
            )
            continue
        texts = {lang: value.get(lang, "") for lang in LANGS}
        flag = value.get("not_relevant", False)
        if not all(isinstance(t, str) for t in texts.values()) or not isinstance(flag, bool):
            errors.append(FieldError.said(pointer, "doc.field.types"))
            continue
        texts = {lang: as_written(t) for lang, t in texts.items()}
        if any(len(t) > MAX_TEXT for t in texts.values()):
            errors.append(FieldError.said(pointer, "doc.field.too_long", max=MAX_TEXT))
            continue
        if value.get("sdmx_id") not in (None, concept.sdmx_id):
            errors.append(FieldError.said(pointer, "doc.field.sdmx", id=concept.sdmx_id))
            continue
        entry = Entry(texts["nb"], texts["nn"], texts["en"], flag)
        if not entry.empty:
            entries[code] = entry
    if errors:
        key = "doc.refuse.concepts.one" if len(errors) == 1 else "doc.refuse.concepts.many"
        raise BadRequest("", tuple(errors)).said(key, n=len(errors))
    return entries


def entries_json(entries: Entries) -> dict[str, dict[str, Any]]:
    """The stored and exchanged form, in scheme order, with each concept's SDMX id."""
    known = scheme.by_code()
    ordered = [c.code for c in scheme.concepts() if c.code in entries]
    return {
        code: {
            "sdmx_id": known[code].sdmx_id,
            "nb": entries[code].nb,
            "nn": entries[code].nn,
            "en": entries[code].en,
            "not_relevant": entries[code].not_relevant,
        }
        for code in ordered
    }


def as_stored(entry: Entry) -> Entry:
    """``entry`` with its texts as written (LF line breaks): drafts saved with CRLF before issue 20
    read, compare and diff equal to the same text sent with LF."""
    return Entry(
        as_written(entry.nb), as_written(entry.nn), as_written(entry.en), entry.not_relevant
    )


def _from_json(content: Mapping[str, Any]) -> dict[str, Entry]:
    return {
        code: as_stored(
            Entry(v.get("nb", ""), v.get("nn", ""), v.get("en", ""), bool(v.get("not_relevant")))
        )
        for code, v in content.items()
    }


def _statistic(session: Session, slug: str) -> Statistic:
    statistic = session.scalar(select(Statistic).where(Statistic.slug == slug))
    if statistic is None:
        raise NotFound("").said("doc.refuse.no_statistic", slug=slug)
    return statistic


def _visible_versions(session: Session, statistic_id: int, now: datetime) -> Any:
    return (
        select(DocumentationVersion, goes_out_at())
        .where(DocumentationVersion.statistic_id == statistic_id, goes_out_at() <= now)
        .order_by(DocumentationVersion.number.desc())
    )


def published(session: Session, slug: str, now: datetime, number: int | None = None) -> Record:
    """The latest public version (or version ``number``) at ``now``; an empty record if none yet.
    Raises NotFound for an unknown statistic or a version that is not public."""
    statistic = _statistic(session, slug)
    stmt = _visible_versions(session, statistic.id, now)
    if number is not None:
        stmt = stmt.where(DocumentationVersion.number == number)
    version = session.scalars(stmt.limit(1)).first()  # the first column: the version
    if version is None and number is not None:
        raise NotFound("").said("doc.refuse.no_version", slug=slug, number=number)
    producer = statistic.producer
    return Record(
        statistic_slug=statistic.slug,
        statistic_name_nb=statistic.name_nb,
        statistic_name_en=statistic.name_en,
        producer_slug=producer.slug,
        number=version.number if version else None,
        published_at=version.published_at if version else None,
        published_by=producer.name_nb if version else None,
        change_note=version.change_note if version else "",
        entries=_from_json(version.content) if version else {},
        published_by_en=(producer.name_en or producer.name_nb) if version else None,
    )


def list_versions(session: Session, slug: str, now: datetime) -> list[VersionSummary]:
    """Every public version, newest first (applies the visibility rule)."""
    statistic = _statistic(session, slug)
    producer = statistic.producer
    return [
        VersionSummary(
            v.number,
            v.published_at,
            producer.name_nb,
            producer.name_en or producer.name_nb,
            out_at,
            v.change_note,
        )
        for v, out_at in session.execute(_visible_versions(session, statistic.id, now))
    ]


def diff(before: Entries, after: Entries) -> list[Change]:
    """What changed between two records, concept by concept, in scheme order; texts that differ only
    in their line breaks or surrounding blanks are the same."""
    changes = []
    for concept in scheme.concepts():
        old, new = before.get(concept.code), after.get(concept.code)
        old, new = (as_stored(e) if e is not None else None for e in (old, new))
        if old != new:
            changes.append(Change(concept.code, old, new))
    return changes


def completeness(entries: Entries) -> Completeness:
    """How much of what every statistic must document (the required "Om statistikken" fields) is
    filled in Norwegian or marked not relevant; English counted alongside."""
    required = scheme.required_codes()
    filled = [
        c for c in required if c in entries and entries[c].norwegian and not entries[c].not_relevant
    ]
    not_relevant = [c for c in required if c in entries and entries[c].not_relevant]
    missing = tuple(c for c in required if c not in filled and c not in not_relevant)
    english = sum(1 for c in required if c in entries and entries[c].en)
    return Completeness(len(required), len(filled), len(not_relevant), missing, english)


def _newest_standing(session: Session, statistic_id: int) -> DocumentationVersion | None:
    """The newest version that is public or still to go out; a withdrawn one (its release cancelled)
    is skipped, so its text does not come back through the next working copy."""
    return session.scalars(
        select(DocumentationVersion)
        .where(DocumentationVersion.statistic_id == statistic_id, not_withdrawn())
        .order_by(DocumentationVersion.number.desc())
        .limit(1)
    ).first()


def get_draft(session: Session, actor: Actor | None, slug: str) -> DraftView:
    """The producer's working copy: the saved draft, or else the newest version that is not withdrawn
    (public, or waiting for its release). Raises NotFound, Unauthorized, Forbidden."""
    statistic = _statistic(session, slug)
    ensure_permission(actor, Permission.DOCUMENTATION_WRITE, statistic.producer_id)
    draft = session.scalar(
        select(DocumentationDraft).where(DocumentationDraft.statistic_id == statistic.id)
    )
    if draft is not None:
        return DraftView(
            statistic.slug,
            statistic.name_nb,
            statistic.name_en,
            _from_json(draft.content),
            draft.based_on,
            draft.version,
            draft.updated_at,
            draft.updated_by,
        )
    latest = _newest_standing(session, statistic.id)
    return DraftView(
        statistic.slug,
        statistic.name_nb,
        statistic.name_en,
        _from_json(latest.content) if latest else {},
        latest.number if latest else None,
        0,
        None,
        None,
    )


def _finish_write(
    session: Session,
    actor: Actor,
    statistic: Statistic,
    action: str,
    now: datetime,
    *,
    race: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Flush a write to ``statistic``'s documentation (a lost race is a Conflict saying ``race``) and
    append ``action`` to the audit log, in the caller's transaction."""
    try:
        with lost_race_is_conflict(session, ""):
            session.flush()
    except Conflict as lost:
        raise lost.said(race) from lost.__cause__
    record_write(
        session,
        actor=actor,
        at=now,
        action=action,
        entity="documentation",
        entity_id=statistic.slug,
        producer_id=statistic.producer_id,
        before=before,
        after=after,
    )


def save_draft(
    session: Session,
    actor: Actor | None,
    slug: str,
    entries: Entries,
    *,
    expected_version: int | None,
    now: datetime,
    merge: bool = False,
) -> DraftView:
    """Save the working copy (all of it, or with ``merge`` only the given concepts). A stale
    ``expected_version`` (0 for "no draft yet") is a Conflict; nothing is lost, the caller keeps its text."""
    current = get_draft(session, actor, slug)
    assert actor is not None
    if expected_version is not None and expected_version != current.version:
        raise StaleDraft("").said(
            "doc.refuse.stale_saved", current=current.version, yours=expected_version
        )
    statistic = _statistic(session, slug)
    merged = {**current.entries, **entries} if merge else dict(entries)
    merged = {k: v for k, v in merged.items() if not v.empty}
    content = entries_json(merged)
    draft = session.scalar(
        select(DocumentationDraft).where(DocumentationDraft.statistic_id == statistic.id)
    )
    # Issue 16: on PostgreSQL this second read sees a draft another writer created after the first
    # one; saving over it would lose that writer's text, so it is a conflict like a stale version.
    if (draft.version if draft is not None else 0) != current.version:
        raise StaleDraft("").said("doc.refuse.stale_moment")
    if draft is None:
        draft = DocumentationDraft(
            statistic_id=statistic.id,
            content=content,
            based_on=current.based_on,
            updated_at=now,
            updated_by=actor.label,
        )
        session.add(draft)
    else:
        draft.content, draft.updated_at, draft.updated_by = content, now, actor.label
        force_update(draft, "updated_at")  # every save raises the version, an identical one too
    # The UPDATE is conditional on the version read (version_id_col), and two first saves meet at
    # the unique statistic_id: either way the loser gets 409, never a 500 or a silent overwrite.
    _finish_write(
        session,
        actor,
        statistic,
        "save-draft",
        now,
        race="doc.refuse.stale_moment",
        before={"concepts": [c.code for c in diff(current.entries, merged)]},
    )
    return get_draft(session, actor, slug)


def publish(
    session: Session,
    actor: Actor | None,
    slug: str,
    *,
    change_note: str,
    with_release: int | None,
    expected_version: int | None,
    now: datetime,
) -> VersionSummary:
    """Make the draft an immutable, numbered version. With ``with_release`` it becomes public at that
    release's time, not before. The draft builds on the versions before it, so while one of them waits
    for a coming release, publishing now or with an earlier release is refused (WaitsForRelease, a
    409), and so is publishing now on a version withdrawn with a cancelled release: equal access has
    no side door (issue 16). ``change_note`` is required (ChangeNoteMissing, a 400: issue 20). Raises
    401/403/404, BadRequest, Conflict (StaleDraft, NothingToPublish)."""
    from release_calendar.models import Release

    _take_turn_to_publish(session, actor, slug)
    draft_view = get_draft(session, actor, slug)
    assert actor is not None
    change_note = as_written(change_note)
    if not change_note:
        raise ChangeNoteMissing()
    if expected_version is not None and expected_version != draft_view.version:
        raise StaleDraft("").said("doc.refuse.stale_publish")
    statistic = _statistic(session, slug)
    visible_from = now
    release: Release | None = None
    if with_release is not None:
        release = session.get(Release, with_release)
        if release is None or release.statistic_id != statistic.id:
            raise BadRequest(
                "", (FieldError.said("/with_release", "doc.field.unknown_release"),)
            ).said("doc.refuse.release_unknown")
        if not is_embargoed(release.state, release.release_at, now):
            raise BadRequest("", (FieldError.said("/with_release", "doc.field.not_coming"),)).said(
                "doc.refuse.release_not_coming"
            )
        visible_from = release.release_at
    refuse_overtaking(session, statistic.id, draft_view.based_on, release, now)
    standing = _newest_standing(session, statistic.id)
    if standing is not None and _from_json(standing.content) == dict(draft_view.entries):
        raise NothingToPublish()
    latest = session.scalar(
        select(func.max(DocumentationVersion.number)).where(
            DocumentationVersion.statistic_id == statistic.id
        )
    )
    number = (latest or 0) + 1
    producer = statistic.producer
    version = DocumentationVersion(
        statistic_id=statistic.id,
        number=number,
        content=entries_json(draft_view.entries),
        published_at=now,
        # The public names the producer; who pressed the button is in the audit log below.
        published_by=producer.name_nb[:254],
        visible_from=visible_from,
        release_id=with_release,
        change_note=change_note[:2000],
    )
    session.add(version)
    draft = session.scalar(
        select(DocumentationDraft).where(DocumentationDraft.statistic_id == statistic.id)
    )
    if draft is not None:
        session.delete(draft)
    # Two publications at once meet at the unique (statistic, number) or at the draft's version:
    # one succeeds and is audited, the other is a Conflict (issue 16).
    _finish_write(
        session,
        actor,
        statistic,
        "publish",
        now,
        race="doc.refuse.published_moment",
        after={
            "number": number,
            "visible_from": visible_from.isoformat(),
            "release": with_release,
        },
    )
    return VersionSummary(
        number,
        now,
        producer.name_nb,
        producer.name_en or producer.name_nb,
        visible_from,
        version.change_note,
    )


def _take_turn_to_publish(session: Session, actor: Actor | None, slug: str) -> None:
    """Publications of one statistic's documentation take turns (issue 16): the statistic's row is
    locked (SELECT … FOR UPDATE on PostgreSQL; SQLite runs one writer at a time anyway) before the
    draft, the standing version and the next number are read, so a second publisher reads what the
    first committed and gets 409, never a second version of the same draft. Raises NotFound,
    Unauthorized, Forbidden."""
    statistic = _statistic(session, slug)
    ensure_permission(actor, Permission.DOCUMENTATION_WRITE, statistic.producer_id)
    session.execute(select(Statistic.id).where(Statistic.id == statistic.id).with_for_update())


def waiting(session: Session, actor: Actor | None, slug: str, now: datetime) -> Waiting | None:
    """For the producer's publish form: the version new versions may not go out before, if one waits
    for a coming release. Raises NotFound, Unauthorized, Forbidden."""
    statistic = _statistic(session, slug)
    ensure_permission(actor, Permission.DOCUMENTATION_WRITE, statistic.producer_id)
    return waiting_version(session, statistic.id, now)


def last_updated(session: Session, slug: str, now: datetime) -> datetime | None:
    """S.2.3: when the public content last changed (the newest public version)."""
    statistic = _statistic(session, slug)
    return session.scalar(
        select(func.max(goes_out_at())).where(
            DocumentationVersion.statistic_id == statistic.id, goes_out_at() <= now
        )
    )


def next_update(session: Session, slug: str, now: datetime) -> datetime | None:
    """S.8.1: the statistic's next release time in the calendar (confirmed or provisional)."""
    from release_calendar.models import Release

    statistic = _statistic(session, slug)
    return session.scalar(
        select(func.min(Release.release_at)).where(
            Release.statistic_id == statistic.id,
            ahead_filter(Release.state, Release.release_at, now),
        )
    )


def version_in_force(session: Session, statistic_id: int, at: datetime) -> int | None:
    """The documentation version that was public at instant ``at`` (recorded for each release)."""
    return session.scalar(
        select(func.max(DocumentationVersion.number)).where(
            DocumentationVersion.statistic_id == statistic_id, goes_out_at() <= at
        )
    )


def import_many(
    session: Session, actor: Actor | None, records: Mapping[str, Any], now: datetime
) -> list[str]:
    """Save drafts for many statistics at once, all or none: ``{slug: {"concepts": {...}}}``.
    Raises BadRequest listing every bad statistic and concept, 401/403 (a statistic of another
    producer) before anything is saved."""
    if not isinstance(records, Mapping) or not records:
        raise BadRequest("").said("doc.refuse.send_object")
    errors: list[FieldError] = []
    parsed: dict[str, dict[str, Entry]] = {}
    for slug, record in records.items():
        try:
            statistic = _statistic(session, slug)
        except NotFound:
            errors.append(FieldError.said(f"/{slug}", "doc.field.unknown_statistic"))
            continue
        ensure_permission(actor, Permission.DOCUMENTATION_WRITE, statistic.producer_id)
        concepts = record.get("concepts") if isinstance(record, Mapping) else None
        try:
            parsed[slug] = parse_entries(concepts)
        except BadRequest as error:
            errors.extend(replace(e, pointer=f"/{slug}{e.pointer}") for e in error.errors)
            if not error.errors:
                errors.append(FieldError(f"/{slug}", error.detail, error.key, error.values))
    if errors:
        key = "doc.refused.one" if len(errors) == 1 else "doc.refused.many"
        raise BadRequest("", tuple(errors)).said(key, n=len(errors))
    for slug, entries in parsed.items():
        save_draft(session, actor, slug, entries, expected_version=None, now=now)
    return list(parsed)
