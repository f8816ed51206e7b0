"""/api/klass/v1/: the registry in the shape of Statistics Norway's Klass API, so existing Klass clients
work unchanged (Klass's API guide, data.ssb.no/api/klass/v1/api-guide.html). Upstream field names, URL shapes, string levels, both
level parameter names, the `.json`/`.csv` suffixes and the double-slash `//ssbsections` are kept on
purpose; our internal names never appear here. This module holds the classification and code endpoints;
klass_resources.py the resources by id (versions, variants, tables, families, sections)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask, Response, request, url_for

from metadata.codelists import codes as pipeline
from metadata.codelists import service, variants
from metadata.codelists.klass_edge import (
    CHANGE_COLUMNS,
    CODE_COLUMNS,
    CODE_CSV_FIELDS,
    CORRESPONDENCE_COLUMNS,
    bool_param,
    bp,
    classification_item,
    code_record,
    csv_response,
    date_param,
    hal_json,
    href,
    item_names,
    language_and_future,
    missing_parameter,
    page_info,
    paging,
    parse_id,
    route,
    section_label,
    today_utc,
    version_name,
    version_summary,
    wants_csv,
)
from metadata.codelists.models import ClassificationKind
from portal.http.db import get_session
from portal.http.security import csrf, limit_blueprint
from portal.kernel.errors import BadRequest, FieldError, NotFound


@route("/classifications", csv=False)
def list_classifications(suffix: str | None = None) -> Response:
    lang = service.language(request.args.get("language"))
    include_codelists, with_description = (
        bool_param("includeCodelists"),
        bool_param("includeDescription"),
    )
    changed = request.args.get("changedSince")
    since = None
    if changed:
        try:
            since = datetime.fromisoformat(changed.replace(" ", "+"))
        except ValueError:
            raise BadRequest("", (FieldError.said("changedSince", "klass.field.datetime"),)).said(
                "klass.not_datetime", raw=changed
            ) from None
    found = [
        c
        for c in service.all_public(get_session())
        if (include_codelists or c.kind is ClassificationKind.CLASSIFICATION)
        and (since is None or c.last_modified > since)
    ]
    page, size = paging()
    chunk = found[page * size : (page + 1) * size]
    payload: dict[str, Any] = {}
    if chunk:
        payload["_embedded"] = {
            "classifications": [classification_item(c, lang, with_description) for c in chunk]
        }
    payload["_links"] = {
        "self": {"href": request.url},
        "search": {
            "href": url_for("klass.search", _external=True) + "{?query,includeCodelists}",
            "templated": True,
        },
    }
    payload["page"] = page_info(size, len(found), page)
    return hal_json(payload)


@route("/classifications/search", csv=False)
def search(suffix: str | None = None) -> Response:
    query = request.args.get("query")
    if query is None:
        raise missing_parameter("query")
    section = (request.args.get("ssbSection") or "").split(" - ")[0].strip()
    include_codelists = bool_param("includeCodelists")
    words = [w.lower() for w in query.split() if w.strip()]
    hits = []
    for found in service.all_public(get_session()):
        if not include_codelists and found.kind is not ClassificationKind.CLASSIFICATION:
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
    page, size = paging()
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
                        "self": href("klass.get_classification", classification_id=found.id)
                    },
                }
                for score, found, lang, name in chunk
            ]
        }
    payload["_links"] = {"self": {"href": request.url}}
    payload["page"] = page_info(size, len(hits), page)
    return hal_json(payload)


@route("/classifications/<classification_id>", csv=False)
def get_classification(classification_id: str, suffix: str | None = None) -> Response:
    lang, include_future = language_and_future()
    found = service.classification(get_session(), parse_id(classification_id))
    today = today_utc()
    base = url_for("klass.get_classification", classification_id=found.id, _external=True)
    payload = {
        **{k: v for k, v in classification_item(found, lang, True).items() if k != "_links"},
        "primaryLanguage": found.primary_language,
        "copyrighted": found.copyrighted,
        "includeShortName": found.include_short_name,
        "includeNotes": found.include_notes,
        "contactPerson": {"name": found.producer.name_nb, "email": "", "phone": ""},
        "owningSection": section_label(found),
        "statisticalUnits": [],
        "versions": [
            version_summary(v, lang, today, include_future)
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
            "variant": {
                "href": base
                + "/variant{?variantName,from=<yyyy-MM-dd>,to=<yyyy-MM-dd>,csvSeparator,level,selectCodes,presentationNamePattern}",
                "templated": True,
            },
            "variantAt": {
                "href": base
                + "/variantAt{?variantName,date=<yyyy-MM-dd>,csvSeparator,level,selectCodes,presentationNamePattern}",
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
    return hal_json(payload)


def _selected(rows: list[pipeline.CodeRow], level: str | None) -> list[pipeline.CodeRow]:
    """``rows`` at ``level``, narrowed by ``selectCodes`` and named by ``presentationNamePattern``."""
    return pipeline.select(
        rows,
        level=level,
        select_codes=request.args.get("selectCodes"),
        pattern=request.args.get("presentationNamePattern"),
    )


def _code_rows(classification_id: str, start: date, end: date | None) -> list[pipeline.CodeRow]:
    lang, include_future = language_and_future()
    db, today = get_session(), today_utc()
    found = service.classification(db, parse_id(classification_id))
    versions = service.public_versions(found, today, include_future)
    rows = pipeline.codes_in_range(
        service.version_rows(db, versions, lang, today, include_future, start, end), start, end
    )
    return _selected(rows, request.args.get("selectLevel") or request.args.get("level"))


def _variant_rows(classification_id: str, start: date, end: date | None) -> list[pipeline.CodeRow]:
    """The codes of the variant named ``variantName`` in each version overlapping the range, with the
    variant's own validity; ``level`` (and ``selectLevel``) as on /codes. Raises 400/404 as Klass does."""
    name = request.args.get("variantName")
    if not name:
        raise missing_parameter("variantName")
    lang, include_future = language_and_future()
    db, today = get_session(), today_utc()
    found = service.classification(db, parse_id(classification_id))
    versions = service.public_versions(found, today, include_future)
    names = {v.id: version_name(v, lang) for v in versions}
    chosen = variants.variants_named(db, versions, name, lang, names, start, end)
    if not chosen:
        raise NotFound("").said(
            "klass.no_named_variant",
            name=service.text(found, "name", lang) or found.name_nb,
            variant=name,
        )
    rows = pipeline.codes_in_range([variants.variant_rows(v, lang) for v in chosen], start, end)
    return _selected(rows, request.args.get("level") or request.args.get("selectLevel"))


#: The rows of a code answer: (classification id, first day, day after the last or None).
Rows = Callable[[str, date, date | None], list[pipeline.CodeRow]]


def _codes_answer(
    rows_of: Rows, classification_id: str, suffix: str | None, *, ranged: bool
) -> Response:
    """A ``codes`` answer: over ``from``–``to`` with each code's validity when ``ranged``, else on
    ``date`` (Klass's /codes and /codesAt, /variant and /variantAt)."""
    if ranged:
        start = date_param("from")
        assert start is not None
        end = date_param("to", False)
    else:
        start = date_param("date")
        assert start is not None
        end = start + timedelta(days=1)
    records = [code_record(r, ranged) for r in rows_of(classification_id, start, end)]
    if wants_csv(suffix):
        return csv_response(CODE_COLUMNS if ranged else CODE_CSV_FIELDS, records)
    return hal_json({"codes": records})


@route("/classifications/<classification_id>/variant")
def variant(classification_id: str, suffix: str | None = None) -> Response:
    return _codes_answer(_variant_rows, classification_id, suffix, ranged=True)


@route("/classifications/<classification_id>/variantAt")
def variant_at(classification_id: str, suffix: str | None = None) -> Response:
    return _codes_answer(_variant_rows, classification_id, suffix, ranged=False)


@route("/classifications/<classification_id>/codes")
def codes(classification_id: str, suffix: str | None = None) -> Response:
    return _codes_answer(_code_rows, classification_id, suffix, ranged=True)


@route("/classifications/<classification_id>/codesAt")
def codes_at(classification_id: str, suffix: str | None = None) -> Response:
    return _codes_answer(_code_rows, classification_id, suffix, ranged=False)


def _correspondence_rows(
    classification_id: str, start: date, end: date | None, ranged: bool
) -> list[dict[str, Any]]:
    target_raw = request.args.get("targetClassificationId")
    if not target_raw:
        raise missing_parameter("targetClassificationId")
    lang = service.language(request.args.get("language"))
    db = get_session()
    source = service.classification(db, parse_id(classification_id))
    target = service.classification(db, parse_id(target_raw))
    tables, inverted = service.tables_between(db, source, target), False
    if not tables:
        tables, inverted = service.tables_between(db, target, source), True
    if not tables:
        raise NotFound("").said(
            "klass.no_correspondence", source=source.name_nb, target=target.name_nb
        )
    rows: list[dict[str, Any]] = []
    for table in tables:
        lo = max(table.source.valid_from, table.target.valid_from)
        hi = pipeline.earlier(table.source.valid_to, table.target.valid_to)
        if not pipeline.overlaps(start, end, lo, hi):
            continue
        source_names, target_names = item_names(table.source, lang), item_names(table.target, lang)
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
    start = date_param("from")
    assert start is not None
    rows = _correspondence_rows(classification_id, start, date_param("to", False), True)
    if wants_csv(suffix):
        return csv_response(CORRESPONDENCE_COLUMNS, rows)
    return hal_json({"correspondenceItems": rows})


@route("/classifications/<classification_id>/correspondsAt")
def corresponds_at(classification_id: str, suffix: str | None = None) -> Response:
    day = date_param("date")
    assert day is not None
    rows = _correspondence_rows(classification_id, day, day + timedelta(days=1), False)
    if bool_param("inverted"):
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
    if wants_csv(suffix):
        return csv_response(CORRESPONDENCE_COLUMNS[:6], rows)
    return hal_json({"correspondenceItems": rows})


@route("/classifications/<classification_id>/changes")
def changes(classification_id: str, suffix: str | None = None) -> Response:
    start = date_param("from")
    end = date_param("to", False)
    assert start is not None
    if end is not None and start >= end:
        raise BadRequest("").said("klass.range", start=start, end=end)
    lang, include_future = language_and_future()
    db = get_session()
    found = service.classification(db, parse_id(classification_id))
    versions = sorted(
        (
            v
            for v in service.public_versions(found, today_utc(), include_future)
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
            raise NotFound("").said("klass.no_change_table", older=older.id, newer=newer.id)
        old_names, new_names = item_names(older, lang), item_names(newer, lang)
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
    if wants_csv(suffix):
        return csv_response(CHANGE_COLUMNS, rows)
    return hal_json({"codeChanges": rows})


def init_app(app: Flask) -> None:
    from metadata.codelists.klass_edge import klass_error
    from portal.http.errors import register_error_shape

    register_error_shape("/api/klass/", klass_error)
    from metadata.codelists import klass_resources  # noqa: F401  (registers routes on bp)

    # Read-only and open to everyone: no session, no CSRF, the public API's one rate-limit counter.
    csrf.exempt(bp)
    limit_blueprint(app, bp, "api")
    app.register_blueprint(bp)
