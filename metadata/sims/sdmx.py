"""SDMX-JSON 2.0 metadata messages: the record's concepts as nested attributes keyed by SDMX id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from metadata.sims import scheme
from metadata.sims.service import Record

MSD_URN = "urn:sdmx:org.sdmx.infomodel.metadatastructure.MetadataStructure=ESTAT:SIMS(2.0)"
SENDER = {"id": "STATISTIKKPORTALEN", "name": "Statistikkportalen"}


def _value(entry: Any) -> dict[str, str]:
    texts = {"nb": entry.nb, "nn": entry.nn, "en": entry.en}
    return {lang: text for lang, text in texts.items() if text}


def metadata_message(record: Record, prepared: datetime) -> dict[str, Any]:
    """One metadata set for one statistic; containers nest their children, and a concept marked not
    relevant carries the text "not relevant" in each language."""
    nodes: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for concept in scheme.concepts():
        entry = record.entries.get(concept.code)
        node: dict[str, Any] = {"id": concept.sdmx_id, "attributes": []}
        if entry is not None:
            if entry.not_relevant:
                node["value"] = {"nb": "Ikke relevant", "en": "Not relevant"}
            elif _value(entry):
                node["value"] = _value(entry)
        nodes[concept.code] = node
        if concept.parent is None:
            roots.append(node)
        else:
            nodes[concept.parent]["attributes"].append(node)

    def prune(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        kept = []
        for item in items:
            item["attributes"] = prune(item["attributes"])
            if "value" in item or item["attributes"]:
                if not item["attributes"]:
                    del item["attributes"]
                kept.append(item)
        return kept

    return {
        "meta": {
            "schema": "https://json.sdmx.org/2.0.0/sdmx-json-metadata-schema.json",
            "id": f"SIMS_{record.statistic_slug}_{record.number or 0}",
            "prepared": prepared.isoformat(),
            "contentLanguages": ["nb", "nn", "en"],
            "sender": SENDER,
        },
        "data": {
            "metadataSets": [
                {
                    "id": f"{record.statistic_slug}-v{record.number or 0}",
                    "agencyID": record.producer_slug.upper(),
                    "version": str(record.number or 0),
                    "names": {"nb": record.statistic_name_nb, "en": record.statistic_name_en},
                    "structure": MSD_URN,
                    "targets": [f"statistikkportalen:statistic={record.statistic_slug}"],
                    "attributes": prune(roots),
                }
            ]
        },
    }
