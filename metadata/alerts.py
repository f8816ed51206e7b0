"""What the metadata tells subscribers (issue 22): a new version of a statistic's "Om statistikken",
public at once or at its release's minute (told by the clock then, by the documentation's own rule,
:func:`metadata.sims.embargo.goes_out_at`), and a new version of a code list, public when published."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from metadata.codelists.models import Classification, ClassificationVersion
from metadata.sims.embargo import goes_out_at
from metadata.sims.models import DocumentationVersion
from portal.kernel.i18n import register_messages, translate
from portal.kernel.notifiable import Alert, Notifiable, Write, topic
from portal.programme.models import Statistic

register_messages(
    {
        "alert.doc.published": (
            "Ny versjon av «Om statistikken» (versjon {number}).",
            "A new version of “About the statistics” (version {number}).",
        ),
        "alert.doc.title": ("Om statistikken: {name}", "About the statistics: {name}"),
        "alert.codelist.version": (
            "Ny versjon gjelder fra {valid_from}.",
            "A new version valid from {valid_from}.",
        ),
    }
)


def _documentation(statistic: Statistic, number: int, at: datetime) -> Alert:
    return Alert(
        kind="documentation.published",
        ref=f"documentation:{statistic.slug}:{number}",
        topics=(
            topic("statistic", statistic.slug),
            topic("producer", statistic.producer.slug),
            *(topic("subject", a.slug) for a in statistic.subject_areas),
        ),
        public_at=at,
        title_nb=translate("alert.doc.title", "nb", name=statistic.name_nb),
        title_en=translate("alert.doc.title", "en", name=statistic.name_en or statistic.name_nb),
        text_nb=translate("alert.doc.published", "nb", number=number),
        text_en=translate("alert.doc.published", "en", number=number),
        path_nb=f"/statistikk/{statistic.slug}/om-statistikken",
        path_en=f"/en/statistics/{statistic.slug}/about",
    )


def _codelist(found: Classification, version: ClassificationVersion, at: datetime) -> Alert:
    valid_from = version.valid_from.isoformat()
    return Alert(
        kind="codelist.version",
        ref=f"codelist:{found.id}:{version.id}",
        topics=(topic("codelist", found.id), topic("producer", found.producer.slug)),
        public_at=at,
        title_nb=found.name_nb,
        title_en=found.name_en or found.name_nb,
        text_nb=translate("alert.codelist.version", "nb", valid_from=valid_from),
        text_en=translate("alert.codelist.version", "en", valid_from=valid_from),
        path_nb=f"/klassifikasjoner/{found.id}",
        path_en=f"/en/classifications/{found.id}",
    )


def from_write(session: Session, write: Write) -> Iterator[Alert]:
    after = write.after or {}
    if write.entity == "documentation" and write.action == "publish":
        statistic = session.scalar(select(Statistic).where(Statistic.slug == write.entity_id))
        number = after.get("number")
        if statistic is None or not isinstance(number, int):
            return
        out = session.scalar(
            select(goes_out_at()).where(
                DocumentationVersion.statistic_id == statistic.id,
                DocumentationVersion.number == number,
            )
        )
        if out is not None and out <= write.at:
            yield _documentation(statistic, number, write.at)  # public now; else told at its minute
    elif write.entity == "code_list" and write.action == "publish-version":
        found = session.get(Classification, int(write.entity_id))
        version = session.get(ClassificationVersion, after.get("version"))
        if found is not None and version is not None:
            yield _codelist(found, version, write.at)


def due(session: Session, since: datetime, until: datetime) -> Iterator[Alert]:
    """Documentation versions whose instant (their release's, moving with it) fell in the window."""
    out = goes_out_at()
    for version, at in session.execute(
        select(DocumentationVersion, out)
        .where(out > since, out <= until, DocumentationVersion.release_id.is_not(None))
        .order_by(DocumentationVersion.id)
    ):
        statistic = session.scalar(
            select(Statistic)
            .where(Statistic.id == version.statistic_id)
            .options(selectinload(Statistic.producer), selectinload(Statistic.subject_areas))
        )
        if statistic is not None:
            yield _documentation(statistic, version.number, at)


NOTIFIABLE = Notifiable(
    name="metadata", entities=("documentation", "code_list"), from_write=from_write, due=due
)
