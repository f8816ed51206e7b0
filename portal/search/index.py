"""The search index (whoosh, in the instance folder): Norwegian and English analysis with stemming,
matching inside Norwegian compound words, the visibility rule at query time, facets, highlights, "did
you mean", and a cap on every query. Never imports Flask.

Compound words: Norwegian writes "konsumprisindeksen" for "consumer price index", and a Norwegian compound
names what its last part names (a "konsumprisindeks" is a "prisindeks"). Every Norwegian word's stem is
also indexed with each of its endings, so a query word's stem is one term to look up: "prisindeks" finds
"Konsumprisindeksen" and "ledighet" finds "arbeidsledighet".

The cap: whoosh 2.7.4's issue 446 makes some multi-word OR queries spin inside
``UnionMatcher.skip_to_quality``. Every search here uses a collector that does not skip by quality
(``usequality=False``) wrapped in a time limit, so no query can hang a worker.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from markupsafe import escape
from whoosh import index as whoosh_index
from whoosh import qparser, query
from whoosh.analysis import (
    CharsetFilter,
    LanguageAnalyzer,
    LowercaseFilter,
    NgramFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.codec.whoosh3 import W3Codec
from whoosh.collectors import (
    Collector,
    TimeLimit,
    TimeLimitCollector,
    TopCollector,
)
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight
from whoosh.searching import Searcher

from portal.search import grouping
from portal.search.documents import SearchDoc
from portal.search.scoring import Deadline, Evaluator, Leaf
from portal.search.segments import COLUMNS, FOREVER, Segment, View, count_facets, epoch

SORTS = ("relevance", "date")

PART_MIN = 3  # the shortest ending indexed: "ledighet" stems to "led" (of "arbeidsled")
# The shortest query word also matched as the last part of a compound: a shorter word is too often
# the end of an unrelated one ("Halden", a town, in "hushalda", households).
COMPOUND_MIN = 7
KINDS = ("statistic", "table", "release", "note", "about", "codelist", "producer", "subject")
# Whole-document boosts: the statistic and its tables first, then lists, producers and subjects; a
# release is one of many of its statistic.
BOOSTS = {
    "statistic": 3.0,
    "producer": 2.5,
    "table": 2.0,
    "codelist": 2.0,
    "subject": 2.0,
    "release": 0.5,
    "note": 0.5,
    "about": 0.8,
}


#: Bumped whenever the schema or an analyzer changes: an index of another version is rebuilt.
SCHEMA_VERSION = "8"
#: Norwegian letters as people type them without a Norwegian keyboard: æ as ae, ø as o, å as a.
FOLD = {**{ord(c): f for c, f in zip("øåöäüé", "oaoaue", strict=True)}, ord("æ"): "ae"}


def _parts() -> RegexTokenizer:
    """Norwegian stems, folded, with every ending of three letters or more: "konsumprisindeksen" is
    indexed as "konsumprisindeks", "onsumprisindeks", …, "prisindeks", …, "eks". At query time the
    same chain gives the whole folded stem (an ``NgramFilter`` at the end yields the whole word in
    query mode). Folding comes before stemming on both sides, so "sykefravaer" finds "Sykefravær"."""
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | StopFilter(lang="no")
        | CharsetFilter(FOLD)
        | StemFilter(lang="no")
        | NgramFilter(minsize=PART_MIN, maxsize=80, at="end")
    )


#: Postings a block: whoosh's 128 suits its matchers' skipping; the portal reads whole posting lists
#: (portal/search/scoring.py), and each block costs two unpickles and a decompression.
BLOCK = 1024


def _codec() -> W3Codec:
    return W3Codec(blocklimit=BLOCK)


#: What a document whose whole title is the query gains: "lønn" finds the statistic "Lønn" first.
NAME_BOOST = 25.0


def _name(title: str) -> str:
    return " ".join(title.lower().replace(",", " ").split())


def _words() -> RegexTokenizer:
    return RegexTokenizer() | LowercaseFilter()


def schema() -> Schema:
    nb, en = LanguageAnalyzer("no"), LanguageAnalyzer("en")
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        kind=ID(stored=True, sortable=True),
        producer=ID(stored=True, sortable=True),
        subjects=KEYWORD(stored=True, commas=True, sortable=True),
        language=KEYWORD(stored=True, commas=True, sortable=True),
        title_nb=TEXT(analyzer=nb, stored=True, field_boost=3.0),
        text_nb=TEXT(analyzer=nb, stored=True),
        title_en=TEXT(analyzer=en, stored=True, field_boost=3.0),
        text_en=TEXT(analyzer=en, stored=True),
        parts=TEXT(analyzer=_parts(), field_boost=0.5, phrase=False),
        spelling=TEXT(analyzer=_words(), spelling=True),  # words as written, for "did you mean"
        names=KEYWORD(lowercase=True, commas=True),  # whole titles: an exact name ranks first
        extra=KEYWORD(lowercase=True, commas=True, field_boost=4.0),
        parent=ID(stored=True, sortable=True),  # the document it belongs under (grouping.py)
        page=ID(sortable=True),  # its page: one result per page
        dated=NUMERIC(int, bits=64, stored=True, signed=True, sortable=True),  # 0: undated
        visible_from=NUMERIC(int, bits=64, stored=True, signed=True, sortable=True),
        visible_until=NUMERIC(int, bits=64, stored=True, signed=True, sortable=True),
        path_nb=STORED,
        path_en=STORED,
    )


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    title: str
    snippet: str  # HTML with <strong> around the matches (escaped text otherwise)
    path: str
    producer: str
    score: float
    dated: datetime | None = None  # the date it is known by (a release's time), aware UTC
    next: Child | None = None  # of a statistic: its next release, and its latest one out
    latest: Child | None = None


@dataclass(frozen=True)
class Child:
    """A document a result points on to: a release under its statistic."""

    title: str
    path: str
    dated: datetime | None


@dataclass(frozen=True)
class Results:
    hits: tuple[Hit, ...]
    total: int
    facets: dict[str, dict[str, int]]
    corrected: str | None  # "did you mean"
    timed_out: bool
    searched_for: str | None = None  # the correction searched instead, when the words found nothing
    #: Each facet value's name in the query's language (a producer's short name, an area's name).
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    expanded: tuple[str, ...] = ()  # the synonyms' expansions searched besides the words


@dataclass(frozen=True)
class SearchQuery:
    text: str
    lang: str = "nb"
    kind: str | None = None
    producer: str | None = None
    subject: str | None = None
    page: int = 1
    per_page: int = 20
    sort: str = "relevance"  # or "date": newest first
    expansions: tuple[str, ...] = ()  # the query as the synonym list rewrites it (synonyms.py)


def _instant(epoch: object) -> datetime | None:
    return datetime.fromtimestamp(epoch, UTC) if isinstance(epoch, int) and epoch else None


class SearchIndex:
    """The whoosh index under ``folder``. Writers wait for the index lock (several worker processes may
    write at once), so no update is lost and none raises a lock error."""

    def __init__(self, folder: Path, *, time_limit: float = 0.5, lock_wait: float = 30.0) -> None:
        self.folder = folder
        self.time_limit = time_limit
        self.lock_wait = lock_wait
        self._lock = threading.Lock()
        self._segments: dict[str, Segment] = {}  # by segment id: see Segment
        self._local = (
            threading.local()
        )  # each thread's open searcher, refreshed when the index moves
        folder.mkdir(parents=True, exist_ok=True)
        existed = whoosh_index.exists_in(str(folder))
        if not existed:
            whoosh_index.create_in(str(folder), schema())
        self._index = whoosh_index.open_dir(str(folder))
        #: True when the folder held an index of an older schema, now replaced by an empty one:
        #: ``portal search reindex`` fills it (``portal serve`` does so itself).
        self.recreated = False
        marker = folder / "portal-schema-version"
        if not marker.exists() or marker.read_text().strip() != SCHEMA_VERSION:
            if existed:  # an index of an older version: replace it
                self._index.close()
                self._index = whoosh_index.create_in(str(folder), schema())
                self.recreated = True
            marker.write_text(SCHEMA_VERSION)

    def _capped(self, collector: Collector) -> TimeLimitCollector:
        """``collector`` under the time limit, by a timer thread: whoosh's default (SIGALRM) raises
        ValueError outside the main thread, and the portal's workers answer in threads."""
        return TimeLimitCollector(collector, timelimit=self.time_limit, use_alarm=False)

    def _fields(self, doc: SearchDoc) -> dict[str, object]:
        languages = ["nb"] + (["en"] if doc.title_en or doc.text_en else [])
        return {
            "_boost": BOOSTS.get(doc.kind, 1.0),
            "id": doc.id,
            "kind": doc.kind,
            "producer": doc.producer,
            "subjects": ",".join(doc.subjects),
            "language": ",".join(languages),
            "title_nb": doc.title_nb,
            "text_nb": doc.text_nb,
            "title_en": doc.title_en,
            "text_en": doc.text_en,
            "parts": f"{doc.title_nb} {doc.text_nb}",
            "spelling": f"{doc.title_nb} {doc.title_en} {doc.text_nb} {doc.text_en}",
            "names": ",".join(_name(t) for t in (doc.title_nb, doc.title_en) if t),
            "extra": ",".join(x for x in doc.extra if x),
            "parent": doc.parent,
            "page": doc.path_nb,
            "dated": epoch(doc.dated),
            "visible_from": epoch(doc.visible_from),
            "visible_until": epoch(doc.visible_until) if doc.visible_until else FOREVER,
            "path_nb": doc.path_nb,
            "path_en": doc.path_en,
        }

    @contextmanager
    def _searcher(self) -> Iterator[Searcher]:
        """This thread's searcher, reopened only when a commit moved the index: opening one costs
        tens of milliseconds on a large index (its files are mapped anew)."""
        current: Searcher | None = getattr(self._local, "searcher", None)
        try:
            fresh = self._index.searcher() if current is None else current.refresh()
        except FileNotFoundError:  # another process's commit removed what this one read
            self._fresh()
            fresh = self._index.searcher()
        # The old searcher is not closed: the fresh one shares its unchanged segments' readers.
        self._local.searcher = fresh
        yield fresh

    def _view(self, searcher: Searcher) -> View:
        """This searcher's :class:`View`, kept by the thread until its searcher moves on; only a
        segment not read before is read (after a write, the new one)."""
        view: View | None = getattr(self._local, "view", None)
        if view is not None and view.searcher is searcher:
            return view
        segments = []
        leaves = []
        leaf_searchers = dict((offset, leaf) for leaf, offset in searcher.leaf_searchers())
        for reader, offset in searcher.reader().leaf_readers():
            key = reader.segment().segment_id() if reader.segment() is not None else ""
            segment = self._segments.get(key) if key else None
            if segment is None:
                segment = Segment.read(reader)
                if key:
                    self._segments[key] = segment
            segments.append((segment, offset))
            deleted = reader._perdoc.deleted_docs() if reader.has_deletions() else ()
            leaves.append(
                Leaf(
                    reader=reader,
                    searcher=leaf_searchers.get(offset, searcher),
                    offset=offset,
                    lengths=segment.lengths,
                    postings=segment.postings,
                    deleted=np.asarray(sorted(deleted), dtype=np.int64) if deleted else None,
                )
            )
        if len(self._segments) > 4 * len(segments) + 16:  # forget merged-away segments
            live = {r.segment().segment_id() for r, _ in searcher.reader().leaf_readers()}
            self._segments = {k: v for k, v in self._segments.items() if k in live}
        facets = {}
        for name in COLUMNS:  # one vocabulary for the searcher: each segment's codes renumbered
            values: dict[str, int] = {}
            parts = []
            for segment, _ in segments:
                codes, own = segment.facets[name]
                renumber = np.asarray([values.setdefault(v, len(values)) for v in own] or [0])
                parts.append(renumber[codes] if len(codes) else codes)
            joined = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            facets[name] = (joined, list(values))
        dated = [segment.dated for segment, _ in segments]
        view = View(
            searcher=searcher,
            facets=facets,
            dated=np.concatenate(dated) if dated else np.zeros(0, dtype=np.int64),
            segments=tuple(segments),
            leaves=tuple(leaves),
        )
        self._local.view = view
        return view

    def _fresh(self) -> None:
        """Reopen the index: another process may have committed (and removed the table of contents
        this one read); whoosh then raises FileNotFoundError until reopened."""
        for attempt in range(20):
            try:
                self._index = whoosh_index.open_dir(str(self.folder))
                return
            except FileNotFoundError:
                time.sleep(0.05 * (attempt + 1))
        self._index = whoosh_index.open_dir(str(self.folder))

    def update(self, docs: Iterable[SearchDoc], delete: Sequence[str] = ()) -> int:
        """Add or replace ``docs`` and drop the ids in ``delete``, in one commit; returns how many.
        Retried when another process's commit moved the index under it, so no update is lost."""
        docs = list(docs)
        for attempt in range(10):
            try:
                return self._update(docs, delete)
            except FileNotFoundError:
                time.sleep(0.05 * (attempt + 1))
                self._fresh()
        return self._update(docs, delete)

    def _update(self, docs: Sequence[SearchDoc], delete: Sequence[str]) -> int:
        with self._lock:
            writer = self._index.writer(timeout=self.lock_wait, codec=_codec())
            count = 0
            try:
                for doc_id in delete:
                    writer.delete_by_term("id", doc_id)
                for doc in docs:
                    writer.update_document(**self._fields(doc))
                    count += 1
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            return count

    def rebuild(self, docs: Iterable[SearchDoc], progress: object = None) -> int:
        """Replace the whole index with ``docs`` (``portal search reindex``)."""
        with self._lock:
            writer = self._index.writer(timeout=self.lock_wait, codec=_codec())
            count = 0
            try:
                writer.delete_by_query(query.Every())
                for doc in docs:
                    writer.add_document(**self._fields(doc))
                    count += 1
                    if callable(progress):
                        progress()
            except BaseException:
                writer.cancel()
                raise
            writer.commit(optimize=True)
            return count

    def count(self) -> int:
        with self._searcher() as searcher:
            return int(searcher.doc_count())

    def _parse(self, text: str, lang: str) -> query.Query:
        """Every word must match, each in one of several ways: by its stem in a title or text (the
        query's language first, then the other), as the last part of a Norwegian compound (folding
        æ, ø, å, so "sykefravaer" finds "Sykefravær"), or as the start of a title word
        ("asyl" finds "Asylsøknader"). Stop words of either language are dropped ("causes of death").
        ``a OR b`` finds either side."""
        sides = [side for side in re.split(r"\s+OR\s+", text.strip()) if side.strip()]
        if len(sides) > 1:
            return query.Or([self._parse_words(side, lang) for side in sides])
        exact = query.Term("names", _name(text), boost=NAME_BOOST)
        return query.AndMaybe(self._parse_words(text, lang), exact)

    def _parse_words(self, text: str, lang: str) -> query.Query:
        fields = (
            ["title_nb", "text_nb", "extra"] if lang == "nb" else ["title_en", "text_en", "extra"]
        )
        other = ["title_en", "text_en"] if lang == "nb" else ["title_nb", "text_nb"]
        schema_ = self._index.schema
        parser = qparser.MultifieldParser([*fields, *other], schema=schema_, group=qparser.OrGroup)
        parser.remove_plugin_class(qparser.WildcardPlugin)
        parser.remove_plugin_class(qparser.FieldsPlugin)
        parser.remove_plugin_class(qparser.OperatorsPlugin)
        analyzers = [schema_["title_nb"].analyzer, schema_["title_en"].analyzer]
        parts = schema_["parts"].analyzer
        words = [w for w in re.split(r"[\s\"()]+", text) if w]
        per_word: list[query.Query] = []
        for word in words:
            lowered = word.lower()
            if not lowered.isdigit() and any(not list(a(lowered)) for a in analyzers):
                continue  # a stop word in Norwegian or English
            ways = [parser.parse(word)]
            # As the last part of a compound: one term, the folded stem, among the indexed endings.
            if len(lowered) >= COMPOUND_MIN and lowered.isalpha():
                ways.extend(query.Term("parts", t.text) for t in parts(lowered, mode="query"))
            if len(lowered) >= 4 and lowered.isalpha():
                # The stem's start, as titles hold stems: "boligpriser" finds "Boligprisindeksen".
                # Only in the query's language: compounds are Norwegian, and each prefix is a union
                # of every term it starts, which every match then pays for in scoring.
                field = f"title_{lang}"
                stems = [t.text for t in schema_[field].analyzer(lowered)]
                if stems and len(stems[0]) >= 4:
                    ways.append(query.Prefix(field, stems[0]))
            per_word.append(query.Or(ways))
        if not per_word:  # only stop words: search them as they are
            return parser.parse(" ".join(words)) if words else query.NullQuery
        return query.And(per_word)

    def search(self, request: SearchQuery, now: datetime, *, correct: bool = True) -> Results:
        """Ranked public results at ``now``: nothing whose ``visible_from`` lies after it; a release
        under its statistic when the statistic matches too, one result per page (grouping.py); by
        relevance or, with ``sort="date"``, newest first. The query's ``expansions`` (synonyms.py)
        are searched besides its words. When nothing matches and a correction does, the results are
        the correction's (and say so)."""
        text = request.text.strip()
        variants = [text, *(e for e in request.expansions if e.strip() and e != text)]
        parsed = (
            self._parse(text, request.lang)
            if len(variants) == 1
            else query.Or([self._parse(v, request.lang) for v in variants])
        )
        filters: list[query.Query] = []
        if request.kind:
            filters.append(query.Term("kind", request.kind))
        if request.producer:
            filters.append(query.Term("producer", request.producer))
        if request.subject:
            filters.append(query.Term("subjects", request.subject))
        limit = request.page * request.per_page
        moment = epoch(now)
        with self._searcher() as searcher:
            timed_out = False
            view = self._view(searcher)
            hidden = view.hidden(now)
            public = query.And([parsed, *filters]) if filters else parsed
            # One evaluation of every match, a set at a time: the top of it is the page, all of it
            # the facets and the total.
            deadline = time.monotonic() + self.time_limit
            try:
                ids, scores = Evaluator(searcher, list(view.leaves), deadline).run(public)
            except Deadline:
                timed_out = True  # the answer says so, and holds nothing rather than a guess
                ids, scores = np.zeros(0, dtype=np.int64), np.zeros(0)
            if hidden and len(ids):
                keep = ~np.isin(ids, np.fromiter(hidden, dtype=np.int64, count=len(hidden)))
                ids, scores = ids[keep], scores[keep]
            own, parents = view.facets["id"], view.facets["parent"]
            ids, scores = grouping.fold(ids, scores, own, parents, view.facets["page"])
            if request.sort == "date":
                related = grouping.children_dates(
                    self._parents(view, ids), parents, view.dated, hidden, moment
                )
                keys = grouping.date_keys(ids, own, view.dated, related)
                top = np.lexsort((ids, -scores, -keys))[:limit]  # newest first, then best
            else:
                top = np.lexsort((ids, -scores))[:limit]  # best first, then in index order
                related = grouping.children_dates(
                    self._parents(view, ids[top]), parents, view.dated, hidden, moment
                )
            hits = self._hits(searcher, public, request, ids[top], scores[top], related)
            counts = count_facets(view, ids)
            labels = self._labels(searcher, counts, request.lang)
            total = len(ids)
            corrected = None
            # A query that ran out of time found nothing because it stopped, not because its words
            # are misspelt: no correction (and no second search) after it.
            if not hits and text and not timed_out:
                corrected = self._correct(searcher, text, request.lang)
        if corrected and correct:
            instead = self.search(
                replace(request, text=corrected, expansions=()), now, correct=False
            )
            if instead.hits:
                return replace(instead, corrected=corrected, searched_for=corrected)
        return Results(
            hits=tuple(hits[(request.page - 1) * request.per_page :]),
            total=total,
            facets=counts,
            corrected=corrected,
            timed_out=timed_out,
            labels=labels,
            expanded=tuple(variants[1:]),
        )

    @staticmethod
    def _parents(view: View, docnums: np.ndarray) -> set[str]:
        """The ids of the documents among ``docnums`` that some document belongs under."""
        codes, values = view.facets["id"]
        named = {values[c] for c in codes[docnums].tolist()}
        return named & set(view.facets["parent"][1])

    def _labels(
        self, searcher: Searcher, counts: dict[str, dict[str, int]], lang: str
    ) -> dict[str, dict[str, str]]:
        """Names for the producer and subject-area facets' values (slugs), from the producers' and
        subject areas' own documents: a producer by its short name, an area by its name in ``lang``."""
        labels: dict[str, dict[str, str]] = {}
        for facet, kind in (("producer", "producer"), ("subjects", "subject")):
            named: dict[str, str] = {}
            for slug in counts.get(facet, {}):
                number = searcher.document_number(id=f"{kind}:{slug}")
                stored = searcher.stored_fields(number) if number is not None else {}
                title = stored.get(f"title_{lang}") or stored.get("title_nb") or slug
                short = (stored.get("text_nb") or "").strip() if kind == "producer" else ""
                named[slug] = short if short and len(short) <= 40 else title
            labels[facet] = named
        return labels

    def _link(self, searcher: Searcher, docnum: int | None, lang: str) -> Child | None:
        if docnum is None:
            return None
        stored = searcher.stored_fields(docnum)
        return Child(
            title=stored.get(f"title_{lang}") or stored.get("title_nb") or "",
            path=stored.get(f"path_{lang}") or stored.get("path_nb") or "",
            dated=_instant(stored.get("dated")),
        )

    def _hits(
        self,
        searcher: Searcher,
        parsed: query.Query,
        request: SearchQuery,
        docnums: np.ndarray,
        scores: np.ndarray,
        related: dict[str, grouping.Related],
    ) -> list[Hit]:
        """The page's hits, with the query's words highlighted in their text, in the query's language
        where the item has text in it (an English page shows English snippets), each with its date,
        and a statistic with its next and latest release."""
        fragmenter = ContextFragmenter(maxchars=200, surround=40)
        formatter = HtmlFormatter(tagname="strong", between=" … ")
        words: dict[str, frozenset[str]] = {}
        for leaf in parsed.leaves():
            if isinstance(leaf, query.Term) and isinstance(leaf.text, str):
                words[leaf.fieldname] = words.get(leaf.fieldname, frozenset()) | {leaf.text}
        schema_ = self._index.schema
        lang = request.lang
        hits = []
        for docnum, score in zip(docnums.tolist(), scores.tolist(), strict=True):
            stored = searcher.stored_fields(docnum)
            title = stored.get(f"title_{lang}") or stored.get("title_nb") or ""
            # The page's language when the item has text in it, Norwegian only when it has none.
            name = f"text_{lang}" if (stored.get(f"text_{lang}") or "").strip() else "text_nb"
            body = stored.get(name) or ""
            snippet = ""
            if body and words.get(name):
                snippet = highlight(
                    body, words[name], schema_[name].analyzer, fragmenter, formatter
                )
            if not snippet:
                snippet = str(escape(body[:200]))
            found = related.get(stored["id"])
            hits.append(
                Hit(
                    id=stored["id"],
                    kind=stored["kind"],
                    title=title,
                    snippet=snippet,
                    path=stored.get(f"path_{lang}") or stored.get("path_nb"),
                    producer=stored.get("producer") or "",
                    score=float(score),
                    dated=_instant(stored.get("dated")),
                    next=self._link(searcher, found.next if found else None, lang),
                    latest=self._link(searcher, found.latest if found else None, lang),
                )
            )
        return hits

    def _correct(self, searcher: Searcher, text: str, lang: str) -> str | None:
        # Words as written first ("arbeidskraftundersøkelsen"), then stems, which reach further.
        for name in ("spelling", "title_nb" if lang == "nb" else "title_en"):
            parser = qparser.QueryParser(name, schema=self._index.schema)
            try:
                found = searcher.correct_query(parser.parse(text), text, prefix=1, maxdist=2)
            except Exception:  # noqa: BLE001, S112  (a suggestion is optional; the search stands)
                continue
            if found.query != found.original_query:
                return str(found.string)
        return None

    def suggest(self, prefix: str, lang: str, now: datetime, limit: int = 8) -> list[str]:
        """Titles of public documents with a word starting with ``prefix`` (suggestions as you type)."""
        prefix = prefix.strip().lower()
        if len(prefix) < 2:
            return []
        field = f"title_{lang}"
        with self._searcher() as searcher:
            hidden = self._view(searcher).hidden(now)
            q = query.Prefix(field, prefix[:20])
            capped = self._capped(TopCollector(limit=limit + len(hidden), usequality=False))
            try:
                searcher.search_with_collector(q, capped)
            except TimeLimit:
                pass
            titles = [
                hit.get(field) or hit.get("title_nb")
                for hit in capped.results()
                if hit.docnum not in hidden
            ][:limit]
            return list(dict.fromkeys(titles))
