"""The calendar's query parameters, shared by the page, its JSON twin and every feed, so a subscription
filters exactly as the page does."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from portal.kernel.errors import BadRequest, FieldError
from portal.kernel.params import whole_number
from portal.kernel.updated import updated_after
from release_calendar.listing import MAX_PER_PAGE, ReleaseQuery
from release_calendar.rules import Kind, Status, oslo_instant

FILTERS = ("producer", "subject_area", "statistic", "kind", "status", "q", "from", "to", "order")


def _date(args: Mapping[str, str], name: str) -> date | None:
    raw = args.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest("", (FieldError.said(name, "cal.bad.not_date", value=raw),)).said(
            f"cal.bad.{name}"
        ) from None


def _enum(args: Mapping[str, str], name: str, values: type[Kind] | type[Status]) -> str | None:
    raw = args.get(name) or None
    if raw is not None and raw not in {v.value for v in values}:
        choices = ", ".join(v.value for v in values)
        raise BadRequest("", (FieldError.said(name, "cal.bad.choose", choices=choices),)).said(
            f"cal.bad.{name}", value=raw
        )
    return raw


def _whole(args: Mapping[str, str], name: str, default: int) -> int:
    """``whole_number``, its refusal told by the calendar's catalogue."""
    try:
        return whole_number(args, name, default)
    except BadRequest as error:
        error.errors = (FieldError.said(name, "cal.bad.not_whole", value=args.get(name)),)
        raise error.said("cal.bad.whole", name=name) from None


def start_of_day(day: date) -> datetime:
    """Midnight in Oslo as a UTC instant."""
    return oslo_instant(datetime.combine(day, time(0, 0)))


def parse_release_query(args: Mapping[str, str], *, per_page_default: int = 100) -> ReleaseQuery:
    """A :class:`ReleaseQuery` from query parameters; ``from`` and ``to`` are Oslo dates, ``to``
    inclusive. Raises BadRequest naming the bad parameter."""
    kind, status = _enum(args, "kind", Kind), _enum(args, "status", Status)
    start, end = _date(args, "from"), _date(args, "to")
    if start and end and end < start:
        raise BadRequest("", (FieldError.said("to", "cal.bad.to_before_from"),)).said(
            "cal.bad.order_of_dates"
        )
    order = args.get("order") or "soonest"
    if order not in {"soonest", "newest"}:
        raise BadRequest("", (FieldError.said("order", "cal.bad.order_field"),)).said(
            "cal.bad.order"
        )
    text = (args.get("q") or "").strip() or None
    if text and len(text) > 200:
        raise BadRequest("", (FieldError.said("q", "cal.bad.q_field"),)).said("cal.bad.q")
    page, per_page = _whole(args, "page", 1), _whole(args, "per_page", per_page_default)
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise BadRequest("").said("cal.bad.paging", max=MAX_PER_PAGE)
    return ReleaseQuery(
        producer=args.get("producer") or None,
        subject_area=args.get("subject_area") or None,
        statistic=args.get("statistic") or None,
        kind=Kind(kind) if kind else None,
        status=Status(status) if status else None,
        text=text,
        start=start_of_day(start) if start else None,
        end=start_of_day(end + timedelta(days=1)) if end else None,
        newest_first=order == "newest",
        updated_after=updated_after(args),
        page=page,
        per_page=per_page,
    )


def filter_args(args: Mapping[str, str]) -> dict[str, str]:
    """The recognised filters of a request, to carry over into twin and feed links."""
    return {k: v for k, v in args.items() if k in FILTERS and v}


def indicator_args(args: Mapping[str, str]) -> tuple[int | None, str | None]:
    """Year and producer filters of the indicators. Raises BadRequest for a year that is not one."""
    raw = args.get("year")
    year = None
    if raw:
        try:
            year = int(raw)
        except ValueError:
            raise BadRequest("", (FieldError.said("year", "cal.bad.not_year", value=raw),)).said(
                "cal.bad.year"
            ) from None
    return year, args.get("producer") or None
