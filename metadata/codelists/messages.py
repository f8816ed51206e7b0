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


#: Refusals of the producers' writes and of the Klass API (issue 20): the English text is the API's
#: ``detail`` by default; pages show the text in their language. An import names each problem by line
#: (``cl.line.*``); a single code changed by hand names the code (``cl.code.*``).
REFUSALS: dict[str, tuple[str, str]] = {
    "cl.refused.one": ("1 feil; ingenting ble lagret.", "1 error; nothing was saved."),
    "cl.refused.many": ("{n} feil; ingenting ble lagret.", "{n} errors; nothing was saved."),
    "cl.line.required": (
        "Linje {line}: både kode og navn må fylles ut.",
        "line {line}: code and name are required",
    ),
    "cl.line.duplicate": (
        "Linje {line}: koden {code} står to ganger.",
        "line {line}: duplicate code {code}",
    ),
    "cl.line.unknown_parent": (
        "Linje {line}: den overordnede koden {parent} finnes ikke i filen.",
        "line {line}: unknown parent {parent}",
    ),
    "cl.line.level_gap": (
        "Linje {line}: en kode på nivå {level} kan ikke stå under en kode på nivå {parent_level}. "
        "Nivåene må følge etter hverandre.",
        "line {line}: level {level} under level {parent_level}: levels must follow each other",
    ),
    "cl.line.no_parent": (
        "Linje {line}: en kode på nivå {level} må ha en overordnet kode.",
        "line {line}: level {level} has no parent",
    ),
    "cl.line.ends_first": (
        "Linje {line}: sluttdatoen (validTo) må komme etter startdatoen (validFrom).",
        "line {line}: validTo is not after validFrom",
    ),
    "cl.line.not_object": (
        "Linje {line}: raden er ikke et JSON-objekt med felter.",
        "line {line}: not an object",
    ),
    "cl.line.level_nan": (
        "Linje {line}: nivået er ikke et tall.",
        "line {line}: level is not a number",
    ),
    "cl.line.not_date": (
        "Linje {line}: {column} er ikke en dato skrevet som år-måned-dag, for eksempel 2024-01-01.",
        "line {line}: {column} is not a date like 2024-01-01",
    ),
    "cl.line.too_long": (
        "Linje {line}: en tekst kan ha høyst {limit} tegn, denne har {length}.",
        "line {line}: at most {limit} characters (this has {length})",
    ),
    "cl.line.nul": (
        "Linje {line}: teksten inneholder et NUL-tegn.",
        "line {line}: contains a NUL character",
    ),
    "cl.line.columns": (
        "Linje 1: overskriftslinjen mangler kolonnene {columns}.",
        "line 1: missing columns {columns}",
    ),
    "cl.line.not_in_version": (
        "Linje {line}: koden {code} finnes ikke i versjon {version}.",
        "line {line}: code {code} is not in version {version}",
    ),
    "cl.line.no_side": (
        "Linje {line}: raden må ha en kode i sourceCode, i targetCode eller i begge.",
        "line {line}: a row needs a source or a target code",
    ),
    "cl.line.twice": (
        "Linje {line}: {source} → {target} står to ganger.",
        "line {line}: {source} → {target} is listed twice",
    ),
    "cl.table.level_nan": (
        "{field} er ikke et nivånummer.",
        "{field} is not a level number",
    ),
    "cl.table.no_level": (
        "{field}: versjon {version} har ikke nivå {level}.",
        "{field}: version {version} has no level {level}",
    ),
    "cl.line.no_items": ("Linje 2: filen har ingen koder.", "line 2: the file has no items"),
    "cl.line.no_rows": ("Linje 2: filen har ingen rader.", "line 2: the file has no rows"),
    "cl.code.required": (
        "Koden {code}: både kode og navn må fylles ut.",
        "code {code}: code and name are required",
    ),
    "cl.code.duplicate": ("Koden {code} står to ganger.", "duplicate code {code}"),
    "cl.code.unknown_parent": (
        "Koden {code}: den overordnede koden {parent} finnes ikke i versjonen.",
        "code {code}: unknown parent {parent}",
    ),
    "cl.code.level_gap": (
        "Koden {code}: en kode på nivå {level} kan ikke stå under en kode på nivå "
        "{parent_level}. Nivåene må følge etter hverandre.",
        "code {code}: level {level} under level {parent_level}: levels must follow each other",
    ),
    "cl.code.no_parent": (
        "Koden {code}: en kode på nivå {level} må ha en overordnet kode.",
        "code {code}: level {level} has no parent",
    ),
    "cl.code.ends_first": (
        "Koden {code}: sluttdatoen må komme etter startdatoen.",
        "code {code}: validTo is not after validFrom",
    ),
    "cl.version.overlaps": (
        "Gyldigheten overlapper en annen versjon av kodelisten.",
        "validity overlaps an earlier version",
    ),
    "cl.version.ends_first": (
        "Versjonen slutter før den begynner.",
        "ends before it starts",
    ),
    "cl.version.in_version": (
        "Varianten må gjelde innenfor versjonens gyldighet.",
        "the variant must lie within its version",
    ),
    "cl.refuse.overlap": (
        "Versjonen overlapper en annen versjon eller slutter før den begynner.",
        "The version overlaps another version or ends before it starts.",
    ),
    # Both languages' first reason come as values (``why_nb``, ``why_en``); each text takes its own.
    "cl.refuse.item": (
        "Koden passer ikke inn i versjonen. {why_nb}",
        "The item does not fit the version: {why_en}",
    ),
    "cl.refuse.no_items": ("Filen har ingen koder.", "The file has no items."),
    "cl.refuse.not_utf8": (
        "Filen er ikke tekst i UTF-8. Lagre den som UTF-8 og prøv igjen.",
        "The file is not UTF-8 text.",
    ),
    "cl.refuse.header": (
        "Overskriftslinjen i CSV-filen mangler kolonnene {columns}.",
        "The CSV header lacks: {columns}",
    ),
    "cl.refuse.klass_lists": (
        "JSON-filen må være et svar fra Klass-API-et med «{first}» eller «{second}».",
        "Send a Klass answer with '{first}' or '{second}'.",
    ),
    "cl.refuse.file_kind.items": (
        "Filen må være CSV eller JSON (en fil som slutter på .csv eller .json).",
        "Send the items as text/csv or application/json.",
    ),
    "cl.refuse.file_kind.rows": (
        "Filen må være CSV eller JSON (en fil som slutter på .csv eller .json).",
        "Send the rows as text/csv or application/json.",
    ),
    "cl.refuse.not_json": ("Filen er ikke gyldig JSON.", "The file is not valid JSON."),
    "cl.refuse.json_nul": (
        "Filen inneholder et NUL-tegn.",
        "The file contains a NUL character.",
    ),
    "cl.refuse.json_deep": (
        "Filen er nøstet dypere enn {levels} nivåer.",
        "The file nests deeper than {levels} levels.",
    ),
    "cl.refuse.bad_csv": (
        "Filen kunne ikke leses som CSV: et felt er for langt, inneholder et NUL-tegn eller har "
        "et anførselstegn som ikke er lukket.",
        "The file cannot be read as CSV: a field is too long, holds a NUL character or has an "
        "unclosed quote.",
    ),
    "cl.refuse.no_producer": (
        "Det finnes ingen produsent «{producer}».",
        "There is no producer '{producer}'.",
    ),
    "cl.field.producer": ("Velg en av eierne i listen.", "unknown"),
    "cl.field.kind": ("Velg en av typene i listen.", "unknown"),
    "cl.refuse.kind": (
        "Velg klassifikasjon eller kodeliste.",
        "kind must be CLASSIFICATION or CODELIST.",
    ),
    "cl.refuse.no_list": (
        "Det finnes ingen kodeliste {id}.",
        "There is no code list {id}.",
    ),
    "cl.refuse.no_version": (
        "Kodeliste {list} har ingen versjon {version}.",
        "Code list {list} has no version {version}.",
    ),
    "cl.refuse.no_code": (
        "Versjon {version} har ingen kode {code}.",
        "Version {version} has no code {code}.",
    ),
    "cl.refuse.has_children": (
        "Koden {code} har koder under seg. Fjern eller flytt dem først.",
        "Code {code} has codes under it; remove or move them first.",
    ),
    "cl.refuse.fixed": (
        "Versjon {version} er publisert og kan ikke endres. Legg til en ny versjon for å endre kodene.",
        "Version {version} is published and fixed; add a new version to change its codes.",
    ),
    "cl.refuse.published.version": (
        "Versjon {id} er allerede publisert.",
        "Version {id} is already published.",
    ),
    "cl.refuse.published.variant": (
        "Variant {id} er allerede publisert.",
        "Variant {id} is already published.",
    ),
    "cl.refuse.published.table": (
        "Korrespondansetabell {id} er allerede publisert.",
        "Correspondence table {id} is already published.",
    ),
    "cl.refuse.race.list": (
        "Noen andre endret kodeliste {id} i samme øyeblikk. Last inn siden på nytt.",
        "Code list {id} was changed by someone else at the same moment; reload.",
    ),
    "cl.refuse.race.version": (
        "Noen andre endret versjon {id} i samme øyeblikk. Last inn siden på nytt.",
        "Version {id} was changed by someone else at the same moment; reload.",
    ),
    "cl.refuse.race.variant": (
        "Noen andre endret variant {id} i samme øyeblikk. Last inn siden på nytt.",
        "Variant {id} was changed by someone else at the same moment; reload.",
    ),
    "cl.refuse.race.table": (
        "Noen andre endret korrespondansetabell {id} i samme øyeblikk. Last inn siden på nytt.",
        "Correspondence table {id} was changed by someone else at the same moment; reload.",
    ),
    "cl.refuse.no_variant": (
        "Kodeliste {list} har ingen variant {variant}.",
        "Code list {list} has no variant {variant}.",
    ),
    "cl.refuse.no_table": (
        "Kodeliste {list} har ingen korrespondansetabell {table}.",
        "Code list {list} has no correspondence table {table}.",
    ),
    "cl.refuse.no_target": (
        "Det finnes ingen versjon {version} å koble til.",
        "There is no version {version} to map to.",
    ),
    "cl.refuse.same_version": (
        "En korrespondansetabell kobler to forskjellige versjoner.",
        "A table maps between two versions.",
    ),
    "cl.refuse.same": (
        "Velg en annen versjon enn den tabellen går fra.",
        "the same",
    ),
    "cl.refuse.date_required": (
        "{name} må fylles ut, som år-måned-dag.",
        "{name} is required (YYYY-MM-DD).",
    ),
    "cl.refuse.date": (
        "{name} må være en dato som 2025-01-01.",
        "{name} must be a date like 2025-01-01.",
    ),
    "cl.refuse.text_required": ("{name} må fylles ut.", "{name} is required."),
    "cl.refuse.text_long": (
        "{name} kan ha høyst {max} tegn.",
        "{name} may be at most {max} characters.",
    ),
    "cl.refuse.code_length": (
        "Koden må ha fra 1 til 50 tegn.",
        "The code must be 1 to 50 characters.",
    ),
    "cl.field.required": ("Må fylles ut.", "required"),
    "cl.field.not_date": ("Ikke en gyldig dato.", "not a date"),
    "cl.field.too_long": ("For lang.", "too long"),
    "cl.field.length": ("Feil lengde.", "length"),
    # The Klass API's own wording (its clients compare it); the Norwegian for Accept-Language: nb.
    "klass.language": ("Ukjent språk {raw}", "Unknown language {raw}"),
    "klass.language.field": ("nb, nn eller en", "nb, nn or en"),
    "klass.no_classification": (
        "Fant ingen klassifikasjon med id = {id}",
        "Classification not found with id = {id}",
    ),
    "klass.no_version": (
        "Fant ingen klassifikasjonsversjon med id = {id}",
        "Classification Version not found with id = {id}",
    ),
    "klass.no_table": (
        "Fant ingen korrespondansetabell med id = {id}",
        "Correspondence Table not found with id = {id}",
    ),
    "klass.no_variant": (
        "Fant ingen klassifikasjonsvariant med id = {id}",
        "Classification Variant not found with id = {id}",
    ),
    "klass.no_family": (
        "Fant ingen klassifikasjonsfamilie med id = {id}",
        "ClassificationFamily not found with id = {id}",
    ),
    "klass.csv_fields": (
        "Korrespondanselisten har ikke disse feltene: {fields}",
        "CorrespondenceList does not contain the following field(s): {fields}",
    ),
    "klass.field.unknown": ("ukjent felt", "unknown field"),
    "klass.not_number": (
        "Klarte ikke å gjøre om verdien '{raw}' til et tall.",
        "Failed to convert value '{raw}' to a number.",
    ),
    "klass.field.number": ("et tall", "a number"),
    "klass.missing": (
        "Parameteret '{name}' mangler",
        "Required request parameter '{name}' is not present",
    ),
    "klass.field.required": ("mangler", "required"),
    "klass.not_date": (
        "Klarte ikke å gjøre om '{raw}' til en dato (åååå-MM-dd)",
        "Failed to convert '{raw}' to a date (yyyy-MM-dd)",
    ),
    "klass.field.date": ("åååå-MM-dd", "yyyy-MM-dd"),
    "klass.not_datetime": (
        "Klarte ikke å gjøre om '{raw}' til et tidspunkt",
        "Failed to convert '{raw}' to a date-time",
    ),
    "klass.field.datetime": ("ISO-tidspunkt", "ISO date-time"),
    "klass.not_bool": (
        "Ugyldig sannhetsverdi for {name}: {raw}",
        "Invalid boolean value for {name}: {raw}",
    ),
    "klass.field.bool": ("true eller false", "true or false"),
    "klass.paging_nan": ("page og size må være tall.", "page and size must be numbers."),
    "klass.paging": (
        "page må være 0 eller mer og size mellom 1 og 2000.",
        "page must be 0 or more and size between 1 and 2000.",
    ),
    "klass.range": (
        "From er lik eller etter to. From: {start} To: {end}",
        "From is equal or after to. From: {start} To: {end}",
    ),
    "klass.field.before_to": ("må være før to", "must be before to"),
    "klass.select_long": ("selectCodes er for lang", "selectCodes too long"),
    "klass.field.select_long": ("høyst 200 tegn", "at most 200 characters"),
    "klass.select_chars": (
        "selectCodes inneholder ulovlige tegn",
        "selectCodes contains illegal characters",
    ),
    "klass.field.select_chars": (
        "bare bokstaver, sifre og , . - *",
        "letters, digits , . - * only",
    ),
    "klass.select_many": (
        "For mange selectCodes-parametere",
        "Too many selectCodes parameters",
    ),
    "klass.field.select_many": ("høyst 20", "at most 20"),
    "klass.separator": (
        "Skilletegnet må være ett tegn",
        "Separator must be a single character",
    ),
    "klass.field.separator": ("ett tegn", "one character"),
    "klass.no_named_variant": (
        "{name} har ingen variant som heter '{variant}' i den valgte perioden",
        "{name} does not have a variant named: '{variant}' in requested date range",
    ),
    "klass.no_correspondence": (
        "Klassifikasjonen '{source}' har ingen korrespondansetabell med klassifikasjonen "
        "'{target}'",
        "Classification '{source}' has no correspondence table with Classification '{target}'",
    ),
    "klass.no_change_table": (
        "Det finnes ikke nøyaktig én endringstabell mellom versjon {older} og {newer}",
        "No single change table between versions {older} and {newer}",
    ),
}


def long_date(day: date, lang: str | None = None) -> str:
    """``day`` written out as a reader of ``lang`` (the page's language) writes it: 1. januar 2027."""
    month = translate(f"cl.month.{day.month}", lang)
    return translate("cl.long_date", lang, d=day.day, month=month, y=day.year)


register_messages(MESSAGES)
register_messages(REFUSALS)
