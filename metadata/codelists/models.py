"""Tables of the code-list registry: families, classifications and code lists, versions with validity,
levels, items, variants (regroupings of a version's codes), and correspondence tables (a table between
two versions of one classification is the list of changes between them).

Classifications brought in from Statistics Norway's Klass keep their Klass ids so scripts written
against Klass work unchanged; new ones get ids from :data:`FIRST_LOCAL_ID` up, a range Klass does not use.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base
from portal.programme.models import Producer

FIRST_LOCAL_ID = 100_000


class ClassificationFamily(Base):
    __tablename__ = "classification_family"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name_nb: Mapped[str] = mapped_column(String(200))
    name_nn: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")


class Classification(Base):
    __tablename__ = "classification"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    family_id: Mapped[int] = mapped_column(ForeignKey("classification_family.id"), index=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producer.id"), index=True)
    # "CLASSIFICATION" (official, exhaustive levels) or "CODELIST" (may be partial or overlapping).
    kind: Mapped[str] = mapped_column(String(20))
    name_nb: Mapped[str] = mapped_column(String(300))
    name_nn: Mapped[str] = mapped_column(String(300), default="")
    name_en: Mapped[str] = mapped_column(String(300), default="")
    description_nb: Mapped[str] = mapped_column(Text, default="")
    description_nn: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    primary_language: Mapped[str] = mapped_column(String(2), default="nb")
    include_short_name: Mapped[bool] = mapped_column(Boolean, default=False)
    include_notes: Mapped[bool] = mapped_column(Boolean, default=False)
    copyrighted: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(500), default="")
    last_modified: Mapped[datetime]

    producer: Mapped[Producer] = relationship()
    family: Mapped[ClassificationFamily] = relationship()
    versions: Mapped[list[ClassificationVersion]] = relationship(
        back_populates="classification", order_by="ClassificationVersion.valid_from.desc()"
    )


class ClassificationVersion(Base):
    __tablename__ = "classification_version"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    classification_id: Mapped[int] = mapped_column(ForeignKey("classification.id"), index=True)
    # From inclusive, to exclusive; None is open-ended. Versions of one classification never overlap.
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    alias: Mapped[str] = mapped_column(String(300), default="")
    introduction_nb: Mapped[str] = mapped_column(Text, default="")
    introduction_en: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    last_modified: Mapped[datetime]

    classification: Mapped[Classification] = relationship(back_populates="versions")
    levels: Mapped[list[ClassificationLevel]] = relationship(order_by="ClassificationLevel.number")
    items: Mapped[list[ClassificationItem]] = relationship(order_by="ClassificationItem.code")
    variants: Mapped[list[ClassificationVariant]] = relationship(
        back_populates="version", order_by="ClassificationVariant.id"
    )


class ClassificationLevel(Base):
    __tablename__ = "classification_level"
    __table_args__ = (UniqueConstraint("version_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("classification_version.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(Integer)
    name_nb: Mapped[str] = mapped_column(String(200))
    name_nn: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")


class ClassificationItem(Base):
    __tablename__ = "classification_item"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("classification_version.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(50))
    parent_code: Mapped[str | None] = mapped_column(String(50))
    level: Mapped[int] = mapped_column(Integer)
    name_nb: Mapped[str] = mapped_column(String(500))
    name_nn: Mapped[str] = mapped_column(String(500), default="")
    name_en: Mapped[str] = mapped_column(String(500), default="")
    short_name_nb: Mapped[str] = mapped_column(String(200), default="")
    short_name_nn: Mapped[str] = mapped_column(String(200), default="")
    short_name_en: Mapped[str] = mapped_column(String(200), default="")
    notes_nb: Mapped[str] = mapped_column(Text, default="")
    notes_nn: Mapped[str] = mapped_column(Text, default="")
    notes_en: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class StatisticCodeList(Base):
    """Which code lists a statistic uses (K54): shown on both the statistic's and the list's pages."""

    __tablename__ = "statistic_code_list"

    statistic_id: Mapped[int] = mapped_column(
        ForeignKey("statistic.id", ondelete="CASCADE"), primary_key=True
    )
    classification_id: Mapped[int] = mapped_column(
        ForeignKey("classification.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CorrespondenceTable(Base):
    __tablename__ = "correspondence_table"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    source_version_id: Mapped[int] = mapped_column(
        ForeignKey("classification_version.id"), index=True
    )
    target_version_id: Mapped[int] = mapped_column(
        ForeignKey("classification_version.id"), index=True
    )
    description_nb: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    last_modified: Mapped[datetime]

    source: Mapped[ClassificationVersion] = relationship(foreign_keys=[source_version_id])
    target: Mapped[ClassificationVersion] = relationship(foreign_keys=[target_version_id])
    # Nulls last on both databases (SQLite and PostgreSQL disagree by default).
    maps: Mapped[list[CorrespondenceMap]] = relationship(
        order_by=lambda: (
            CorrespondenceMap.source_code.asc().nulls_last(),
            CorrespondenceMap.target_code.asc().nulls_last(),
        )
    )


class CorrespondenceMap(Base):
    __tablename__ = "correspondence_map"

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("correspondence_table.id", ondelete="CASCADE"), index=True
    )
    # Either side may be missing: a code that came into being, or one that ceased.
    source_code: Mapped[str | None] = mapped_column(String(50))
    target_code: Mapped[str | None] = mapped_column(String(50))


class ClassificationVariant(Base):
    """A regrouping of one version's codes (Klass "variant"), with its own validity and publication.
    Its deepest level holds codes of the version; the levels above are the groups it defines."""

    __tablename__ = "classification_variant"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("classification_version.id", ondelete="CASCADE"), index=True
    )
    # The base name; Klass builds the full name from it, the start month and the version's name.
    name_nb: Mapped[str] = mapped_column(String(300))
    name_nn: Mapped[str] = mapped_column(String(300), default="")
    name_en: Mapped[str] = mapped_column(String(300), default="")
    introduction_nb: Mapped[str] = mapped_column(Text, default="")
    introduction_en: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    last_modified: Mapped[datetime]

    version: Mapped[ClassificationVersion] = relationship(back_populates="variants")
    levels: Mapped[list[VariantLevel]] = relationship(
        order_by="VariantLevel.number", cascade="all, delete-orphan"
    )
    items: Mapped[list[VariantItem]] = relationship(
        order_by="VariantItem.code", cascade="all, delete-orphan"
    )


class VariantLevel(Base):
    __tablename__ = "variant_level"
    __table_args__ = (UniqueConstraint("variant_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(
        ForeignKey("classification_variant.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(Integer)
    name_nb: Mapped[str] = mapped_column(String(200))
    name_nn: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")


class VariantItem(Base):
    __tablename__ = "variant_item"
    __table_args__ = (UniqueConstraint("variant_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(
        ForeignKey("classification_variant.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(50))
    parent_code: Mapped[str | None] = mapped_column(String(50))
    level: Mapped[int] = mapped_column(Integer)
    name_nb: Mapped[str] = mapped_column(String(500))
    name_nn: Mapped[str] = mapped_column(String(500), default="")
    name_en: Mapped[str] = mapped_column(String(500), default="")
