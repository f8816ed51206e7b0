"""Interface strings of the "Om statistikken" pages that concern publishing with a release (nb, en);
registered into portal.kernel.i18n when the domain is imported. The rest of the documentation's strings are in portal.kernel.i18n."""

from portal.kernel.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "doc.not_published": ("Ikke publisert", "Not published"),
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
}

register_messages(MESSAGES)
