"""Interface strings of the accessibility page (tilgjengelighet) and its footer link: key: (nb, en)."""

from __future__ import annotations

from portal.kernel.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "footer.accessibility": ("Tilgjengelighet", "Accessibility"),
    "a11y.title": ("Tilgjengelighet", "Accessibility"),
    "a11y.description": (
        "Hvordan Statistikkportalen er laget for å kunne brukes av alle, hva vi tester, hva som ikke "
        "er i orden ennå, og hvordan du sier fra om feil.",
        "How the Statistics Portal is built to be usable by everyone, what we test, what does not "
        "conform yet, and how to report a problem.",
    ),
    "a11y.lead": (
        "Statistikkportalen skal kunne brukes av alle, også med skjermleser, forstørrelse, bare "
        "tastatur eller på en liten skjerm. Målet er at portalen oppfyller kravene i WCAG 2.1 på nivå "
        "AA, slik forskrift om universell utforming av IKT krever.",
        "The Statistics Portal is meant to be usable by everyone, including with a screen reader, "
        "magnification, a keyboard alone or on a small screen. Our target is to meet WCAG 2.1 at level "
        "AA, as the Norwegian regulations on universal design of ICT require.",
    ),
    "a11y.statement_heading": ("Tilgjengelighetserklæring", "Accessibility statement"),
    "a11y.statement_link": (
        "Les tilgjengelighetserklæringen for Statistikkportalen",
        "Read the accessibility statement of the Statistics Portal",
    ),
    "a11y.statement_where": (
        "Erklæringen er publisert i Digitaliseringsdirektoratets løsning for "
        "tilgjengelighetserklæringer (uustatus.no). Den er på norsk.",
        "The statement is published in the Norwegian Digitalisation Agency's service for "
        "accessibility statements (uustatus.no). It is in Norwegian.",
    ),
    "a11y.statement_pending": (
        "Tilgjengelighetserklæringen for Statistikkportalen er under arbeid. Den blir publisert i "
        "Digitaliseringsdirektoratets løsning for tilgjengelighetserklæringer (uustatus.no), og vi "
        "lenker til den her når den er klar.",
        "The accessibility statement of the Statistics Portal is being prepared. It will be published "
        "in the Norwegian Digitalisation Agency's service for accessibility statements (uustatus.no), "
        "and we will link to it here when it is ready.",
    ),
    "a11y.tested_heading": ("Dette tester vi", "What we test"),
    "a11y.tested_intro": (
        "Portalens automatiske tester kontrollerer dette:",
        "The portal's automatic tests check this:",
    ),
    "a11y.tested_axe": (
        "Hver sidetype blir kontrollert med verktøyet axe-core i nettleseren Chromium, på bokmål og "
        "engelsk, mot reglene for WCAG 2.1 nivå A og AA.",
        "Every type of page is checked with the axe-core tool in the Chromium browser, in Norwegian "
        "and English, against the WCAG 2.1 level A and AA rules.",
    ),
    "a11y.tested_reflow": (
        "Hver sidetype blir vist 320 og 1366 piksler bred. Ved 320 piksler skal siden aldri måtte rulles "
        "sidelengs: brede tabeller ruller i sitt eget felt, som kan nås og rulles med tastaturet.",
        "Every type of page is shown 320 and 1366 pixels wide. At 320 pixels the page must never need "
        "sideways scrolling: wide tables scroll in their own area, which can be reached and scrolled "
        "with the keyboard.",
    ),
    "a11y.tested_keyboard": (
        "Tastatur: vi prøver at første tab fører til lenken «{skip}», og at hvert felt som ruller "
        "sidelengs kan nås med tastaturet. Sidene er bygd av vanlige lenker, knapper og skjemafelt, så "
        "de skal kunne brukes med tastatur alene.",
        "Keyboard: we check that the first tab reaches the “{skip}” link, and that every area that "
        "scrolls sideways can be reached with the keyboard. The pages are built from ordinary links, "
        "buttons and form fields, so they should be usable with a keyboard alone.",
    ),
    "a11y.tested_no_script": (
        "Sidene virker uten JavaScript. De offentlige sidene bruker ikke skript, og der sidene for "
        "produsentene bruker det, er det bare en hjelp: skjemaene virker uten.",
        "The pages work without JavaScript. The public pages use no scripts, and where the producers' "
        "pages use them, they only help: the forms work without them.",
    ),
    "a11y.tested_limits": (
        "Automatiske tester finner bare en del av feilene. Portalen er ennå ikke gjennomgått av en "
        "uavhengig part eller prøvd systematisk med skjermleser.",
        "Automatic tests find only some of the problems. The portal has not yet been reviewed by an "
        "independent party or tried systematically with a screen reader.",
    ),
    "a11y.known_heading": ("Dette er ikke i orden ennå", "What does not conform yet"),
    "a11y.known_none": (
        "Vi kjenner ikke til brudd på kravene nå.",
        "We know of no failures to meet the requirements at present.",
    ),
    "a11y.known_language_of_parts": (
        "Når en produsent bare har gitt et navn eller en beskrivelse på norsk, vises den norske teksten "
        "på de engelske sidene uten å være merket som norsk (WCAG 2.1, kriterium 3.1.2 Språk i deler av "
        "innholdet). En skjermleser kan derfor lese den med engelsk uttale. Tabellsidene merker "
        "språket; de andre sidene gjør det ikke ennå.",
        "Where a producer has given a name or a description in Norwegian only, the English pages show "
        "the Norwegian text without marking it as Norwegian (WCAG 2.1, success criterion 3.1.2 "
        "Language of Parts), so a screen reader may read it with English pronunciation. The table "
        "pages mark the language; the other pages do not yet.",
    ),
    "a11y.report_heading": ("Si fra om feil", "Report a problem"),
    "a11y.report_contact": (
        "Møter du noe på portalen som er vanskelig å bruke, eller trenger du innhold i en annen form, "
        "så skriv til {email}. Fortell gjerne hvilken side det gjelder og hva du brukte (nettleser, "
        "skjermleser eller annet hjelpemiddel).",
        "If something on the portal is hard to use, or you need content in another form, write to "
        "{email}. Please tell us which page it is and what you used (browser, screen reader or other "
        "assistive technology).",
    ),
    "a11y.report_no_contact": (
        "Møter du noe på portalen som er vanskelig å bruke, så si fra til produsenten av statistikken "
        "det gjelder. Vi arbeider med å få en egen adresse for tilbakemeldinger om tilgjengelighet.",
        "If something on the portal is hard to use, tell the producer of the statistic it concerns. "
        "We are arranging an address of our own for feedback on accessibility.",
    ),
    "a11y.complaint": (
        "Får du ikke svar, eller er du ikke fornøyd med svaret, kan du klage til {authority}, som fører "
        "tilsyn med universell utforming av IKT.",
        "If you get no answer, or are not satisfied with it, you can complain to {authority}, which "
        "supervises the universal design of ICT in Norway.",
    ),
    "a11y.authority": (
        "Tilsynet for universell utforming av IKT",
        "the Norwegian Authority for Universal Design of ICT",
    ),
}

register_messages(MESSAGES)
