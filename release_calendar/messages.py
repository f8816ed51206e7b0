"""Interface strings of the release calendar's producer pages (nb, en); registered into
portal.kernel.i18n when the domain is imported.

The ``sched.*`` keys are what a schedule upload reports (issue 20): every problem of a file, by row, in the
page's language. Library wording (pydantic's, the csv module's) never reaches a page; each of its error
types maps to one of these keys in :mod:`release_calendar.schedule`.
"""

from portal.kernel.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    # The announce form (issue 20): the service's refusals, at the field they name
    "ann.problem": ("Det er et problem", "There is a problem"),
    "ann.late": (
        "Publiseringen er mindre enn tre måneder fram i tid. Skriv en begrunnelse – den vises "
        "offentlig sammen med publiseringen.",
        "The release is less than three months away. Write a justification – it is shown publicly "
        "with the release.",
    ),
    "ann.past": (
        "Publiseringstidspunktet må være fram i tid.",
        "The release time must be in the future.",
    ),
    "ann.unknown_statistic": (
        "Velg en av deres statistikker.",
        "Choose one of your statistics.",
    ),
    "ann.period_order": (
        "Referanseperioden kan ikke slutte før den begynner.",
        "The reference period cannot end before it starts.",
    ),
    "ann.confirm_exact": (
        "Bare en eksakt dato og et klokkeslett kan bekreftes. Velg «eksakt» eller fjern krysset.",
        "Only an exact date and time can be confirmed. Choose “exact” or untick the box.",
    ),
    # The service's refusals (issue 20): ``detail`` keeps the API's English; pages and ``Accept-Language:
    # nb`` read the Norwegian. Field errors use the ``ann.*`` keys where the form already says it.
    "rel.period_order": (
        "Referanseperioden slutter før den begynner.",
        "The reference period ends before it starts.",
    ),
    "rel.past": (
        "Publiseringstidspunktet må være fram i tid.",
        "A release time must be in the future.",
    ),
    "rel.confirm_exact": (
        "Bare en eksakt dato og et klokkeslett kan bekreftes.",
        "Only an exact date and time can be confirmed.",
    ),
    "rel.unknown_statistic": (
        "Det finnes ingen statistikk med kortnavnet «{slug}».",
        "There is no statistic '{slug}'.",
    ),
    "rel.no_release": (
        "Det finnes ingen publisering med nummer {id}.",
        "There is no release {id}.",
    ),
    "rel.stale": (
        "Noen andre har endret publiseringen etter at du åpnet siden. Last inn siden på nytt og "
        "prøv igjen.",
        "Release {id} was changed by someone else (version {version}, yours {yours}); reload and "
        "try again.",
    ),
    "rel.lost_race": (
        "Noen andre endret publiseringen i samme øyeblikk. Last inn siden på nytt og prøv igjen.",
        "Release {id} was changed at the same moment; reload.",
    ),
    "rel.published": (
        "Publiseringen er allerede ute. Legg til en rettelse i stedet.",
        "This release is already published; add a correction instead.",
    ),
    "rel.cancelled": ("Publiseringen er avlyst.", "This release is cancelled."),
    "rel.already_confirmed": (
        "Publiseringen er allerede bekreftet. Flytt den for å endre tidspunktet.",
        "This release is already confirmed; reschedule it to change its time.",
    ),
    "rel.reason_needed": (
        "Hver endring av dato må ha en begrunnelse med ord i tillegg til årsaken.",
        "Every change of date needs a reason in words as well as a code.",
    ),
    "rel.reason_text": ("Skriv begrunnelsen med ord.", "Write the reason in words."),
    "rel.move_exact": (
        "En bekreftet publisering kan bare flyttes til en annen eksakt dato og et klokkeslett.",
        "A confirmed release can only move to another exact date and time.",
    ),
    "rel.precision_exact": (
        "Velg en eksakt dato og et klokkeslett.",
        "Choose an exact date and time.",
    ),
    "rel.unchanged": (
        "Publiseringen har allerede denne datoen. Velg en annen dato eller et annet klokkeslett.",
        "That is the date the release already has.",
    ),
    "rel.not_published": (
        "Bare en publisering som er ute, kan rettes. Før publisering endrer du den i stedet.",
        "Only a published release can be corrected; before release, change it.",
    ),
    "rel.access_needs": (
        "Skriv hvem som fikk tilgang (en rolle eller en virksomhet) og hvorfor.",
        "Name the recipient (a role or organisation) and the purpose.",
    ),
    "rel.recipient": (
        "Skriv hvem som fikk tilgang (en rolle eller en virksomhet).",
        "Name the recipient (a role or organisation).",
    ),
    "rel.purpose": ("Skriv hvorfor de fikk tilgang.", "Write the purpose of the access."),
    "rel.hours_before": (
        "Tilgang før publisering kan gis fra 1 til 336 timer (14 døgn) før.",
        "Access before release can be given from 1 to 336 hours (14 days) before.",
    ),
    "rel.unknown_texts": (
        "Disse tekstene finnes ikke på en publisering: {names}.",
        "Unknown fields: {names}",
    ),
    "cal.bad_day": (
        "Skriv datoen med år, måned og dag, for eksempel 2027-03-15.",
        "Write the date as year, month and day, for example 2027-03-15.",
    ),
    "cal.bad_time": (
        "Skriv klokkeslettet med timer og minutter, for eksempel 08:00.",
        "Write the time in hours and minutes, for example 08:00.",
    ),
    # The calendar's filters (the page, its JSON twin and the feeds)
    "cal.bad.from": (
        "Fra-datoen må være en dato, for eksempel 2027-03-15.",
        "from must be a date like 2027-03-15.",
    ),
    "cal.bad.to": (
        "Til-datoen må være en dato, for eksempel 2027-03-15.",
        "to must be a date like 2027-03-15.",
    ),
    "cal.bad.not_date": (
        "«{value}» er ikke en dato. Skriv datoen som 2027-03-15.",
        "“{value}” is not a date. Write it as 2027-03-15.",
    ),
    "cal.bad.kind": ("Det finnes ingen type «{value}».", "Unknown kind '{value}'."),
    "cal.bad.status": ("Det finnes ingen status «{value}».", "Unknown status '{value}'."),
    "cal.bad.choose": ("Velg et av valgene i listen.", "Choose one of: {choices}."),
    "cal.bad.order_of_dates": (
        "Til-datoen er før fra-datoen.",
        "to is before from.",
    ),
    "cal.bad.to_before_from": (
        "Til-datoen kan ikke være før fra-datoen.",
        "The last day cannot come before the first.",
    ),
    "cal.bad.order": (
        "Rekkefølgen må være først kommende eller nyeste først.",
        "order must be soonest or newest.",
    ),
    "cal.bad.order_field": (
        "Velg først kommende eller nyeste først.",
        "Choose soonest or newest.",
    ),
    "cal.bad.q": (
        "Søketeksten kan være høyst 200 tegn.",
        "q may be at most 200 characters.",
    ),
    "cal.bad.q_field": (
        "Skriv høyst 200 tegn.",
        "Write at most 200 characters.",
    ),
    "cal.bad.paging": (
        "Sidetallet må være 1 eller mer, og antall per side mellom 1 og {max}.",
        "page must be 1 or more and per_page between 1 and {max}.",
    ),
    "cal.bad.whole": (
        "Sidetall og antall per side må være hele tall.",
        "{name} must be a whole number.",
    ),
    "cal.bad.not_whole": ("«{value}» er ikke et helt tall.", "“{value}” is not a whole number."),
    "cal.bad.year": (
        "Året må være et årstall, for eksempel 2026.",
        "year must be a year like 2026.",
    ),
    "cal.bad.not_year": ("«{value}» er ikke et årstall.", "“{value}” is not a year."),
    "cal.bad.view": (
        "Visningen må være liste, dag, uke eller måned.",
        "view must be list, day, week or month.",
    ),
    "cal.bad.date": (
        "Datoen må være en dato, for eksempel 2027-03-15.",
        "date must be like 2027-03-15.",
    ),
    "cal.bad.lang": (
        "Språket må være nb (bokmål) eller en (engelsk).",
        "lang must be nb or en.",
    ),
    "cal.bad.lang_field": ("Skriv nb eller en.", "Write nb or en."),
    "cal.bad.history": (
        "history kan bare være all (hele historikken); uten den dekker strømmen de siste 12 månedene og alt som kommer.",
        "history can only be all (the whole history); without it the feed covers the last 12 months and everything coming.",
    ),
    "cal.bad.history_field": (
        "Skriv all, eller la feltet være tomt.",
        "Write all, or leave it out.",
    ),
    "ann.announced_here": (
        "Publiseringen er varslet. Her kan du bekrefte, flytte eller avlyse den.",
        "The release is announced. Here you can confirm, move or cancel it.",
    ),
    "ann.error_title": ("Feil", "Error"),
    # The upload form
    "sched.file_hint": (
        "CSV (fra Excel eller et annet regneark) eller JSON. Bruk malen under: overskriftsraden må "
        "være med, og kolonnene kan stå i hvilken som helst rekkefølge.",
        "CSV (from Excel or another spreadsheet) or JSON. Use the template below: the header row must "
        "be there, and the columns may come in any order.",
    ),
    "sched.template_heading": ("Mal for publiseringsplanen", "A template for the schedule"),
    "sched.template": ("Last ned malen (CSV)", "Download the template (CSV)"),
    "sched.template_hint": (
        "Malen har overskriftsraden og én eksempelrad, og åpnes i kolonner i norsk Excel. Skriv "
        "datoer som 2027-04-10 eller 10.04.2027 og klokkeslett som 08:00 (norsk tid). I kolonnen "
        "confirmed skriver dere ja eller nei. Lagre filen som «CSV UTF-8» eller «CSV "
        "(semikolonseparert)».",
        "The template has the header row and one example row. Write dates as 2027-04-10 or "
        "10.04.2027 and times as 08:00 (Oslo time). In the confirmed column write yes or no. Save "
        "the file as “CSV UTF-8”; semicolon-separated files from Norwegian Excel are read too.",
    ),
    "sched.template_filename": ("publiseringsplan-mal.csv", "schedule-template.csv"),
    # Success
    "sched.saved": (
        "Publiseringsplanen er lagret – {n} publiseringer varslet:",
        "The schedule is saved – {n} releases announced:",
    ),
    "sched.saved_one": (
        "Publiseringsplanen er lagret – 1 publisering varslet:",
        "The schedule is saved – 1 release announced:",
    ),
    "sched.see_all": ("Se alle publiseringene deres", "See all your releases"),
    # The refusal as a whole
    "sched.problem": ("Det er et problem", "There is a problem"),
    "sched.refused": (
        "Ingenting er lagret: {rows} rader i filen har feil. Rett dem og last opp filen på nytt.",
        "Nothing was saved: {rows} rows of the file have errors. Fix them and upload the file again.",
    ),
    "sched.refused_one": (
        "Ingenting er lagret: 1 rad i filen har feil. Rett den og last opp filen på nytt.",
        "Nothing was saved: 1 row of the file has errors. Fix it and upload the file again.",
    ),
    "sched.refused_file": (
        "Ingenting er lagret: filen kan ikke leses.",
        "Nothing was saved: the file cannot be read.",
    ),
    "sched.errors_by_row": ("Feil i filen, etter rad", "Errors in the file, by row"),
    "sched.row": ("Rad", "Row"),
    "sched.error": ("Feil", "Error"),
    "sched.whole_file": ("Hele filen", "The whole file"),
    "sched.row_n": ("Rad {row}", "Row {row}"),
    "sched.see_release": ("Se publiseringen", "See the release"),
    # Whole-file problems
    "sched.not_text": (
        "Filen er ikke tekst. Lagre den som CSV (UTF-8 eller «CSV (semikolonseparert)») eller JSON.",
        "The file is not text. Save it as CSV (UTF-8 or Windows-1252) or JSON.",
    ),
    "sched.wrong_type": (
        "Last opp publiseringsplanen som CSV (.csv) eller JSON (.json).",
        "Upload the schedule as CSV (.csv) or JSON (.json).",
    ),
    "sched.not_json": ("Filen er ikke gyldig JSON.", "The file is not valid JSON."),
    "sched.too_deep": (
        "Filen har lister eller objekter inni hverandre i mer enn {max} nivåer.",
        "The file nests deeper than {max} levels of lists and objects.",
    ),
    "sched.spreadsheet": (
        "Filen er en Excel-arbeidsbok. Lagre den som CSV i Excel (Fil > Lagre som > «CSV UTF-8» eller "
        "«CSV (semikolonseparert)») og last opp CSV-filen.",
        "The file is an Excel workbook. Save it as CSV in Excel (File > Save As > “CSV UTF-8” or "
        "“CSV (Comma delimited)”) and upload the CSV file.",
    ),
    "sched.json_shape": (
        "JSON-filen må være en liste med publiseringer, eller et objekt med en liste «releases».",
        "The JSON file must be a list of releases, or an object with a list “releases”.",
    ),
    "sched.empty": (
        "Filen har ingen publiseringer: under overskriftsraden må det være minst én rad.",
        "The file has no releases: there must be at least one row below the header row.",
    ),
    "sched.too_many": (
        "En fil kan ha høyst {max} publiseringer; denne har {n}. Del den i flere filer.",
        "A file may hold at most {max} releases; this one has {n}. Split it into several files.",
    ),
    "sched.unreadable_csv": (
        "Raden kan ikke leses som CSV (et felt er for langt, eller et anførselstegn er ikke lukket).",
        "The row cannot be read as CSV (a field is too long, or a quotation mark is not closed).",
    ),
    "sched.nul": (
        "Raden inneholder et ugyldig tegn (NUL).",
        "The row holds an invalid character (NUL).",
    ),
    "sched.missing_columns": (
        "Overskriftsraden mangler {columns}. Bruk overskriftsraden fra malen.",
        "The header row lacks {columns}. Use the header row of the template.",
    ),
    "sched.unknown_columns": (
        "Overskriftsraden har kolonner som ikke finnes: {columns}. Bruk overskriftsraden fra malen.",
        "The header row has columns that do not exist: {columns}. Use the header row of the "
        "template.",
    ),
    # Format: one cell
    "sched.required": ("{column} må fylles ut.", "{column} must be filled in."),
    "sched.not_datetime": (
        "{column}: «{value}» er ikke et tidspunkt. Skriv dato og klokkeslett, for eksempel "
        "2027-04-10 08:00 eller 10.04.2027 08:00.",
        "{column}: “{value}” is not a time. Write a date and a time, for example 2027-04-10 08:00 "
        "or 10.04.2027 08:00.",
    ),
    "sched.not_date": (
        "{column}: «{value}» er ikke en dato. Skriv datoen som 2027-03-31 eller 31.03.2027.",
        "{column}: “{value}” is not a date. Write the date as 2027-03-31 or 31.03.2027.",
    ),
    "sched.not_choice": (
        "{column}: «{value}» er ikke et av valgene. Skriv en av disse: {choices}.",
        "{column}: “{value}” is not one of the choices. Write one of these: {choices}.",
    ),
    "sched.not_yes_no": (
        "{column}: «{value}» er verken ja eller nei. Skriv ja eller nei.",
        "{column}: “{value}” is neither yes nor no. Write yes or no.",
    ),
    "sched.too_long": (
        "{column} er for lang: høyst {max} tegn.",
        "{column} is too long: at most {max} characters.",
    ),
    "sched.unknown_field": (
        "Feltet «{value}» finnes ikke i en publisering.",
        "A release has no field “{value}”.",
    ),
    "sched.not_object": (
        "Raden er ikke en publisering (et objekt med feltene fra malen).",
        "The row is not a release (an object with the template's fields).",
    ),
    "sched.invalid": (
        "{column}: «{value}» er ikke en gyldig verdi.",
        "{column}: “{value}” is not a valid value.",
    ),
    # Rules
    "sched.unknown_statistic": (
        "Det finnes ingen statistikk med kortnavnet «{value}». Kortnavnet står i adressen til "
        "statistikkens side.",
        "There is no statistic with the short name “{value}”. The short name is in the address of "
        "the statistic's page.",
    ),
    "sched.foreign": (
        "Statistikken «{value}» hører til {producer}. Dere kan bare varsle publiseringer av deres "
        "egne statistikker.",
        "The statistic “{value}” belongs to {producer}. You can only announce releases of your own "
        "statistics.",
    ),
    "sched.period_order": (
        "Referanseperioden slutter ({end}) før den begynner ({start}).",
        "The reference period ends ({end}) before it starts ({start}).",
    ),
    "sched.past": (
        "Publiseringstidspunktet {value} har allerede vært. Velg et tidspunkt fram i tid.",
        "The release time {value} has already passed. Choose a time in the future.",
    ),
    "sched.confirm_exact": (
        "Bare en nøyaktig dato og tid kan bekreftes: skriv exact i precision, eller nei i "
        "confirmed.",
        "Only an exact date and time can be confirmed: write exact in precision, or no in "
        "confirmed.",
    ),
    "sched.late": (
        "Publiseringen bekreftes mindre enn tre måneder før den skjer. Skriv en begrunnelse i "
        "late_justification; den vises offentlig på publiseringen.",
        "The release is confirmed less than three months before it happens. Write a justification "
        "in late_justification; it is shown publicly on the release.",
    ),
    "sched.rule": (
        "Publiseringen kan ikke varsles slik raden står.",
        "The release cannot be announced as the row stands.",
    ),
    # Duplicates
    "sched.duplicate_in_file": (
        "Samme statistikk, type og referanseperiode som rad {other}. Hver publisering skal stå "
        "én gang.",
        "The same statistic, kind and reference period as row {other}. Each release belongs in the "
        "file once.",
    ),
    "sched.duplicate_existing": (
        "«{value}» har allerede en publisering av denne typen for referanseperioden {start} – "
        "{end}. Endre den i stedet for å varsle en ny.",
        "“{value}” already has a release of this kind for the reference period {start} – {end}. "
        "Change it instead of announcing a new one.",
    ),
    # Column names as a producer reads them; the file's own name follows in parentheses.
    "sched.col.statistic": ("Statistikk (statistic)", "Statistic (statistic)"),
    "sched.col.title_nb": ("Tittel på bokmål (title_nb)", "Title in Norwegian (title_nb)"),
    "sched.col.title_en": ("Tittel på engelsk (title_en)", "Title in English (title_en)"),
    "sched.col.kind": ("Type (kind)", "Kind (kind)"),
    "sched.col.period_start": (
        "Referanseperiodens første dag (period_start)",
        "First day of the reference period (period_start)",
    ),
    "sched.col.period_end": (
        "Referanseperiodens siste dag (period_end)",
        "Last day of the reference period (period_end)",
    ),
    "sched.col.period_label_nb": (
        "Referanseperioden på bokmål (period_label_nb)",
        "Reference period in Norwegian (period_label_nb)",
    ),
    "sched.col.period_label_en": (
        "Referanseperioden på engelsk (period_label_en)",
        "Reference period in English (period_label_en)",
    ),
    "sched.col.release_at": ("Publiseringstidspunkt (release_at)", "Release time (release_at)"),
    "sched.col.precision": ("Presisjon (precision)", "Precision (precision)"),
    "sched.col.confirmed": ("Bekreftet (confirmed)", "Confirmed (confirmed)"),
    "sched.col.contents_nb": (
        "Innhold på bokmål (contents_nb)",
        "Contents in Norwegian (contents_nb)",
    ),
    "sched.col.contents_en": (
        "Innhold på engelsk (contents_en)",
        "Contents in English (contents_en)",
    ),
    "sched.col.release_note_nb": (
        "Publiseringsnotat på bokmål (release_note_nb)",
        "Release note in Norwegian (release_note_nb)",
    ),
    "sched.col.release_note_en": (
        "Publiseringsnotat på engelsk (release_note_en)",
        "Release note in English (release_note_en)",
    ),
    "sched.col.late_justification": (
        "Begrunnelse for sen varsling (late_justification)",
        "Justification for a late announcement (late_justification)",
    ),
    "sched.col.late_justification_en": (
        "Begrunnelse for sen varsling på engelsk (late_justification_en)",
        "Justification for a late announcement in English (late_justification_en)",
    ),
}

register_messages(MESSAGES)
