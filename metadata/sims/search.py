"""What "Om statistikken" makes findable: one document a published version, public while that version
is the one in force — from the instant it goes out (its release's time when published with one, moving
with it: :func:`metadata.sims.service.goes_out_at`, built on the one visibility rule) until a newer
version goes out. So the text that is findable is the text the page shows, at every instant, without a
reindex."""

from __future__ import annotations

import re
from collections.abc import Iterator, Set
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from metadata.sims.models import DocumentationVersion
from metadata.sims.service import goes_out_at
from portal.kernel.findable import Changes, Findable, SearchDoc, Watch
from portal.programme.models import Statistic
from release_calendar.models import Release


def about_docs(session: Session, statistic_ids: Set[int] | None = None) -> Iterator[SearchDoc]:
    """Every published version of the statistics' documentation, each with the interval it is in
    force (aware UTC)."""
    stmt = select(DocumentationVersion, goes_out_at()).order_by(
        DocumentationVersion.statistic_id, DocumentationVersion.number.desc()
    )
    statistics = select(Statistic).options(
        selectinload(Statistic.producer), selectinload(Statistic.subject_areas)
    )
    if statistic_ids is not None:
        stmt = stmt.where(DocumentationVersion.statistic_id.in_(statistic_ids))
        statistics = statistics.where(Statistic.id.in_(statistic_ids))
    by_id = {s.id: s for s in session.scalars(statistics)}
    replaced_at: dict[int, datetime] = {}  # statistic -> when the next newer version goes out
    for version, out_at in session.execute(stmt):
        until = replaced_at.get(version.statistic_id)
        replaced_at[version.statistic_id] = min(out_at, until) if until else out_at
        if until is not None and until <= out_at:
            until = out_at  # a newer version went out first: this one is never in force
        s = by_id[version.statistic_id]
        entries = version.content.values()
        yield SearchDoc(
            id=f"about:{s.slug}:{version.number}",
            kind="about",
            title_nb=f"Om statistikken: {s.name_nb}",
            title_en=f"About the statistics: {s.name_en}" if s.name_en else "",
            text_nb=_plain(" ".join(e.get("nb") or e.get("nn") or "" for e in entries)),
            text_en=_plain(" ".join(e.get("en") or "" for e in entries)),
            path_nb=f"/statistikk/{s.slug}/om-statistikken",
            path_en=f"/en/statistics/{s.slug}/about",
            producer=s.producer.slug,
            subjects=tuple(a.slug for a in s.subject_areas),
            visible_from=out_at,
            visible_until=until,
        )


_MARKUP = re.compile(r"\]\([^)]*\)|[#*_`>|\[\]]+")


def _plain(markdown: str) -> str:
    """Markdown's markup out of a text to index (links keep their words, lose their address)."""
    return _MARKUP.sub(" ", markdown)


def changed_docs(session: Session, changes: Changes) -> Iterator[SearchDoc]:
    statistics = set(changes.get("about", ()))
    if "release" in changes:
        # Documentation published with a moved or cancelled release moves with it.
        statistics |= set(
            session.scalars(select(Release.statistic_id).where(Release.id.in_(changes["release"])))
        )
    if statistics:
        yield from about_docs(session, statistics)


FINDABLE = Findable(
    name="documentation",
    documents=changed_docs,
    everything=about_docs,
    watches=(Watch(DocumentationVersion, "about", lambda v: v.statistic_id, parse=int),),
)
