"""The calendar's pages (nb and en) and its feeds. Pages and feeds share one query parser and one
listing, so a subscription shows exactly what the page shows."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from babel import dates as babel_dates
from dateutil.relativedelta import relativedelta
from flask import Flask, Response, current_app, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.http.cache import get_cache
from portal.http.db import get_session
from portal.http.instant import now
from portal.http.pagecache import register_next_change, shared
from portal.http.routing import bilingual, page_blueprint, render_page
from portal.kernel.cache import build_once
from portal.kernel.clock import in_oslo
from portal.kernel.errors import BadRequest, FieldError
from portal.kernel.formatting import LOCALES
from portal.kernel.i18n import current_language, register_messages
from portal.programme import service as programme
from release_calendar import api, feed_build, feeds, indicators, listing
from release_calendar.models import Release
from release_calendar.params import filter_args, indicator_args, parse_release_query
from release_calendar.rules import Kind, Precision, Reason, Status, when_label

bp = page_blueprint("release_calendar", __name__, template_folder="templates")

#: The calendar's extension point for the release page: each part gives template values for
#: (session, statistic id, instant). The domains above the calendar register theirs (documentation
#: adds the version in force), so the calendar imports none of them.
ReleasePagePart = Callable[[Session, int, datetime], dict[str, Any]]
RELEASE_PAGE_PARTS: list[ReleasePagePart] = []
#: The same for a release that is out (issue 18): each part gives template values for (session, release
#: id, now); the shell adds the tables the release published and their key figures.
ReleaseOutPart = Callable[[Session, int, datetime], dict[str, Any]]
RELEASE_OUT_PARTS: list[ReleaseOutPart] = []
feeds_bp = page_blueprint("calendar_feeds", __name__)

VIEWS = ("list", "day", "week", "month")
FEED_TTL = 3600
FEED_LIMIT = 100_000
#: The release feeds' default window (issue 23): the last 12 months and everything coming, so the feed
#: stops growing with the years; ``history=all`` gives every release.
WINDOW_MONTHS = 12
#: How long a request waits for a feed another worker is building before building it itself (a full
#: iCal of 20,000 releases takes about 10 s on the 2-core test machine, bench/calendar_feeds.py).
FEED_BUILD_WAIT = 20.0


def _window(view: str, day: date) -> tuple[date, date]:
    """The first day and the day after the last for a day, week or month view."""
    if view == "day":
        return day, day + timedelta(days=1)
    if view == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=7)
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following


#: The filters the calendar page has a field for (the rest, like ``page`` or ``order``, come from links).
FILTER_FIELDS = ("q", "producer", "subject_area", "statistic", "kind", "status", "from", "to")

register_messages(
    {
        "cal.subscribe_selection": ("Abonner på dette utvalget", "Subscribe to this selection"),
        "cal.view.published": ("Publisert", "Published"),
        "cal.month_grid": ("Publiseringer i {month}", "Releases in {month}"),
        "cal.undated": (
            "Ennå uten fastsatt dato denne måneden",
            "Not yet given a date this month",
        ),
    }
)


@dataclass(frozen=True)
class GridDay:
    """One cell of the month grid: a day, whether it is in the month shown, and its releases."""

    day: date
    in_month: bool
    releases: tuple[listing.ReleaseView, ...]


def month_grid(first: date, releases: Sequence[listing.ReleaseView]) -> list[list[GridDay]]:
    """The weeks (Monday first) covering the month that starts on ``first``, each day with the
    releases at an exact time on it in Oslo; days of the months either side have none."""
    following = (first + timedelta(days=32)).replace(day=1)
    by_day: dict[date, list[listing.ReleaseView]] = {}
    for release in releases:
        if release.precision is Precision.EXACT:
            by_day.setdefault(in_oslo(release.release_at).date(), []).append(release)
    start = first - timedelta(days=first.weekday())
    weeks: list[list[GridDay]] = []
    while start < following:
        week = [start + timedelta(days=n) for n in range(7)]
        weeks.append([GridDay(d, first <= d < following, tuple(by_day.get(d, ()))) for d in week])
        start += timedelta(days=7)
    return weeks


def _weekdays(lang: str) -> list[tuple[str, str]]:
    """Monday to Sunday: each day's short and full name (CLDR)."""
    locale = LOCALES[lang]
    short, wide = (
        babel_dates.get_day_names("abbreviated", locale=locale),
        babel_dates.get_day_names("wide", locale=locale),
    )
    return [(str(short[n]), str(wide[n])) for n in range(7)]


def _view(args: dict[str, str]) -> str:
    view = args.get("view") or "list"
    if view not in VIEWS:
        raise BadRequest("", (FieldError.said("view", "cal.bad.view"),)).said("cal.bad.view")
    return view


def _day(args: dict[str, str], today: date) -> date:
    try:
        return date.fromisoformat(args["date"]) if args.get("date") else today
    except ValueError:
        raise BadRequest(
            "", (FieldError.said("date", "cal.bad.not_date", value=args["date"]),)
        ).said("cal.bad.date") from None


@bilingual("/kalender", "/en/calendar", twin="calendar_api.list_releases", blueprint=bp)
@shared
def calendar() -> Response:
    """The calendar; filters it cannot read answer 400 with the page again, each problem at its filter
    and in the error summary, in the page's language."""
    args = request.args.to_dict()
    today = in_oslo(now()).date()
    view, day, nav = "list", today, {}
    try:
        view, day = _view(args), _day(args, today)
        if view != "list":
            first, following = _window(view, day)
            args["from"] = first.isoformat()
            args["to"] = (following - timedelta(days=1)).isoformat()
            nav = {
                "first": first,
                "last": following - timedelta(days=1),
                "previous": _window(view, first - timedelta(days=1))[0],
                "next": following,
            }
        elif not args.get("from") and not args.get("to") and not args.get("status"):
            args["from"] = today.isoformat()
        if args.get("status") == Status.PUBLISHED and not args.get("order"):
            args["order"] = "newest"  # "Publisert": what came out last comes first
        # A month is shown whole in its grid, not a page of it.
        query = parse_release_query(
            args, per_page_default=listing.MAX_PER_PAGE if view == "month" else 100
        )
    except BadRequest as refused:
        return _calendar_page(args, view, day, nav, None, refused)
    page = listing.list_releases(get_session(), query, now())
    return _calendar_page(args, view, day, nav, page, None)


def _calendar_page(
    args: dict[str, str],
    view: str,
    day: date,
    nav: dict[str, Any],
    result: listing.ReleasePage | None,
    refused: BadRequest | None,
) -> Response:
    filters: dict[str, Any] = filter_args(args)
    shown = {f for f in FILTER_FIELDS if view == "list" or f not in {"from", "to"}}
    filter_errors: dict[str, list[str]] = {}
    unplaced: list[str] = []
    for error in refused.errors if refused else ():
        if error.pointer in shown:
            filter_errors.setdefault(error.pointer, []).append(error.message())
        else:
            unplaced.append(error.message())
    if refused is not None and not filter_errors:
        unplaced = [refused.message()]
    feed_args = {k: v for k, v in filters.items() if k not in filter_errors}
    # Subscriptions carry the filters people chose, not the window the page shows (today onwards, or
    # the day, week or month in view).
    chosen = filter_args(request.args.to_dict())
    subscribe_args = {
        k: v
        for k, v in chosen.items()
        if k not in filter_errors and k != "order" and (view == "list" or k not in {"from", "to"})
    }
    db = get_session()
    statistics = programme.list_statistics(
        db, programme.StatisticQuery(per_page=programme.MAX_PER_PAGE)
    ).items
    grid = month_grid(nav["first"], result.items) if result and view == "month" else None
    # "Publisert": the chosen filters over everything already out, newest first.
    published_args = {k: v for k, v in subscribe_args.items() if k not in {"from", "to", "status"}}
    # The view tabs keep the chosen filters and the day in view. The window a day, week or month view
    # sets is not carried: the list goes on from the window's first day instead of stopping at its last.
    tab_args: dict[str, Any] = {k: v for k, v in subscribe_args.items() if k not in {"from", "to"}}
    list_window: dict[str, Any] = {"from": nav["first"].isoformat()} if nav else {}
    if view == "list":
        list_window = {k: v for k, v in subscribe_args.items() if k in {"from", "to"}}
    tabs = {
        v: url_for(
            "release_calendar.calendar",
            **tab_args,
            **(list_window if v == "list" else {}),
            view=v,
            date=day.isoformat(),
        )
        for v in VIEWS
    }
    return render_page(
        "release_calendar/calendar.html",
        status=400 if refused else 200,
        twin_url=url_for("calendar_api.list_releases", **feed_args),
        result=result,
        filters=filters,
        filter_errors=filter_errors,
        unplaced=unplaced,
        view=view,
        day=day,
        nav=nav,
        producers=programme.list_producers(db),
        subject_areas=programme.list_subject_areas(db),
        kinds=[k.value for k in Kind],
        statuses=[s.value for s in Status],
        feed_args=feed_args,
        subscribe_args=subscribe_args,
        published_args=published_args,
        tabs=tabs,
        statistics=sorted(statistics, key=lambda s: (s.producer_short_name, s.name_nb)),
        grid=grid,
        weekdays=_weekdays(current_language()),
    )


@bilingual(
    "/kalender/<int:release_id>",
    "/en/calendar/<int:release_id>",
    twin="calendar_api.get_release",
    blueprint=bp,
)
@shared
def release(release_id: int) -> Response:
    db = get_session()
    view = listing.get_release(db, release_id, now())
    statistic_id = db.scalar(select(Release.statistic_id).where(Release.id == release_id))
    assert statistic_id is not None
    # What the domains above the calendar add (the documentation in force when it went out, or now
    # for a coming release), asked at one instant.
    at = min(now(), view.release_at)
    parts: dict[str, Any] = {}
    for part in RELEASE_PAGE_PARTS:
        parts.update(part(db, statistic_id, at))
    if view.is_out:
        for out_part in RELEASE_OUT_PARTS:
            parts.update(out_part(db, release_id, now()))
    return render_page(
        "release_calendar/release.html",
        twin_url=url_for("calendar_api.get_release", release_id=release_id),
        release=view,
        reasons=[r.value for r in Reason],
        **parts,
    )


@bilingual(
    "/kalender/endringer", "/en/calendar/changes", twin="calendar_api.list_changes", blueprint=bp
)
def changes() -> Response:
    notices = listing.list_change_notices(get_session(), now())
    return render_page(
        "release_calendar/changes.html",
        twin_url=url_for("calendar_api.list_changes"),
        notices=notices,
    )


@bilingual(
    "/kalender/indikatorer",
    "/en/calendar/indicators",
    twin="calendar_api.get_indicators",
    blueprint=bp,
)
def indicator_page() -> Response:
    year, producer = indicator_args(request.args)
    result = indicators.compute(get_session(), now(), year=year, producer=producer)
    totals = indicators.totals(result.rows)
    charts = [
        (
            measure,
            [
                (
                    name,
                    row.share(getattr(row, measure)) or 0.0,
                    getattr(row, measure),
                    row.published,
                )
                for name, row in totals.items()
            ],
        )
        for measure in (
            "announced_on_time",
            "punctual_first_confirmed",
            "punctual_pre_announced",
            "punctual_last_announced",
        )
    ]
    args: dict[str, Any] = {k: v for k, v in {"year": year, "producer": producer}.items() if v}
    return render_page(
        "release_calendar/indicators.html",
        twin_url=url_for("calendar_api.get_indicators", **args),
        csv_url=url_for("calendar_api.get_indicators_csv", **args),
        result=result,
        charts=charts,
        year=year,
        producer=producer,
        producers=programme.list_producers(get_session()),
    )


def _feed_language() -> str:
    lang = request.args.get("lang", "nb")
    if lang not in ("nb", "en"):
        raise BadRequest("", (FieldError.said("lang", "cal.bad.lang_field"),)).said("cal.bad.lang")
    return lang


def _release_url(lang: str) -> Any:
    def build(view: listing.ReleaseView) -> str:
        return url_for("release_calendar.release", release_id=view.id, lang=lang, _external=True)

    return build


def _cached_feed(
    kind: str, mimetype: str, build: Callable[[], bytes], window: str = ""
) -> Response:
    """Serve a feed from the cache while nothing it shows has changed; 304 for a matching validator.

    The cache holds the ETag and the gzip-compressed body (a year's iCal of every producer is ~10 MB of
    text, ~1 MB compressed), so a warm request neither hashes nor compresses anything. Clients that do
    not accept gzip get it decompressed. A stale feed is built once across workers and machines
    (:func:`~portal.kernel.cache.build_once`): the key holds the data version at this request's instant,
    so no one waits for, or is given, a feed of another instant's releases. ``window`` names the
    default window's first day, which moves with the date.
    """
    version = listing.data_version(get_session(), now())
    key_source = f"{kind}|{request.full_path}|{request.host_url}|{window}|{version.token}"
    key = "feed:" + hashlib.sha256(key_source.encode()).hexdigest()

    def pack() -> bytes:
        body = build()
        etag = hashlib.sha256(body).hexdigest()[:32].encode()
        return etag + b"\n" + gzip.compress(body, compresslevel=6, mtime=0)

    stored = build_once(get_cache(), key, pack, ttl_seconds=FEED_TTL, wait_seconds=FEED_BUILD_WAIT)
    etag, _, compressed = stored.partition(b"\n")
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = Response(compressed, mimetype=mimetype)
        response.headers["Content-Encoding"] = "gzip"
        response.set_etag(etag.decode() + "-gz")
    else:
        response = Response(gzip.decompress(compressed), mimetype=mimetype)
        response.set_etag(etag.decode())
    response.vary.add("Accept-Encoding")
    if version.last_change is not None:
        response.last_modified = version.last_change
    response.make_conditional(request)
    return response


def _feed_query() -> listing.ReleaseQuery:
    """The feed's filters; without ``from`` or ``to`` the default window (the last
    :data:`WINDOW_MONTHS` months and everything coming), or every release with ``history=all``."""
    args = request.args.to_dict()
    history = args.pop("history", "")
    if history not in ("", "all"):
        raise BadRequest("", (FieldError.said("history", "cal.bad.history_field"),)).said(
            "cal.bad.history"
        )
    if not history and not args.get("from") and not args.get("to"):
        args["from"] = _window_start().isoformat()
    return parse_release_query(args)


def _window_start() -> date:
    return in_oslo(now()).date() - relativedelta(months=WINDOW_MONTHS)


def _feed_request(kind: str, lang: str) -> feed_build.FeedRequest:
    def release_url(release_id: int) -> str:
        return url_for("release_calendar.release", release_id=release_id, lang=lang, _external=True)

    return feed_build.FeedRequest(
        kind=kind,
        lang=lang,
        query=_feed_query(),
        limit=FEED_LIMIT,
        self_url=request.url,
        home_url=url_for("release_calendar.calendar", lang=lang, _external=True),
        release_url=release_url,
        site=request.url_root,
        hub=_hub() if kind != "ics" else None,
    )


def _release_feed(kind: str, mimetype: str) -> Response:
    wanted = _feed_request(kind, _feed_language())

    def build() -> bytes:
        return feed_build.build_feed(get_session(), get_cache(), wanted, now())

    return _cached_feed(kind, mimetype, build, _window_start().isoformat())


@feeds_bp.get("/feeds/releases.ics")
def ical_feed() -> Response:
    response = _release_feed("ics", "text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="statistikkportalen.ics"'
    return response


@feeds_bp.get("/feeds/releases.atom")
def atom_feed() -> Response:
    return _with_hub(_release_feed("atom", "application/atom+xml"))


@feeds_bp.get("/feeds/releases.rss")
def rss_feed() -> Response:
    return _with_hub(_release_feed("rss", "application/rss+xml"))


@feeds_bp.get("/feeds/changes.atom")
def changes_feed() -> Response:
    lang = _feed_language()

    def build() -> bytes:
        notices = listing.list_change_notices(get_session(), now(), limit=200)
        return feeds.changes_feed(
            notices,
            lang=lang,
            url_for_release=_release_url(lang),
            self_url=request.url,
            home_url=url_for("release_calendar.changes", lang=lang, _external=True),
            now=now(),
            hub=_hub(),
        )

    return _with_hub(_cached_feed("changes", "application/atom+xml", build))


def _hub() -> str | None:
    """The WebSub hub the feeds name (``WEBSUB_HUB``), which ``portal notify run`` pings (issue 22)."""
    return current_app.config.get("WEBSUB_HUB") or None


def _with_hub(response: Response) -> Response:
    """The hub and the feed's own address as ``Link`` headers, where WebSub subscribers look first."""
    hub = _hub()
    if hub:
        response.headers.add("Link", f'<{hub}>; rel="hub"')
        response.headers.add("Link", f'<{request.url}>; rel="self"')
    return response


def statistic_releases(slug: str) -> tuple[list[listing.ReleaseView], list[listing.ReleaseView]]:
    """A statistic's coming releases (cancelled ones included) and its latest published ones."""
    db, moment = get_session(), now()
    upcoming = listing.list_releases(
        db, listing.ReleaseQuery(statistic=slug, start=moment, per_page=10), moment
    ).items
    published = listing.list_releases(
        db,
        listing.ReleaseQuery(
            statistic=slug, status=Status.PUBLISHED, newest_first=True, per_page=10
        ),
        moment,
    ).items
    return [v for v in upcoming if not v.is_out], list(published)


def release_time(precision: str, moment: datetime) -> str:
    """A release time in the page's language: exact ones with their zone, provisional as a period."""
    return when_label(Precision(precision), moment, current_language())


def init_app(app: Flask) -> None:
    from release_calendar import (
        dayview_pages,  # noqa: F401  (the day view, issue 20)
        manage,  # noqa: F401  (registers the producers' pages on bp)
        recurring,  # noqa: F401  (the page of a schedule from a rule)
    )
    from release_calendar.freshness import next_change_at

    app.jinja_env.globals["release_time"] = release_time
    # The release minute moves every cached page and list to a new key (portal.http.pagecache).
    register_next_change(app, next_change_at)
    app.register_blueprint(bp)
    app.register_blueprint(feeds_bp)
    api.init_app(app)
