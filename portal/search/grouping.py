"""How the search's matches become results (issue 18): a release under its statistic, one result per
page, and the order by date. Works on the index's columns by document number (``index._View``);
never imports Flask or whoosh.

The rule, decided in issue 18: a document that belongs under another (a release under its statistic:
its ``parent``) is not a result of its own when the query also matches that other document; the
parent's result shows its next and latest release instead. So "konsumprisindeks" gives the statistic
once, with its dates, where it gave twenty-one releases in no useful order; "konsumprisindeks mars
2026" matches the March release and not the statistic (the statistic has no "mars 2026"), so that
release is the result. And a page is one result however many documents answer to it (a release and
its release note are both ``/kalender/<id>``): the best-scoring one stands for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Column = tuple[np.ndarray, list[str]]  # a code by document number, and the codes' values


def fold(
    ids: np.ndarray, scores: np.ndarray, own: Column, parents: Column, pages: Column
) -> tuple[np.ndarray, np.ndarray]:
    """The matches ``ids`` (with ``scores``) less the documents whose parent also matched, and with
    one document per page (the best-scoring; the lower number on a tie)."""
    if not len(ids):
        return ids, scores
    own_codes, own_values = own
    parent_codes, parent_values = parents
    matched = {own_values[c] for c in own_codes[ids].tolist()}
    under = np.fromiter(
        (
            bool(parent_values[c]) and parent_values[c] in matched
            for c in parent_codes[ids].tolist()
        ),
        dtype=bool,
        count=len(ids),
    )
    ids, scores = ids[~under], scores[~under]
    order = np.lexsort((ids, -scores))
    page_codes = pages[0][ids[order]]
    _, first = np.unique(page_codes, return_index=True)
    keep = np.sort(order[first])
    return ids[keep], scores[keep]


@dataclass(frozen=True)
class Related:
    """A parent's dated children at an instant: the next one still to come and the latest one out
    (document numbers; None when there is none)."""

    next: int | None
    latest: int | None


def children_dates(
    wanted: set[str], parents: Column, dated: np.ndarray, hidden: frozenset[int], moment: int
) -> dict[str, Related]:
    """For each of the documents ``wanted`` (by id) that has dated, public children: its next child
    (the earliest dated after ``moment``, epoch seconds) and its latest (the last dated at or before
    it). Reads only the children of ``wanted``."""
    parent_codes, parent_values = parents
    codes = [c for c, v in enumerate(parent_values) if v and v in wanted]
    if not codes:
        return {}
    candidates = np.flatnonzero(np.isin(parent_codes, codes) & (dated > 0))
    best: dict[
        str, tuple[int | None, int, int | None, int]
    ] = {}  # next, its date, latest, its date
    for doc in candidates.tolist():
        if doc in hidden:
            continue
        parent = parent_values[parent_codes[doc]]
        when = int(dated[doc])
        nxt, next_at, latest, latest_at = best.get(parent, (None, 2**62, None, -(2**62)))
        if moment < when < next_at:
            nxt, next_at = doc, when
        elif latest_at < when <= moment:
            latest, latest_at = doc, when
        best[parent] = (nxt, next_at, latest, latest_at)
    return {p: Related(n, latest) for p, (n, _, latest, _) in best.items()}


def date_keys(
    ids: np.ndarray, own: Column, dated: np.ndarray, related: dict[str, Related]
) -> np.ndarray:
    """The date each match is ordered by when sorting by date (epoch seconds; 0: undated): its own
    date, or for a parent its latest child's."""
    own_codes, own_values = own
    keys: np.ndarray = dated[ids].astype(np.int64)
    for i, code in enumerate(own_codes[ids].tolist()):
        found = related.get(own_values[code])
        if found is not None and found.latest is not None:
            keys[i] = max(int(keys[i]), int(dated[found.latest]))
    return keys
