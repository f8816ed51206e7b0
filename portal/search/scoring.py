"""The search's query evaluation, a set at a time: each term's postings are read block by block into
arrays, scored with whoosh's own BM25F (same idf, average field length, B and K1, so the ranking is
whoosh's), and combined by array operations — a union sums scores, an intersection sums the sides,
"and maybe" adds the optional side where it matches. Whoosh's matchers do the same one posting at a
time in Python, which on 100,000 documents costs hundreds of milliseconds for a common word; here it is
a few. And nothing here can spin as whoosh's ``UnionMatcher.skip_to_quality`` does (its issue 446):
there is no quality skipping, only a bounded pass over each term's postings, checked against a
deadline.

The queries the portal builds use ``Term``, ``Or``, ``And``, ``AndMaybe`` and ``Prefix`` (scored
as whoosh scores it); anything else (a phrase the parser made of a hyphenated word) is
evaluated by whoosh's own matcher on that segment. Never imports Flask.

This reads whoosh 2.7.4's posting blocks (``W3LeafMatcher``) and length columns through private
attributes; ``tests/portal/test_search_scoring.py`` checks the results and scores against whoosh's
matchers, so an upgrade that changes them fails there, not silently.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from math import log
from typing import Any

import numpy as np
from whoosh import query
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.reading import IndexReader
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length
from whoosh.util.numlists import delta_decode

B, K1 = 0.75, 1.2  # whoosh's BM25F defaults, which the index was searched with before
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
_NO_IDS = np.zeros(0, dtype=np.int64)
_NO_SCORES = np.zeros(0, dtype=np.float64)
_NO_IDS.flags.writeable = _NO_SCORES.flags.writeable = False

Matches = tuple[np.ndarray, np.ndarray]  # ascending document numbers, and their scores


class Deadline(Exception):
    """The query ran past its time limit."""


def _empty() -> Matches:
    return _NO_IDS, _NO_SCORES


def union(parts: list[Matches]) -> Matches:
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return _empty()
    if len(parts) == 1:
        return parts[0]
    ids = np.concatenate([p[0] for p in parts])
    scores = np.concatenate([p[1] for p in parts])
    unique, inverse = np.unique(ids, return_inverse=True)
    return unique, np.bincount(inverse, weights=scores, minlength=len(unique))


def intersection(parts: list[Matches]) -> Matches:
    if not parts:
        return _empty()
    ids, scores = min(parts, key=lambda p: len(p[0]))  # the rarest side first
    rest = [p for p in parts if p[0] is not ids]
    for other_ids, other_scores in rest:
        if not len(ids):
            break
        ids, left, right = np.intersect1d(ids, other_ids, assume_unique=True, return_indices=True)
        scores = scores[left] + other_scores[right]
    return ids, scores


def and_maybe(required: Matches, optional: Matches) -> Matches:
    ids, scores = required
    if not len(ids) or not len(optional[0]):
        return required
    _, left, right = np.intersect1d(ids, optional[0], assume_unique=True, return_indices=True)
    scores = scores.copy()
    scores[left] += optional[1][right]
    return ids, scores


class PostingCache:
    """A segment's decoded posting lists, the most recently used first, up to ``limit`` postings in
    all (8 bytes each: 32-bit document numbers and weights; the default holds 2 million, 16 MB).
    Decoding a block costs an unpickle and a decompression, which for a common word is most of a
    query's time; a segment's postings never change (a write makes a new segment), so a decoded
    list holds for the segment's life. Shared by the threads of a process."""

    def __init__(self, limit: int = 2_000_000) -> None:
        self.limit = limit
        self.size = 0
        self._lists: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> tuple[np.ndarray, np.ndarray] | None:
        with self._lock:
            found = self._lists.get(key)
            if found is not None:
                self._lists.move_to_end(key)
            return found

    def put(self, key: tuple[str, str], value: tuple[np.ndarray, np.ndarray]) -> None:
        count = len(value[0])
        if count > self.limit:
            return
        with self._lock:
            if key in self._lists:
                return
            self._lists[key] = value
            self.size += count
            while self.size > self.limit:
                _, (ids, _) = self._lists.popitem(last=False)
                self.size -= len(ids)


@dataclass
class Leaf:
    """One segment of the searcher: its reader, where its document numbers start, its deleted
    documents, and (shared across searches) its field lengths decoded."""

    reader: IndexReader
    searcher: Searcher
    offset: int
    lengths: dict[str, np.ndarray] = field(default_factory=dict)
    deleted: np.ndarray | None = None
    postings: PostingCache = field(default_factory=PostingCache)

    def field_lengths(self, fieldname: str) -> np.ndarray:
        found = self.lengths.get(fieldname)
        if found is None:
            count = self.reader.doc_count_all()
            column = self.reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            raw = np.fromiter(column, dtype=np.int64, count=count) if column else None
            found = _LENGTHS[raw] if raw is not None else np.ones(count)
            self.lengths[fieldname] = found
        return found


class Evaluator:
    """Evaluates a query over ``leaves`` (the searcher's segments) at once."""

    def __init__(self, searcher: Searcher, leaves: list[Leaf], deadline: float) -> None:
        self.searcher = searcher
        self.leaves = leaves
        self.deadline = deadline
        self.schema = searcher.schema
        self.doc_count = searcher.doc_count_all()
        self._idf: dict[tuple[str, str], float] = {}

    def run(self, q: query.Query) -> Matches:
        """The global document numbers matching ``q`` (ascending) and their scores."""
        ids, scores = [], []
        for leaf in self.leaves:
            found_ids, found_scores = self._eval(q, leaf)
            if leaf.deleted is not None and len(leaf.deleted) and len(found_ids):
                keep = ~np.isin(found_ids, leaf.deleted, assume_unique=True)
                found_ids, found_scores = found_ids[keep], found_scores[keep]
            ids.append(found_ids + leaf.offset)
            scores.append(found_scores)
        if not ids:
            return _empty()
        return np.concatenate(ids), np.concatenate(scores)

    def _eval(self, q: query.Query, leaf: Leaf) -> Matches:
        if time.monotonic() > self.deadline:
            raise Deadline
        boost = float(getattr(q, "boost", 1.0))
        found: Matches
        if isinstance(q, query.Term):
            found = self._term(q.fieldname, q.text, leaf)
        elif isinstance(q, query.Prefix):
            found = self._prefix(q, leaf)
        elif isinstance(q, query.And):
            found = intersection([self._eval(sub, leaf) for sub in q.subqueries])
        elif isinstance(q, query.Or) and not getattr(q, "scale", None) and q.minmatch <= 1:
            found = union([self._eval(sub, leaf) for sub in q.subqueries])
        elif isinstance(q, query.AndMaybe):
            found = and_maybe(self._eval(q.a, leaf), self._eval(q.b, leaf))
        elif isinstance(q, type(query.NullQuery)):
            return _empty()
        else:
            return self._whoosh(q, leaf)
        if boost != 1.0 and not isinstance(q, query.Prefix):  # a prefix's boost: see _prefix
            return found[0], found[1] * boost
        return found

    def _postings(self, fieldname: str, text: str, leaf: Leaf) -> tuple[np.ndarray, np.ndarray]:
        key = (fieldname, text)
        found = leaf.postings.get(key)
        if found is None:
            found = self._decode(fieldname, text, leaf)
            leaf.postings.put(key, found)
        return found

    def _decode(self, fieldname: str, text: str, leaf: Leaf) -> tuple[np.ndarray, np.ndarray]:
        reader = leaf.reader
        if (fieldname, text) not in reader:
            return _NO_IDS, _NO_SCORES
        matcher = reader.postings(fieldname, text)
        while not isinstance(matcher, W3LeafMatcher):  # a wrapper filtering deleted documents
            matcher = matcher.child  # the leaf removes them itself
        ids: list[Any] = []
        weights: list[Any] = []
        while not matcher._atend and matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            raw_ids = matcher._data[0]
            ids.append(raw_ids if matcher._byteids else tuple(delta_decode(raw_ids)))
            matcher._read_weights()
            weights.append(matcher._weights)
            matcher._next_block()
        if not ids:
            return _NO_IDS, _NO_SCORES
        decoded = (
            np.concatenate([np.asarray(i, dtype=np.int32) for i in ids]),
            np.concatenate([np.asarray(w, dtype=np.float32) for w in weights]),
        )
        for array in decoded:
            array.flags.writeable = False  # shared through the cache: never changed in place
        return decoded

    def _term(self, fieldname: str, text: str, leaf: Leaf) -> Matches:
        ids, weights = self._postings(fieldname, text, leaf)
        if not len(ids):
            return _empty()
        if not self.schema[fieldname].scorable:  # whoosh scores these by weight alone
            return ids, weights
        idf = self._term_idf(fieldname, text)
        avgfl = self.searcher.avg_field_length(fieldname) or 1
        lengths = leaf.field_lengths(fieldname)[ids]
        scores = idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / avgfl)))
        return ids, scores

    def _term_idf(self, fieldname: str, text: str) -> float:
        key = (fieldname, text)
        found = self._idf.get(key)
        if found is None:
            frequency = self.searcher.doc_frequency(fieldname, text)
            found = log(self.doc_count / (frequency + 1)) + 1
            self._idf[key] = found
        return found

    def _prefix(self, q: query.Prefix, leaf: Leaf) -> Matches:
        """Every term of the segment starting with the prefix, as a union of those terms times the
        boost: a match scores its terms' BM25F, so a prefix keeps the field's and the document's
        boosts. (Whoosh 2.7.4 does this on an index of over 5,000 documents; on a smaller one it
        may give every match a constant instead, and a ranking should not depend on the size.)"""
        parts = []
        for term in leaf.reader.expand_prefix(q.fieldname, q.text):
            text = term.decode() if isinstance(term, bytes) else term
            parts.append(self._term(q.fieldname, text, leaf))
            if time.monotonic() > self.deadline:
                raise Deadline
        ids, scores = union(parts)
        return ids, scores * float(q.boost)

    def _whoosh(self, q: query.Query, leaf: Leaf) -> Matches:
        """Any other query by whoosh's matcher on this segment (deleted documents already left out)."""
        matcher = q.matcher(leaf.searcher)
        ids, scores = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            scores.append(matcher.score())
            matcher.next()
            if len(ids) % 1024 == 0 and time.monotonic() > self.deadline:
                raise Deadline
        return np.asarray(ids, dtype=np.int64), np.asarray(scores, dtype=np.float64)
