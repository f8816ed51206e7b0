"""What every search reads of the index's segments by document number, once per segment: facet
values, the columns the grouping needs, dates, and what is hidden at an instant (the release-time rule
at query time). Split from ``index.py``; never imports Flask.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from portal.search.scoring import Leaf, PostingCache

ALWAYS = 0  # visible_from of a document public as soon as it exists
FOREVER = 253_402_300_800  # visible_until of a document nothing replaces (9999-01-01)


def epoch(moment: datetime | None) -> int:
    return ALWAYS if moment is None else int(moment.astimezone(UTC).timestamp())


FACETS = ("kind", "producer", "subjects", "language")
#: The columns every search reads by document number: the facets, and what grouping.py needs.
COLUMNS = (*FACETS, "id", "parent", "page")


@dataclass(frozen=True)
class Segment:
    """What every search reads of one segment's documents, from its columns, once: the facet values
    by document number, and the documents with a release time (``opens``) or an end (``closes``),
    sorted by it. A segment's documents never change (a write adds a segment or merges some into a
    new one), so this holds for the segment's life and serves every thread."""

    facets: dict[str, tuple[np.ndarray, list[str]]]  # a code by document, and the codes' values
    opens: list[int]  # visible_from, ascending, of the documents not public from the start
    opens_docs: list[int]
    closes: list[int]  # visible_until, ascending, of the documents something replaced
    closes_docs: list[int]
    dated: np.ndarray  # each document's date, epoch seconds (0: undated)
    lengths: dict[str, np.ndarray]  # field lengths, decoded as the scoring first needs them
    postings: PostingCache  # posting lists, decoded as the scoring needs them

    @classmethod
    def read(cls, reader: IndexReader) -> Segment:
        count = reader.doc_count_all()

        def column(name: str, default: object) -> list[Any]:
            if count == 0 or not reader.has_column(name):
                return [default] * count
            return list(reader.column_reader(name))

        facets = {}
        for name in COLUMNS:
            codes: dict[str, int] = {}
            by_doc = [
                codes.setdefault(v.decode() if isinstance(v, bytes) else str(v or ""), len(codes))
                for v in column(name, "")
            ]
            facets[name] = (np.asarray(by_doc, dtype=np.int64), list(codes))
        opens = sorted(
            (v, d) for d, v in enumerate(column("visible_from", ALWAYS)) if v and v > ALWAYS
        )
        closes = sorted(
            (v, d) for d, v in enumerate(column("visible_until", FOREVER)) if v and v < FOREVER
        )
        return cls(
            facets=facets,
            opens=[v for v, _ in opens],
            opens_docs=[d for _, d in opens],
            closes=[v for v, _ in closes],
            closes_docs=[d for _, d in closes],
            dated=np.asarray([int(v or 0) for v in column("dated", 0)], dtype=np.int64),
            lengths={},
            postings=PostingCache(),
        )

    def hidden(self, moment: int) -> Iterator[int]:
        """The release-time rule by its complement: what is not public at ``moment`` — not yet
        (``visible_from`` after it) or no more (``visible_until`` at or before it: an "Om
        statistikken" version a newer one replaced)."""
        yield from self.opens_docs[bisect_right(self.opens, moment) :]
        yield from self.closes_docs[: bisect_right(self.closes, moment)]


@dataclass(frozen=True)
class View:
    """One searcher's segments read: facet values by global document number, and the hidden
    documents at a moment. (The collectors skip hidden documents rather than an ``AndNot`` in the
    query: whoosh 2.7.4's AndNot matcher lets excluded documents through once an index has several
    segments, and a FilterCollector is bypassed under the time limit.)"""

    searcher: Searcher
    facets: dict[str, tuple[np.ndarray, list[str]]]  # as in Segment, by global document number
    dated: np.ndarray  # as in Segment, by global document number
    segments: tuple[tuple[Segment, int], ...]
    leaves: tuple[Leaf, ...]

    def hidden(self, now: datetime) -> frozenset[int]:
        moment = epoch(now)
        return frozenset(
            offset + d for segment, offset in self.segments for d in segment.hidden(moment)
        )


def count_facets(view: View, docnums: np.ndarray) -> dict[str, dict[str, int]]:
    """Counts per facet value over the public matches (a value list such as "nb,en" counts for each)."""
    found: dict[str, dict[str, int]] = {}
    for name in FACETS:
        codes, values = view.facets[name]
        counts: dict[str, int] = {}
        if len(docnums):
            tally = np.bincount(codes[docnums], minlength=len(values))
            for code in np.flatnonzero(tally).tolist():
                for value in values[code].split(","):
                    if value:
                        counts[value] = counts.get(value, 0) + int(tally[code])
        found[name] = counts
    return found
