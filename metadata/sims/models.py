"""Tables of "Om statistikken": one draft per statistic, immutable published versions, and reviews.

Content is stored keyed by SIMS code, ``{"S.3.1": {"nb": "...", "nn": "", "en": "...",
"not_relevant": false}}``, so one record serves the SIMS view and the "Om statistikken" view alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.kernel.db import Base


class DocumentationDraft(Base):
    __tablename__ = "documentation_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    statistic_id: Mapped[int] = mapped_column(
        ForeignKey("statistic.id", ondelete="CASCADE"), unique=True
    )
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    based_on: Mapped[int | None]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(254))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class DocumentationVersion(Base):
    """A published version. Never changed or deleted (database triggers refuse it)."""

    __tablename__ = "documentation_version"
    __table_args__ = (UniqueConstraint("statistic_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statistic_id: Mapped[int] = mapped_column(
        ForeignKey("statistic.id", ondelete="RESTRICT"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[datetime]
    # The producer's name (rows from before issue 16 may name a person or a token). Never shown:
    # pages and the API name the producer; who pressed the button is in the audit log.
    published_by: Mapped[str] = mapped_column(String(254))
    # Public from this instant: now, or the release time it was published with (equal access).
    visible_from: Mapped[datetime] = mapped_column(index=True)
    release_id: Mapped[int | None] = mapped_column(ForeignKey("release.id", ondelete="RESTRICT"))
    change_note: Mapped[str] = mapped_column(String(2000), default="")


class DocumentationReview(Base):
    """A producer's record that the documentation was reviewed for a release and needs no change (K68)."""

    __tablename__ = "documentation_review"
    __table_args__ = (UniqueConstraint("release_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statistic_id: Mapped[int] = mapped_column(
        ForeignKey("statistic.id", ondelete="RESTRICT"), index=True
    )
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id", ondelete="RESTRICT"))
    version_number: Mapped[int | None]
    reviewed_at: Mapped[datetime]
    reviewed_by: Mapped[str] = mapped_column(String(254))
