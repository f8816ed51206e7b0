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
        if keyword == "TITLE":
            problems.append(problem(data_line, "imp.px.title_missing"))
        else:
            problems.append(problem(data_line, "imp.px.mandatory_missing", keyword=keyword))
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
                if stray:
                    missing_units = problem(
                        stray[0].line,
                        "imp.px.units_missing_stray",
                        value=value,
                        line=contvar.line,
                        stray=stray[0].name,
                    )
                else:
                    missing_units = problem(
                        data_line, "imp.px.units_missing", value=value, line=contvar.line
                    )
                problems.append(missing_units)
    for keyword in ("SUBJECT-AREA", "SUBJECT-CODE", "DECIMALS"):
        if meta.get(keyword) is None:
            warnings.append(PxWarning.said(data_line, keyword, "imp.px.w.mandatory_missing"))


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
                    _unknown(s, "no_such_variable", keyword, problems, warnings)
            elif keyword in CONTENTS_KEYED and len(s.subkeys) == 1:
                if contents_labels is None:
                    problems.append(
                        problem(s.line, "imp.px.value_without_contvariable", name=s.name)
                    )
                    continue
                labels = {*contents_labels.get(lang, ()), *contents_labels[meta.default]}
                if s.subkeys[0] not in labels:
                    _unknown(s, "no_such_contents_value", keyword, problems, warnings)


def _unknown(
    s: Statement, why: str, keyword: str, problems: list[FieldError], warnings: list[PxWarning]
) -> None:
    """``s`` names what the file lacks (``why``: "no_such_variable" or "no_such_contents_value"):
    a problem for the keywords PxWeb refuses it in, else a warning."""
    if keyword in _VARIABLE_KEYED_FATAL:
        key = (
            "imp.px.no_such_variable"
            if why == "no_such_variable"
            else "imp.px.no_such_contents_value"
        )
        problems.append(problem(s.line, key, name=s.name))
    else:
        key = (
            "imp.px.w.no_such_variable"
            if why == "no_such_variable"
            else "imp.px.w.no_such_contents_value"
        )
        warnings.append(PxWarning.said(s.line, s.name, key))


def contents_variable(meta: Meta, names: Sequence[str], problems: list[FieldError]) -> str | None:
    """The name CONTVARIABLE gives, when it names a variable of STUB or HEADING; a problem when it
    names none (PxWeb refuses such a file: PxcErr161)."""
    contvar = meta.get("CONTVARIABLE")
    if contvar is None:
        return None
    name = text(contvar)
    if name not in names:
        problems.append(problem(contvar.line, "imp.px.contvariable_unknown", name=name))
        return None
    return name
