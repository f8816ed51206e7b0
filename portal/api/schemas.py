"""The shell's own response shapes (the API index, health and readiness); the programme's shapes live in
:mod:`portal.programme.schemas` and are re-exported here for the API's views."""

from __future__ import annotations

from pydantic import BaseModel, Field

from portal.programme.schemas import (
    Contact,
    Email,
    Links,
    Name,
    PageLinks,
    ProducerListOut,
    ProducerOut,
    ProducerRef,
    Slug,
    StatisticCreate,
    StatisticListOut,
    StatisticOut,
    StatisticUpdate,
    SubjectAreaListOut,
    SubjectAreaOut,
    _In,
)

__all__ = [
    "Contact",
    "Email",
    "HealthOut",
    "IndexOut",
    "Links",
    "Name",
    "PageLinks",
    "ProducerListOut",
    "ProducerOut",
    "ProducerRef",
    "ReadyOut",
    "Slug",
    "StatisticCreate",
    "StatisticListOut",
    "StatisticOut",
    "StatisticUpdate",
    "SubjectAreaListOut",
    "SubjectAreaOut",
    "_In",
]


class IndexOut(BaseModel):
    producers: list[ProducerOut]
    subject_areas: list[SubjectAreaOut]
    links: dict[str, str]


class HealthOut(BaseModel):
    status: str
    database: str


class ReadyOut(BaseModel):
    status: str = Field(description="ok or unready")
    parts: dict[str, str] = Field(description="Each part: ok, or what is wrong with it.")
    failing: list[str]


class PublicChangeOut(BaseModel):
    """One public change, as /api/v1/changes lists it."""

    id: int = Field(description="The event's id; the cursor to continue after it.")
    kind: str = Field(description="release.announced, release.moved, release.cancelled, …")
    ref: str = Field(description="What changed: release:<id>, table:<id>, …")
    topics: list[str]
    title: str
    text: str
    public_at: str = Field(description="When it became public (RFC 3339, UTC).")
    link: str = Field(description="The page that shows it, in the answer's language.")


class PublicChangeListOut(BaseModel):
    items: list[PublicChangeOut]
    language: str = Field(description="nb or en: the language of title, text and link.")
    next: str = Field(
        description="Where to continue: the page after the last item, or the same place when "
        "nothing is newer yet (poll it later)."
    )


class TableSummaryOut(BaseModel):
    id: str
    title: dict[str, str] = Field(description="nb and en (en empty when the table has none).")
    statistic: str = Field(description="The statistic's slug.")
    updated: str = Field(description="Its last public change (RFC 3339, UTC).")
    links: dict[str, str]


class TableSummaryListOut(BaseModel):
    items: list[TableSummaryOut]
    total: int
    page: int
    per_page: int
    links: PageLinks
