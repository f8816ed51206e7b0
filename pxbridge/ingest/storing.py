"""Storing a parsed table: its metadata as rows, its cells in the cell store. All or nothing: a table is
either stored whole (rows and cell file) or not at all. Never imports Flask."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.kernel.access import Actor, Permission, ensure_permission, is_pending, is_released
from portal.kernel.audit import record_write
from portal.kernel.clock import in_oslo
from portal.kernel.concurrency import force_update
from portal.kernel.errors import BadRequest, Conflict, FieldError, PreconditionFailed
from portal.programme.models import Statistic
from pxbridge.ingest.limits import check_table_texts
from pxbridge.ingest.px import PxTable
from pxbridge.models import DataTable, TableVariable, kept_key, latest_row
from pxbridge.store.cell_store import CellStore
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
                texts=_variable_texts(variable, parsed),
                precision=dict(variable.precision),
            )
        )
    return rows


def _variable_texts(variable: Any, parsed: PxTable) -> dict[str, Any]:
    """The variable's name and value labels in each of the file's languages (issue 21); a language
    without them has the file's own language's (the codes when it has none either)."""
    own_labels = list(variable.value_labels.get(parsed.language) or variable.codes)
    own_name = variable.labels.get(parsed.language) or variable.code
    texts = {}
    for lang in _portal_languages(parsed.languages):
        values = list(variable.value_labels.get(lang) or own_labels)
        texts[lang] = {
            "label": variable.labels.get(lang) or own_name,
            "values": [text or own for text, own in zip(values, own_labels, strict=True)],
        }
    return texts


def _table_texts(parsed: PxTable) -> dict[str, Any]:
    """The table's title, source and contents in each of the file's languages (issue 21)."""
    title = parsed.title.get(parsed.language) or parsed.matrix

    def each(mapping: Mapping[str, str], lang: str, fallback: str) -> str:
        return mapping.get(lang) or mapping.get(parsed.language) or fallback

    return {
        lang: {
            "title": each(parsed.title, lang, title),
            "source": each(parsed.source, lang, ""),
            "contents": each(parsed.contents, lang, ""),
        }
        for lang in _portal_languages(parsed.languages)
    }


def _units(parsed: PxTable) -> dict[str, Any]:
    """Each contents value's unit in Norwegian (else the file's own language) and English, and in
    every language of the file by its code (issue 21); the decimals people are shown."""
    languages = _portal_languages(parsed.languages)
    return {
        c.code: {
            **{
                lang: _in(c.units, lang, parsed.language)
                or _in(parsed.units, lang, parsed.language)
                or ""
                for lang in languages
            },
            "nb": _nb(c.units, parsed) or _nb(parsed.units, parsed) or "",
            "en": c.units.get("en") or parsed.units.get("en", ""),
            "decimals": c.decimals,
            **({"stockfa": c.stockfa} if c.stockfa else {}),
        }
        for c in parsed.contents_values
    }


def choose_table_id(requested: str | None, parsed: PxTable) -> str:
    """The id a table is stored under: the one asked for, else the file's TABLEID or MATRIX; raises
    BadRequest for one that cannot be an id."""
    candidate = requested or parsed.table_id or parsed.matrix
    if not candidate or not TABLE_ID.match(candidate):
        raise BadRequest("", (FieldError.said("table_id", "imp.store.table_id_chars"),)).said(
            "imp.store.bad_table_id", candidate=candidate
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
    no_release: bool = False,
    table_id: str | None = None,
    expected_version: int | None = None,
    now: datetime,
) -> tuple[DataTable, tuple[str, ...]]:
    """Add or replace a table of ``statistic_slug``; returns the row and the cell revisions no row
    names any more (to delete after commit, :func:`commit_table`). The cell file is written first and
    removed again if the rows fail.

    A public table given a new revision that waits for a coming release stays public as it was: its
    row is kept under a private key (:func:`pxbridge.models.kept_key`) and the public sees it until
    that release's instant, when the new revision takes its place (:func:`pxbridge.service.visible`;
    issue 19). Kept rows a public revision has replaced are removed at the next write.

    ``release_id`` ties the table to that release; left out (None), a new table has no release and a
    re-upload keeps the release the table has, so a replaced table never goes out before its release
    (issue 16). ``no_release`` takes it off its release. A table waiting for a coming release cannot
    be made public at once by an upload (no release, or one already out): to publish sooner, the
    release is moved in the calendar, which is public and marked.

    ``expected_version`` (the upload's If-Match) replaces only the table at that version. Replacing is
    conditional on the version read either way: of two uploads of one table at once, one wins and the
    other fails with StaleDataError (409 at the edge), so a table never mixes two files (issue 16).

    Raises BadRequest (unknown statistic or release, both release arguments), 401/403 (another
    producer's statistic or table), Conflict (the id is taken by another producer; the upload would
    publish a waiting table now), PreconditionFailed (no table at ``expected_version``)."""
    statistic = session.scalar(select(Statistic).where(Statistic.slug == statistic_slug))
    if statistic is None:
        raise BadRequest("", (FieldError.said("statistic", "imp.store.unknown"),)).said(
            "imp.store.no_statistic", slug=statistic_slug
        )
    actor = ensure_permission(actor, Permission.TABLE_WRITE, statistic.producer_id)
    check_table_texts(parsed)
    if no_release and release_id is not None:
        raise BadRequest("", (FieldError.said("release", "imp.store.one_value"),)).said(
            "imp.store.release_or_none"
        )
    release = None
    if release_id is not None:
        release = session.get(Release, release_id)
        if release is None or release.statistic_id != statistic.id:
            raise BadRequest(
                "", (FieldError.said("release", "imp.store.not_this_statistic"),)
            ).said("imp.store.release_not_of", release=release_id, slug=statistic_slug)
    key = choose_table_id(table_id, parsed)
    existing = latest_row(session, key)
    tied_before = existing.release_id if existing is not None else None
    if existing is not None:
        if existing.statistic.producer_id != statistic.producer_id:
            raise Conflict("").said("imp.store.other_producer", table=existing.id)
        key = existing.id
        if release_id is None and not no_release:
            release_id, release = existing.release_id, existing.release
        _refuse_publishing_early(existing, release, now)
    if expected_version is not None and (existing is None or existing.version != expected_version):
        if existing is None:
            raise PreconditionFailed("").said("imp.store.nothing_to_replace", table=key)
        raise PreconditionFailed("").said(
            "imp.store.stale_version",
            table=key,
            version=existing.version,
            sent=expected_version,
        )
    # Taken before the row is written: `existing.store_revision` names the new file from then on,
    # and comparing with it kept every failed replacement's cells on disk (issue 16).
    previous = existing.store_revision if existing is not None else None
    revision = store.put(key, parsed.values)
    kept_previous = False
    try:
        kept = _kept_rows(session, key)
        dropped: list[str] = []
        if existing is not None and _public(existing.release, now) and _waits(release, now):
            # The public keeps this revision until the new one's release; older kept rows are past.
            dropped += _drop(session, kept)
            _keep(session, existing)
            kept_previous = True
        elif not _waits(release, now):
            dropped += _drop(session, kept)  # the new revision is public now: none is kept
        _write_rows(session, existing, parsed, key, statistic, release_id, revision, now)
        session.flush()
    except Exception:
        if revision != previous:
            discard_revision(session, store, key, revision)
        raise
    table = latest_row(session, key)
    assert table is not None
    gone = {*dropped, *([previous] if previous and not kept_previous else [])} - {revision}
    gone -= set(session.scalars(select(DataTable.store_revision).where(DataTable.id == key)))
    record_write(
        session,
        actor=actor,
        at=now,
        action="replace" if existing is not None else "create",
        entity="table",
        entity_id=key,
        producer_id=statistic.producer_id,
        before={"revision": previous, "release": tied_before} if existing is not None else None,
        after={"revision": revision, "cells": int(parsed.values.size), "release": release_id},
    )
    return table, tuple(sorted(gone))


def _public(release: Release | None, now: datetime) -> bool:
    return release is None or is_released(release.state, release.release_at, now)


def _kept_rows(session: Session, key: str) -> list[DataTable]:
    return list(
        session.scalars(select(DataTable).where(DataTable.id == key, DataTable.row_id != key))
    )


def _drop(session: Session, rows: Sequence[DataTable]) -> list[str]:
    """Delete kept rows; their cell revisions (to delete after commit when no row names them)."""
    for row in rows:
        session.delete(row)
    session.flush()
    return [r.store_revision for r in rows if r.store_revision]


def _keep(session: Session, table: DataTable) -> None:
    """A copy of ``table`` under a private key, with its variables: the revision the public sees
    until a waiting one replaces it."""
    columns = [
        c.key for c in DataTable.__mapper__.column_attrs if c.key not in {"row_id", "version"}
    ]
    kept = DataTable(row_id=kept_key(), **{name: getattr(table, name) for name in columns})
    variables = [
        c.key for c in TableVariable.__mapper__.column_attrs if c.key not in {"id", "table_id"}
    ]
    kept.variables = [
        TableVariable(**{name: getattr(v, name) for name in variables}) for v in table.variables
    ]
    session.add(kept)
    session.flush()


def discard_revision(session: Session, store: CellStore, key: str, revision: str) -> None:
    """After a failed write of table ``key``: roll the transaction back and delete the cell file
    ``revision`` unless a stored table uses it. Cell files are named by their content, so two uploads
    of one file at once share one; the upload that lost the race must not delete what the winner
    committed (issue 16). When in doubt the file stays: an unused file costs disk, never a table."""
    session.rollback()
    in_use = session.scalar(
        select(DataTable.id).where(DataTable.id == key, DataTable.store_revision == revision)
    )
    if in_use is None:
        store.delete(key, revision)


def commit_table(
    session: Session, store: CellStore, table: DataTable, dropped: Sequence[str]
) -> None:
    """Commit what :func:`store_table` wrote, then delete the cell revisions it ``dropped`` that no
    row names. If the commit fails, the new cell file goes (:func:`discard_revision`) and the error
    is raised again. A process killed between the two leaves a file no row names: ``portal tables
    check`` removes it."""
    key, revision = table.id, table.store_revision
    try:
        session.commit()
    except Exception:
        if revision and revision not in set(dropped) and not _named(session, key, revision):
            discard_revision(session, store, key, revision)
        else:
            session.rollback()
        raise
    for gone in dropped:
        if gone != revision:
            store.delete(key, gone)


def _named(session: Session, key: str, revision: str) -> bool:
    return (
        session.scalar(
            select(DataTable.row_id).where(
                DataTable.id == key, DataTable.store_revision == revision
            )
        )
        is not None
    )


def _waits(release: Release | None, now: datetime) -> bool:
    """Whether a table tied to ``release`` is hidden at ``now`` until a release still to come."""
    return release is not None and is_pending(release.state, release.release_at, now)


def _refuse_publishing_early(existing: DataTable, release: Release | None, now: datetime) -> None:
    """Raise Conflict if replacing ``existing`` and tying it to ``release`` (None: no release) would
    make public now a table that waits for a coming release."""
    waiting = existing.release
    if waiting is None or not _waits(waiting, now):
        return
    if release is not None and not is_released(release.state, release.release_at, now):
        return  # still hidden: until that release, or never (a cancelled one)
    when = in_oslo(waiting.release_at).strftime("%Y-%m-%d %H:%M %Z")
    raise Conflict("").said(
        "imp.store.publish_early",
        table=existing.id,
        release=waiting.id,
        title=waiting.title_nb,
        when=when,
    )


def _write_rows(
    session: Session,
    existing: DataTable | None,
    parsed: PxTable,
    key: str,
    statistic: Statistic,
    release_id: int | None,
    revision: str,
    now: datetime,
) -> None:
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
        "texts": _table_texts(parsed),
        "official": parsed.official if parsed.official is not None else statistic.is_official,
        "aggregallowed": parsed.aggregallowed is not False,
        "subject_code": parsed.subject_code,
        "languages": ",".join(_portal_languages(parsed.languages)),
        "time_unit": TIME_UNITS.get(time.time_scale or "", "Other") if time else "Other",
        "first_period": _periods(time.codes)[0] if time and time.codes else "",
        "last_period": _periods(time.codes)[-1] if time and time.codes else "",
        "updated": parsed.updated or now,
        "decimals": parsed.decimals,
        "showdecimals": parsed.showdecimals,
        "kept_as_text": dict(parsed.kept_as_text),
        "symbols": dict(parsed.symbols),
        "units": _units(parsed),
        "cells": int(parsed.values.size),
        "store_revision": revision,
        "updated_at": now,
    }
    if existing is None:
        session.add(DataTable(id=key, created_at=now, variables=_variables(parsed), **fields))
        return
    for name, value in fields.items():
        setattr(existing, name, value)
    # Even an identical file raises the version, in the UPDATE that comes before the variables go:
    # of two replacements at once one wins, the other fails there (issue 16).
    force_update(existing, "updated_at")
    existing.variables.clear()
    session.flush()
    existing.variables.extend(_variables(parsed))


def _portal_languages(languages: Sequence[str]) -> list[str]:
    """The file's languages, its own first (issue 21: an English-only file is not Norwegian)."""
    chosen = list(dict.fromkeys(lang for lang in languages if lang))
    return chosen or ["nb"]


def _periods(codes: Sequence[str]) -> Sequence[str]:
    """A time variable's codes from the earliest to the latest. A file may list them newest first
    (14216 has "2025","2024"): TLIST codes of one scale ("2024", "2023M06", "2023K1", "2023U05") have one
    width and sort as text; codes of mixed widths (free-text periods) keep the file's order."""
    if len({len(code) for code in codes}) == 1:
        return sorted(codes)
    return codes
