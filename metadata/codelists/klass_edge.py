"""What every Klass-compatible endpoint does at its edge: the blueprint, the cached GET route with its
`.json`/`.csv` suffixes, parameter parsing with Klass's error texts, CSV and HAL JSON answers, and the
summaries several resources share. See Klass's API guide, data.ssb.no/api/klass/v1/api-guide.html."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, Response, json, request, url_for

from metadata.codelists import codes as pipeline
from metadata.codelists import service
from metadata.codelists.models import (
    Classification,
    ClassificationKind,
    ClassificationVersion,
    CorrespondenceTable,
)
from portal.http.cache import get_cache
from portal.http.db import get_session
from portal.http.instant import now
from portal.kernel.errors import BadRequest, FieldError, PortalError

bp = Blueprint("klass", __name__, url_prefix="/api/klass/v1")

_CODE_FIELDS = (
    "code",
    "parentCode",
    "level",
    "name",
    "shortName",
    "presentationName",
    "validFrom",
    "validTo",
)
#: A code over a range (/codes, /variant), in Klass's order.
CODE_COLUMNS = (*_CODE_FIELDS, "validFromInRequestedRange", "validToInRequestedRange", "notes")
#: A code on a day (/codesAt, /variantAt) as CSV.
CODE_CSV_FIELDS = (*_CODE_FIELDS, "notes")
CORRESPONDENCE_COLUMNS = (
    "sourceCode",
    "sourceName",
    "sourceShortName",
    "targetCode",
    "targetName",
    "targetShortName",
    "validFrom",
    "validTo",
)
CHANGE_COLUMNS = (
    "oldCode",
    "oldName",
    "oldShortName",
    "newCode",
    "newName",
    "newShortName",
    "changeOccurred",
)
TYPE_NAMES = {
    ClassificationKind.CLASSIFICATION: {
        "nb": "Klassifikasjon",
        "nn": "Klassifikasjon",
        "en": "Classification",
    },
    ClassificationKind.CODELIST: {"nb": "Kodeliste", "nn": "Kodeliste", "en": "Codelist"},
}
NAME_PREFIXES = ("Standard for ", "Classification of ", "Kodeliste for ", "Codelist for ")


CACHE_TTL = 3600


def route(
    rule: str, csv: bool = True
) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Register a GET view at ``rule`` and at ``rule.json``/``.csv`` (the suffix wins over Accept).

    Answers are cached under the request, the registry's revision and today's date (which decides the
    current and future versions), so a repeated ``codesAt`` costs one small query
    (bench/codelists_codes_at.py).
    """

    def decorator(view: Callable[..., Response]) -> Callable[..., Response]:
        @functools.wraps(view)
        def cached(*args: Any, **kwargs: Any) -> Response:
            key_source = "|".join(
                [
                    request.full_path,
                    request.headers.get("Accept", ""),
                    request.host_url,
                    service.registry_revision(get_session()),
                    today_utc().isoformat(),
                ]
            )
            key = "klass:" + hashlib.sha256(key_source.encode()).hexdigest()
            cache = get_cache()
            stored = cache.get(key)
            if stored is not None:
                content_type, _, body = stored.partition(b"\n")
                return Response(body, content_type=content_type.decode())
            response = view(*args, **kwargs)
            if response.status_code == 200:
                cache.set(
                    key,
                    (response.content_type or "").encode() + b"\n" + response.get_data(),
                    CACHE_TTL,
                )
            return response

        bp.add_url_rule(rule, view_func=cached, methods=["GET"])
        suffixes = "json,csv" if csv else "json"
        bp.add_url_rule(f"{rule}.<any({suffixes}):suffix>", view_func=cached, methods=["GET"])
        return cached

    return decorator


def wants_csv(suffix: str | None) -> bool:
    """CSV when the path says .csv, or when the Accept header prefers text/csv (parameters such as
    ``charset`` ignored) over JSON; JSON for */*, a missing header and everything else."""
    if suffix:
        return suffix == "csv"
    best: tuple[float, str] = (0.0, "json")
    for part in (request.headers.get("Accept") or "").split(","):
        media, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        kind = {"text/csv": "csv", "application/json": "json", "*/*": "json"}.get(
            media.strip().lower()
        )
        if kind and quality > best[0]:
            best = (quality, kind)
    return best[1] == "csv"


def csv_response(columns: tuple[str, ...], records: list[dict[str, Any]]) -> Response:
    fields = request.args.get("csvFields")
    chosen = columns
    if fields:
        wanted = tuple(f.strip() for f in fields.split(","))
        unknown = [f for f in wanted if f not in columns or f.endswith("InRequestedRange")]
        if unknown:
            raise BadRequest("", (FieldError.said("csvFields", "klass.field.unknown"),)).said(
                "klass.csv_fields", fields=", ".join(unknown)
            )
        chosen = wanted
    body = pipeline.to_csv(chosen, records, request.args.get("csvSeparator", ","))
    charset = "UTF-8" if "utf-8" in (request.headers.get("Accept") or "").lower() else "ISO-8859-1"
    return Response(
        body.encode(charset, errors="replace"), content_type=f"text/csv;charset={charset}"
    )


def hal_json(payload: dict[str, Any]) -> Response:
    return Response(
        json.dumps(payload, ensure_ascii=False, sort_keys=False), content_type="application/json"
    )


def parse_id(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise BadRequest("", (FieldError.said("id", "klass.field.number"),)).said(
            "klass.not_number", raw=raw
        ) from None


def missing_parameter(name: str) -> BadRequest:
    """Klass's refusal of a request without the required parameter ``name``."""
    return BadRequest("", (FieldError.said(name, "klass.field.required"),)).said(
        "klass.missing", name=name
    )


def date_param(name: str, required: bool = True) -> date | None:
    raw = request.args.get(name)
    if not raw:
        if required:
            raise missing_parameter(name)
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest("", (FieldError.said(name, "klass.field.date"),)).said(
            "klass.not_date", raw=raw
        ) from None


def bool_param(name: str) -> bool:
    raw = (request.args.get(name) or "false").lower()
    if raw not in ("true", "false"):
        raise BadRequest("", (FieldError.said(name, "klass.field.bool"),)).said(
            "klass.not_bool", name=name, raw=raw
        )
    return raw == "true"


def language_and_future() -> tuple[str, bool]:
    """The ``language`` and ``includeFuture`` parameters, checked in that order. Raises BadRequest."""
    return service.language(request.args.get("language")), bool_param("includeFuture")


def today_utc() -> date:
    return now().astimezone(UTC).date()


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def href(endpoint: str, **values: Any) -> dict[str, str]:
    return {"href": url_for(endpoint, _external=True, **values)}


def section_label(found: Classification) -> str:
    return f"{found.producer.short_name} - {found.producer.name_nb}"


def version_name(version: ClassificationVersion, lang: str) -> str:
    if version.alias:
        return version.alias
    name = service.text(version.classification, "name", lang) or version.classification.name_nb
    for prefix in NAME_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
    name = name[:1].upper() + name[1:]
    spans_years = version.valid_from.month == 1 and version.valid_from.day == 1
    return (
        f"{name} {version.valid_from:%Y}" if spans_years else f"{name} {version.valid_from:%Y-%m}"
    )


def version_summary(
    version: ClassificationVersion, lang: str, today: date, include_future: bool
) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "name": version_name(version, lang),
        "id": version.id,
        "validFrom": version.valid_from.isoformat(),
    }
    if version.valid_to and (include_future or not service.is_current(version, today)):
        summary["validTo"] = version.valid_to.isoformat()
    summary.update(
        {
            "lastModified": stamp(version.last_modified),
            "published": ["nb", "nn", "en"],
            "_links": {"self": href("klass.get_version", version_id=version.id)},
        }
    )
    return summary


def classification_item(found: Classification, lang: str, description: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": service.text(found, "name", lang) or found.name_nb,
        "id": found.id,
        "classificationType": TYPE_NAMES[found.kind][lang],
        "classificationFamilyId": found.family_id,
        "lastModified": stamp(found.last_modified),
    }
    if description:
        item["description"] = service.text(found, "description", lang)
    item["_links"] = {"self": href("klass.get_classification", classification_id=found.id)}
    return item


def paging() -> tuple[int, int]:
    try:
        page, size = int(request.args.get("page", 0)), int(request.args.get("size", 20))
    except ValueError:
        raise BadRequest("").said("klass.paging_nan") from None
    if page < 0 or not 1 <= size <= 2000:
        raise BadRequest("").said("klass.paging")
    return page, size


def page_info(size: int, total: int, number: int) -> dict[str, int]:
    return {"size": size, "totalElements": total, "totalPages": -(-total // size), "number": number}


def code_record(row: pipeline.CodeRow, ranged: bool) -> dict[str, Any]:
    record: dict[str, Any] = {
        "code": row.code,
        "parentCode": row.parent_code,
        "level": row.level,
        "name": row.name,
        "shortName": row.short_name,
        "presentationName": row.presentation_name,
        "validFrom": row.valid_from.isoformat() if row.valid_from else None,
        "validTo": row.valid_to.isoformat() if row.valid_to else None,
    }
    if ranged:
        record["validFromInRequestedRange"] = row.in_range_from.isoformat()
        record["validToInRequestedRange"] = row.in_range_to.isoformat() if row.in_range_to else None
    record["notes"] = row.notes
    return record


def item_names(version: ClassificationVersion, lang: str) -> dict[str, tuple[str, str]]:
    return {
        i.code: (service.text(i, "name", lang) or i.name_nb, service.text(i, "short_name", lang))
        for i in version.items
    }


def _level(version: ClassificationVersion, number: int | None, lang: str) -> dict[str, Any] | None:
    """Klass's ``{levelNumber, levelName}`` of the one level a table maps on a side, or null."""
    if number is None:
        return None
    level = next((n for n in version.levels if n.number == number), None)
    if level is None:
        return None
    return {
        "levelNumber": level.number,
        "levelName": service.text(level, "name", lang) or level.name_nb,
    }


def table_summary(table: CorrespondenceTable, lang: str) -> dict[str, Any]:
    return {
        "name": f"{version_name(table.source, lang)} - {version_name(table.target, lang)}",
        "id": table.id,
        "contactPerson": {
            "name": table.source.classification.producer.name_nb,
            "email": "",
            "phone": "",
        },
        "owningSection": table.source.classification.producer.short_name,
        "source": version_name(table.source, lang),
        "sourceId": table.source_version_id,
        "target": version_name(table.target, lang),
        "targetId": table.target_version_id,
        "changeTable": table.source.classification_id == table.target.classification_id,
        "lastModified": stamp(table.last_modified),
        "published": ["nb", "nn", "en"],
        "sourceLevel": _level(table.source, table.source_level, lang),
        "targetLevel": _level(table.target, table.target_level, lang),
        "_links": {
            "self": href("klass.get_correspondence_table", table_id=table.id),
            "source": href("klass.get_version", version_id=table.source_version_id),
            "target": href("klass.get_version", version_id=table.target_version_id),
        },
    }


def klass_error(error: PortalError) -> Response:
    """Klass's error shape for every answer under /api/klass/ (unmatched routes included): CSV
    requests get the bare message, everything else a problem document."""
    if request.path.endswith(".csv") or "text/csv" in (request.headers.get("Accept") or ""):
        return Response(error.detail, status=error.status, content_type="text/plain;charset=UTF-8")
    body = error.to_problem(instance=request.path)
    body.pop("errors", None)
    body["type"] = "about:blank"
    return Response(json.dumps(body), status=error.status, content_type="application/problem+json")


@bp.after_request
def _vary(response: Response) -> Response:
    response.vary.add("Accept")
    return response
