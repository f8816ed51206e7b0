"""Tables of the statistics programme."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.kernel.db import Base, enum_column


class Frequency(enum.StrEnum):
    """How often new figures come out; the calendar's timeliness indicator is reported per frequency."""

    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"
    BIENNIAL = "biennial"
    TRIENNIAL = "triennial"
    EVERY_FOUR_YEARS = "every-four-years"
    IRREGULAR = "irregular"


statistic_subject_area = Table(
    "statistic_subject_area",
    Base.metadata,
    Column("statistic_id", ForeignKey("statistic.id", ondelete="CASCADE"), primary_key=True),
    Column("subject_area_id", ForeignKey("subject_area.id", ondelete="RESTRICT"), primary_key=True),
)


class Producer(Base):
    __tablename__ = "producer"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    short_name: Mapped[str] = mapped_column(String(40), unique=True)
    name_nb: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    website: Mapped[str] = mapped_column(String(300))
    # Only from an authoritative source (Enhetsregisteret); null rather than a guess.
    org_number: Mapped[str | None] = mapped_column(String(9), unique=True)
    # A retired producer keeps its history and public pages but can no longer publish.
    retired_at: Mapped[datetime | None]

    statistics: Mapped[list[Statistic]] = relationship(back_populates="producer")


class SubjectArea(Base):
    __tablename__ = "subject_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_nb: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    # Retired areas keep their statistics' history but take no new statistics.
    retired_at: Mapped[datetime | None]


class Statistic(Base):
    __tablename__ = "statistic"
    __table_args__ = (UniqueConstraint("slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80))
    producer_id: Mapped[int] = mapped_column(
        ForeignKey("producer.id", ondelete="RESTRICT"), index=True
    )
    name_nb: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    description_nb: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    frequency: Mapped[Frequency] = enum_column(Frequency, 20)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    producer_url: Mapped[str | None] = mapped_column(String(500))
    is_official: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Optimistic locking: a write carrying an older version is refused with 409, so no edit is lost.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A retired statistic keeps its pages and history; it takes no new releases.
    retired_at: Mapped[datetime | None]
    # The key figures its page leads with (issue 18), as its producer chose them: the main table (a
    # table id of its own, no foreign key: a table may be replaced by a new upload of the same id) and
    # the headline series in it, {variable code: [value codes]} (several values of the contents
    # variable make several figures; every other variable names one value; time is always the latest
    # two periods). None: the statistic's first table, the first contents value of its latest period.
    main_table_id: Mapped[str | None] = mapped_column(String(40))
    headline: Mapped[dict[str, list[str]] | None] = mapped_column(JSON)

    producer: Mapped[Producer] = relationship(back_populates="statistics")
    subject_areas: Mapped[list[SubjectArea]] = relationship(
        secondary=statistic_subject_area, order_by=SubjectArea.position
    )

    __mapper_args__ = {"version_id_col": version}
