"""The real county (Klass 104) and municipality (Klass 131) classifications for the demo, with their
versions from 2018 (before the 2020 reform) through the 2020 and 2024 reforms, the change tables between
them and the municipality-to-county correspondences, as published in public repositories
(data/SOURCES.md; each file names its sources too). They keep their Klass ids. Idempotent."""

from __future__ import annotations

import json
from datetime import date, datetime
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from metadata.codelists.importing import ClassificationIn, ItemIn, VersionIn, load
from metadata.codelists.models import (
    Classification,
    ClassificationKind,
    ClassificationVariant,
    StatisticCodeList,
    VariantItem,
    VariantLevel,
)
from portal.programme.models import Producer, Statistic

COUNTIES, MUNICIPALITIES = 104, 131
# Version and table ids in the local range, since Klass's own are not part of the published data; one a
# version of the data files, oldest first (counties: 2018-2019, 2020, 2024; municipalities: 2018, 2019,
# 2020, 2024).
VERSION_IDS = {
    COUNTIES: (100_400, 100_401, 100_402),
    MUNICIPALITIES: (101_309, 101_310, 101_311, 101_312),
}
#: Each municipality version's county version (indices into VERSION_IDS).
COUNTY_OF = ((0, 0), (1, 0), (2, 1), (3, 2))
TABLE_IDS = {
    "counties_2020_2024": 100_501,
    "municipalities_2020_2024": 100_502,
    "municipalities_to_counties_2024": 100_503,
    "municipalities_to_counties_2020": 100_504,
    "counties_2018_2020": 100_505,
    "municipalities_2018_2019": 100_506,
    "municipalities_2019_2020": 100_507,
    "municipalities_to_counties_2018": 100_508,
    "municipalities_to_counties_2019": 100_509,
}
#: The municipality change tables: (key in correspondence.json and TABLE_IDS, old and new version index).
MUNICIPALITY_CHANGES = (
    ("municipalities_2018_2019", 0, 1),
    ("municipalities_2019_2020", 1, 2),
    ("municipalities_2020_2024", 2, 3),
)
#: The county change tables: (key, old and new county version index, the municipality version and the
#: municipality changes the county changes follow from).
COUNTY_CHANGES = (
    ("counties_2018_2020", 0, 1, 1, "municipalities_2019_2020"),
    ("counties_2020_2024", 1, 2, 2, "municipalities_2020_2024"),
)


def _data(name: str) -> dict[str, Any]:
    path = resources.files("metadata.codelists").joinpath("data", name)
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _sources(sources: list[str]) -> str:
    """``repo:path@commit`` entries as one line, the paths of one repository and commit together (the
    column holds 500 characters)."""
    grouped: dict[str, list[str]] = {}
    for entry in sources:
        where, _, commit = entry.rpartition("@")
        repo, _, path = where.partition(":")
        grouped.setdefault(f"{repo}@{commit}", []).append(path)
    return "; ".join(f"{key}: {', '.join(paths)}" for key, paths in grouped.items())[:500]


def _versions(classification_id: int, data: dict[str, Any]) -> list[VersionIn]:
    versions = []
    for version_id, version in zip(VERSION_IDS[classification_id], data["versions"], strict=True):
        versions.append(
            VersionIn(
                id=version_id,
                valid_from=date.fromisoformat(version["valid_from"]),
                valid_to=date.fromisoformat(version["valid_to"]) if version["valid_to"] else None,
                items=[
                    ItemIn(code=i["code"], name_nb=i["name"], notes_nb=i.get("notes", ""))
                    for i in version["items"]
                ],
                level_names=(("Fylke", "County"),)
                if classification_id == COUNTIES
                else (("Kommune", "Municipality"),),
            )
        )
    return versions


def seed_code_lists(session: Session, now: datetime) -> int:
    """Load the demo classifications unless they are there. Returns how many were added."""
    if session.get(Classification, COUNTIES) is not None:
        return 0
    ssb = session.scalar(select(Producer.id).where(Producer.slug == "ssb"))
    assert ssb is not None
    counties, municipalities = _data("counties.json"), _data("municipalities.json")
    correspondence = _data("correspondence.json")
    county_versions = _versions(COUNTIES, counties)
    municipality_versions = _versions(MUNICIPALITIES, municipalities)
    county_tables = [
        (
            TABLE_IDS[key],
            VERSION_IDS[COUNTIES][old],
            VERSION_IDS[COUNTIES][new],
            county_changes(
                county_versions[old],
                county_versions[new],
                municipality_versions[m_version],
                correspondence[changes],
            ),
        )
        for key, old, new, m_version, changes in COUNTY_CHANGES
    ]
    municipality_tables = [
        (
            TABLE_IDS[key],
            VERSION_IDS[MUNICIPALITIES][old],
            VERSION_IDS[MUNICIPALITIES][new],
            [(r["source_code"], r["target_code"]) for r in correspondence[key]],
        )
        for key, old, new in MUNICIPALITY_CHANGES
    ]
    # Municipality → county follows from the code itself (its first two digits are the county).
    for m_version, c_version in COUNTY_OF:
        county_codes = {i.code for i in county_versions[c_version].items}
        year = municipality_versions[m_version].valid_from.year
        municipality_tables.append(
            (
                TABLE_IDS[f"municipalities_to_counties_{year}"],
                VERSION_IDS[MUNICIPALITIES][m_version],
                VERSION_IDS[COUNTIES][c_version],
                [
                    (i.code, i.code[:2])
                    for i in municipality_versions[m_version].items
                    if i.code[:2] in county_codes
                ],
            )
        )
    load(
        session,
        ClassificationIn(
            id=COUNTIES,
            family=(3, "Befolkning", "Population"),
            producer_id=ssb,
            kind=ClassificationKind.CLASSIFICATION,
            name_nb="Standard for fylkesinndeling",
            name_en="Classification of counties",
            description_nb="Fylkesinndelingen i Norge.",
            description_en="The counties of Norway.",
            versions=county_versions,
            tables=county_tables,
            source=_sources(counties.get("source", [])),
        ),
        now,
    )
    session.flush()
    load(
        session,
        ClassificationIn(
            id=MUNICIPALITIES,
            family=(3, "Befolkning", "Population"),
            producer_id=ssb,
            kind=ClassificationKind.CLASSIFICATION,
            name_nb="Standard for kommuneinndeling",
            name_en="Classification of municipalities",
            description_nb="Kommuneinndelingen i Norge.",
            description_en="The municipalities of Norway.",
            versions=municipality_versions,
            tables=municipality_tables,
            source=_sources(municipalities.get("source", [])),
        ),
        now,
    )
    _load_producer_list(session, now)
    _add_county_groupings(session, county_versions, municipality_versions, now)
    _link_statistics(session)
    return 3


def county_changes(
    old_counties: VersionIn,
    new_counties: VersionIn,
    old_municipalities: VersionIn,
    municipality_changes: list[Any],
) -> list[tuple[str | None, str | None]]:
    """A county change table (the 2020 and 2024 reforms), derived from real data because no public file
    of Klass's own was found: a county that kept code and name is unchanged (not listed, as in Klass); a
    renamed one maps to itself; a dissolved one maps to the new counties its municipalities (in
    ``old_municipalities``) went to (the first two digits of a municipality's code are its county, by
    the numbering rule)."""
    old, new = ({i.code: i.name_nb for i in v.items} for v in (old_counties, new_counties))
    moved: dict[str, list[str]] = {}
    for row in municipality_changes:
        moved.setdefault(row["source_code"], []).append(row["target_code"])
    pairs: list[tuple[str | None, str | None]] = []
    for code, name in sorted(old.items()):
        if code in new:
            if new[code] != name:
                pairs.append((code, code))
            continue
        targets = {
            target[:2]
            for item in old_municipalities.items
            if item.code[:2] == code
            for target in moved.get(item.code, [item.code])
        }
        pairs += [(code, target) for target in sorted(targets & set(new))]
    return pairs


#: Municipalities grouped by county, one variant per municipality version (2018, 2019, 2020, 2024),
#: derived from the real lists.
GROUPING_IDS = (100_603, 100_604, 100_601, 100_602)


def _add_county_groupings(
    session: Session, counties: list[VersionIn], municipalities: list[VersionIn], now: datetime
) -> None:
    for variant_id, (m_version, c_version) in zip(GROUPING_IDS, COUNTY_OF, strict=True):
        county, municipality = counties[c_version], municipalities[m_version]
        county_codes = {i.code for i in county.items}
        variant = ClassificationVariant(
            id=variant_id,
            version_id=municipality.id,
            name_nb="Kommuner gruppert etter fylke",
            name_en="Municipalities grouped by county",
            introduction_nb="Kommunene med fylket de hørte til i versjonens gyldighetsperiode.",
            introduction_en="The municipalities with the county they belonged to while the version was valid.",
            valid_from=municipality.valid_from,
            valid_to=municipality.valid_to,
            published=True,
            last_modified=now,
        )
        variant.levels = [
            VariantLevel(number=1, name_nb="Fylke", name_en="County"),
            VariantLevel(number=2, name_nb="Kommune", name_en="Municipality"),
        ]
        variant.items = [
            VariantItem(code=i.code, parent_code=None, level=1, name_nb=i.name_nb)
            for i in county.items
        ] + [
            VariantItem(code=i.code, parent_code=i.code[:2], level=2, name_nb=i.name_nb)
            for i in municipality.items
            if i.code[:2] in county_codes
        ]
        session.add(variant)
    session.flush()


GEAR = 100_001  # local range: a list Klass does not hold


def _load_producer_list(session: Session, now: datetime) -> None:
    """Fiskeridirektoratet's gear codes for landing and sales notes: a code list owned outside SSB."""
    data = _data("fiskeridir_redskap.json")
    owner = session.scalar(select(Producer.id).where(Producer.short_name == data["producer"]))
    assert owner is not None
    load(
        session,
        ClassificationIn(
            id=GEAR,
            family=(100_011, "Fiskeri", "Fisheries"),
            producer_id=owner,
            kind=ClassificationKind.CODELIST,
            name_nb=data["name_nb"],
            name_en=data["name_en"],
            description_nb=data["description_nb"],
            description_en=data["description_en"],
            versions=[
                VersionIn(
                    id=100_011,
                    valid_from=date.fromisoformat(data["valid_from"]),
                    valid_to=None,
                    items=[ItemIn(code=i["code"], name_nb=i["name"]) for i in data["items"]],
                    level_names=(("Redskap", "Gear"),),
                )
            ],
            source=data["source"],
        ),
        now,
    )


# Demo statistics published by region: by municipality and county, or by county only (K54).
USES = {
    "folkemengde": (MUNICIPALITIES, COUNTIES),
    "fodte": (MUNICIPALITIES, COUNTIES),
    "dode": (MUNICIPALITIES, COUNTIES),
    "kommregnko": (MUNICIPALITIES, COUNTIES),
    "kommvalg": (MUNICIPALITIES, COUNTIES),
    "utniv": (MUNICIPALITIES, COUNTIES),
    "nav-helt-ledige": (MUNICIPALITIES, COUNTIES),
    "mdir-klimagassutslipp-kommuner": (MUNICIPALITIES, COUNTIES),
    "imdi-bosetting-av-flyktninger": (MUNICIPALITIES,),
    "fnr": (COUNTIES,),
    "fiskeridir-akvakultur": (COUNTIES,),
    "hjortejakt": (COUNTIES,),
    "fiskeridir-landings-og-sluttseddeldata": (GEAR,),
}


def _link_statistics(session: Session) -> None:
    slugs = {s.slug: s.id for s in session.scalars(select(Statistic))}
    for slug, lists in USES.items():
        if slug in slugs:
            session.add_all(
                StatisticCodeList(statistic_id=slugs[slug], classification_id=c) for c in lists
            )
    session.flush()
