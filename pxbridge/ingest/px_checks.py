"""What a PX file must have, and what its statements may name, as PxWeb decides (PCAxis.Core,
PXModelBuilderAdapter: its errors refuse a file, its warnings do not). Split out of
:mod:`pxbridge.ingest.px`; the reasons for each rule, and where we differ, are in docs/px-reading.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from portal.kernel.errors import FieldError
from pxbridge.ingest.px_keywords import Meta
from pxbridge.ingest.px_tokens import PxWarning, Statement, problem, text

# Keywords whose first (or only) name is a variable's; naming none is an error for those PxWeb cannot
# do without, a warning (the statement left out) for the others.
_VARIABLE_KEYED_FATAL = frozenset({"VALUES", "CODES", "KEYS"})
_VARIABLE_KEYED = _VARIABLE_KEYED_FATAL | frozenset(
    {
        "TIMEVAL", "ELIMINATION", "PRESTEXT", "DOMAIN", "DOUBLECOLUMN", "MAP", "NOTE", "NOTEX",
        "VARIABLECODE", "VALUENOTE", "VALUENOTEX", "PRECISION", "VARIABLE-TYPE",
    }
)  # fmt: skip
# Keywords that, with one name, describe one value of the contents variable (PxWeb's ContInfo).
CONTENTS_KEYED = frozenset(
    {
        "UNITS", "LAST-UPDATED", "STOCKFA", "CFPRICES", "DAYADJ", "SEASADJ", "REFPERIOD",
        "BASEPERIOD", "CONTACT",
    }
)  # fmt: skip


def check_mandatory(
    meta: Meta,
    data_line: int,
    contents_values: Sequence[str] | None,
    problems: list[FieldError],
    warnings: list[PxWarning],
) -> None:
    """The keywords PxWeb refuses a file without, each missing one a problem at the DATA line: MATRIX,
    TITLE (or DESCRIPTION), CONTENTS, UNITS, and with a contents variable (its values'
    ``contents_values``) a UNITS of each value. SUBJECT-AREA, SUBJECT-CODE and DECIMALS, which PxWeb
    also demands, are warnings here: the portal files a table under its statistic, and with no
    DECIMALS the cells keep every digit they are written with (docs/px-reading.md)."""
    missing = [
        keyword
        for keyword, present in (
            ("MATRIX", bool(meta.text("MATRIX"))),
            ("TITLE", bool(meta.text("TITLE") or meta.text("DESCRIPTION"))),
            ("CONTENTS", bool(meta.text("CONTENTS"))),
            ("UNITS", meta.get("UNITS") is not None),
        )
        if not present
    ]
    for keyword in missing:
        also = " or DESCRIPTION" if keyword == "TITLE" else ""
        detail = f"{keyword}: the file has no {keyword}{also}, which PxWeb requires"
        problems.append(problem(data_line, detail))
    if contents_values is not None:
        contvar = meta.get("CONTVARIABLE")
        assert contvar is not None
        # A UNITS naming no value is likely the one meant (PxWeb's BE0101F1errorContVariableunits):
        # the problem points at it.
        stray = [
            s
            for s in meta.by_keyword.get("UNITS", [])
            if len(s.subkeys) == 1 and s.lang is None and s.subkeys[0] not in contents_values
        ]
        for value in contents_values:
            if meta.get("UNITS", None, (value,)) is None:
                detail = (
                    f'UNITS("{value}"): missing for this value of the contents variable '
                    f"(CONTVARIABLE on line {contvar.line})"
                )
                if stray:
                    detail += f"; {stray[0].name} names no value"
                problems.append(problem(stray[0].line if stray else data_line, detail))
    for keyword in ("SUBJECT-AREA", "SUBJECT-CODE", "DECIMALS"):
        if meta.get(keyword) is None:
            message = "missing (PxWeb requires it; read without it)"
            warnings.append(PxWarning(data_line, keyword, message))


def check_references(
    meta: Meta,
    names_by_lang: Mapping[str, Sequence[str]],
    contents_labels: Mapping[str, Sequence[str]] | None,
    problems: list[FieldError],
    warnings: list[PxWarning],
) -> None:
    """Statements naming a variable (``names_by_lang``, in each language) or a value of the contents
    variable (``contents_labels``, None without one) that the file does not have. VALUES, CODES and
    KEYS of no variable, and a value's keyword without a CONTVARIABLE, are problems (PxWeb refuses
    them); any other is left out with a warning, as in PxWeb."""
    for keyword, found in meta.by_keyword.items():
        for s in found:
            lang = meta.default if s.lang is None else s.lang
            if not s.subkeys:
                continue
            # A translated statement may name by the default language's names too (read so).
            if keyword in _VARIABLE_KEYED:
                names = {*names_by_lang.get(lang, ()), *names_by_lang[meta.default]}
                if s.subkeys[0] not in names:
                    _unknown(s, "names no variable of STUB or HEADING", keyword, problems, warnings)
            elif keyword in CONTENTS_KEYED and len(s.subkeys) == 1:
                if contents_labels is None:
                    detail = f"{s.name}: names a value, but the file has no CONTVARIABLE"
                    problems.append(problem(s.line, detail))
                    continue
                labels = {*contents_labels.get(lang, ()), *contents_labels[meta.default]}
                if s.subkeys[0] not in labels:
                    _unknown(
                        s, "names no value of the contents variable", keyword, problems, warnings
                    )


def _unknown(
    s: Statement, why: str, keyword: str, problems: list[FieldError], warnings: list[PxWarning]
) -> None:
    if keyword in _VARIABLE_KEYED_FATAL:
        problems.append(problem(s.line, f"{s.name}: {why}"))
    else:
        warnings.append(PxWarning(s.line, s.name, f"{why}: left out"))


def contents_variable(meta: Meta, names: Sequence[str], problems: list[FieldError]) -> str | None:
    """The name CONTVARIABLE gives, when it names a variable of STUB or HEADING; a problem when it
    names none (PxWeb refuses such a file: PxcErr161)."""
    contvar = meta.get("CONTVARIABLE")
    if contvar is None:
        return None
    name = text(contvar)
    if name not in names:
        problems.append(
            problem(contvar.line, f'CONTVARIABLE: "{name}" is no variable of STUB or HEADING')
        )
        return None
    return name
