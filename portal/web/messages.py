"""Interface strings of the producers' dashboard ("Min side"): key: (nb, en)."""

from __future__ import annotations

from portal.kernel.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "my.releases": ("Kommende publiseringer", "Coming releases"),
    "my.releases_intro": (
        "Et publiseringstidspunkt skal være bekreftet minst tre kalendermåneder før publisering "
        "(kravet om forhåndskunngjøring). Publiseringer med frist som har gått ut eller går ut innen "
        "{days} dager, står først.",
        "A release time must be confirmed at least three calendar months before publication (the "
        "advance-notice rule). Releases whose deadline has passed or falls within {days} days come first.",
    ),
    "my.releases_none": (
        "Dere har ingen kommende publiseringer i kalenderen.",
        "You have no coming releases in the calendar.",
    ),
    "my.releases_more": (
        "{n} publiseringer til står i kalenderen deres.",
        "{n} more releases are in your calendar.",
    ),
    "my.releases_all": ("Se og endre alle publiseringene", "See and change all releases"),
    "my.release_when": ("Publiseres", "Goes out"),
    "my.confirm_by": ("Bekreft innen", "Confirm by"),
    "my.deadline_passed": (
        "Fristen gikk ut for {days} dager siden. Bekreftes den nå, må dere begrunne sen kunngjøring.",
        "The deadline passed {days} days ago. If you confirm it now, you must justify the late "
        "announcement.",
    ),
    "my.deadline_passed_one": (
        "Fristen gikk ut i går. Bekreftes den nå, må dere begrunne sen kunngjøring.",
        "The deadline passed yesterday. If you confirm it now, you must justify the late announcement.",
    ),
    "my.deadline_passed_today": (
        "Fristen gikk ut i dag. Bekreftes den nå, må dere begrunne sen kunngjøring.",
        "The deadline passed today. If you confirm it now, you must justify the late announcement.",
    ),
    "my.deadline_soon": ("{days} dager igjen", "{days} days left"),
    "my.deadline_soon_one": ("1 dag igjen", "1 day left"),
    "my.deadline_today": ("Fristen er i dag", "The deadline is today"),
    "my.at_risk": ("Haster", "Urgent"),
    "my.late_confirmed": (
        "Bekreftet senere enn tre måneder før publisering",
        "Confirmed less than three months before publication",
    ),
    "my.documentation": ("Dokumentasjon som mangler felt", "Documentation with missing fields"),
    "my.documentation_none": (
        "All publisert dokumentasjon har de påkrevde feltene.",
        "All published documentation has the required fields.",
    ),
    "my.documentation_score": (
        "{done} av {required} påkrevde felt er fylt ut",
        "{done} of {required} required fields are filled in",
    ),
    "my.documentation_more": (
        "{n} statistikker til mangler felt. Se alle i oversikten over dokumentasjon",
        "{n} more statistics lack fields. See them all in the documentation overview",
    ),
    "my.documentation_draft": ("Har et utkast som ikke er publisert", "Has an unpublished draft"),
    "my.reviews": (
        "Dokumentasjon som skal gjennomgås før publisering",
        "Documentation to review before release",
    ),
    "my.reviews_none": (
        "Ingen kommende publiseringer venter på gjennomgang av dokumentasjonen.",
        "No coming release is waiting for its documentation to be reviewed.",
    ),
    "my.act_review": (
        "Har dokumentasjonen ingen endringer, markerer du den som gjennomgått i oversikten over "
        "dokumentasjon",
        "If the documentation has no changes, mark it as reviewed in the documentation overview",
    ),
    "my.code_lists": ("Kodelister med utkast", "Code lists with drafts"),
    "my.code_lists_none": (
        "Ingen av kodelistene deres har utkast.",
        "None of your code lists has drafts.",
    ),
    "my.code_list_drafts": (
        "Upubliserte versjoner: {versions}, upubliserte varianter: {variants}",
        "Unpublished versions: {versions}, unpublished variants: {variants}",
    ),
    "my.changes": ("Siste endringer fra kolleger", "Recent changes by colleagues"),
    "my.changes_none": (
        "Ingen kolleger har gjort endringer ennå.",
        "No colleague has made changes yet.",
    ),
    "edit.version_unreadable": (
        "Skjemaet kom ikke fra denne siden slik den er nå. Last inn siden på nytt og gjør endringen "
        "igjen.",
        "The form did not come from this page as it is now. Reload the page and make the change "
        "again.",
    ),
}

register_messages(MESSAGES)
