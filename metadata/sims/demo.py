"""Demo "Om statistikken": complete documentation for six statistics of different producers and
partial documentation for ten more, so completeness has a spread to show. Idempotent."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from importlib import resources

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from metadata.sims.models import DocumentationVersion
from metadata.sims.service import Entries, entries_json, parse_entries
from portal.programme.models import Statistic

PUBLISHER = "demo"


def _version(
    statistic_id: int, number: int, entries: Entries, at: datetime, note: str
) -> DocumentationVersion:
    """A version published and public at ``at`` by the demo."""
    return DocumentationVersion(
        statistic_id=statistic_id,
        number=number,
        content=entries_json(entries),
        published_at=at,
        published_by=PUBLISHER,
        visible_from=at,
        change_note=note,
    )


def seed_documentation(session: Session, now: datetime) -> int:
    """Publish the demo texts as version 1 (and, for the CPI, a version 2 with one change). Returns the
    number of versions added; none when any documentation exists already."""
    if (session.scalar(select(func.count()).select_from(DocumentationVersion)) or 0) > 0:
        return 0
    text = (
        resources.files("metadata.sims")
        .joinpath("data", "demo_documentation.json")
        .read_text(encoding="utf-8")
    )
    data = json.loads(text)["statistics"]
    slugs = {s.slug: s.id for s in session.scalars(select(Statistic))}
    added = 0
    first_time = now - timedelta(days=120)
    for slug, record in data.items():
        if slug not in slugs:
            continue
        entries = parse_entries(record["concepts"])
        session.add(_version(slugs[slug], 1, entries, first_time, "Første versjon."))
        added += 1
        if slug == "kpi" and "S.17.2" in entries:
            revised = dict(entries)
            old = revised["S.17.2"]
            revised["S.17.2"] = type(old)(
                nb=old.nb + "\n\nFra 2026 publiseres revisjoner samtidig med neste månedstall.",
                nn=old.nn,
                en=old.en + "\n\nFrom 2026 revisions are published with the next monthly figures.",
                not_relevant=False,
            )
            second_time = now - timedelta(days=30)
            note = "Oppdatert omtale av revisjonspraksis."
            session.add(_version(slugs[slug], 2, revised, second_time, note))
            added += 1
    session.flush()
    return added
