"""Tables of the release calendar. The history of every release is append-only rows, never overwritten."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.kernel.db import Base, enum_column
from portal.programme.models import Statistic
from release_calendar.rules import Action, Kind, Precision, Reason, State


class Release(Base):
    __tablename__ = "release"

    id: Mapped[int] = mapped_column(primary_key=True)
    statistic_id: Mapped[int] = mapped_column(
        ForeignKey("statistic.id", ondelete="RESTRICT"), index=True
    )
    title_nb: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    kind: Mapped[Kind] = enum_column(Kind, 20)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    period_label_nb: Mapped[str] = mapped_column(String(100))
    period_label_en: Mapped[str] = mapped_column(String(100))
    # The announced instant (UTC). With month or quarter precision it is the period's first day at 08:00.
    release_at: Mapped[datetime] = mapped_column(index=True)
    precision: Mapped[Precision] = enum_column(Precision, 10)
    state: Mapped[State] = enum_column(State, 12, index=True)
    # When the exact date and time were first confirmed, and what they were then (for the indicators).
    first_confirmed_at: Mapped[datetime | None]
    first_confirmed_release_at: Mapped[datetime | None]
    # Why a release was confirmed less than 3 months ahead (K11), in Norwegian and, optionally, English.
    late_justification: Mapped[str | None] = mapped_column(Text)
    late_justification_en: Mapped[str | None] = mapped_column(Text)
    # Announced with the release, so public from the start.
    contents_nb: Mapped[str] = mapped_column(Text, default="")
    contents_en: Mapped[str] = mapped_column(Text, default="")
    # Published with the release: under embargo until release_at.
    release_note_nb: Mapped[str] = mapped_column(Text, default="")
    release_note_en: Mapped[str] = mapped_column(Text, default="")
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

    statistic: Mapped[Statistic] = relationship()
    changes: Mapped[list[ReleaseChange]] = relationship(
        back_populates="release", order_by="ReleaseChange.id"
    )
    corrections: Mapped[list[Correction]] = relationship(order_by="Correction.id")
    pre_release_access: Mapped[list[PreReleaseAccess]] = relationship(
        order_by="PreReleaseAccess.id"
    )

    __mapper_args__ = {"version_id_col": version}
    # "The newest release that has gone out" is asked on every feed request: one index probe.
    __table_args__ = (Index("ix_release_state_release_at", "state", "release_at"),)


class CalendarRevision(Base):
    """One row counting every write to the calendar, so channels know cheaply when to rebuild."""

    __tablename__ = "calendar_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime]


class OfRelease:
    """A row that belongs to one release (its history, corrections, disclosures) and goes with it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        ForeignKey("release.id", ondelete="CASCADE"), index=True
    )


class ReleaseChange(OfRelease, Base):
    """One event in a release's public history: announced, confirmed, rescheduled or cancelled."""

    __tablename__ = "release_change"

    at: Mapped[datetime] = mapped_column(index=True)
    action: Mapped[Action] = enum_column(Action, 20)
    old_release_at: Mapped[datetime | None]
    new_release_at: Mapped[datetime | None]
    old_precision: Mapped[Precision | None] = enum_column(Precision, 10)
    new_precision: Mapped[Precision | None] = enum_column(Precision, 10)
    reason_code: Mapped[Reason | None] = enum_column(Reason, 40)
    reason_text: Mapped[str | None] = mapped_column(Text)  # Norwegian
    reason_text_en: Mapped[str | None] = mapped_column(Text)
    late: Mapped[bool] = mapped_column(default=False)

    release: Mapped[Release] = relationship(back_populates="changes")

    @classmethod
    def date_change(
        cls,
        release: Release,
        at: datetime,
        reason: Reason,
        text: str,
        new: tuple[datetime, Precision] | None,
        text_en: str | None = None,
    ) -> ReleaseChange:
        """``release`` moved at ``at`` from the time it has to ``new`` (time and precision), or
        cancelled when ``new`` is None, for ``reason`` in words ``text`` (and in English ``text_en``)."""
        new_at, new_precision = new or (None, None)
        return cls(
            at=at,
            action=Action.CANCELLED if new is None else Action.RESCHEDULED,
            old_release_at=release.release_at,
            new_release_at=new_at,
            old_precision=release.precision,
            new_precision=new_precision,
            reason_code=reason,
            reason_text=text,
            reason_text_en=text_en or None,
        )


class Correction(OfRelease, Base):
    """A correction notice on a published release (K12): what was wrong, what changed, when."""

    __tablename__ = "release_correction"

    at: Mapped[datetime] = mapped_column(index=True)
    what_was_wrong_nb: Mapped[str] = mapped_column(Text)
    what_was_wrong_en: Mapped[str] = mapped_column(Text)
    what_changed_nb: Mapped[str] = mapped_column(Text)
    what_changed_en: Mapped[str] = mapped_column(Text)


class PreReleaseAccess(OfRelease, Base):
    """Who outside production saw results before release, and why (K15); disclosed with the release."""

    __tablename__ = "release_pre_release_access"

    recipient: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(Text)  # Norwegian
    purpose_en: Mapped[str | None] = mapped_column(Text)
    hours_before: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
