"""Interface strings of the table pages (nb, en); registered into portal.kernel.i18n when the domain is imported."""

from portal.kernel.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "tab.tables": ("Tabeller", "Tables"),
    # The table finder, /tabeller (issue 19).
    "tabfind.title": ("Tabeller", "Tables"),
    "tabfind.intro": (
        "Alle tabellene i portalen, fra alle produsentene. Velg emne, produsent eller statistikk, eller søk på ord i tittelen eller på tabell-id.",
        "Every table in the portal, from every producer. Choose a subject, producer or statistic, or search for words in the title or a table id.",
    ),
    "tabfind.text": ("Ord i tittelen eller tabell-id", "Words in the title or a table id"),
    "tabfind.updated.any": ("Når som helst", "Any time"),
    "tabfind.updated.7": ("Siste 7 dager", "Last 7 days"),
    "tabfind.updated.30": ("Siste 30 dager", "Last 30 days"),
    "tabfind.updated.365": ("Siste år", "Last year"),
    "tabfind.order": ("Sorter etter", "Sort by"),
    "tabfind.order.id": ("Tabell-id", "Table id"),
    "tabfind.order.title": ("Tittel", "Title"),
    "tabfind.order.updated": ("Sist oppdatert først", "Last updated first"),
    "tabfind.apply": ("Vis tabeller", "Show tables"),
    "tabfind.of_statistic": (
        "Tabellene i tabelloversikten, med neste oppdatering",
        "The tables in the table finder, with their next update",
    ),
    "tabfind.period": ("Perioder", "Periods"),
    "tabfind.updated_at": ("Sist oppdatert", "Last updated"),
    "tabfind.next": ("Neste oppdatering", "Next update"),
    "tabfind.next_none": ("Ikke varslet", "Not announced"),
    "tabfind.none": ("Ingen tabeller passer til utvalget.", "No tables match your choices."),
    "tabfind.too_long": ("Skriv høyst 200 tegn.", "Write at most 200 characters."),
    "tabfind.unknown_producer": (
        "Velg en produsent fra listen.",
        "Choose a producer from the list.",
    ),
    "tabfind.unknown_subject_area": ("Velg et emne fra listen.", "Choose a subject from the list."),
    "tabfind.unknown_statistic": (
        "Velg en statistikk fra listen.",
        "Choose a statistic from the list.",
    ),
    "tabfind.bad_updated": ("Velg et tidsrom fra listen.", "Choose a period from the list."),
    "tabfind.bad_order": ("Velg en rekkefølge fra listen.", "Choose an order from the list."),
    "tabfind.bad_page": (
        "Sidenummeret i adressen er ikke et helt tall fra 1; viser første side.",
        "The page number in the address is not a whole number from 1; showing the first page.",
    ),
    "count.tables.one": ("{n} tabell", "{n} table"),
    "count.tables.other": ("{n} tabeller", "{n} tables"),
    "tab.codelist": ("Kodeliste", "Code list"),
    "tab.codelist_none": ("Variabelens egne verdier", "The variable's own values"),
    "tab.codelist_use": ("Bruk kodelisten", "Use the code list"),
    "tab.table": ("Tabell", "Table"),
    "tab.id": ("Tabell-id", "Table id"),
    "tab.updated": ("Oppdatert", "Updated"),
    "tab.source": ("Kilde", "Source"),
    "tab.statistic": ("Statistikk", "Statistic"),
    "tab.cells": ("Celler", "Cells"),
    "tab.choose": ("Velg verdier", "Choose values"),
    "tab.choose_hint": (
        "Velg én eller flere verdier for hver variabel. Variabler merket valgfri kan stå tomme.",
        "Choose one or more values for each variable. Variables marked optional may be left empty.",
    ),
    "tab.optional": ("valgfri", "optional"),
    "tab.all": ("Velg alle ({n})", "Select all ({n})"),
    "tab.search": ("Søk i verdiene", "Search the values"),
    "tab.filter": ("Filtrer", "Filter"),
    "tab.show": ("Vis tabell", "Show table"),
    "tab.preview": ("Tabell", "Table"),
    "tab.preview_cut": (
        "Viser de første {n} radene. Last ned for hele utvalget.",
        "Showing the first {n} rows. Download for the whole selection.",
    ),
    "tab.download": ("Last ned utvalget", "Download the selection"),
    # The time variable's quick choices (issue 19), PxWebApi's top(N) and from(P).
    "tab.periods_hint": (
        "Eller velg de siste periodene, eller alle fra og med én periode. Dette gjelder foran valgene i listen.",
        "Or choose the latest periods, or every period from one on. This comes before the choices in the list.",
    ),
    "tab.latest": ("Siste perioder (antall)", "Latest periods (how many)"),
    "tab.cell_count": (
        "Utvalget har {n} celler; ett utvalg kan ha høyst {max}.",
        "The selection has {n} cells; one selection may have at most {max}.",
    ),
    # The live count as values are ticked (table.js), beside the form.
    "tab.cell_count_over": (
        "Det er for mange celler. Velg færre verdier før du viser tabellen.",
        "That is too many cells. Choose fewer values before you show the table.",
    ),
    "tab.cell_count_missing": (
        "Utvalget har 0 celler: velg minst én verdi for {name}.",
        "The selection has 0 cells: choose at least one value for {name}.",
    ),
    "tab.units": ("Enhet", "Unit"),
    "tab.chart_svg": ("Last ned figuren (SVG)", "Download the chart (SVG)"),
    "tab.chart_none": ("Utvalget har ingen tall å tegne.", "The selection has no numbers to draw."),
    "tab.notes": ("Fotnoter", "Footnotes"),
    # The preview's pivot: each variable in the rows or the columns.
    "tab.place": ("Vis i tabellen", "Show in the table"),
    "tab.place.rad": ("I rader", "In rows"),
    "tab.place.kolonne": ("I kolonner", "In columns"),
    "tab.from": ("Fra og med periode", "From period"),
    "tab.from_none": ("Ikke valgt", "Not chosen"),
    "tab.latest_bad": (
        "Skriv et helt tall fra 1 til {n} for antall siste perioder.",
        "Write a whole number from 1 to {n} for the number of latest periods.",
    ),
    "tab.from_bad": ("Velg perioden fra listen.", "Choose the period from the list."),
    # The selection as files to open (issue 19): named after the table, labelled by text or code too.
    "tab.file.excel-csv": (
        "CSV for Excel (semikolon og desimalkomma)",
        "CSV for Norwegian Excel (semicolons, decimal commas)",
    ),
    "tab.file.xlsx": ("Excel-arbeidsbok (xlsx)", "Excel workbook (xlsx)"),
    "tab.file.csv": ("CSV (komma og desimalpunktum)", "CSV (commas, decimal points)"),
    "tab.file_with_codes": ("med koder", "with codes"),
    "tab.download_api": ("Fra API-et, i alle formater", "From the API, in every format"),
    "tab.file_no_kind": (
        "Filen finnes ikke. Velg en av: {kinds}.",
        "No such file. Choose one of: {kinds}.",
    ),
    "tab.whole": ("Last ned hele tabellen", "Download the whole table"),
    "tab.whole_hint": (
        "Alle cellene i tabellen, som fil for denne versjonen av tabellen.",
        "Every cell of the table, as a file for this revision of the table.",
    ),
    "tab.whole_size": ("{n} KiB", "{n} KiB"),
    "tab.whole_latest": ("alltid nyeste versjon", "always the latest revision"),
    "tab.file_no_format": (
        "Tabellfilene finnes som {formats}, ikke som «{format}».",
        "Table files come as {formats}, not as '{format}'.",
    ),
    "tab.file_no_cells": (
        "Tabell {id} har ingen filer her: cellene finnes hos produsentens PxWeb.",
        "Table {id} has no files here: its cells are at its producer's PxWeb.",
    ),
    "tab.file_no_revision": (
        "Tabell {id} har ingen versjon {revision}. Den gjeldende er {current}: {latest}",
        "Table {id} has no revision {revision}. The current one is {current}: {latest}",
    ),
    "tab.file_too_large": (
        "Tabell {id} er for stor for en {format}-fil.",
        "Table {id} is too large for an {format} file.",
    ),
    # Issue 21: a table is shown in its own language when it lacks the page's.
    "tab.language_notice": (
        "Tabellen finnes ikke på norsk. Den vises på {language}, tabellens eget språk.",
        "This table is not available in English. It is shown in {language}, the table's own language.",
    ),
    "tab.lang.nb": ("norsk", "Norwegian"),
    "tab.lang.nn": ("nynorsk", "Norwegian Nynorsk"),
    "tab.lang.en": ("engelsk", "English"),
    "tab.lang.sv": ("svensk", "Swedish"),
    "tab.lang.da": ("dansk", "Danish"),
    "tab.lang.fi": ("finsk", "Finnish"),
    "tab.lang.is": ("islandsk", "Icelandic"),
    "tab.lang.se": ("nordsamisk", "Northern Sami"),
    "tab.lang.de": ("tysk", "German"),
    "tab.lang.fr": ("fransk", "French"),
    "tab.lang.es": ("spansk", "Spanish"),
    "tab.api": ("API-spørring for utvalget", "API query for the selection"),
    "tab.api_get": ("GET (PxWebApi 2.0)", "GET (PxWebApi 2.0)"),
    "tab.api_post": ("POST-kropp (PxWebApi 2.0)", "POST body (PxWebApi 2.0)"),
    "tab.copy": ("Kopier", "Copy"),
    "tab.copied": ("Kopiert", "Copied"),
    "tab.chart": ("Figur", "Chart"),
    "tab.chart_line": (
        "Linjediagram over {what}, {n} serier. Tallene står i tabellen.",
        "Line chart of {what}, {n} series. The figures are in the table.",
    ),
    "tab.chart_bar": (
        "Søylediagram over {what}. Tallene står i tabellen.",
        "Bar chart of {what}. The figures are in the table.",
    ),
    "tab.chart_cut": (
        "Figuren viser bare de første seriene eller søylene.",
        "The chart shows only the first series or bars.",
    ),
    # Refused selections (PxWebApi 2.0's problems): the English text is the API's detail word for word
    # (its spelling "placment" and "mandantory" too); pages show the Norwegian. {name} is the
    # variable's Norwegian label (its code where it has none), {cells_nb} and {max_nb} are numbers as
    # Norwegian writes them.
    "sel.no_value": (
        "Tabellen har ingen verdi «{value}» for {name}.",
        "Non-existent value {value}",
    ),
    "sel.bad_expression": (
        "«{value}» er ikke et gyldig utvalg av verdier for {name}.",
        "Illegal selection expression {value}",
    ),
    "sel.no_variable": (
        "Tabellen har ingen variabel «{variable}».",
        "Non-existent variable {variable}",
    ),
    "sel.mandatory": (
        "Velg minst én verdi for {name}. Den kan ikke stå tom.",
        "Missing selection for mandantory variable {variable}",
    ),
    "sel.too_many_cells": (
        "Utvalget har {cells_nb} celler, men ett utvalg kan ha høyst {max_nb}. Velg færre verdier.",
        "Too many cells selected: {cells} of at most {max}",
    ),
    "sel.placement": (
        "«{name}» kan ikke plasseres i tabellen: variabelen er ikke valgt, finnes ikke eller er plassert to ganger.",
        "Illegal placment: {name}",
    ),
    "sel.placement_both": (
        "En variabel kan ikke stå både i radene og i kolonnene.",
        "Illegal placment: a variable in both stub and heading",
    ),
    "sel.placement_partial": (
        "Når både rader og kolonner er valgt, må hver variabel stå i én av dem.",
        "Illegal placment: stub and heading leave variables out",
    ),
    "sel.placement_body": ("Plasseringen av variablene er ugyldig.", "Illegal placment"),
    "sel.no_codelist": ("Kodelisten finnes ikke for denne tabellen.", "Non-existent codelist"),
    "sel.no_codelist_for": (
        "Kodelisten «{codelist}» finnes ikke for {name}.",
        "Non-existent codelist {codelist} for variable {variable}",
    ),
    "sel.no_codelist_id": (
        "Kodelisten «{codelist}» finnes ikke.",
        "Non-existent codelist {codelist}",
    ),
    "sel.sum_average": (
        "Kodelisten «{codelist}» legger sammen verdier, men {shown} er et gjennomsnitt og kan ikke summeres. Velg en annen statistikkvariabel, eller en kodeliste som bare velger ut verdier.",
        "Codelist {codelist} adds values up, but {shown} is an average (STOCKFA=A) and cannot be summed: choose other contents, or a valueset",
    ),
    "sel.sum_unit": (
        "Kodelisten «{codelist}» legger sammen verdier, men {shown} er målt i {unit_nb} og kan ikke summeres. Velg en annen statistikkvariabel, eller en kodeliste som bare velger ut verdier.",
        "Codelist {codelist} adds values up, but {shown} is measured in {unit} and cannot be summed: choose other contents, or a valueset",
    ),
    "sel.no_cells": ("Tabell {id} har ingen lagrede celler.", "Table {id} has no stored cells."),
    "sel.no_remote": (
        "Tabell {id} har ingen kilde å hente cellene fra.",
        "Table {id} has no remote.",
    ),
    # Refusals only the API gives (its parameters and bodies), in its words.
    "sel.language": ("Språket «{language}» finnes ikke her.", "Unsupported language {language}"),
    "sel.output_format": (
        "Formatet «{format}» finnes ikke her.",
        "Unsupported output format {format}",
    ),
    "sel.whole_number": ("{name} må være et helt tall.", "{name} must be a whole number"),
    "sel.no_page": ("Siden finnes ikke.", "Non-existent page"),
    "sel.no_saved_query": (
        "Det finnes ingen lagret spørring «{id}».",
        "Saved query not found {id}",
    ),
    "sel.saved_query_id": (
        "Id-en til den lagrede spørringen er ugyldig.",
        "Illegal saved query id",
    ),
    "sel.saved_query_large": (
        "Den lagrede spørringen er for stor.",
        "The saved query is too large",
    ),
    "sel.no_query": ("Forespørselen har ingen spørring.", "No query specified"),
    "sel.valuecodes_key": (
        "{name} må si hvilken variabel verdiene gjelder: valuecodes[VAR]",
        "{name} must name a variable: valuecodes[VAR]",
    ),
    "sel.codelist_key": (
        "{name} må si hvilken variabel kodelisten gjelder: codelist[VAR]",
        "{name} must name a variable: codelist[VAR]",
    ),
    "sel.bad_json": (
        "Innholdet i forespørselen er ikke gyldig JSON.",
        "The body is not valid JSON",
    ),
    "sel.body_selection": (
        "Innholdet må være et VariablesSelection-objekt.",
        "The body must be a VariablesSelection object",
    ),
    "sel.placement_object": ("placement må være et objekt.", "placement must be an object"),
    "sel.selection_list": ("selection må være en liste.", "selection must be a list"),
    "sel.value_codes_list": (
        "valueCodes må være en liste med tekster.",
        "valueCodes must be a list of strings",
    ),
    "sel.variable_code": (
        "Hvert utvalg må ha en variableCode.",
        "Each selection needs a variableCode",
    ),
    "sel.table_id": ("tableId må være med.", "tableId is required"),
    "sel.format_params": (
        "outputFormatParams må være en liste med tekster.",
        "outputFormatParams must be a list of strings",
    ),
    "sel.body_saved_query": (
        "Innholdet må være et SavedQuery-objekt.",
        "The body must be a SavedQuery object",
    ),
    "tab.alert_selection": ("Varsel når tallene endres", "Alerts when the figures change"),
    "tab.alert_selection_hint": (
        "Få e-post når en publisering reviderer tallene i dette utvalget, med de gamle og de nye tallene.",
        "Get an e-mail when a release revises the figures in this selection, with the old and the new figures.",
    ),
    "tab.alert_selection_button": (
        "Få varsel om dette utvalget",
        "Get alerts about this selection",
    ),
    "tab.alert_selection_save": (
        "Utvalget lagres som en spørring (PxWebApi 2.0). Deretter oppgir du e-postadressen din. Velger du de siste periodene, følger spørringen med når nye perioder kommer.",
        "The selection is saved as a query (PxWebApi 2.0). Then you give your e-mail address. If you chose the latest periods, the query moves on as new periods come.",
    ),
    "tab.alert_selection_back": ("Tilbake til tabellen", "Back to the table"),
    "tab.problem": ("Utvalget kan ikke vises", "The selection cannot be shown"),
    "tab.none": ("Ingen tabeller ennå.", "No tables yet."),
}

register_messages(MESSAGES)
