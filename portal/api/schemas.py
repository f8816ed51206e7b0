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
