"""The set-at-a-time evaluation (portal.search.scoring) against whoosh's own matchers on the same index:
the same documents and the same scores for every kind of query the portal builds, on an index of
several segments with replaced (deleted) documents."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from whoosh import query
from whoosh.collectors import UnlimitedCollector
from whoosh.searching import Searcher

from portal.search.documents import SearchDoc
from portal.search.index import SearchIndex, SearchQuery
from portal.search.scoring import Deadline, Evaluator

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
TOPICS = [
    ("Konsumprisindeksen", "Consumer price index", "konsumpriser prisvekst husleie strøm"),
    ("Arbeidsledighet", "Unemployment", "arbeidsledige helt ledige permitterte kommune"),
    ("Boligpriser", "House prices", "boligprisindeks eneboliger leiligheter kommune"),
    ("Sykefravær", "Sickness absence", "legemeldt egenmeldt sykefraværsprosent næring"),
    ("Utenrikshandel med varer", "External trade in goods", "eksport import laks 0-14 år"),
]


def _doc(n: int, version: int = 0) -> SearchDoc:
    nb, en, words = TOPICS[n % len(TOPICS)]
    return SearchDoc(
        id=f"statistic:s{n}",
        kind=("statistic", "table", "release")[n % 3],
        title_nb=f"{nb} {n}" if n % 4 else nb,
        title_en=en,
        text_nb=f"{words} {' '.join(TOPICS[(n + version) % len(TOPICS)][2].split()[: n % 4 + 1])}",
        text_en=f"{en.lower()} figures",
        path_nb=f"/statistikk/s{n}",
        path_en=f"/en/statistics/s{n}",
        producer=("ssb", "nav", "fhi")[n % 3],
        extra=(f"s{n}",),
    )


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    built = SearchIndex(Path(tmp_path_factory.mktemp("scoring")))
    for start in range(0, 120, 30):  # four commits: several segments
        built.update([_doc(n) for n in range(start, start + 30)])
    built.update([_doc(n, version=1) for n in range(0, 120, 7)])  # replaced: deletions
    return built


def _expanded(q: query.Query, searcher: Searcher) -> query.Query:
    """``q`` with each prefix as the union of the terms it starts, as the portal scores it (whoosh
    2.7.4 does so on an index of over 5,000 documents; on a smaller one, as here, it may score a
    prefix's matches a constant instead)."""
    if isinstance(q, query.Prefix):
        terms = [
            query.Term(q.fieldname, t.decode(), boost=q.boost)
            for t in searcher.reader().expand_prefix(q.fieldname, q.text)
        ]
        return query.Or(terms)
    return q.apply(lambda sub: _expanded(sub, searcher))


def _whoosh(index: SearchIndex, q: query.Query) -> dict[int, float]:
    with index._searcher() as searcher:
        q = _expanded(q, searcher)
        collector = UnlimitedCollector()
        searcher.search_with_collector(q, collector)
        return {hit.docnum: hit.score for hit in collector.results()}


def _ours(index: SearchIndex, q: query.Query) -> dict[int, float]:
    with index._searcher() as searcher:
        view = index._view(searcher)
        assert len(view.leaves) > 1 and any(leaf.deleted is not None for leaf in view.leaves)
        ids, scores = Evaluator(searcher, list(view.leaves), time.monotonic() + 5).run(q)
        assert np.all(np.diff(ids) > 0)  # ascending, each once
        return dict(zip(ids.tolist(), scores.tolist(), strict=True))


@pytest.mark.parametrize(
    "text",
    [
        "prisindeks",
        "kommune",
        "arbeidsledighet kommune",
        "boligpriser OR sykefravær OR import",
        "sykefravaer",
        "Konsumprisindeksen",
        "0-14",
        "utenrikshandel med varer",
        "s7",
    ],
)
def test_same_documents_and_scores_as_whoosh(index: SearchIndex, text: str) -> None:
    q = index._parse(text, "nb")
    expected = _whoosh(index, q)
    found = _ours(index, q)
    assert expected, f"{text!r} finds nothing: the comparison would prove nothing"
    assert found.keys() == expected.keys()
    for docnum, score in expected.items():
        assert found[docnum] == pytest.approx(score, rel=1e-5), (text, docnum)


def test_filters_and_prefixes_as_whoosh(index: SearchIndex) -> None:
    for q in [
        query.And([index._parse("kommune", "nb"), query.Term("producer", "nav")]),
        query.Prefix("title_nb", "bolig", boost=2.0),
        query.Prefix("text_nb", "ko", boost=2.0),  # several terms: "kommune", "konsumpriser"
        query.Or([query.Term("kind", "table"), query.Term("extra", "s3", boost=4.0)]),
    ]:
        expected = _whoosh(index, q)
        assert expected
        found = _ours(index, q)
        assert found.keys() == expected.keys()
        for docnum, score in expected.items():
            assert found[docnum] == pytest.approx(score, rel=1e-5), (q, docnum)


def test_a_passed_deadline_stops_the_evaluation(index: SearchIndex) -> None:
    with index._searcher() as searcher:
        view = index._view(searcher)
        with pytest.raises(Deadline):
            Evaluator(searcher, list(view.leaves), time.monotonic() - 1).run(
                index._parse("kommune", "nb")
            )


def test_replaced_documents_are_found_once_in_their_new_version(index: SearchIndex) -> None:
    results = index.search(SearchQuery("s7"), NOW)
    assert [h.id for h in results.hits] == ["statistic:s7"]
    assert results.total == 1 and results.facets["kind"] == {"table": 1}


def test_the_posting_cache_stays_within_its_limit_and_changes_no_answer(index: SearchIndex) -> None:
    from portal.search.scoring import PostingCache

    q = index._parse("boligpriser OR sykefravær OR import", "nb")
    expected = _ours(index, q)
    with index._searcher() as searcher:
        leaves = list(index._view(searcher).leaves)
        small = [replace(leaf, postings=PostingCache(limit=40)) for leaf in leaves]
        for _ in range(2):  # cold, then from what the cache kept
            ids, scores = Evaluator(searcher, small, time.monotonic() + 5).run(q)
            assert dict(zip(ids.tolist(), scores.tolist(), strict=True)) == pytest.approx(expected)
        assert all(0 < leaf.postings.size <= 40 for leaf in small)
        cached = next(iter(small[0].postings._lists.values()))
        assert not cached[0].flags.writeable  # shared arrays are never changed in place
