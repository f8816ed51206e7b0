"""Request and response shapes of /api/v1/releases."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, RootModel, StringConstraints

from release_calendar.rules import Kind, Precision, Reason

Text300 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
LongText = Annotated[str, StringConstraints(max_length=20000)]
Why = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ReleaseCreate(_In):
    statistic: Annotated[str, StringConstraints(max_length=80)]
    title_nb: Text300
    title_en: Text300
    kind: Kind
    period_start: date
    period_end: date
    period_label_nb: Label
    period_label_en: Label
    release_at: AwareDatetime = Field(
        description="Exact time, or any time in the provisional month or quarter."
    )
    precision: Precision = Precision.EXACT
    confirmed: bool = Field(
        True, description="Confirm the exact date and time now (only with precision exact)."
    )
    contents_nb: LongText = ""
    contents_en: LongText = ""
    release_note_nb: LongText = Field("", description="Published at release time, not before.")
    release_note_en: LongText = ""
    late_justification: Why | None = Field(
        None,
        description="Required when confirming less than 3 calendar months ahead; in Norwegian.",
    )
    late_justification_en: Why | None = Field(
        None, description="The justification in English (optional; pages say when it is missing)."
    )


class ScheduleIn(RootModel[list[ReleaseCreate]]):
    """A schedule as JSON: releases as ``POST /releases`` takes them; in a schedule a ``release_at``
    without a zone is Oslo time."""


class ReleaseUpdate(_In):
    version: int = Field(description="The version you read; a newer one gives 409.")
    title_nb: Text300 | None = None
    title_en: Text300 | None = None
    period_label_nb: Label | None = None
    period_label_en: Label | None = None
    contents_nb: LongText | None = None
    contents_en: LongText | None = None
    release_note_nb: LongText | None = None
    release_note_en: LongText | None = None


class ReleaseConfirm(_In):
    version: int
    release_at: AwareDatetime
    late_justification: Why | None = None
    late_justification_en: Why | None = None


class ReleaseReschedule(_In):
    version: int
    release_at: AwareDatetime
    precision: Precision = Precision.EXACT
    reason: Reason
    reason_text: Why = Field(description="The reason in words, in Norwegian.")
    reason_text_en: Why | None = Field(None, description="The reason in English (optional).")


class ReleaseCancel(_In):
    version: int
    reason: Reason
    reason_text: Why = Field(description="The reason in words, in Norwegian.")
    reason_text_en: Why | None = Field(None, description="The reason in English (optional).")


class CorrectionCreate(_In):
    what_was_wrong_nb: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    what_was_wrong_en: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    what_changed_nb: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    what_changed_en: Annotated[str, StringConstraints(min_length=1, max_length=5000)]


class AccessCreate(_In):
    recipient: Text300
    purpose: Why = Field(description="Why they had access, in Norwegian.")
    purpose_en: Why | None = Field(None, description="The purpose in English (optional).")
    hours_before: Annotated[int, Field(ge=1, le=336)]


class ChangeOut(BaseModel):
    at: datetime
    action: str
    old_release_at: datetime | None
    new_release_at: datetime | None
    old_precision: str | None
    new_precision: str | None
    reason: str | None
    reason_text: str | None = Field(description="In Norwegian.")
    reason_text_en: str | None = Field(
        description="In English; null when only Norwegian was given."
    )
    late_announcement: bool
    postponed: bool
    brought_forward: bool


class CorrectionOut(BaseModel):
    at: datetime
    what_was_wrong_nb: str
    what_was_wrong_en: str
    what_changed_nb: str
    what_changed_en: str


class AccessOut(BaseModel):
    recipient: str
    purpose: str
    purpose_en: str | None
    hours_before: int


class ReleaseStatisticRef(BaseModel):
    slug: str
    name_nb: str
    name_en: str
    producer: str


class ReleaseOut(BaseModel):
    id: int
    statistic: ReleaseStatisticRef
    title_nb: str
    title_en: str
    kind: Kind
    period_start: date
    period_end: date
    period_label_nb: str
    period_label_en: str
    release_at: datetime
    release_at_oslo: str = Field(description="The release time in Oslo, with its UTC offset.")
    precision: Precision
    status: str = Field(description="provisional, confirmed, postponed, published or cancelled.")
    late_announcement: bool
    late_justification: str | None
    late_justification_en: str | None
    brought_forward: bool
    contents_nb: str
    contents_en: str
    release_note_nb: str | None = Field(description="null until the release time.")
    release_note_en: str | None
    pre_release_access: list[AccessOut] | None = Field(description="null until the release time.")
    cancel_reason: str | None
    cancel_reason_text: str | None
    cancel_reason_text_en: str | None
    changes: list[ChangeOut]
    corrections: list[CorrectionOut]
    updated_at: datetime
    version: int
    links: dict[str, str]


class ReleaseListOut(BaseModel):
    items: list[ReleaseOut]
    total: int
    page: int
    per_page: int
    links: dict[str, str | None]


class ChangeNoticeOut(BaseModel):
    at: datetime
    kind: str = Field(
        description="postponed, brought-forward, cancelled, late-announcement or correction."
    )
    release: ReleaseOut
    change: ChangeOut | None
    correction: CorrectionOut | None


class ChangeNoticeListOut(BaseModel):
    items: list[ChangeNoticeOut]


class IndicatorRowOut(BaseModel):
    producer: str
    year: int
    frequency: str
    published: int
    announced_on_time: int
    announced_on_time_pct: float | None
    punctual_first_confirmed: int
    punctual_first_confirmed_pct: float | None
    punctual_pre_announced: int
    punctual_pre_announced_pct: float | None
    punctual_last_announced: int
    punctual_last_announced_pct: float | None
    timeliness_preliminary_days: float | None
    timeliness_final_days: float | None


class ReasonRowOut(BaseModel):
    producer: str
    year: int
    reason: str
    changes: int


class IndicatorsOut(BaseModel):
    definitions: dict[str, str]
    years: list[int]
    rows: list[IndicatorRowOut]
    reasons: list[ReasonRowOut]


class ScheduleOut(BaseModel):
    created: int
    releases: list[str]
