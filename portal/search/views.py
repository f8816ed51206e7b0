"""The search pages (``/sok``, ``/en/search``) and ``/api/v1/search`` with its suggestions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, url_for
from pydantic import BaseModel

from portal.http.db import get_session
from portal.http.edge import json_response
from portal.http.instant import now
from portal.http.openapi import Operation, Param, operation, problems
from portal.http.routing import bilingual, page_blueprint, render_page
from portal.kernel.errors import BadRequest, FieldError
from portal.kernel.i18n import current_language
from portal.search import synonyms
from portal.search.extension import get_index
from portal.search.index import KINDS, SORTS, Child, Results, SearchQuery

api = Blueprint("search_api", __name__, url_prefix="/api/v1/search")
pages = page_blueprint("search", __name__, template_folder="templates")


def _query(args: Any) -> SearchQuery:
    text = (args.get("q") or "").strip()
    if len(text) > 200:
        raise BadRequest("", (FieldError.said("q", "search.too_long"),)).said("search.q_too_long")
    kind = args.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise BadRequest(
            "", (FieldError.said("kind", "search.one_of", choices=", ".join(KINDS)),)
        ).said("search.unknown_kind", kind=kind)
    try:
        page = max(1, int(args.get("page") or 1))
    except ValueError:
        raise BadRequest("", (FieldError.said("page", "search.not_a_number"),)).said(
            "search.page_number"
        ) from None
    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        raise BadRequest(
            "", (FieldError.said("sort", "search.one_of", choices=", ".join(SORTS)),)
        ).said("search.unknown_sort", sort=sort)
    lang = args.get("lang") or current_language()
    return SearchQuery(
        text=text,
        sort=sort,
        expansions=tuple(synonyms.expand(text, get_session())[1:]) if text else (),
        lang="en" if lang == "en" else "nb",
        kind=kind,
        producer=args.get("producer") or None,
        subject=args.get("subject") or None,
        page=min(page, 50),
    )


class SearchReleaseOut(BaseModel):
    title: str
    url: str
    date: str | None  # ISO 8601, UTC


class HitOut(BaseModel):
    id: str
    kind: str
    title: str
    snippet: str
    url: str
    producer: str
    score: float
    date: str | None = None  # ISO 8601, UTC: the date it is known by (a release's time)
    next_release: SearchReleaseOut | None = None  # of a statistic
    latest_release: SearchReleaseOut | None = None


def _site(path: str) -> str:
    return url_for("web.home", _external=True).rstrip("/") + path


def _child(child: Child | None) -> SearchReleaseOut | None:
    if child is None:
        return None
    date = child.dated.isoformat() if child.dated else None
    return SearchReleaseOut(title=child.title, url=_site(child.path), date=date)


class SearchOut(BaseModel):
    query: str
    total: int
    hits: list[HitOut]
    facets: dict[str, dict[str, int]]
    #: Each facet value's name in the requested language (producer short name, subject area name).
    facet_labels: dict[str, dict[str, str]] = {}
    sort: str = "relevance"
    also_searched: list[str] = []  # the query as the synonym list rewrote it, searched too
    did_you_mean: str | None
    showing_results_for: str | None = None  # the correction searched, when the words found nothing
    timed_out: bool


@api.get("")
@operation(
    Operation(
        "Search every public statistic, release, table, code list, producer and subject area.",
        "search",
        {200: ("Ranked results with snippets and facets.", SearchOut), **problems(400)},
        query=(
            Param("q", "The words to find (nb or en).", {"type": "string", "maxLength": 200}),
            Param("lang", "nb or en.", {"enum": ["nb", "en"]}),
            Param("kind", "Only this kind of item.", {"enum": list(KINDS)}),
            Param("producer", "Producer slug.", {"type": "string"}),
            Param("subject", "Subject-area slug.", {"type": "string"}),
            Param("page", "Page number, from 1.", {"type": "integer", "minimum": 1}),
            Param("sort", "relevance (default) or date (newest first).", {"enum": list(SORTS)}),
        ),
    )
)
def search_api() -> Response:
    request_query = _query(request.args)
    results = get_index().search(request_query, now()) if request_query.text else None
    return json_response(
        SearchOut(
            query=request_query.text,
            total=results.total if results else 0,
            hits=[
                HitOut(
                    id=h.id,
                    kind=h.kind,
                    title=h.title,
                    snippet=h.snippet,
                    url=_site(h.path),
                    producer=h.producer,
                    score=h.score,
                    date=h.dated.isoformat() if h.dated else None,
                    next_release=_child(h.next),
                    latest_release=_child(h.latest),
                )
                for h in (results.hits if results else ())
            ],
            facets=results.facets if results else {},
            facet_labels=results.labels if results else {},
            sort=request_query.sort,
            also_searched=list(results.expanded) if results else [],
            did_you_mean=_did_you_mean(request_query, results),
            showing_results_for=results.searched_for if results else None,
            timed_out=results.timed_out if results else False,
        )
    )


def _did_you_mean(request_query: SearchQuery, results: Results | None) -> str | None:
    """The index's correction, else, when nothing matched, the synonym list's nearest word."""
    if results is None:
        return None
    if results.corrected or results.hits:
        return results.corrected
    return synonyms.load(get_session()).closest(request_query.text)


class SuggestOut(BaseModel):
    suggestions: list[str]


@api.get("/suggest")
@operation(
    Operation(
        "Titles that start like what has been typed (suggestions as you type).",
        "search",
        {200: ("Up to eight titles.", SuggestOut), **problems(400)},
        query=(Param("q", "What has been typed.", {"type": "string", "maxLength": 100}),),
    )
)
def suggest_api() -> Response:
    text = (request.args.get("q") or "")[:100]
    lang = "en" if request.args.get("lang") == "en" else "nb"
    return json_response(SuggestOut(suggestions=get_index().suggest(text, lang, now())))


@bilingual("/sok", "/en/search", twin="search_api.search_api", blueprint=pages)
def search_page() -> Response:
    request_query = _query(request.args)
    results = get_index().search(request_query, now()) if request_query.text else None
    suggestions = (
        get_index().suggest(request_query.text.split()[-1], request_query.lang, now())
        if request_query.text and results is not None and not results.hits
        else []
    )
    return render_page(
        "search/search.html",
        did_you_mean=_did_you_mean(request_query, results),
        sorts=SORTS,
        twin_url=url_for("search_api.search_api")
        + ("?" + request.query_string.decode() if request.query_string else ""),
        search=request_query,
        results=results,
        suggestions=suggestions,
        kinds=KINDS,
    )
