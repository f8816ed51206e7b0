"""Interface strings of the "Om statistikken" pages that concern publishing with a release and editing
(the form's refusals, its confirmations; nb, en); registered into portal.kernel.i18n when the domain is
imported. The rest of the documentation's strings are in portal.kernel.i18n."""

from portal.kernel.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "doc.waits.notice": (
        "Versjon {n} blir offentlig sammen med publiseringen «{release}» {when}. En ny versjon "
        "bygger på den og kan tidligst publiseres sammen med den.",
        "Version {n} goes public with the release “{release}” at {when}. A new version builds on "
        "it and can go out with that release at the earliest.",
    ),
    "doc.waits.now": (
        "Versjon {n} blir offentlig sammen med publiseringen «{release}» {when}, og utkastet ditt "
        "bygger på den. Publiserer du nå, blir den teksten offentlig før publiseringen. Velg denne "
        "publiseringen eller en senere under «Publiser sammen med». Må teksten ut tidligere, "
        "flytter du publiseringen i kalenderen.",
        "Version {n} goes public with the release “{release}” at {when}, and your draft builds on "
        "it. Publishing now would make that text public before the release. Choose that release or "
        "a later one under “Publish with”. If the text must go out sooner, move the release in the "
        "calendar.",
    ),
    "doc.waits.earlier": (
        "Versjon {n} blir offentlig sammen med publiseringen «{release}» {when}, og utkastet ditt "
        "bygger på den. En ny versjon kan ikke publiseres før den. Velg denne publiseringen eller "
        "en senere.",
        "Version {n} goes public with the release “{release}” at {when}, and your draft builds on "
        "it. A new version cannot go out before it. Choose that release or a later one.",
    ),
    "doc.waits.cancelled": (
        "Utkastet ditt bygger på versjon {n}, som skulle bli offentlig sammen med publiseringen "
        "«{release}». Den publiseringen er avlyst, så teksten kan ikke publiseres nå. Velg en "
        "kommende publisering under «Publiser sammen med».",
        "Your draft builds on version {n}, which was to go public with the release “{release}”. "
        "That release is cancelled, so its text cannot be published now. Choose a coming release "
        "under “Publish with”.",
    ),
    "doc.error.summary": ("Det er et problem", "There is a problem"),
    "doc.error.note_required": (
        "Skriv hva som er endret siden forrige versjon.",
        "Say what has changed since the last version.",
    ),
    "doc.error.too_long": (
        "Teksten kan ha høyst {max} tegn. Gjør den kortere.",
        "The text can have at most {max} characters. Make it shorter.",
    ),
    "doc.error.stale": (
        "Noen andre lagret dokumentasjonen etter at du åpnet siden. Teksten din står under, men "
        "er ikke lagret. Kopier det du vil beholde, og last inn siden på nytt.",
        "Someone else saved the documentation after you opened the page. Your text is below but "
        "is not saved. Copy what you want to keep and reload the page.",
    ),
    "doc.error.stale_publish": (
        "Utkastet er endret etter at du åpnet siden. Last inn siden på nytt og se over endringene "
        "før du publiserer.",
        "The draft has changed since you opened the page. Reload the page and look over the "
        "changes before you publish.",
    ),
    "doc.error.nothing_to_publish": (
        "Utkastet er likt den publiserte versjonen, så det er ingenting å publisere.",
        "The draft is the same as the published version, so there is nothing to publish.",
    ),
    "doc.error.release": (
        "Velg en av statistikkens kommende, bekreftede publiseringer.",
        "Choose one of the statistic's coming, confirmed releases.",
    ),
    "doc.error.failed": (
        "Endringene ble ikke lagret. Prøv igjen.",
        "The changes were not saved. Try again.",
    ),
    "doc.error.prefix": ("Feil", "Error"),
    "doc.error.expired_page": (
        "Skjemaet var utløpt. Last inn siden på nytt og prøv igjen.",
        "The form had expired. Reload the page and try again.",
    ),
    "doc.error.no_section": ("Det finnes ingen slik seksjon.", "There is no such section."),
    "doc.edit.saved_in": (
        "Endringene i «{section}» er lagret i utkastet.",
        "Your changes to “{section}” are saved in the draft.",
    ),
    "doc.edit.back_to": ("Tilbake til «{section}»", "Back to “{section}”"),
    "doc.edit.sections_save": (
        "Når du går til en annen seksjon, blir endringene i denne seksjonen lagret i utkastet.",
        "When you go to another section, your changes to this one are saved in the draft.",
    ),
    "doc.edit.publishes_saved": (
        "Det lagrede utkastet blir publisert. Lagre endringene dine først.",
        "The saved draft is published. Save your changes first.",
    ),
    "doc.edit.note_hint": (
        "Vises for leserne i listen over versjoner, for eksempel «Oppdatert omtale av "
        "revisjonspraksis».",
        "Shown to readers in the list of versions, for example “Updated the description of "
        "revisions”.",
    ),
    "doc.edit.see_version": ("Se versjon {n}", "See version {n}"),
    "doc.edit.goes_out_later": (
        "Den blir offentlig sammen med publiseringen du valgte.",
        "It goes public with the release you chose.",
    ),
}

register_messages(MESSAGES)


#: The refusals of the documentation's services (issue 20): the English text is the API's ``detail``
#: by default (API clients read it); pages and ``Accept-Language: nb`` get the Norwegian.
REFUSALS: dict[str, tuple[str, str]] = {
    "doc.refused.one": ("1 feil; ingenting ble lagret.", "1 error; nothing was saved."),
    "doc.refused.many": ("{n} feil; ingenting ble lagret.", "{n} errors; nothing was saved."),
    "doc.refuse.concepts.one": (
        "1 begrep ble avvist; ingenting ble lagret.",
        "1 concept refused; nothing was saved.",
    ),
    "doc.refuse.concepts.many": (
        "{n} begreper ble avvist; ingenting ble lagret.",
        "{n} concepts refused; nothing was saved.",
    ),
    "doc.refuse.concepts_object": (
        "concepts må være et objekt med SIMS-kodene som nøkler.",
        "concepts must be an object keyed by SIMS code.",
    ),
    "doc.field.not_sims": ("Ikke en kode i SIMS 2.0.", "not a SIMS 2.0 code"),
    "doc.field.not_editable": (
        "Fylles ut av portalen eller den overordnede enheten og kan ikke endres her.",
        "filled by the portal or a container; not editable",
    ),
    "doc.field.shape": (
        "Må være et objekt med nb, nn, en og not_relevant.",
        "must be an object with nb, nn, en, not_relevant",
    ),
    "doc.field.unknown_keys": ("Ukjente nøkler: {keys}.", "unknown keys: {keys}"),
    "doc.field.types": (
        "Tekstene må være tekststrenger, og not_relevant må være true eller false.",
        "texts must be strings and not_relevant a boolean",
    ),
    "doc.field.too_long": (
        "En tekst er lengre enn {max} tegn.",
        "a text is longer than {max} characters",
    ),
    "doc.field.sdmx": ("sdmx_id skal være {id}.", "sdmx_id should be {id}"),
    "doc.field.required": ("Må fylles ut.", "required"),
    "doc.field.unknown_statistic": ("Ukjent statistikk.", "unknown statistic"),
    "doc.field.unknown_release": ("Ukjent publisering.", "unknown release"),
    "doc.field.not_coming": (
        "Ikke en kommende, bekreftet publisering.",
        "not a coming confirmed release",
    ),
    "doc.field.coming_release": ("En kommende publisering.", "a coming release"),
    "doc.field.release_or_later": (
        "Publisering {id} eller en senere.",
        "release {id} or a later one",
    ),
    "doc.field.not_number": ("Ikke et tall.", "not a number"),
    "doc.field.version_number": ("Et versjonsnummer.", "a version number"),
    "doc.refuse.send_object": (
        "Send et objekt med statistikkenes kortnavn som nøkler.",
        "Send an object keyed by statistic slug.",
    ),
    "doc.refuse.no_statistic": (
        "Det finnes ingen statistikk «{slug}».",
        "There is no statistic '{slug}'.",
    ),
    "doc.refuse.no_version": (
        "«{slug}» har ingen publisert versjon {number} av dokumentasjonen.",
        "'{slug}' has no published documentation version {number}.",
    ),
    "doc.refuse.stale_saved": (
        "Noen lagret dokumentasjonen etter at du åpnet den (versjon {current}, din er {yours}). "
        "Teksten din er beholdt.",
        "Someone saved this documentation after you opened it (version {current}, yours "
        "{yours}). Your text is kept below.",
    ),
    "doc.refuse.stale_moment": (
        "Noen lagret dokumentasjonen i samme øyeblikk. Last inn på nytt.",
        "Someone saved this documentation at the same moment; reload.",
    ),
    "doc.refuse.published_moment": (
        "Noen publiserte dokumentasjonen i samme øyeblikk. Last inn på nytt.",
        "Someone published this documentation at the same moment; reload.",
    ),
    "doc.refuse.stale_publish": (
        "Utkastet er endret etter at du åpnet det. Last inn på nytt før du publiserer.",
        "The draft changed after you opened it; reload before publishing.",
    ),
    "doc.refuse.note": (
        "Skriv hva som er endret. En ny versjon kan ikke publiseres uten endringsnotat.",
        "Say what has changed: a change note is required to publish a new version.",
    ),
    "doc.refuse.nothing": (
        "Utkastet er likt den publiserte versjonen, så det er ingenting å publisere.",
        "The draft is the same as the published version; nothing to publish.",
    ),
    "doc.refuse.release_unknown": (
        "Den publiseringen hører ikke til denne statistikken.",
        "That release is not one of this statistic's.",
    ),
    "doc.refuse.release_not_coming": (
        "Bare en bekreftet publisering som ikke er ute ennå, kan ta med seg dokumentasjon.",
        "Only a confirmed release that is not out yet can carry documentation.",
    ),
    "doc.refuse.not_release": ("Ikke en publisering.", "Not a release."),
    "doc.refuse.waits.now": (
        "Versjon {n} blir offentlig sammen med publiseringen «{release}» {when} (Oslo), og dette "
        "utkastet bygger på den. Publiserer du nå, blir den teksten offentlig før publiseringen. "
        "Publiser sammen med den publiseringen (with_release={id}) eller en senere; må teksten ut "
        "tidligere, flytter du publiseringen i kalenderen.",
        'Version {n} goes out with the release "{release}" at {when} (Oslo), and this draft '
        "builds on it. Publishing now would make that text public before the release. Publish "
        "with that release (with_release={id}) or a later one; to publish sooner, move the "
        "release in the calendar.",
    ),
    "doc.refuse.waits.earlier": (
        "Versjon {n} blir offentlig sammen med publiseringen «{release}» {when} (Oslo), og dette "
        "utkastet bygger på den. En ny versjon kan ikke publiseres før den. Publiser sammen med "
        "den publiseringen (with_release={id}) eller en senere; må teksten ut tidligere, flytter "
        "du publiseringen i kalenderen.",
        'Version {n} goes out with the release "{release}" at {when} (Oslo), and this draft '
        "builds on it. A new version cannot go out before it. Publish with that release "
        "(with_release={id}) or a later one; to publish sooner, move the release in the calendar.",
    ),
    "doc.refuse.waits.cancelled": (
        "Dette utkastet bygger på versjon {n}, som skulle bli offentlig sammen med publiseringen "
        "«{release}». Den publiseringen er avlyst, så teksten kan ikke publiseres nå. Publiser "
        "sammen med en kommende publisering (with_release).",
        'This draft builds on version {n}, which was to go out with the release "{release}"; '
        "that release is cancelled, so its text cannot be published now. Publish with a coming "
        "release (with_release).",
    ),
    "doc.refuse.no_release": ("Det finnes ingen publisering {id}.", "There is no release {id}."),
    "doc.refuse.review_late": (
        "Dokumentasjonen gjennomgås før en publisering går ut, ikke etter.",
        "Documentation is reviewed before a release goes out, not after.",
    ),
    "doc.refuse.reviewed_already": (
        "Dokumentasjonen er allerede registrert som gjennomgått for denne publiseringen.",
        "The documentation is already recorded as reviewed for this release.",
    ),
    "doc.refuse.version_nan": ("version må være et tall.", "version must be a number."),
    "doc.refuse.diff_args": (
        "Oppgi to versjonsnumre som from og to.",
        "Give two version numbers as from and to.",
    ),
}

register_messages(REFUSALS)
