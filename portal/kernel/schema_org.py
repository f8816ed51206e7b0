"""schema.org ``Dataset`` descriptions (JSON-LD) of statistic and table pages, as Google Dataset Search
reads them (schema.org/Dataset, as dataset search engines read it). Plain functions of loaded rows; never imports Flask."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from markupsafe import Markup

from portal.kernel.findable import FileSummary

LICENSE = "https://data.norge.no/nlod/no/2.0"
#: Output format -> the media type a DataDownload declares.
ENCODINGS = {
    "json-stat2": "application/json",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "px": "application/octet-stream",
    "html": "text/html",
    "json-px": "application/json",
    "parquet": "application/vnd.apache.parquet",
}


def organization(name: str, website: str, org_number: str | None) -> dict[str, Any]:
    found: dict[str, Any] = {"@type": "Organization", "name": name, "url": website}
    if org_number:
        found["identifier"] = org_number
        found["sameAs"] = f"https://data.brreg.no/enhetsregisteret/api/enheter/{org_number}"
    return found


def _description(text: str, fallback: str) -> str:
    # Google wants 50 to 5000 characters.
    described = (text or "").strip() or fallback
    if len(described) < 50:
        described = f"{described} {fallback}".strip()
    return described[:5000]


def dataset(
    *,
    name: str,
    description: str,
    url: str,
    identifier: str,
    keywords: Sequence[str],
    producer: Mapping[str, Any],
    modified: datetime | None,
    language: str,
    temporal: str | None = None,
    variables: Sequence[str] = (),
    downloads: Mapping[str, str] | Mapping[str, tuple[str, FileSummary | None]] | None = None,
    catalog_url: str = "",
) -> dict[str, Any]:
    """A schema.org Dataset; ``downloads`` maps an output format to its URL, or to the URL and the
    size and checksums of a file (``contentSize`` in bytes, ``sha256``)."""
    fallback = f"{name}. {producer['name']}. Offisiell statistikk på Statistikkportalen."
    body: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": name,
        "description": _description(description, fallback),
        "url": url,
        "identifier": identifier,
        "keywords": list(dict.fromkeys(k for k in keywords if k)),
        "license": LICENSE,
        "isAccessibleForFree": True,
        "inLanguage": "nb" if language == "nb" else "en",
        "creator": dict(producer),
        "publisher": dict(producer),
        "spatialCoverage": {"@type": "Place", "name": "Norge"},
    }
    if modified is not None:
        body["dateModified"] = modified.isoformat()
    if temporal:
        body["temporalCoverage"] = temporal
    if variables:
        body["variableMeasured"] = [{"@type": "PropertyValue", "name": v} for v in variables]
    if downloads:
        body["distribution"] = [
            data_download(fmt, *((found, None) if isinstance(found, str) else found))
            for fmt, found in downloads.items()
        ]
    if catalog_url:
        body["includedInDataCatalog"] = {
            "@type": "DataCatalog",
            "name": "Statistikkportalen",
            "url": catalog_url,
        }
    return body


def data_download(
    fmt: str, href: str, facts: FileSummary | None = None, name: str = ""
) -> dict[str, Any]:
    """A DataDownload of output format ``fmt`` at ``href``, with its size and SHA-256 when known."""
    item: dict[str, Any] = {
        "@type": "DataDownload",
        "encodingFormat": ENCODINGS[fmt],
        "contentUrl": href,
        "name": name or fmt,
    }
    if facts is not None:
        item["contentSize"] = f"{facts.byte_size} B"
        item["sha256"] = facts.sha256
    return item


def temporal_coverage(first: str, last: str) -> str | None:
    """An ISO 8601 interval of years (``2015/2024``) from a first and last PX period (``2015``,
    ``2024M03``, ``2024K4``); None when either does not start with a year."""
    if len(first) >= 4 and len(last) >= 4 and first[:4].isdigit() and last[:4].isdigit():
        return f"{first[:4]}/{last[:4]}" if first[:4] != last[:4] else first[:4]
    return None


def script(data: Mapping[str, Any]) -> Markup:
    """The JSON-LD block for a page's head; ``<`` is escaped so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return Markup(f'<script type="application/ld+json">{text}</script>')  # noqa: S704
