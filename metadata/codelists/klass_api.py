"""/api/klass/v1/: the registry in the shape of Statistics Norway's Klass API, so existing Klass clients
work unchanged (shared/reference/klass-api.md). Upstream field names, URL shapes, string levels, both
level parameter names, the `.json`/`.csv` suffixes and the double-slash `//ssbsections` are kept on
purpose; our internal names never appear here."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Blueprint, Flask, Response, json, request, url_for
from sqlalchemy import or_, select

from metadata.codelists import codes as pipeline
from metadata.codelists import service
from metadata.codelists.models import Classification, ClassificationVersion, CorrespondenceTable
from portal.api.edge import now
from portal.cache import get_cache
from portal.db import get_session
from portal.errors import BadRequest, FieldError, NotFound, PortalError
from portal.security import csrf, get_limiter, named_limit

bp = Blueprint("klass", __name__, url_prefix="/api/klass/v1")

CODE_COLUMNS = (
    "code",
    "parentCode",
    "level",
    "name",
    "shortName",
    "presentationName",
    "validFrom",
    "validTo",
    "validFromInRequestedRange",
    "validToInRequestedRange",
    "notes",
)
CODE_CSV_FIELDS = (
    "code",
    "parentCode",
    "level",
    "name",
    "shortName",
    "presentationName",
    "validFrom",
    "validTo",
    "notes",
)
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
    "CLASSIFICATION": {"nb": "Klassifikasjon", "nn": "Klassifikasjon", "en": "Classification"},
    "CODELIST": {"nb": "Kodeliste", "nn": "Kodeliste", "en": "Codelist"},
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
                    _today().isoformat(),
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


def _wants_csv(suffix: str | None) -> bool:
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


def _csv_response(columns: tuple[str, ...], records: list[dict[str, Any]]) -> Response:
    fields = request.args.get("csvFields")
    chosen = columns
    if fields:
        wanted = tuple(f.strip() for f in fields.split(","))
        unknown = [f for f in wanted if f not in columns or f.endswith("InRequestedRange")]
        if unknown:
            raise BadRequest(
                "CorrespondenceList does not contain the following field(s): " + ", ".join(unknown),
                (FieldError("csvFields", "unknown field"),),
            )
        chosen = wanted
    body = pipeline.to_csv(chosen, records, request.args.get("csvSeparator", ","))
    charset = "UTF-8" if "utf-8" in (request.headers.get("Accept") or "").lower() else "ISO-8859-1"
    return Response(
        body.encode(charset, errors="replace"), content_type=f"text/csv;charset={charset}"
    )


def _json(payload: dict[str, Any]) -> Response:
    return Response(
        json.dumps(payload, ensure_ascii=False, sort_keys=False), content_type="application/json"
    )


def _id(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(
            f"Failed to convert value '{raw}' to a number.", (FieldError("id", "a number"),)
        ) from None


def _date(name: str, required: bool = True) -> date | None:
    raw = request.args.get(name)
    if not raw:
        if required:
            raise BadRequest(
                f"Required request parameter '{name}' is not present",
                (FieldError(name, "required"),),
            )
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(
            f"Failed to convert '{raw}' to a date (yyyy-MM-dd)", (FieldError(name, "yyyy-MM-dd"),)
        ) from None


def _bool(name: str) -> bool:
    raw = (request.args.get(name) or "false").lower()
    if raw not in ("true", "false"):
        raise BadRequest(
            f"Invalid boolean value for {name}: {raw}", (FieldError(name, "true or false"),)
        )
    return raw == "true"


def _today() -> date:
    return now().astimezone(UTC).date()


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def _href(endpoint: str, **values: Any) -> dict[str, str]:
    return {"href": url_for(endpoint, _external=True, **values)}


def _section(found: Classification) -> str:
    return f"{found.producer.short_name} - {found.producer.name_nb}"


def _version_name(version: ClassificationVersion, lang: str) -> str:
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


def _version_summary(
    version: ClassificationVersion, lang: str, today: date, include_future: bool
) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "name": _version_name(version, lang),
        "id": version.id,
        "validFrom": version.valid_from.isoformat(),
    }
    if version.valid_to and (include_future or not service.is_current(version, today)):
        summary["validTo"] = version.valid_to.isoformat()
    summary.update(
        {
            "lastModified": _stamp(version.last_modified),
            "published": ["nb", "nn", "en"],
            "_links": {"self": _href("klass.get_version", version_id=version.id)},
        }
    )
    return summary


def _classification_item(found: Classification, lang: str, description: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": service.text(found, "name", lang) or found.name_nb,
        "id": found.id,
        "classificationType": TYPE_NAMES[found.kind][lang],
        "classificationFamilyId": found.family_id,
        "lastModified": _stamp(found.last_modified),
    }
    if description:
        item["description"] = service.text(found, "description", lang)
    item["_links"] = {"self": _href("klass.get_classification", classification_id=found.id)}
    return item


@route("/classifications", csv=False)
def list_classifications(suffix: str | None = None) -> Response:
    lang = service.language(request.args.get("language"))
    include_codelists, with_description = _bool("includeCodelists"), _bool("includeDescription")
    changed = request.args.get("changedSince")
    since = None
    if changed:
        try:
            since = datetime.fromisoformat(changed.replace(" ", "+"))
        except ValueError:
            raise BadRequest(
                f"Failed to convert '{changed}' to a date-time",
                (FieldError("changedSince", "ISO date-time"),),
            ) from None
    found = [
        c
        for c in service.all_public(get_session())
        if (include_codelists or c.kind == "CLASSIFICATION")
        and (since is None or c.last_modified > since)
    ]
    page, size = _paging()
    chunk = found[page * size : (page + 1) * size]
    payload: dict[str, Any] = {}
    if chunk:
        payload["_embedded"] = {
            "classifications": [_classification_item(c, lang, with_description) for c in chunk]
        }
    payload["_links"] = {
        "self": {"href": request.url},
        "search": {
            "href": url_for("klass.search", _external=True) + "{?query,includeCodelists}",
            "templated": True,
        },
    }
    payload["page"] = _page(size, len(found), page)
    return _json(payload)


def _paging() -> tuple[int, int]:
    try:
        page, size = int(request.args.get("page", 0)), int(request.args.get("size", 20))
    except ValueError:
        raise BadRequest("page and size must be numbers.") from None
    if page < 0 or not 1 <= size <= 2000:
        raise BadRequest("page must be 0 or more and size between 1 and 2000.")
    return page, size


def _page(size: int, total: int, number: int) -> dict[str, int]:
    return {"size": size, "totalElements": total, "totalPages": -(-total // size), "number": number}


@route("/classifications/search", csv=False)
def search(suffix: str | None = None) -> Response:
    query = request.args.get("query")
    if query is None:
        raise BadRequest(
            "Required request parameter 'query' is not present", (FieldError("query", "required"),)
        )
    section = (request.args.get("ssbSection") or "").split(" - ")[0].strip()
    include_codelists = _bool("includeCodelists")
    words = [w.lower() for w in query.split() if w.strip()]
    hits = []
    for found in service.all_public(get_session()):
        if not include_codelists and found.kind != "CLASSIFICATION":
            continue
        if section and found.producer.short_name.lower() != section.lower():
            continue
        for lang in ("nb", "nn", "en"):
            name = service.text(found, "name", lang)
            if not name:
                continue
            haystack = f"{name} {service.text(found, 'description', lang)}".lower()
            if words and not all(w in haystack for w in words):
                continue
            score = sum(3.0 if w in name.lower() else 1.0 for w in words) or 1.0
            hits.append((score, found, lang, name))
    hits.sort(key=lambda h: (-h[0], h[1].id))
    page, size = _paging()
    chunk = hits[page * size : (page + 1) * size]
    payload: dict[str, Any] = {}
    if chunk:
        payload["_embedded"] = {
            "searchResults": [
                {
                    "name": name,
                    "id": found.id,
                    "language": lang,
                    "snippet": service.text(found, "description", lang)[:200],
                    "searchScore": score,
                    "_links": {
                        "self": _href("klass.get_classification", classification_id=found.id)
                    },
                }
                for score, found, lang, name in chunk
            ]
        }
    payload["_links"] = {"self": {"href": request.url}}
    payload["page"] = _page(size, len(hits), page)
    return _json(payload)


@route("/classifications/<classification_id>", csv=False)
def get_classification(classification_id: str, suffix: str | None = None) -> Response:
    lang, include_future = service.language(request.args.get("language")), _bool("includeFuture")
    found = service.classification(get_session(), _id(classification_id))
    today = _today()
    base = url_for("klass.get_classification", classification_id=found.id, _external=True)
    payload = {
        **{k: v for k, v in _classification_item(found, lang, True).items() if k != "_links"},
        "primaryLanguage": found.primary_language,
        "copyrighted": found.copyrighted,
        "includeShortName": found.include_short_name,
        "includeNotes": found.include_notes,
        "contactPerson": {"name": found.producer.name_nb, "email": "", "phone": ""},
        "owningSection": _section(found),
        "statisticalUnits": [],
        "versions": [
            _version_summary(v, lang, today, include_future)
            for v in service.public_versions(found, today, include_future)
        ],
        "_links": {
            "self": {"href": base},
            "codes": {
                "href": base
                + "/codes{?from=<yyyy-MM-dd>,to=<yyyy-MM-dd>,csvSeparator,level,selectCodes,presentationNamePattern}",
                "templated": True,
            },
            "codesAt": {
                "href": base
                + "/codesAt{?date=<yyyy-MM-dd>,csvSeparator,level,selectCodes,presentationNamePattern}",
                "templated": True,
            },
            "corresponds": {
                "href": base
                + "/corresponds{?targetClassificationId,from=<yyyy-MM-dd>,to=<yyyy-MM-dd>,csvSeparator}",
                "templated": True,
            },
            "correspondsAt": {
                "href": base
                + "/correspondsAt{?targetClassificationId,date=<yyyy-MM-dd>,csvSeparator}",
                "templated": True,
            },
            "changes": {
                "href": base + "/changes{?from=<yyyy-MM-dd>,to=<yyyy-MM-dd>,csvSeparator}",
                "templated": True,
            },
        },
    }
    return _json(payload)


def _code_rows(classification_id: str, start: date, end: date | None) -> list[pipeline.CodeRow]:
    lang, include_future = service.language(request.args.get("language")), _bool("includeFuture")
    db, today = get_session(), _today()
    found = service.classification(db, _id(classification_id))
    versions = service.public_versions(found, today, include_future)
    rows = pipeline.codes_in_range(
        service.version_rows(db, versions, lang, today, include_future, start, end), start, end
    )
    level = request.args.get("selectLevel") or request.args.get("level")
    return pipeline.select(
        rows,
        level=level,
        select_codes=request.args.get("selectCodes"),
        pattern=request.args.get("presentationNamePattern"),
    )


def _code_record(row: pipeline.CodeRow, ranged: bool) -> dict[str, Any]:
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


@route("/classifications/<classification_id>/codes")
def codes(classification_id: str, suffix: str | None = None) -> Response:
    start = _date("from")
    assert start is not None
    records = [
        _code_record(r, True) for r in _code_rows(classification_id, start, _date("to", False))
    ]
    if _wants_csv(suffix):
        return _csv_response(CODE_COLUMNS, records)
    return _json({"codes": records})


@route("/classifications/<classification_id>/codesAt")
def codes_at(classification_id: str, suffix: str | None = None) -> Response:
    day = _date("date")
    assert day is not None
    records = [
        _code_record(r, False) for r in _code_rows(classification_id, day, day + timedelta(days=1))
    ]
    if _wants_csv(suffix):
        return _csv_response(CODE_CSV_FIELDS, records)
    return _json({"codes": records})


def _names(version: ClassificationVersion, lang: str) -> dict[str, tuple[str, str]]:
    return {
        i.code: (service.text(i, "name", lang) or i.name_nb, service.text(i, "short_name", lang))
        for i in version.items
    }


def _correspondence_rows(
    classification_id: str, start: date, end: date | None, ranged: bool
) -> list[dict[str, Any]]:
    target_raw = request.args.get("targetClassificationId")
    if not target_raw:
        raise BadRequest(
            "Required request parameter 'targetClassificationId' is not present",
            (FieldError("targetClassificationId", "required"),),
        )
    lang = service.language(request.args.get("language"))
    db = get_session()
    source = service.classification(db, _id(classification_id))
    target = service.classification(db, _id(target_raw))
    tables, inverted = service.tables_between(db, source, target), False
    if not tables:
        tables, inverted = service.tables_between(db, target, source), True
    if not tables:
        raise NotFound(
            f"Classification '{source.name_nb}' has no correspondence table with "
            f"Classification '{target.name_nb}'"
        )
    rows: list[dict[str, Any]] = []
    for table in tables:
        lo = max(table.source.valid_from, table.target.valid_from)
        hi = pipeline.earlier(table.source.valid_to, table.target.valid_to)
        if not pipeline.overlaps(start, end, lo, hi):
            continue
        source_names, target_names = _names(table.source, lang), _names(table.target, lang)
        for m in table.maps:
            s_code, t_code = m.source_code, m.target_code
            s_name = source_names.get(s_code or "", ("", ""))
            t_name = target_names.get(t_code or "", ("", ""))
            if inverted:
                s_code, t_code, s_name, t_name = t_code, s_code, t_name, s_name
            row: dict[str, Any] = {
                "sourceCode": s_code,
                "sourceName": s_name[0] if s_code else None,
                "sourceShortName": s_name[1] if s_code else None,
                "targetCode": t_code,
                "targetName": t_name[0] if t_code else None,
                "targetShortName": t_name[1] if t_code else None,
            }
            if ranged:
                clip_to = pipeline.earlier(end, hi)
                row["validFrom"] = max(start, lo).isoformat()
                row["validTo"] = clip_to.isoformat() if clip_to else None
            rows.append(row)
    rows.sort(
        key=lambda r: (
            r["sourceCode"] or "",
            r["sourceName"] or "",
            r["targetCode"] or "",
            r["targetName"] or "",
        )
    )
    return rows


@route("/classifications/<classification_id>/corresponds")
def corresponds(classification_id: str, suffix: str | None = None) -> Response:
    start = _date("from")
    assert start is not None
    rows = _correspondence_rows(classification_id, start, _date("to", False), True)
    if _wants_csv(suffix):
        return _csv_response(CORRESPONDENCE_COLUMNS, rows)
    return _json({"correspondenceItems": rows})


@route("/classifications/<classification_id>/correspondsAt")
def corresponds_at(classification_id: str, suffix: str | None = None) -> Response:
    day = _date("date")
    assert day is not None
    rows = _correspondence_rows(classification_id, day, day + timedelta(days=1), False)
    if _bool("inverted"):
        rows = [
            {
                "sourceCode": r["targetCode"],
                "sourceName": r["targetName"],
                "sourceShortName": r["targetShortName"],
                "targetCode": r["sourceCode"],
                "targetName": r["sourceName"],
                "targetShortName": r["sourceShortName"],
            }
            for r in rows
        ]
    if _wants_csv(suffix):
        return _csv_response(CORRESPONDENCE_COLUMNS[:6], rows)
    return _json({"correspondenceItems": rows})


@route("/classifications/<classification_id>/changes")
def changes(classification_id: str, suffix: str | None = None) -> Response:
    start = _date("from")
    end = _date("to", False)
    assert start is not None
    if end is not None and start >= end:
        raise BadRequest(f"From is equal or after to. From: {start} To: {end}")
    lang, include_future = service.language(request.args.get("language")), _bool("includeFuture")
    db = get_session()
    found = service.classification(db, _id(classification_id))
    versions = sorted(
        (
            v
            for v in service.public_versions(found, _today(), include_future)
            if pipeline.overlaps(start, end, v.valid_from, v.valid_to)
        ),
        key=lambda v: v.valid_from,
    )
    rows: list[dict[str, Any]] = []
    for older, newer in zip(versions, versions[1:], strict=False):
        tables = [
            t
            for t in service.tables_between(db, found, found)
            if t.source_version_id == older.id and t.target_version_id == newer.id
        ]
        if len(tables) != 1:
            raise NotFound(f"No single change table between versions {older.id} and {newer.id}")
        old_names, new_names = _names(older, lang), _names(newer, lang)
        for m in tables[0].maps:
            old = old_names.get(m.source_code or "", ("", ""))
            new = new_names.get(m.target_code or "", ("", ""))
            rows.append(
                {
                    "oldCode": m.source_code,
                    "oldName": old[0] if m.source_code else None,
                    "oldShortName": old[1] if m.source_code else None,
                    "newCode": m.target_code,
                    "newName": new[0] if m.target_code else None,
                    "newShortName": new[1] if m.target_code else None,
                    "changeOccurred": newer.valid_from.isoformat(),
                }
            )
    if _wants_csv(suffix):
        return _csv_response(CHANGE_COLUMNS, rows)
    return _json({"codeChanges": rows})


def _table_summary(table: CorrespondenceTable, lang: str) -> dict[str, Any]:
    return {
        "name": f"{_version_name(table.source, lang)} - {_version_name(table.target, lang)}",
        "id": table.id,
        "contactPerson": {
            "name": table.source.classification.producer.name_nb,
            "email": "",
            "phone": "",
        },
        "owningSection": table.source.classification.producer.short_name,
        "source": _version_name(table.source, lang),
        "sourceId": table.source_version_id,
        "target": _version_name(table.target, lang),
        "targetId": table.target_version_id,
        "changeTable": table.source.classification_id == table.target.classification_id,
        "lastModified": _stamp(table.last_modified),
        "published": ["nb", "nn", "en"],
        "sourceLevel": None,
        "targetLevel": None,
        "_links": {
            "self": _href("klass.get_correspondence_table", table_id=table.id),
            "source": _href("klass.get_version", version_id=table.source_version_id),
            "target": _href("klass.get_version", version_id=table.target_version_id),
        },
    }


@route("/versions/<version_id>")
def get_version(version_id: str, suffix: str | None = None) -> Response:
    lang, include_future = service.language(request.args.get("language")), _bool("includeFuture")
    db, today = get_session(), _today()
    version = service.version(db, _id(version_id))
    found = version.classification
    items = [
        {
            "code": i.code,
            "parentCode": i.parent_code or "",
            "level": str(i.level),
            "name": service.text(i, "name", lang) or i.name_nb,
            "shortName": service.text(i, "short_name", lang) if found.include_short_name else None,
            "notes": service.text(i, "notes", lang) if found.include_notes else None,
        }
        for i in sorted(version.items, key=lambda i: i.code)
    ]
    if _wants_csv(suffix):
        return Response(
            pipeline.to_csv(
                (
                    "code",
                    "parentCode",
                    "level",
                    "name",
                    "shortName",
                    "notes",
                    "validFrom",
                    "validTo",
                ),
                items,
                ";",
            ),
            content_type="text/csv;charset=UTF-8",
        )
    tables = db.scalars(
        select(CorrespondenceTable).where(
            or_(
                CorrespondenceTable.source_version_id == version.id,
                CorrespondenceTable.target_version_id == version.id,
            ),
            CorrespondenceTable.published.is_(True),
        )
    )
    summary = _version_summary(version, lang, today, include_future)
    payload = {
        **{k: v for k, v in summary.items() if k != "_links"},
        "introduction": version.introduction_en if lang == "en" else version.introduction_nb,
        "contactPerson": {"name": found.producer.name_nb, "email": "", "phone": ""},
        "owningSection": _section(found),
        "legalBase": "",
        "publications": "",
        "derivedFrom": "",
        "correspondenceTables": [_table_summary(t, lang) for t in tables],
        "classificationVariants": [],
        "changelogs": [],
        "levels": [
            {
                "levelNumber": level.number,
                "levelName": service.text(level, "name", lang) or level.name_nb,
            }
            for level in version.levels
        ],
        "classificationItems": items,
        "_links": summary["_links"],
    }
    return _json(payload)


@route("/correspondencetables/<table_id>")
def get_correspondence_table(table_id: str, suffix: str | None = None) -> Response:
    lang = service.language(request.args.get("language"))
    table = service.table(get_session(), _id(table_id))
    source_names, target_names = _names(table.source, lang), _names(table.target, lang)
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
    if _wants_csv(suffix):
        return Response(
            pipeline.to_csv(("sourceCode", "sourceName", "targetCode", "targetName"), maps, ";"),
            content_type="text/csv;charset=UTF-8",
        )
    summary = _table_summary(table, lang)
    summary["owningSection"] = _section(table.source.classification)
    return _json(
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
        and (include_codelists or c.kind == "CLASSIFICATION")
        and (not section or c.producer.short_name.lower() == section.lower())
    ]


@route("/classificationfamilies", csv=False)
def list_families(suffix: str | None = None) -> Response:
    lang = service.language(request.args.get("language"))
    include_codelists = _bool("includeCodelists")
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
                    "_links": {"self": _href("klass.get_family", family_id=family.id)},
                }
            )
    payload: dict[str, Any] = {"_embedded": {"classificationFamilies": items}} if items else {}
    payload["_links"] = {"self": {"href": request.url}}
    return _json(payload)


@route("/classificationfamilies/<family_id>", csv=False)
def get_family(family_id: str, suffix: str | None = None) -> Response:
    lang = service.language(request.args.get("language"))
    number = _id(family_id)
    family = next((f for f in service.families(get_session()) if f.id == number), None)
    if family is None:
        raise NotFound(f"ClassificationFamily not found with id = {number}")
    section = (request.args.get("ssbSection") or "").split(" - ")[0].strip()
    members = _family_members(number, _bool("includeCodelists"), section)
    return _json(
        {
            "name": service.text(family, "name", lang) or family.name_nb,
            "id": family.id,
            "classifications": [
                {k: v for k, v in _classification_item(c, lang, False).items()} for c in members
            ],
            "_links": {"self": {"href": request.url}},
        }
    )


@route("/ssbsections", csv=False)
def sections(suffix: str | None = None) -> Response:
    """Here the "sections" are the producers that own a published classification."""
    names = sorted({_section(c) for c in service.all_public(get_session())})
    return _json(
        {
            "_embedded": {"ssbSections": [{"name": n} for n in names]},
            "_links": {"self": {"href": request.url}},
        }
    )


@bp.errorhandler(PortalError)
def _problem(error: PortalError) -> Response:
    # Klass answers CSV requests with the bare message and everything else with a problem document.
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


def init_app(app: Flask) -> None:
    # Read-only and open to everyone: no session, no CSRF, the public API rate limit.
    csrf.exempt(bp)
    get_limiter(app).limit(lambda: named_limit("api"))(bp)
    app.register_blueprint(bp)
