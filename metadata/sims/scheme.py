"""The SIMS 2.0 concept scheme and Statistics Norway's "Om statistikken" view of it, as shipped data.

``data/sims2.json`` holds every SIMS 2.0 concept and quality indicator; ``data/om_statistikken.json`` the
sections and fields of "Om statistikken" in Statistics Norway's order, each mapped to SIMS codes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

#: Filled by the portal from what it knows, never typed by a producer.
COMPUTED = frozenset({"S.2.1", "S.2.2", "S.2.3", "S.8.1"})


@dataclass(frozen=True)
class Concept:
    code: str
    sdmx_id: str
    name_en: str
    name_nb: str
    parent: str | None
    presentational: bool
    representation: str
    qpi: bool
    guidance_en: str
    guidance_nb: str

    @property
    def editable(self) -> bool:
        return not self.presentational and self.code not in COMPUTED


@dataclass(frozen=True)
class Field:
    key: str
    label_nb: str
    label_en: str
    sims: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class Section:
    id: str
    title_nb: str
    title_en: str
    fields: tuple[Field, ...]


def _load(name: str) -> Any:
    text = resources.files("metadata.sims").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def concepts() -> tuple[Concept, ...]:
    """Every SIMS 2.0 concept and quality indicator, in scheme order."""
    return tuple(Concept(**item) for item in _load("sims2.json")["concepts"])


@cache
def by_code() -> dict[str, Concept]:
    return {c.code: c for c in concepts()}


@cache
def sections() -> tuple[Section, ...]:
    """The "Om statistikken" sections in Statistics Norway's order."""
    return tuple(
        Section(
            id=s["id"],
            title_nb=s["title_nb"],
            title_en=s["title_en"],
            fields=tuple(
                Field(f["key"], f["label_nb"], f["label_en"], tuple(f["sims"]), f["required"])
                for f in s["fields"]
            ),
        )
        for s in _load("om_statistikken.json")["sections"]
    )


@cache
def required_codes() -> tuple[str, ...]:
    """The SIMS concepts every statistic must fill or mark not relevant: those behind the required
    "Om statistikken" fields (sources of error and uncertainty among them, K55)."""
    codes: dict[str, None] = {}
    for section in sections():
        for field in section.fields:
            if field.required:
                codes.update((code, None) for code in field.sims if code not in COMPUTED)
    return tuple(codes)


def section(section_id: str) -> Section | None:
    return next((s for s in sections() if s.id == section_id), None)
