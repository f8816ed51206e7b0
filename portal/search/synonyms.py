"""Synonyms and abbreviations (issue 18): words people search with and what the portal calls them
("folketall" → "befolkning", "KPI" → "konsumprisindeks"). The search looks for every expansion of a
query as well as the query itself, and a query that finds nothing is offered the nearest known word.
Administrators keep the list (``search_synonym``, seeded from ``data/synonyms.csv``). Never imports
Flask.

A term is matched as whole words, case-insensitively ("kpi" and "KPI mars" expand, "kpiks" does not).
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.kernel.access import Actor
from portal.kernel.audit import record_write
from portal.kernel.errors import BadRequest, Conflict, FieldError, Forbidden, NotFound, Unauthorized
from portal.search.models import SearchSynonym

SOURCE = Path(__file__).parent / "data" / "synonyms.csv"
TERM_MAX, EXPANSION_MAX = 100, 200


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class Synonym:
    id: int
    term: str
    expansion: str


@dataclass(frozen=True)
class Thesaurus:
    """The synonym list as the search reads it: each term (lower-cased, spaces collapsed) and what it
    stands for."""

    terms: Mapping[str, str]

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Thesaurus:
        return cls({_normal(t): " ".join(e.split()) for t, e in pairs if t.strip() and e.strip()})

    def expand(self, query: str) -> list[str]:
        """``query`` first, then ``query`` with each known term in it replaced by its expansion (one
        term at a time, longest term first), then those rewritten once more ("BNP" →
        "bruttonasjonalprodukt" → "nasjonalregnskap"); no duplicates. Empty for an empty query."""
        found = self._once(query)
        for variant in found[1:]:
            for further in self._once(variant)[1:]:
                if further.lower() not in {f.lower() for f in found}:
                    found.append(further)
        return found

    def _once(self, query: str) -> list[str]:
        text = " ".join(query.split())
        if not text:
            return []
        found = [text]
        lowered = text.lower()
        for term in sorted(self.terms, key=len, reverse=True):
            pattern = re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)
            if pattern.search(lowered):
                # A replacement string reads backslashes as escapes: an expansion's own are doubled.
                variant = pattern.sub(self.terms[term].replace("\\", "\\\\"), text)
                if variant.lower() not in {f.lower() for f in found}:
                    found.append(variant)
        return found

    def closest(self, query: str) -> str | None:
        """The expansion of the known term nearest to ``query`` as typed ("folketal" → "befolkning"),
        or the nearest known expansion itself; None when nothing is near."""
        text = _normal(query)
        if not text:
            return None
        near = difflib.get_close_matches(text, list(self.terms), n=1, cutoff=0.8)
        if near:
            return self.terms[near[0]]
        known = {_normal(e): e for e in self.terms.values()}
        near = difflib.get_close_matches(text, list(known), n=1, cutoff=0.8)
        return known[near[0]] if near else None


def read_source(path: Path = SOURCE) -> Thesaurus:
    """The starting list as shipped (``data/synonyms.csv``: ``term,expansion``)."""
    with path.open(encoding="utf-8", newline="") as source:
        return Thesaurus.of((row["term"], row["expansion"]) for row in csv.DictReader(source))


def load(session: Session) -> Thesaurus:
    """The list as administrators keep it."""
    rows = session.execute(select(SearchSynonym.term, SearchSynonym.expansion))
    return Thesaurus.of((term, expansion) for term, expansion in rows)


def expand(query: str, session: Session | None = None) -> list[str]:
    """``query`` and its expansions by the synonym list (``session``'s table; the shipped starting
    list without one): what the search and the calendar's name filter look for. ``query`` comes
    first; an empty query gives an empty list."""
    thesaurus = load(session) if session is not None else read_source()
    return thesaurus.expand(query)


def list_synonyms(session: Session) -> list[Synonym]:
    """Every synonym, by term."""
    rows = session.scalars(select(SearchSynonym).order_by(SearchSynonym.term))
    return [Synonym(r.id, r.term, r.expansion) for r in rows]


# ----------------------------------------------------------------------------------------- writes


def _ensure_admin(actor: Actor | None) -> Actor:
    if actor is None:
        raise Unauthorized()
    if not actor.is_portal_admin:
        raise Forbidden("").said("synonyms.only_admin")
    return actor


def _checked(session: Session, term: str, expansion: str, own_id: int | None) -> tuple[str, str]:
    term, expansion = _normal(term), " ".join(expansion.split())
    errors = []
    if not term:
        errors.append(FieldError.said("term", "synonyms.required"))
    elif len(term) > TERM_MAX:
        errors.append(FieldError.said("term", "synonyms.too_long", n=TERM_MAX))
    if not expansion:
        errors.append(FieldError.said("expansion", "synonyms.required"))
    elif len(expansion) > EXPANSION_MAX:
        errors.append(FieldError.said("expansion", "synonyms.too_long", n=EXPANSION_MAX))
    elif term and _normal(expansion) == term:
        errors.append(FieldError.said("expansion", "synonyms.same"))
    if errors:
        raise BadRequest("", tuple(errors)).said("synonyms.invalid")
    taken = session.scalar(select(SearchSynonym).where(SearchSynonym.term == term))
    if taken is not None and taken.id != own_id:
        raise Conflict("").said("synonyms.taken", term=term)
    return term, expansion


def _find(session: Session, synonym_id: int) -> SearchSynonym:
    found = session.get(SearchSynonym, synonym_id)
    if found is None:
        raise NotFound("").said("synonyms.not_found")
    return found


def _audit(
    session: Session,
    actor: Actor,
    now: datetime,
    action: str,
    row: SearchSynonym,
    before: dict[str, str] | None,
    after: dict[str, str] | None,
) -> None:
    record_write(
        session,
        actor=actor,
        at=now,
        action=action,
        entity="search_synonym",
        entity_id=row.term,
        producer_id=None,
        before=before,
        after=after,
    )


def add_synonym(
    session: Session, actor: Actor | None, term: str, expansion: str, now: datetime
) -> Synonym:
    """Add a synonym, audited in the caller's transaction (``now`` aware UTC). Raises Unauthorized,
    Forbidden (portal administrators only), BadRequest (empty or too long) or Conflict (term taken)."""
    actor = _ensure_admin(actor)
    term, expansion = _checked(session, term, expansion, None)
    row = SearchSynonym(term=term, expansion=expansion)
    session.add(row)
    session.flush()
    _audit(session, actor, now, "create", row, None, {"term": term, "expansion": expansion})
    return Synonym(row.id, row.term, row.expansion)


def update_synonym(
    session: Session,
    actor: Actor | None,
    synonym_id: int,
    term: str,
    expansion: str,
    now: datetime,
) -> Synonym:
    """Change a synonym, audited by what changed (nothing when nothing did). Raises as
    :func:`add_synonym`, and NotFound."""
    actor = _ensure_admin(actor)
    row = _find(session, synonym_id)
    term, expansion = _checked(session, term, expansion, row.id)
    before = {"term": row.term, "expansion": row.expansion}
    after = {"term": term, "expansion": expansion}
    if before != after:
        changed = [k for k in before if before[k] != after[k]]
        row.term, row.expansion = term, expansion
        session.flush()
        _audit(
            session,
            actor,
            now,
            "update",
            row,
            {k: before[k] for k in changed},
            {k: after[k] for k in changed},
        )
    return Synonym(row.id, row.term, row.expansion)


def delete_synonym(session: Session, actor: Actor | None, synonym_id: int, now: datetime) -> None:
    """Remove a synonym, audited. Raises Unauthorized, Forbidden or NotFound."""
    actor = _ensure_admin(actor)
    row = _find(session, synonym_id)
    _audit(session, actor, now, "delete", row, {"term": row.term, "expansion": row.expansion}, None)
    session.delete(row)
    session.flush()
