"""The audit log in words (issue 20): "Kari Nordmann opprettet API-nøkkel «årsplan»" instead of
"create api_token 1". The kernel's log knows objects by kind and id only; the shell, which sees every
domain, finds each object's name (and each actor's) with one query per kind of object on the page.

The sentences come from the message table in portal.accounts.messages, keyed by (action, kind of
object); an object whose record is gone is named by what its entry kept, else by its id."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from metadata.codelists.models import Classification
from portal.accounts.messages import AUDIT_NOUNS, AUDIT_SENTENCES, AUDIT_VERBS
from portal.accounts.models import ApiToken, User
from portal.kernel.audit import AuditEntry
from portal.kernel.i18n import pick, translate
from portal.programme.models import Producer, Statistic, SubjectArea
from release_calendar.models import Release


@dataclass(frozen=True)
class Described:
    """One entry of the log as a reader sees it: when, and the sentence. The fields before and after
    stay with the administration API (/api/v1/admin/audit): their names are the records' own."""

    id: int
    at: datetime
    sentence: str


def kind_label(kind: str) -> str:
    """The label of a kind of object, for the log's filter."""
    return translate(f"audit.kind.{kind if kind in AUDIT_NOUNS else 'other'}")


Names = dict[str, str]
Lookup = Callable[[Session, set[str]], Names]


def _ids(keys: Iterable[str]) -> list[int]:
    return [int(k) for k in keys if k.isdigit() and len(k) < 12]


def _users(session: Session, keys: set[str]) -> Names:
    rows = session.execute(select(User.id, User.name).where(User.id.in_(_ids(keys))))
    return {str(i): name for i, name in rows}


def _tokens(session: Session, keys: set[str]) -> Names:
    rows = session.execute(select(ApiToken.id, ApiToken.name).where(ApiToken.id.in_(_ids(keys))))
    return {str(i): name for i, name in rows}


def _producers(session: Session, keys: set[str]) -> Names:
    found = session.scalars(select(Producer).where(Producer.slug.in_(keys)))
    return {p.slug: pick(p.name_nb, p.name_en) for p in found}


def _areas(session: Session, keys: set[str]) -> Names:
    found = session.scalars(select(SubjectArea).where(SubjectArea.slug.in_(keys)))
    return {a.slug: pick(a.name_nb, a.name_en) for a in found}


def _statistics(session: Session, keys: set[str]) -> Names:
    # A statistic's slug is unique within its producer; its key is "<producer id>/<slug>".
    slugs = {k.split("/", 1)[-1] for k in keys}
    found = session.scalars(select(Statistic).where(Statistic.slug.in_(slugs)))
    return {f"{s.producer_id}/{s.slug}": pick(s.name_nb, s.name_en) for s in found}


def _releases(session: Session, keys: set[str]) -> Names:
    found = session.scalars(select(Release).where(Release.id.in_(_ids(keys))))
    return {str(r.id): pick(r.title_nb, r.title_en) for r in found}


def _code_lists(session: Session, keys: set[str]) -> Names:
    found = session.scalars(select(Classification).where(Classification.id.in_(_ids(keys))))
    return {str(c.id): pick(c.name_nb, c.name_en) for c in found}


#: How each kind of object is named: by its record, found from the entry's id.
_LOOKUPS: dict[str, Lookup] = {
    "api_token": _tokens,
    "user": _users,
    "producer": _producers,
    "subject_area": _areas,
    "statistic": _statistics,
    "documentation": _statistics,
    "release": _releases,
    "code_list": _code_lists,
}


def _key(entry: AuditEntry) -> str:
    if entry.entity in {"statistic", "documentation"}:
        return f"{entry.producer_id}/{entry.entity_id}"
    return entry.entity_id


def _kept_name(entry: AuditEntry) -> str | None:
    """The name the entry itself kept, for an object whose record is gone."""
    for record in (entry.after, entry.before):
        if isinstance(record, dict):
            for field in ("name", "name_nb", "title_nb", "title"):
                value = record.get(field)
                if isinstance(value, str) and value:
                    return value
    return None


def describe(session: Session, entries: Sequence[AuditEntry]) -> list[Described]:
    """``entries`` in words, in the request's language, in the order given."""
    names: dict[str, Names] = {}
    for kind, lookup in _LOOKUPS.items():
        keys = {_key(e) for e in entries if e.entity == kind}
        if keys:
            names[kind] = lookup(session, keys)
    user_names = _users(session, _actors(entries, "user"))
    token_names = _tokens(session, _actors(entries, "token"))

    def who(entry: AuditEntry) -> str:
        if entry.actor_kind == "cli":
            return translate("audit.by_cli")
        if entry.actor_kind == "token":
            name = token_names.get(str(entry.actor_id))
            return translate("audit.by_token", name=name) if name else translate("audit.someone")
        return user_names.get(str(entry.actor_id)) or translate("audit.someone")

    described = []
    for entry in entries:
        name = names.get(entry.entity, {}).get(_key(entry)) or _kept_name(entry) or entry.entity_id
        values = {"who": who(entry), "name": name}
        if (entry.action, entry.entity) in AUDIT_SENTENCES:
            sentence = translate(f"audit.{entry.action}.{entry.entity}", **values)
        else:
            verb = entry.action if entry.action in AUDIT_VERBS else "other"
            noun = entry.entity if entry.entity in AUDIT_NOUNS else "other"
            sentence = translate(
                "audit.sentence",
                verb=translate(f"audit.verb.{verb}"),
                noun=translate(f"audit.noun.{noun}"),
                **values,
            )
        described.append(Described(entry.id, entry.at, sentence))
    return described


def _actors(entries: Iterable[AuditEntry], kind: str) -> set[str]:
    return {str(e.actor_id) for e in entries if e.actor_kind == kind and e.actor_id is not None}
