"""Request and response shapes of the documentation API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class ConceptText(BaseModel):
    sdmx_id: str | None = None
    nb: str = ""
    nn: str = ""
    en: str = ""
    not_relevant: bool = False


class CompletenessOut(BaseModel):
    required: int
    filled: int
    not_relevant: int
    missing: list[str]
    english: int
    score: float = Field(description="Per cent of required concepts filled or marked not relevant.")


class DocumentationOut(BaseModel):
    statistic: str
    number: int | None = Field(description="The published version; null when nothing is published.")
    published_at: datetime | None
    published_by: str | None = Field(
        description="The producer that published it (its name); never a person or a token, whose "
        "record is in the audit log."
    )
    change_note: str
    last_updated: datetime | None = Field(description="S.2.3, from the versions' times.")
    next_update: datetime | None = Field(description="S.8.1, the next release in the calendar.")
    completeness: CompletenessOut
    concepts: dict[str, ConceptText] = Field(description="Keyed by SIMS code, in scheme order.")
    links: dict[str, str]


class DraftIn(BaseModel):
    """A whole record (e.g. one exported from GET …/documentation) or, with ``merge``, some concepts.
    Other top-level keys of an export (statistic, number, links …) are ignored, so a round trip works."""

    model_config = ConfigDict(extra="ignore")

    draft_version: int | None = Field(None, description="The draft version you read (0 if none).")
    merge: bool = False
    concepts: dict[str, dict[str, object]]


class DraftOut(BaseModel):
    statistic: str
    draft_version: int
    based_on: int | None
    updated_at: datetime | None
    updated_by: str | None
    completeness: CompletenessOut
    concepts: dict[str, ConceptText]


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    draft_version: int | None = None
    change_note: Annotated[
        str,
        Field(
            max_length=2000,
            description="What has changed since the last version, shown with it in the version "
            "list. Required: an empty or blank note is refused with 400 (pointer /change_note).",
        ),
    ] = ""
    with_release: int | None = Field(
        None,
        description="Publish at this coming release's time. While a version waits for a coming "
        "release, the new one builds on it: leaving this out (now), or naming an earlier release, "
        "is refused with 409.",
    )


class VersionOut(BaseModel):
    number: int
    published_at: datetime
    published_by: str = Field(
        description="The producer that published it (its name); never a person or a token, whose "
        "record is in the audit log."
    )
    visible_from: datetime = Field(description="When it goes (or went) out.")
    change_note: str


class VersionListOut(BaseModel):
    items: list[VersionOut]


class ChangeOut(BaseModel):
    code: str
    sdmx_id: str
    before: ConceptText | None
    after: ConceptText | None


class DiffOut(BaseModel):
    statistic: str
    from_version: int
    to_version: int
    changes: list[ChangeOut]


class ReviewOut(BaseModel):
    release: int
    reviewed: bool


class ImportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    statistics: dict[str, dict[str, object]] = Field(
        description="Keyed by statistic slug; each value has a 'concepts' object keyed by SIMS code."
    )


class ImportOut(BaseModel):
    drafts: list[str]
