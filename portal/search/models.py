"""The shared queue of search-index changes: every commit that changes what the index holds also writes,
in the same transaction, one row per changed item. Each machine's ``portal search follow`` replays the
rows after its own position into its own index (``portal/search/follow.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.kernel.db import Base


class SearchChange(Base):
    __tablename__ = "search_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # statistic, release, table, codelist, ...
    key: Mapped[str] = mapped_column(String(200))  # the item's slug or id, as text
    at: Mapped[datetime] = mapped_column(index=True)


class SearchSynonym(Base):
    """One word or abbreviation people search with (``term``) and what the portal calls it
    (``expansion``): a search for the term also finds the expansion (issue 18). Seeded from
    ``portal/search/data/synonyms.csv``, kept by administrators at ``/min-side/admin/synonymer``."""

    __tablename__ = "search_synonym"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    term: Mapped[str] = mapped_column(String(100), unique=True)  # lower-cased
    expansion: Mapped[str] = mapped_column(String(200))
