"""The programme's request and response shapes (producers, subject areas, statistics) for ``/api/v1``. They
validate input at the edge and feed the OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from portal.programme.models import Frequency

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Description = Annotated[str, StringConstraints(max_length=5000)]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
HttpUrl = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=500)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=100)]
#: The key figures' series (issue 18): {variable code: value codes}.
Headline = Annotated[
    dict[Code, Annotated[list[Code], Field(min_length=1, max_length=6)]],
    Field(max_length=20),
]


class _In(BaseModel):
    # Strict: "1" is not a number and unknown fields are mistakes, so both are refused with a 400.
    model_config = ConfigDict(extra="forbid", strict=True)


class StatisticUpdate(_In):
    """Fields to change; leave a field out to keep its value."""

    name_nb: Name | None = None
    name_en: Name | None = None
    description_nb: Description | None = None
    description_en: Description | None = None
    frequency: Frequency | None = None
    subject_areas: Annotated[list[Slug], Field(min_length=1, max_length=5)] | None = None
    contact_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    contact_email: Email | None = None
    producer_url: HttpUrl | None = None
    is_official: bool | None = None
    main_table_id: Annotated[
        str | None,
        Field(
            max_length=40,
            description="The table the page's key figures come from, one of the statistic's own; "
            "null: its first table.",
        ),
    ] = None
    headline: Annotated[
        Headline | None,
        Field(
            description="The key figures in the main table: {variable code: value codes}, several "
            "values of the contents variable only; time is always the latest two periods. Null: the "
            "first contents value.",
        ),
    ] = None


class StatisticCreate(StatisticUpdate):
    slug: Slug
    producer: Slug
    name_nb: Name
    name_en: Name
    frequency: Frequency
    subject_areas: Annotated[list[Slug], Field(min_length=1, max_length=5)]
    # A new statistic has no tables yet: the key figures are chosen once it has.
    main_table_id: None = None
    headline: None = None


class Links(BaseModel):
    self: str
    html_nb: str | None = None
    html_en: str | None = None


class ProducerOut(BaseModel):
    slug: str
    short_name: str
    name_nb: str
    name_en: str
    website: str
    org_number: str | None = Field(description="From Enhetsregisteret; null when not verified.")
    statistics_count: int
    links: Links


class SubjectAreaOut(BaseModel):
    slug: str
    name_nb: str
    name_en: str
    statistics_count: int
    links: Links


class ProducerRef(BaseModel):
    slug: str
    short_name: str
    name_nb: str
    name_en: str


class Contact(BaseModel):
    name: str | None
    email: str | None


class StatisticOut(BaseModel):
    slug: str
    name_nb: str
    name_en: str
    description_nb: str
    description_en: str
    frequency: Frequency
    producer: ProducerRef
    subject_areas: list[str]
    contact: Contact
    producer_url: str | None
    is_official: bool
    updated_at: datetime
    version: int = Field(
        description="Send it back in If-Match to refuse overwriting a newer change."
    )
    main_table_id: str | None = Field(
        default=None, description="The key figures' main table as chosen; null: the first table."
    )
    headline: dict[str, list[str]] | None = Field(
        default=None,
        description="The key figures' series as chosen; null: the first contents value.",
    )
    links: Links


class PageLinks(BaseModel):
    self: str
    next: str | None
    prev: str | None


class StatisticListOut(BaseModel):
    items: list[StatisticOut]
    total: int
    page: int
    per_page: int
    links: PageLinks


class ProducerListOut(BaseModel):
    items: list[ProducerOut]


class SubjectAreaListOut(BaseModel):
    items: list[SubjectAreaOut]
