"""/api/klass/v1/ resources by id: versions, variants, correspondence tables, families and the
sections listing (here: the producers), in Klass's shapes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from flask import Response, request
from sqlalchemy import or_, select

from metadata.codelists import codes as pipeline
from metadata.codelists import service, variants
from metadata.codelists.klass_edge import (
    bool_param,
    classification_item,
    hal_json,
    href,
    item_names,
    language_and_future,
    parse_id,
    route,
    section_label,
    stamp,
    table_summary,
    today_utc,
    version_name,
    version_summary,
    wants_csv,
)
from metadata.codelists.models import (
    Classification,
    ClassificationKind,
    ClassificationVariant,
    CorrespondenceTable,
    ItemColumns,
    LevelColumns,
)
from portal.http.db import get_session
from portal.kernel.errors import NotFound


@route("/versions/<version_id>")
def get_version(version_id: str, suffix: str | None = None) -> Response:
    lang, include_future = language_and_future()
    db, today = get_session(), today_utc()
    version = service.version(db, parse_id(version_id))
    found = version.classification
    items = [
        _item(i, lang, short_names=found.include_short_name, notes=found.include_notes)
        for i in sorted(version.items, key=lambda i: i.code)
    ]
    if wants_csv(suffix):
        return _items_csv(items)
    tables = db.scalars(
        select(CorrespondenceTable).where(
            or_(
                CorrespondenceTable.source_version_id == version.id,
                CorrespondenceTable.target_version_id == version.id,
            ),
            CorrespondenceTable.published.is_(True),
        )
    )
    summary = version_summary(version, lang, today, include_future)
    payload = {
        **{k: v for k, v in summary.items() if k != "_links"},
        "introduction": version.introduction_en if lang == "en" else version.introduction_nb,
        "contactPerson": {"name": found.producer.name_nb, "email": "", "phone": ""},
        "owningSection": section_label(found),
        "legalBase": "",
        "publications": "",
        "derivedFrom": "",
        "correspondenceTables": [
            table_summary(t, lang) for t in tables if t.source.published and t.target.published
        ],
        "classificationVariants": [
            _variant_summary(v, lang) for v in version.variants if v.published
        ],
        "changelogs": [],
        "levels": _levels(version.levels, lang),
        "classificationItems": items,
        "_links": summary["_links"],
    }
    return hal_json(payload)


#: Klass's item columns (its ClassificationItemResource), in its order: the by-id CSVs of versions and
#: variants have every one.
ITEM_COLUMNS = ("code", "parentCode", "level", "name", "shortName", "notes", "validFrom", "validTo")


def _item(i: ItemColumns, lang: str, *, short_names: bool, notes: bool) -> dict[str, Any]:
    """An item as Klass's by-id answers give it: short name and notes null unless shown, the item's own
    validity only where it has one (Klass leaves the keys out otherwise)."""
    item: dict[str, Any] = {
        "code": i.code,
        "parentCode": i.parent_code or "",
        "level": str(i.level),
        "name": service.text(i, "name", lang) or i.name_nb,
        "shortName": service.text(i, "short_name", lang) if short_names else None,
        "notes": service.text(i, "notes", lang) if notes else None,
    }
    if i.valid_from is not None:
        item["validFrom"] = i.valid_from.isoformat()
    if i.valid_to is not None:
        item["validTo"] = i.valid_to.isoformat()
    return item


def _items_csv(items: Sequence[dict[str, Any]]) -> Response:
    """Klass's by-id CSV: every item column, separator ``;``, each line break in notes a space (Klass
    does so for spreadsheet programs)."""
    rows = [
        {**i, "notes": re.sub(r"\r\n|\r|\n", " ", i["notes"]) if i["notes"] else i["notes"]}
        for i in items
    ]
    return Response(pipeline.to_csv(ITEM_COLUMNS, rows, ";"), content_type="text/csv;charset=UTF-8")


def _levels(levels: Sequence[LevelColumns], lang: str) -> list[dict[str, Any]]:
    return [
        {
            "levelNumber": level.number,
            "levelName": service.text(level, "name", lang) or level.name_nb,
        }
        for level in levels
    ]


def _variant_summary(variant: ClassificationVariant, lang: str) -> dict[str, Any]:
    owner = variant.version.classification.producer
    return {
        "name": variants.full_name(variant, version_name(variant.version, lang), lang),
        "id": variant.id,
        "contactPerson": {"name": owner.name_nb, "email": "", "phone": ""},
        "owningSection": owner.short_name,
        "lastModified": stamp(variant.last_modified),
        "published": ["nb", "nn", "en"],
        "_links": {"self": href("klass.get_variant", variant_id=variant.id)},
    }


@route("/variants/<variant_id>")
def get_variant(variant_id: str, suffix: str | None = None) -> Response:
    lang = service.language(request.args.get("language"))
    found = variants.public_variant(get_session(), parse_id(variant_id))
    # As Klass's: a variant's items here carry code, names and levels only (its short names, notes and
    # validity come with /variant and /variantAt, as Klass's do).
    items = [
        {
            k: v
            for k, v in _item(i, lang, short_names=False, notes=False).items()
            if k not in ("validFrom", "validTo")
        }
        for i in found.items
    ]
    if wants_csv(suffix):
        return _items_csv(items)
    summary = _variant_summary(found, lang)
    payload: dict[str, Any] = {
        **{k: v for k, v in summary.items() if k != "_links"},
        "owningSection": section_label(found.version.classification),
        "validFrom": found.valid_from.isoformat(),
    }
    if found.valid_to is not None:
        payload["validTo"] = found.valid_to.isoformat()
    payload.update(
        {
            "introduction": found.introduction_en if lang == "en" else found.introduction_nb,
            "correspondenceTables": [],
            "changelogs": [],
            "levels": _levels(found.levels, lang),
            "classificationItems": items,
            "_links": summary["_links"],
        }
    )
    return hal_json(payload)


@route("/correspondencetables/<table_id>")
def get_correspondence_table(table_id: str, suffix: str | None = None) -> Response:
    lang = service.language(request.args.get("language"))
    table = service.table(get_session(), parse_id(table_id))
    source_names, target_names = item_names(table.source, lang), item_names(table.target, lang)
    maps = [
        {
            "sourceCode": m.source_code,
            "sourceName": source_names.get(m.source_code or "", ("", ""))[0]
            if m.source_code
            else None,
            "targetCode": m.target_code,
            "targetName": target_names.get(m.target_code or "", ("", ""))[0]
            if m.target_code
            else None,
        }
        for m in table.maps
    ]
    if wants_csv(suffix):
        return Response(
            pipeline.to_csv(("sourceCode", "sourceName", "targetCode", "targetName"), maps, ";"),
            content_type="text/csv;charset=UTF-8",
        )
    summary = table_summary(table, lang)
    summary["owningSection"] = section_label(table.source.classification)
    return hal_json(
        {
            **summary,
            "description": table.description_nb,
            "changelogs": [],
            "correspondenceMaps": maps,
        }
    )


def _family_members(family_id: int, include_codelists: bool, section: str) -> list[Classification]:
    return [
        c
        for c in service.all_public(get_session())
        if c.family_id == family_id
        and (include_codelists or c.kind is ClassificationKind.CLASSIFICATION)
        and (not section or c.producer.short_name.lower() == section.lower())
    ]


@route("/classificationfamilies", csv=False)
def list_families(suffix: str | None = None) -> Response:
    lang = service.language(request.args.get("language"))
    include_codelists = bool_param("includeCodelists")
    section = (request.args.get("ssbSection") or "").split(" - ")[0].strip()
    items = []
    for family in service.families(get_session()):
        members = _family_members(family.id, include_codelists, section)
        if members:
            items.append(
                {
                    "name": service.text(family, "name", lang) or family.name_nb,
                    "id": family.id,
                    "numberOfClassifications": len(members),
                    "_links": {"self": href("klass.get_family", family_id=family.id)},
                }
            )
    payload: dict[str, Any] = {"_embedded": {"classificationFamilies": items}} if items else {}
    payload["_links"] = {"self": {"href": request.url}}
    return hal_json(payload)


@route("/classificationfamilies/<family_id>", csv=False)
def get_family(family_id: str, suffix: str | None = None) -> Response:
    lang = service.language(request.args.get("language"))
    number = parse_id(family_id)
    family = next((f for f in service.families(get_session()) if f.id == number), None)
    if family is None:
        raise NotFound("").said("klass.no_family", id=number)
    section = (request.args.get("ssbSection") or "").split(" - ")[0].strip()
    members = _family_members(number, bool_param("includeCodelists"), section)
    return hal_json(
        {
            "name": service.text(family, "name", lang) or family.name_nb,
            "id": family.id,
            "classifications": [
                {k: v for k, v in classification_item(c, lang, False).items()} for c in members
            ],
            "_links": {"self": {"href": request.url}},
        }
    )


@route("/ssbsections", csv=False)
def sections(suffix: str | None = None) -> Response:
    """Here the "sections" are the producers that own a published classification."""
    names = sorted({section_label(c) for c in service.all_public(get_session())})
    return hal_json(
        {
            "_embedded": {"ssbSections": [{"name": n} for n in names]},
            "_links": {"self": {"href": request.url}},
        }
    )
