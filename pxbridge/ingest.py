"""Storing a parsed table: its metadata as rows, its cells in the cell store. All or nothing: a table is
either stored whole (rows and cell file) or not at all. Never imports Flask."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.access import Actor, Permission, ensure_permission
from portal.accounts.audit import record_write
from portal.errors import BadRequest, Conflict, FieldError
from portal.programme.models import Statistic
from pxbridge.limits import check_table_texts
from pxbridge.models import DataTable, TableVariable
from pxbridge.px import PxTable
from pxbridge.store import CellStore
from release_calendar.models import Release

TABLE_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
TIME_UNITS = {"A": "Annual", "H": "Other", "Q": "Quarterly", "M": "Monthly", "W": "Weekly"}
# PX files seldom say which variable is geographic (VARIABLE-TYPE); these codes are.
GEO_CODES = frozenset({"region", "kommune", "fylke", "kommnr", "fylkenr", "land", "bydel"})


def _in(mapping: Mapping[str, Any], lang: str, default_lang: str) -> Any:
    return mapping.get(lang) if lang in mapping else mapping.get(default_lang)


def _nb(mapping: Mapping[str, Any], parsed: PxTable) -> Any:
    """The Norwegian text, else the file's default language (a Finnish or Swedish table still has one)."""
    return _in(mapping, "nb", parsed.language)


def _role(variable: Any) -> str | None:
    if variable.time_scale:
        return "time"
    if variable.is_contents:
        return "metric"
    return "geo" if variable.code.lower() in GEO_CODES else None


def _variables(parsed: PxTable) -> list[TableVariable]:
    rows = []
    for position, variable in enumerate(parsed.variables):
        nb = list(_nb(variable.value_labels, parsed) or variable.codes)
        en = list(variable.value_labels.get("en") or [""] * len(variable.codes))
        rows.append(
            TableVariable(
                position=position,
                code=variable.code,
                label_nb=_nb(variable.labels, parsed) or variable.code,
                label_en=variable.labels.get("en", ""),
                placement="stub" if variable.code in parsed.stub else "heading",
                role=_role(variable),
                elimination=variable.elimination,
                elimination_code=variable.elimination_code,
                time_scale=variable.time_scale,
                show=variable.show,
                codes=list(variable.codes),
                labels_nb=nb,
                labels_en=en,
                notes={lang: list(texts) for lang, texts in variable.notes.items()},
                value_notes={
                    lang: {code: list(texts) for code, texts in by_code.items()}
                    for lang, by_code in variable.value_notes.items()
                },
            )
        )
    return rows


def _units(parsed: PxTable) -> dict[str, Any]:
    return {
        c.code: {
            "nb": _nb(c.units, parsed) or _nb(parsed.units, parsed) or "",
            "en": c.units.get("en") or parsed.units.get("en", ""),
            "decimals": c.decimals,
            **({"stockfa": c.stockfa} if c.stockfa else {}),
        }
        for c in parsed.contents_values
    }


def _table_id(requested: str | None, parsed: PxTable) -> str:
    candidate = requested or parsed.table_id or parsed.matrix
    if not candidate or not TABLE_ID.match(candidate):
        raise BadRequest(
            f"'{candidate}' cannot be a table id: use 1 to 40 letters, digits, '-' or '_'.",
            (FieldError("table_id", "letters, digits, - and _"),),
        )
    return candidate


def store_table(
    session: Session,
    actor: Actor | None,
    store: CellStore,
    parsed: PxTable,
    *,
    statistic_slug: str,
    release_id: int | None = None,
    table_id: str | None = None,
    now: datetime,
) -> tuple[DataTable, str | None]:
    """Add or replace a table of ``statistic_slug``; returns the row and the replaced cell revision
    (to delete after commit). The cell file is written first and removed again if the rows fail.
    Raises BadRequest (unknown statistic or release), 401/403 (another producer's statistic or table),
    Conflict (the id is taken by another producer)."""
    statistic = session.scalar(select(Statistic).where(Statistic.slug == statistic_slug))
    if statistic is None:
        raise BadRequest(
            f"There is no statistic '{statistic_slug}'.", (FieldError("statistic", "unknown"),)
        )
    actor = ensure_permission(actor, Permission.TABLE_WRITE, statistic.producer_id)
    check_table_texts(parsed)
    if release_id is not None:
        release = session.get(Release, release_id)
        if release is None or release.statistic_id != statistic.id:
            raise BadRequest(
                f"Release {release_id} is not a release of {statistic_slug}.",
                (FieldError("release", "not this statistic's"),),
            )
    key = _table_id(table_id, parsed)
    existing = session.scalar(select(DataTable).where(func.lower(DataTable.id) == key.lower()))
    if existing is not None:
        if existing.statistic.producer_id != statistic.producer_id:
            raise Conflict(f"Table id {existing.id} belongs to another producer.")
        key = existing.id
    revision = store.put(key, parsed.values)
    try:
        replaced = _write_rows(session, existing, parsed, key, statistic, release_id, revision, now)
        session.flush()
    except Exception:
        if existing is None or existing.store_revision != revision:
            store.delete(key, revision)
        raise
    table = session.get(DataTable, key)
    assert table is not None
    record_write(
        session,
        actor=actor,
        at=now,
        action="replace" if existing is not None else "create",
        entity="table",
        entity_id=key,
        producer_id=statistic.producer_id,
        before={"revision": replaced} if existing is not None else None,
        after={"revision": revision, "cells": int(parsed.values.size)},
    )
    return table, replaced if replaced != revision else None


def _write_rows(
    session: Session,
    existing: DataTable | None,
    parsed: PxTable,
    key: str,
    statistic: Statistic,
    release_id: int | None,
    revision: str,
    now: datetime,
) -> str | None:
    time = next((v for v in parsed.variables if v.time_scale), None)
    fields: dict[str, Any] = {
        "statistic_id": statistic.id,
        "release_id": release_id,
        "matrix": parsed.matrix,
        "title_nb": _nb(parsed.title, parsed) or parsed.matrix,
        "title_en": parsed.title.get("en", ""),
        "source_nb": _nb(parsed.source, parsed) or "",
        "source_en": parsed.source.get("en", ""),
        "contact": _nb(parsed.contact, parsed) or "",
        "notes": {lang: list(texts) for lang, texts in parsed.notes.items()},
        "official": parsed.official if parsed.official is not None else statistic.is_official,
        "aggregallowed": parsed.aggregallowed is not False,
        "subject_code": parsed.subject_code,
        "languages": ",".join(_portal_languages(parsed.languages)),
        "time_unit": TIME_UNITS.get(time.time_scale or "", "Other") if time else "Other",
        "first_period": time.codes[0] if time and time.codes else "",
        "last_period": time.codes[-1] if time and time.codes else "",
        "updated": parsed.updated or now,
        "decimals": parsed.decimals,
        "symbols": dict(parsed.symbols),
        "units": _units(parsed),
        "cells": int(parsed.values.size),
        "store_revision": revision,
        "updated_at": now,
    }
    if existing is None:
        session.add(DataTable(id=key, created_at=now, variables=_variables(parsed), **fields))
        return None
    replaced = existing.store_revision
    for name, value in fields.items():
        setattr(existing, name, value)
    existing.variables.clear()
    session.flush()
    existing.variables.extend(_variables(parsed))
    return replaced


def _portal_languages(languages: Sequence[str]) -> list[str]:
    chosen = [lang for lang in languages if lang in ("nb", "en")]
    return chosen or ["nb"]
