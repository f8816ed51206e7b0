"""Interface strings of the producers' table pages (issue 19): their tables and the upload in two
steps. Registered into portal.kernel.i18n when the page module is imported."""

from portal.kernel.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "up.mine": ("Mine tabeller", "My tables"),
    "up.mine_intro": (
        "Tabellene i statistikkene du har ansvar for, og når hver av dem blir synlig for alle.",
        "The tables of the statistics you are responsible for, and when each is public.",
    ),
    "up.mine_none": ("Ingen tabeller ennå.", "No tables yet."),
    "up.state": ("Synlig", "Public"),
    "up.state.public": ("Synlig for alle.", "Public."),
    "up.state.released": (
        "Synlig for alle, publisert med «{title}» {when}.",
        "Public, released with “{title}” {when}.",
    ),
    "up.state.waits": (
        "Venter på publiseringen «{title}»: synlig for alle {when}.",
        "Waits for the release “{title}”: public {when}.",
    ),
    "up.state.cancelled": (
        "Skjult: publiseringen «{title}» er avlyst. Last opp tabellen på nytt og velg en annen publisering.",
        "Hidden: the release “{title}” is cancelled. Upload the table again and choose another release.",
    ),
    "up.saved": ("Tabell {id} er lagret.", "Table {id} is saved."),
    "up.see_public": ("Se tabellen", "See the table"),
    "up.upload": ("Last opp tabell", "Upload a table"),
    "up.upload_new": (
        "Last opp en ny tabell eller en ny versjon",
        "Upload a new table or a new revision",
    ),
    "up.intro": (
        "Last opp en PX-fil, et JSON-stat 2.0-datasett eller en lang CSV-fil med sidefil (JSON). Du får se hva som blir lagret og hva som endres, og velger når tabellen skal bli synlig, før noe lagres. Har tabellen samme id som en du har fra før, erstatter den denne.",
        "Upload a PX file, a JSON-stat 2.0 dataset or a long CSV file with its sidecar (JSON). You see what will be stored and what changes, and choose when the table becomes public, before anything is stored. A table with the id of one you have replaces it.",
    ),
    "up.statistic": ("Statistikk", "Statistic"),
    "up.statistic_hint": (
        "Tabellen hører til denne statistikken og kan vente på en av publiseringene dens.",
        "The table belongs to this statistic and can wait for one of its releases.",
    ),
    "up.file": ("Tabellfil", "Table file"),
    "up.file_hint": (
        "PX (.px), JSON-stat (.json) eller CSV (.csv), høyst {mib} MiB.",
        "PX (.px), JSON-stat (.json) or CSV (.csv), at most {mib} MiB.",
    ),
    "up.sidecar": ("Sidefil for CSV (valgfri)", "Sidecar for a CSV (optional)"),
    "up.sidecar_hint": (
        "Bare for CSV: JSON-filen som beskriver tabellen (tittel, variabler, enheter). Se dokumentasjonen for API-et.",
        "Only for a CSV: the JSON file that describes the table (title, variables, units). See the API's documentation.",
    ),
    "up.table_id": ("Tabell-id (valgfri)", "Table id (optional)"),
    "up.table_id_hint": (
        "1 til 40 bokstaver (a–z), sifre, - eller _. Står den tom, brukes TABLEID eller MATRIX fra filen.",
        "1 to 40 letters (a–z), digits, - or _. Left empty, the file's TABLEID or MATRIX is used.",
    ),
    "up.read": (
        "Les filen og vis hva som blir lagret",
        "Read the file and show what will be stored",
    ),
    "up.file_missing": ("Velg en tabellfil.", "Choose a table file."),
    "up.sidecar_missing": (
        "En CSV-fil trenger sidefilen som beskriver tabellen (JSON). Velg den også.",
        "A CSV file needs the sidecar that describes the table (JSON). Choose it too.",
    ),
    "up.unknown_statistic": ("Velg en statistikk fra listen.", "Choose a statistic from the list."),
    "up.taken": (
        "Tabell-id {id} brukes av en annen produsent. Velg en annen id.",
        "Table id {id} is used by another producer. Choose another id.",
    ),
    "up.problem": ("Filen kan ikke lagres", "The file cannot be stored"),
    "up.problems": ("Det som må rettes i filen", "What must be fixed in the file"),
    "up.where": ("Hvor", "Where"),
    "up.what": ("Hva", "What"),
    "up.line": ("linje {n}", "line {n}"),
    "up.nothing_stored": ("Ingenting er lagret.", "Nothing is stored."),
    # Step 2: the preview.
    "up.preview": ("Kontroller tabellen før du lagrer", "Check the table before you save it"),
    "up.preview_intro": (
        "Ingenting er lagret ennå. Se over hva som blir lagret, velg når tabellen skal bli synlig, og lagre.",
        "Nothing is stored yet. Look over what will be stored, choose when the table becomes public, and save.",
    ),
    "up.from_file": ("Fra filen {name}", "From the file {name}"),
    "up.new_table": ("Ny tabell i {statistic}.", "A new table of {statistic}."),
    "up.replaces": (
        "Erstatter tabell {id} i {statistic}. Nå: {state}",
        "Replaces table {id} of {statistic}. Now: {state}",
    ),
    "up.facts": ("Tabellen", "The table"),
    "up.languages": ("Språk", "Languages"),
    "up.cells": ("Celler", "Cells"),
    "up.numbers": ("Tall", "Numbers"),
    "up.symbols": ("Prikker og symboler", "Symbols"),
    "up.symbols_none": ("Ingen", "None"),
    "up.symbol_count": ("«{symbol}» i {n} celler", "“{symbol}” in {n} cells"),
    "up.variables": ("Variabler", "Variables"),
    "up.variable": ("Variabel", "Variable"),
    "up.values": ("Verdier", "Values"),
    "up.values_more": ("… og {n} til, til og med {last}", "… and {n} more, up to {last}"),
    "up.time": ("tid", "time"),
    "up.contents": ("statistikkvariabel", "contents"),
    "up.optional": ("kan utelates", "may be left out"),
    "up.units": ("Enheter", "Units"),
    "up.decimals": ("{n} desimaler", "{n} decimals"),
    "up.warnings": ("Merknader til filen", "Remarks on the file"),
    "up.warnings_intro": (
        "Filen kan lagres, men dette ble lest annerledes enn filen sier, eller utelatt:",
        "The file can be stored, but this was read another way than the file says, or left out:",
    ),
    "up.changes": ("Hva som endres", "What changes"),
    "up.changes_new": (
        "Tabellen finnes ikke fra før: alt er nytt.",
        "The table does not exist yet: everything is new.",
    ),
    "up.cells_change": (
        "Celler: {before} nå, {after} etter opplastingen.",
        "Cells: {before} now, {after} after the upload.",
    ),
    "up.variables_added": ("Nye variabler: {codes}.", "New variables: {codes}."),
    "up.variables_removed": ("Variabler som forsvinner: {codes}.", "Variables that go: {codes}."),
    "up.values_added": (
        "{variable}: {n} nye verdier ({first}).",
        "{variable}: {n} new values ({first}).",
    ),
    "up.values_removed": (
        "{variable}: {n} verdier forsvinner ({first}).",
        "{variable}: {n} values go ({first}).",
    ),
    "up.cells_changed_none": (
        "Ingen av de {n} cellene som finnes i begge versjonene, er endret.",
        "None of the {n} cells in both revisions has changed.",
    ),
    "up.cells_changed": (
        "{changed} av de {n} cellene som finnes i begge versjonene, er endret.",
        "{changed} of the {n} cells in both revisions have changed.",
    ),
    "up.cells_not_compared": (
        "Cellene er ikke sammenlignet: variablene er endret, eller tabellen er for stor til å sammenligne her.",
        "The cells are not compared: the variables changed, or the table is too large to compare here.",
    ),
    "up.examples": ("Endrede celler (de første)", "Changed cells (the first)"),
    "up.cell": ("Celle", "Cell"),
    "up.old": ("Nå", "Now"),
    "up.new": ("Etter opplastingen", "After the upload"),
    "up.release": ("Når skal tabellen bli synlig?", "When does the table become public?"),
    "up.release_hint": (
        "Velg en kommende publisering av statistikken: det du laster opp, er skjult for alle andre til da, i alle kanaler, og er tabellen publisert fra før, ser alle den slik den er nå fram til da. Eller gjør den synlig med en gang.",
        "Choose a coming release of the statistic: what you upload is hidden from everyone else until then, in every channel, and a table already public stays as it is now until then. Or make it public at once.",
    ),
    "up.release_waits": (
        "Tabellen venter på publiseringen «{title}» ({when}) og kan ikke bli synlig før den. Vil du publisere tidligere, flytter du publiseringen i kalenderen.",
        "The table waits for the release “{title}” ({when}) and cannot become public before it. To publish sooner, move the release in the calendar.",
    ),
    "up.release_none": (
        "Statistikken har ingen kommende publiseringer. Varsle en i kalenderen hvis tabellen skal vente på en.",
        "The statistic has no coming releases. Announce one in the calendar if the table is to wait for one.",
    ),
    "up.choice.release": (
        "Sammen med «{title}», {when}",
        "With “{title}”, {when}",
    ),
    "up.choice.now": ("Synlig med en gang når den er lagret", "Public as soon as it is saved"),
    "up.choose_release": (
        "Velg når tabellen skal bli synlig.",
        "Choose when the table becomes public.",
    ),
    "up.appeared": (
        "Tabell {id} ble lagret av noen andre etter at du lastet opp filen. Last opp filen på nytt for å se hva den endrer nå.",
        "Table {id} was stored by someone else after you uploaded the file. Upload the file again to see what it changes now.",
    ),
    "up.save": ("Lagre tabellen", "Save the table"),
    "up.cancel": ("Avbryt og forkast filen", "Cancel and discard the file"),
    "up.gone": (
        "Opplastingen finnes ikke lenger: den er lagret, forkastet eller eldre enn ett døgn. Last opp filen på nytt.",
        "The upload is no longer here: it was saved, discarded or is more than a day old. Upload the file again.",
    ),
    "up.api_hint": (
        "Systemer laster opp tabeller med en API-nøkkel: POST /api/v1/tables.",
        "Systems upload tables with an API token: POST /api/v1/tables.",
    ),
}

register_messages(MESSAGES)
