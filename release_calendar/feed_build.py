"""The release feeds (iCal, Atom, RSS) assembled from one fragment per release, kept in the shared cache,
so that a calendar write renders again only the releases it changed, not the whole feed (issue 23: the
iCal feed of 7,000 releases took 4 s to build after every write).

A fragment's key names everything its bytes depend on: the kind of feed and its language, the site its
links point to, the release's id, version (every write to a release raises it, history and corrections
included) and last change, whether the release is out at the feed's instant (the one visibility rule: its
release note is in the fragment only once it is out) and its producer's short name. A feed assembled from
cached fragments is byte for byte the one built whole (tests/release_calendar/test_feed_build.py).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, aliased

from portal.kernel.access import is_released
from portal.kernel.cache import Cache
from portal.programme.models import Producer, Statistic
from release_calendar import feeds, listing
from release_calendar.models import Release
from release_calendar.rules import Status

log = logging.getLogger(__name__)

#: Fragments are keyed by content, so they may live long; the cache's own eviction bounds them.
FRAGMENT_TTL = 7 * 24 * 3600
#: Part of every fragment key: raise it when a fragment's rendering changes, so that fragments an older
#: version of the portal left in Redis are not mixed with new ones.
FRAGMENT_FORMAT = "1"
KINDS = ("ics", "atom", "rss")


@dataclass(frozen=True)
class FeedItem:
    """What a release's fragment depends on besides the feed's language and site, read without loading
    the release."""

    id: int
    version: int
    updated_at: datetime
    release_at: datetime
    is_out: bool
    producer_short_name: str


@dataclass(frozen=True)
class FeedRequest:
    """One feed to build: which kind, in which language, over which releases, and its addresses."""

    kind: str  # one of KINDS
    lang: str
    query: listing.ReleaseQuery
    limit: int
    self_url: str
    home_url: str
    #: A release's page (absolute), from its id.
    release_url: Callable[[int], str]
    #: What ``release_url`` depends on besides the id and language (scheme, host, script root).
    site: str
    hub: str | None = None


def feed_items(
    session: Session, query: listing.ReleaseQuery, now: datetime, limit: int
) -> list[FeedItem]:
    """The releases :func:`listing.all_releases` gives for ``query`` at ``now``, in its order, as
    :class:`FeedItem`: one query of plain columns, without the releases' histories."""
    if query.status in (Status.CONFIRMED, Status.POSTPONED):
        # Postponed is read from each release's history: these are told apart by loading them.
        return [
            FeedItem(v.id, v.version, v.updated_at, v.release_at, v.is_out, v.producer_short_name)
            for v in listing.all_releases(session, query, now, limit)
        ]
    producer = aliased(Producer)
    order = (
        (Release.release_at.desc(), Release.id.desc())
        if query.newest_first
        else (Release.release_at, Release.id)
    )
    stmt = (
        listing.matching(session, query, now)
        .join(producer, Statistic.producer_id == producer.id)
        .with_only_columns(
            Release.id,
            Release.version,
            Release.updated_at,
            Release.release_at,
            Release.state,
            producer.short_name,
        )
        .order_by(*order)
        .limit(limit)
    )
    return [
        FeedItem(id_, version, updated, at, is_released(state, at, now), short_name)
        # Through the connection: plain rows without the ORM's result machinery, which took half this
        # query's time in a profile of 5,000 releases.
        for id_, version, updated, at, state, short_name in session.connection().execute(stmt)
    ]


def fragment_key(request: FeedRequest, item: FeedItem) -> str:
    """The cache key of ``item``'s fragment in ``request``'s feed."""
    return _fragment_prefix(request) + _fragment_suffix(item)


def _fragment_prefix(request: FeedRequest) -> str:
    feed = "\x1f".join((FRAGMENT_FORMAT, request.kind, request.lang, request.site))
    return f"feedpart:{hashlib.sha256(feed.encode()).hexdigest()[:24]}:"


def _fragment_suffix(item: FeedItem) -> str:
    # The producer's short name last: the fields before it are numbers, so no key reads as another.
    # A timestamp, not isoformat(), which took a third of the keys' time in the same profile.
    out = "out" if item.is_out else "coming"
    return (
        f"{item.id}:{item.version}:{item.updated_at.timestamp()!r}:{out}:{item.producer_short_name}"
    )


def build_feed(session: Session, cache: Cache, request: FeedRequest, now: datetime) -> bytes:
    """``request``'s feed at ``now`` (aware UTC), from the fragments in ``cache``; the missing ones are
    rendered from the releases as they may be shown at ``now`` and stored."""
    items = feed_items(session, request.query, now, request.limit)
    prefix = _fragment_prefix(request)
    keys = [prefix + _fragment_suffix(item) for item in items]
    found = cache.get_many(keys) if keys else []
    missing = [item for item, fragment in zip(items, found, strict=True) if fragment is None]
    rendered = _render(session, cache, request, now, missing)
    fragments = [
        fragment if fragment is not None else rendered[item.id]
        for item, fragment in zip(items, found, strict=True)
        if fragment is not None or item.id in rendered
    ]
    log.info(
        "Built the %s feed (%s): %d releases, %d rendered",
        request.kind,
        request.lang,
        len(fragments),
        len(missing),
    )
    if request.kind == "ics":
        return feeds.ical_document(fragments, lang=request.lang, feed_url=request.self_url)
    return feeds.releases_document(
        fragments,
        lang=request.lang,
        self_url=request.self_url,
        home_url=request.home_url,
        updated=feeds.latest(items, now),
        kind=request.kind,
        hub=request.hub,
    )


def _render(
    session: Session,
    cache: Cache,
    request: FeedRequest,
    now: datetime,
    missing: Sequence[FeedItem],
) -> dict[int, bytes]:
    if not missing:
        return {}
    views = listing.views_by_id(session, [item.id for item in missing], now)
    wanted = {item.id: item for item in missing}
    shown = [views[item.id] for item in missing if item.id in views]

    def url(view: listing.ReleaseView) -> str:
        return request.release_url(view.id)

    if request.kind == "ics":
        bodies = [feeds.event_fragment(view, request.lang, url(view)) for view in shown]
    else:
        bodies = feeds.entry_fragments(
            shown, lang=request.lang, url_for_release=url, kind=request.kind
        )
    rendered = {view.id: body for view, body in zip(shown, bodies, strict=True)}
    # A write between the two reads gives a newer release than its key names: used, not stored.
    keep = {
        fragment_key(request, wanted[view.id]): rendered[view.id]
        for view in shown
        if (view.version, view.is_out) == (wanted[view.id].version, wanted[view.id].is_out)
    }
    if keep:
        cache.set_many(keep, FRAGMENT_TTL)
    return rendered
