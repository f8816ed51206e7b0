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
