"""Query-string parsing shared by the statistics page and its JSON twin, so both accept the same filters."""

from __future__ import annotations

from collections.abc import Mapping

from portal.kernel.errors import BadRequest, FieldError
from portal.kernel.params import whole_number
from portal.kernel.updated import updated_after
from portal.programme.models import Frequency
from portal.programme.service import StatisticQuery

STATISTIC_FILTERS = ("producer", "subject_area", "frequency", "official", "q", "page", "per_page")


def parse_statistic_query(args: Mapping[str, str]) -> StatisticQuery:
    """A :class:`StatisticQuery` from query parameters. Raises BadRequest naming the bad parameter."""
    frequency = args.get("frequency") or None
    if frequency is not None and frequency not in {f.value for f in Frequency}:
        choices = ", ".join(f.value for f in Frequency)
        raise BadRequest("", (FieldError.said("frequency", "api.one_of", choices=choices),)).said(
            "api.unknown_frequency", value=frequency
        )
    official_raw = (args.get("official") or "").lower()
    if official_raw not in {"", "true", "false"}:
        raise BadRequest("", (FieldError.said("official", "api.true_or_false"),)).said(
            "api.official_bool"
        )
    text = (args.get("q") or "").strip() or None
    if text is not None and len(text) > 200:
        raise BadRequest("", (FieldError.said("q", "api.too_long"),)).said("api.q_too_long")
    return StatisticQuery(
        producer=args.get("producer") or None,
        subject_area=args.get("subject_area") or None,
        frequency=Frequency(frequency) if frequency else None,
        official={"": None, "true": True, "false": False}[official_raw],
        text=text,
        updated_after=updated_after(args),
        page=whole_number(args, "page", 1),
        per_page=whole_number(args, "per_page", 50),
    )
