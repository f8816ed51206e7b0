"""What an upload would store, and what it changes against the table's current revision (issue 19): the
preview a producer sees before choosing the release the table waits for. Plain data (JSON-able dicts),
so the browser's upload can keep it beside the staged file. Never imports Flask."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pxbridge.ingest.px import PxTable, Variable
from pxbridge.models import DataTable, TableVariable
from pxbridge.store import cells

#: Values of a variable the preview names; the rest are counted.
SHOWN_VALUES = 6
#: Changed cells the preview lists with their old and new value.
SHOWN_CHANGES = 10
#: Tables up to this many cells are compared cell by cell with the current revision.
COMPARE_CELLS = 5_000_000
LANGUAGES = ("nb", "en")


def _texts(mapping: Any, parsed: PxTable) -> dict[str, str]:
    """A text in nb and en: the language's own, else the file's own language's."""
    own = mapping.get(parsed.language, "")
    return {lang: mapping.get(lang) or own for lang in LANGUAGES}


def _value_labels(variable: Variable, parsed: PxTable) -> dict[str, list[str]]:
    own = list(variable.value_labels.get(parsed.language) or variable.codes)
    return {
        lang: [t or o for t, o in zip(variable.value_labels.get(lang) or own, own, strict=True)]
        for lang in LANGUAGES
    }


def _shown(codes: Sequence[str], labels: dict[str, list[str]], picked: Sequence[int]) -> list[Any]:
    return [{"code": codes[i], **{lang: labels[lang][i] for lang in LANGUAGES}} for i in picked]


def describe(parsed: PxTable, table_id: str) -> dict[str, Any]:
    """The table as it would be stored: id, title, languages, each variable with its first values,
    the cells, the symbols used and how often, each contents value's unit."""
    variables = []
    for variable in parsed.variables:
        labels = _value_labels(variable, parsed)
        n = len(variable.codes)
        first = range(min(n, SHOWN_VALUES))
        variables.append(
            {
                "code": variable.code,
                "label": _texts(variable.labels, parsed) | {"own": variable.code},
                "count": n,
                "first": _shown(variable.codes, labels, first),
                "last": _shown(variable.codes, labels, [n - 1])[0] if n > SHOWN_VALUES else None,
                "time": bool(variable.time_scale),
                "contents": variable.is_contents,
                "optional": variable.elimination,
            }
        )
    _, symbols = cells.symbol_cells(parsed.values)
    return {
        "id": table_id,
        "title": _texts(parsed.title, parsed),
        "languages": list(dict.fromkeys(lang for lang in parsed.languages if lang)) or ["nb"],
        "cells": int(parsed.values.size),
        "numbers": int(parsed.values.size - len(symbols)),
        "symbols": dict(sorted(Counter(symbols).items())),
        "variables": variables,
        "units": [
            {
                "code": c.code,
                **{lang: c.units.get(lang) or parsed.units.get(lang, "") for lang in LANGUAGES},
                "decimals": c.decimals,
            }
            for c in parsed.contents_values
        ],
    }


def _old_labels(variable: TableVariable) -> dict[str, list[str]]:
    en = [
        e or n
        for e, n in zip(variable.labels_en or variable.labels_nb, variable.labels_nb, strict=True)
    ]
    return {"nb": list(variable.labels_nb), "en": en}


def _cell_text(value: float) -> dict[str, Any]:
    symbol = cells.decode(value)
    return {"symbol": symbol} if symbol is not None else {"number": float(value)}


def compare(
    parsed: PxTable, existing: DataTable | None, current: NDArray[np.float64] | None
) -> dict[str, Any] | None:
    """What the upload changes in ``existing`` (None: a new table): variables and values added and
    removed, cells before and after, and, where the variables are the same and the table is not too
    large, how many of the cells both have changed, with the first few (old and new value).
    ``current``: the existing revision's cells (None when they cannot be read)."""
    if existing is None:
        return None
    old_vars = sorted(existing.variables, key=lambda v: v.position)
    new_vars = {v.code: v for v in parsed.variables}
    old_codes = [v.code for v in old_vars]
    change: dict[str, Any] = {
        "version": existing.version,
        "cells_before": existing.cells,
        "cells_after": int(parsed.values.size),
        "variables_added": [c for c in new_vars if c not in old_codes],
        "variables_removed": [c for c in old_codes if c not in new_vars],
        "values": [],
        "compared": None,
        "changed": None,
        "examples": [],
    }
    for old in old_vars:
        new = new_vars.get(old.code)
        if new is None:
            continue
        labels = _value_labels(new, parsed)
        known = set(old.codes)
        added = [i for i, c in enumerate(new.codes) if c not in known]
        fresh = set(new.codes)
        removed = [i for i, c in enumerate(old.codes) if c not in fresh]
        if added or removed:
            change["values"].append(
                {
                    "variable": old.code,
                    "label": {"nb": old.label_nb, "en": old.label_en or old.label_nb},
                    "added": len(added),
                    "removed": len(removed),
                    "added_first": _shown(new.codes, labels, added[:SHOWN_VALUES]),
                    "removed_first": _shown(old.codes, _old_labels(old), removed[:SHOWN_VALUES]),
                }
            )
    if (
        current is None
        or change["variables_added"]
        or change["variables_removed"]
        or max(existing.cells, parsed.values.size) > COMPARE_CELLS
        or current.size != existing.cells
    ):
        return change
    _compare_cells(change, parsed, old_vars, current)
    return change


def _compare_cells(
    change: dict[str, Any],
    parsed: PxTable,
    old_vars: list[TableVariable],
    current: NDArray[np.float64],
) -> None:
    """The cells both revisions have, in the old variables' order: how many differ (a number, a
    symbol, or which symbol), and the first :data:`SHOWN_CHANGES` of them."""
    new_order = [v.code for v in parsed.variables]
    new = np.asarray(parsed.values).reshape(parsed.sizes)
    new = new.transpose([new_order.index(v.code) for v in old_vars])
    old = np.asarray(current).reshape([len(v.codes) for v in old_vars])
    old_picks, new_picks = [], []
    for variable in old_vars:
        position = {
            c: i for i, c in enumerate(parsed.variables[new_order.index(variable.code)].codes)
        }
        both = [(i, position[c]) for i, c in enumerate(variable.codes) if c in position]
        old_picks.append([i for i, _ in both])
        new_picks.append([j for _, j in both])
    a, b = old[np.ix_(*old_picks)], new[np.ix_(*new_picks)]
    same_bits = a.view(np.uint64) == b.view(np.uint64)
    differ = ~((a == b) | same_bits)
    change["compared"] = int(a.size)
    change["changed"] = int(np.count_nonzero(differ))
    for at in np.argwhere(differ)[:SHOWN_CHANGES].tolist():
        where = [
            {lang: _old_labels(v)[lang][old_picks[k][i]] for lang in LANGUAGES}
            for k, (v, i) in enumerate(zip(old_vars, at, strict=True))
        ]
        change["examples"].append(
            {"where": where, "old": _cell_text(a[tuple(at)]), "new": _cell_text(b[tuple(at)])}
        )
