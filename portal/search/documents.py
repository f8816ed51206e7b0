"""What the search index holds: the documents of every registered domain (``portal/search/registry.py``),
each domain building its own (its ``search.py``), from the database. Never imports Flask.

Each document carries ``visible_from``: None when it is public as soon as it exists, else the instant it
becomes public (a release note or a table tied to a release: the release's time; never, for a release
that is not confirmed). The search filters on it at query time, so an item is findable at its release
minute without a reindex, and not a second before (the portal's visibility rule, portal/kernel/access.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from portal.kernel.findable import DELETED, Changes
from portal.kernel.findable import SearchDoc as SearchDoc  # re-exported: what the index stores
from portal.search.registry import registered


def all_docs(session: Session) -> Iterator[SearchDoc]:
    """Every document the index should hold, for a full rebuild."""
    for findable in registered():
        yield from findable.everything(session)


def docs_for(session: Session, changed: Changes) -> Iterator[SearchDoc]:
    """The documents the changes ``changed`` touch, rebuilt from the database (a document whose item
    is gone or no longer public is simply not among them)."""
    for findable in registered():
        yield from findable.documents(session, changed)


def deleted_ids(changed: Changes) -> list[str]:
    """The document ids ``changed`` removes, sorted."""
    return sorted(changed.get(DELETED, ()))


def parse_key(kind: str, key: str) -> Any:
    """A key as the shared change queue stores it (text), read back as the domain's key."""
    for findable in registered():
        for watch in findable.watches:
            if watch.kind == kind:
                return watch.parse(key)
    return key
