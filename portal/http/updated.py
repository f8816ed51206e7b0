"""``updatedAfter`` as the OpenAPI document describes it on every list that takes it (issue 22); the
parser is :func:`portal.kernel.updated.updated_after`."""

from __future__ import annotations

from portal.http.openapi import Param
from portal.kernel.updated import NAME

__all__ = ["NAME", "PARAM"]

PARAM = Param(
    NAME,
    "Only items whose last public change is later than this: an ISO 8601 instant with an offset "
    "(2026-12-01T08:00:00+01:00, or Z) or a date (2026-12-01, from midnight in Oslo). A table or "
    "release waiting for its release time counts from that time, never before.",
    {"type": "string", "maxLength": 40},
)
