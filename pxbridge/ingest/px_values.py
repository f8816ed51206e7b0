"""A variable's values as a PX file gives them: its codes (CODES, TIMEVAL or VALUES), PRECISION,
ELIMINATION and value notes. Split out of :mod:`pxbridge.ingest.px`; what PxWeb reads on past is a
:class:`~pxbridge.ingest.px_tokens.PxWarning`, what it refuses a problem (docs/px-reading.md)."""

from __future__ import annotations

from collections import Counter

from portal.kernel.errors import FieldError
from pxbridge.ingest.px_keywords import Meta, optional_whole_number
from pxbridge.ingest.px_tokens import PxWarning, Statement, items, problem, text


def codes_of(
    meta: Meta,
    name: str,
    texts: list[str],
    values_stmt: Statement,
    timeval: Statement | None,
    listed: list[str],
    problems: list[FieldError],
    warnings: list[PxWarning],
) -> list[str] | None:
    """A variable's codes: its CODES, else the periods its TIMEVAL ``listed``, else its VALUES. None
    (a problem added) when they are not one a value, or one is listed twice.

    PxWeb reads a list ending in a comma (`CODES("sex")="1","2",;` in its example database's
    BE101ACE.px) as ending in an empty code, and keeps an empty code; a selection cannot name one,
    so here the value's VALUES text stands in for it, with a warning."""
    codes_stmt = meta.get("CODES", None, (name,))
    if codes_stmt is not None:
        codes, stated_in = items(codes_stmt), "CODES"
        if codes_stmt.value.rstrip().endswith(","):
            codes.append("")
        if "" in codes and len(codes) == len(texts):
            blank = [n for n, code in enumerate(codes) if code == ""]
            for n in blank:
                codes[n] = texts[n]
            stand_ins = ", ".join(f'"{texts[n]}"' for n in blank)
            warnings.append(
                PxWarning.said(
                    codes_stmt.line, codes_stmt.name, "imp.px.w.empty_code", stand_ins=stand_ins
                )
            )
    elif listed:
        codes, stated_in = listed, "TIMEVAL"
    else:
        codes, stated_in = list(texts), "VALUES"
    if len(codes) != len(texts):
        problems.append(
            problem(
                values_stmt.line,
                "imp.px.values_count",
                name=name,
                texts=len(texts),
                stated_in=stated_in,
                codes=len(codes),
            )
        )
        return None
    repeated = next((c for c, n in Counter(codes).items() if n > 1), None)
    if repeated is not None:
        stated = codes_stmt or timeval or values_stmt
        problems.append(problem(stated.line, "imp.px.code_twice", name=stated.name, code=repeated))
        return None
    return codes


def precision_of(
    meta: Meta, name: str, texts: list[str], codes: list[str], warnings: list[PxWarning]
) -> dict[str, int]:
    """PRECISION("name","value")=n of a variable, by value code; one naming no value, or not a whole
    number from 0 to 15, is left out with a warning, as PxWeb leaves it."""
    out: dict[str, int] = {}
    for s in meta.by_keyword.get("PRECISION", []):
        if s.lang is not None or len(s.subkeys) != 2 or s.subkeys[0] != name:
            continue
        if s.subkeys[1] not in texts:
            warnings.append(PxWarning.said(s.line, s.name, "imp.px.w.precision_no_value"))
            continue
        decimals = optional_whole_number(s, warnings, 0, 15)
        if decimals is not None:
            out[codes[texts.index(s.subkeys[1])]] = decimals
    return out


def elimination_of(
    meta: Meta, name: str, texts: list[str], codes: list[str], warnings: list[PxWarning]
) -> tuple[bool, str | None]:
    """ELIMINATION: YES or NO, or the value (by text or code) that stands for the whole variable."""
    elim = meta.get("ELIMINATION", None, (name,))
    if elim is None:
        return False, None
    raw = text(elim)
    if raw.upper() in {"YES", "NO"}:
        return raw.upper() == "YES", None
    if raw in texts:
        return True, codes[texts.index(raw)]
    if raw in codes:
        return True, raw
    warnings.append(PxWarning.said(elim.line, elim.name, "imp.px.w.elimination_value", raw=raw))
    return False, None


def value_notes_of(
    meta: Meta,
    languages: list[str],
    lang_names: dict[str, str],
    value_labels: dict[str, tuple[str, ...]],
    codes: list[str],
    warnings: list[PxWarning],
) -> dict[str, dict[str, tuple[str, ...]]]:
    """VALUENOTE(X)s of a variable, by language and value code (a note on no such value is left out
    with a warning, as PxWeb leaves it)."""
    default = meta.default
    value_notes: dict[str, dict[str, tuple[str, ...]]] = {}
    for lang in languages:
        tag = None if lang == default else lang
        found_notes = [
            s
            for k in ("VALUENOTEX", "VALUENOTE")
            for s in meta.by_keyword.get(k, [])
            if (None if s.lang in (None, default) else s.lang) == tag
            and len(s.subkeys) == 2
            and s.subkeys[0] == lang_names[lang]
        ]
        if not found_notes:
            continue
        position_of = {label: n for n, label in enumerate(value_labels[lang])}
        per_code: dict[str, list[str]] = {}
        for s in found_notes:
            if s.subkeys[1] not in position_of:
                warnings.append(PxWarning.said(s.line, s.name, "imp.px.w.valuenote_no_value"))
                continue
            per_code.setdefault(codes[position_of[s.subkeys[1]]], []).append(text(s))
        if per_code:
            value_notes[lang] = {code: tuple(texts) for code, texts in per_code.items()}
    return value_notes
