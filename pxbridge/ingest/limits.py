"""The text limits of a table, whatever file it came from (PX, JSON-stat or CSV): names, titles and
labels at most :data:`~portal.kernel.parsing.MAX_NAME` characters, notes and free texts at most
:data:`~portal.kernel.parsing.MAX_TEXT`. Checked before anything is stored, so a 900 KB title is a 400 naming
it on every database instead of a 500 on PostgreSQL. No Flask."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from portal.kernel.errors import BadRequest, FieldError
from portal.kernel.parsing import MAX_NAME, MAX_TEXT, check_text
from pxbridge.ingest.px import PxTable

MAX_PROBLEMS = 20


def _texts(where: str, by_lang: Mapping[str, str], limit: int, errors: list[FieldError]) -> None:
    for lang, text in by_lang.items():
        check_text(text, limit, f"{where}[{lang}]", errors)


def _many(
    where: str, by_lang: Mapping[str, Iterable[str]], limit: int, errors: list[FieldError]
) -> None:
    for lang, texts in by_lang.items():
        for number, text in enumerate(texts):
            check_text(text, limit, f"{where}[{lang}][{number}]", errors)


def check_table_texts(table: PxTable) -> None:
    """Raises BadRequest naming every text over its limit (at most :data:`MAX_PROBLEMS` of them)."""
    errors: list[FieldError] = []
    check_text(table.matrix, MAX_NAME, "MATRIX", errors)
    if table.table_id:
        check_text(table.table_id, MAX_NAME, "TABLEID", errors)
    for keyword, texts in (
        ("TITLE", table.title),
        ("CONTENTS", table.contents),
        ("UNITS", table.units),
        ("SUBJECT-AREA", table.subject_area),
    ):
        _texts(keyword, texts, MAX_NAME, errors)
    for keyword, texts in (
        ("DESCRIPTION", table.description),
        ("SOURCE", table.source),
        ("CONTACT", table.contact),
    ):
        _texts(keyword, texts, MAX_TEXT, errors)
    _many("NOTE", table.notes, MAX_TEXT, errors)
    for variable in table.variables:
        check_text(variable.code, MAX_NAME, f"variable {variable.code[:40]}", errors)
        _texts(f"{variable.code[:40]} name", variable.labels, MAX_NAME, errors)
        for code in variable.codes:
            check_text(code, MAX_NAME, f"{variable.code[:40]} code", errors)
        _many(f"{variable.code[:40]} VALUES", variable.value_labels, MAX_NAME, errors)
        _many(f"{variable.code[:40]} NOTE", variable.notes, MAX_TEXT, errors)
        if len(errors) >= MAX_PROBLEMS:
            break
    if errors:
        raise BadRequest("", tuple(errors[:MAX_PROBLEMS])).said(
            "imp.limits.too_long", name=MAX_NAME, text=MAX_TEXT
        )
