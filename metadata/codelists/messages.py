"""Interface strings of the registry's producer pages (nb, en); registered into portal.kernel.i18n when the domain is imported."""

from datetime import date

from portal.kernel.i18n import register_messages, translate

MESSAGES: dict[str, tuple[str, str]] = {
    "cl.title": ("Kodelistene deres", "Your code lists"),
    "cl.intro": (
        "Lag og vedlikehold klassifikasjoner og kodelister. Alle kan lese dem gjennom Klass-API-et.",
        "Create and maintain classifications and code lists. Everyone can read them through the Klass API.",
    ),
    "cl.none": ("Dere har ingen kodelister ennå.", "You have no code lists yet."),
    "cl.new": ("Ny kodeliste", "New code list"),
    "cl.create": ("Opprett", "Create"),
    "cl.producer": ("Eier", "Owner"),
    "cl.name_nb": ("Navn (bokmål)", "Name (Norwegian)"),
    "cl.name_en": ("Navn (engelsk)", "Name (English)"),
    "cl.description_nb": ("Beskrivelse (bokmål)", "Description (Norwegian)"),
    "cl.description_en": ("Beskrivelse (engelsk)", "Description (English)"),
    "cl.manage": ("Forvalt", "Manage"),
    "cl.public_page": ("Offentlig side", "Public page"),
    "cl.state": ("Status", "State"),
    "cl.state.draft": ("Utkast", "Draft"),
    "cl.state.published": ("Publisert", "Published"),
    "cl.items": ("Koder", "Codes"),
    "cl.validity": ("Gyldighet", "Validity"),
    "cl.publish": ("Publiser", "Publish"),
    "cl.changes_vs": ("Endringer mot versjon {id}", "Changes against version {id}"),
    "cl.no_changes": (
        "Ingen endringer mot forrige versjon.",
        "No changes against the previous version.",
    ),
    "cl.add_version": ("Ny versjon fra fil", "New version from a file"),
    "cl.file": ("Fil (CSV eller Klass-JSON)", "File (CSV or Klass JSON)"),
    "cl.file_hint": (
        "CSV med kolonnene code, parentCode, level, name (valgfritt shortName, notes, validFrom, "
        "validTo, name_nn, name_en), eller et svar fra Klass-API-et. Hele filen avvises hvis en linje "
        "er feil.",
        "CSV with the columns code, parentCode, level, name (optionally shortName, notes, validFrom, "
        "validTo, name_nn, name_en), or an answer from the Klass API. The whole file is refused if a "
        "line is wrong.",
    ),
    "cl.valid_from": ("Gyldig fra (første dag)", "Valid from (first day)"),
    "cl.valid_to": (
        "Gyldig til (dagen etter siste, valgfri)",
        "Valid to (the day after the last, optional)",
    ),
    "cl.edit_item": ("Endre eller legg til en kode i et utkast", "Change or add a code in a draft"),
    "cl.version": ("Versjon", "Version"),
    "cl.code": ("Kode", "Code"),
    "cl.parent": ("Overordnet kode (valgfri)", "Parent code (optional)"),
    "cl.level": ("Nivå", "Level"),
    "cl.variants": ("Varianter", "Variants"),
    "cl.add_variant": (
        "Ny variant (omgruppering av en versjon)",
        "New variant (a regrouping of a version)",
    ),
    "cl.variant_hint": (
        "Nederste nivå i filen må være koder fra versjonen; nivåene over er gruppene dere lager.",
        "The file's deepest level must be codes of the version; the levels above are the groups you define.",
    ),
    "cl.tables": ("Korrespondansetabeller", "Correspondence tables"),
    "cl.add_table": ("Ny korrespondansetabell", "New correspondence table"),
    "cl.table_hint": (
        "CSV med kolonnene sourceCode og targetCode. Til neste versjon av samme liste blir den en endringstabell.",
        "CSV with the columns sourceCode and targetCode. To the next version of the same list it is a change table.",
    ),
    "cl.target_version": ("Versjon det kobles til (id)", "Version mapped to (id)"),
    "cl.description": ("Beskrivelse", "Description"),
    "cl.none_drafts": ("Ingen utkast å endre.", "No drafts to change."),
    "reg.variants": ("Varianter", "Variants"),
    "cl.no_nul": ("Teksten inneholder et NUL-tegn.", "The text contains a NUL character."),
    "cl.saved_draft": (
        "Lagret som utkast. Når versjonen er publisert, gjelder den fra {day}.",
        "Saved as a draft. Once published, the version applies from {day}.",
    ),
    "cl.saved_draft_link": ("Se utkastet", "See the draft"),
    "cl.published_ahead": (
        "Publisert. Versjonen gjelder fra {day}; på den offentlige siden vises kodene når den datoen er valgt.",
        "Published. The version applies from {day}; the public page shows its codes when that date is chosen.",
    ),
    "cl.published_now": (
        "Publisert. Versjonen gjelder fra {day} og vises på den offentlige siden.",
        "Published. The version applies from {day} and shows on the public page.",
    ),
    "cl.public_link": ("Se kodene som gjelder {day}", "See the codes valid on {day}"),
    "reg.future_version": ("kommende", "upcoming"),
    "cl.error.what": ("Velg hva som skal publiseres.", "Choose what to publish."),
    "reg.error.date": (
        "Datoen må skrives som år-måned-dag, for eksempel 2027-01-01.",
        "Write the date as year-month-day, for example 2027-01-01.",
    ),
    "reg.error.query_long": (
        "Søket kan ha høyst 200 tegn.",
        "The search can have at most 200 characters.",
    ),
    "reg.error.no_variant": (
        "Denne klassifikasjonen har ingen slik variant.",
        "This classification has no such variant.",
    ),
    "cl.long_date": ("{d}. {month} {y}", "{d} {month} {y}"),
    "cl.month.1": ("januar", "January"),
    "cl.month.2": ("februar", "February"),
    "cl.month.3": ("mars", "March"),
    "cl.month.4": ("april", "April"),
    "cl.month.5": ("mai", "May"),
    "cl.month.6": ("juni", "June"),
    "cl.month.7": ("juli", "July"),
    "cl.month.8": ("august", "August"),
    "cl.month.9": ("september", "September"),
    "cl.month.10": ("oktober", "October"),
    "cl.month.11": ("november", "November"),
    "cl.month.12": ("desember", "December"),
}


def long_date(day: date, lang: str | None = None) -> str:
    """``day`` written out as a reader of ``lang`` (the page's language) writes it: 1. januar 2027."""
    month = translate(f"cl.month.{day.month}", lang)
    return translate("cl.long_date", lang, d=day.day, month=month, y=day.year)


register_messages(MESSAGES)
