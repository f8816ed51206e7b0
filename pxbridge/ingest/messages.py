"""What the table importers say (nb, en): every refusal and warning of :mod:`pxbridge.ingest`, and
:func:`where`, which says in words where in a file a problem is.

Registered into :mod:`portal.kernel.i18n` when imported; every module of the package that refuses or
warns imports it. The English texts are what the API has always answered, word for word: clients and
tests match them. A placeholder written ``{why:nb}`` or ``{at:nb}`` takes another message or a place
in the text's own language (:mod:`pxbridge.ingest.placeholders`).
"""

from __future__ import annotations

from portal.kernel.errors import FieldError
from portal.kernel.i18n import register_messages, translate

MESSAGES: dict[str, tuple[str, str]] = {
    # The refusal of a whole file: its first problem, and where it is.
    "imp.px.invalid": (
        "Feil i PX-filen, {at:nb}: {why:nb}.",
        "The PX file is invalid at {at}: {why:en}.",
    ),
    "imp.csv.invalid": (
        "Feil i CSV-filen, {at:nb}: {why:nb}.",
        "The CSV is invalid at {at}: {why:en}.",
    ),
    "imp.csv.invalid_many": (
        "Feil i CSV-filen, {at:nb}: {why:nb}. ({count} feil; de første {listed} er listet opp)",
        "The CSV is invalid at {at}: {why:en}. ({count} problems; the first {listed} are listed)",
    ),
    "imp.sidecar.invalid": (
        "Feil {at:nb}: {why:nb}.",
        "The CSV sidecar is invalid at {at}: {why:en}.",
    ),
    "imp.sidecar.invalid_many": (
        "Feil {at:nb}: {why:nb}. ({count} feil; de første {listed} er listet opp)",
        "The CSV sidecar is invalid at {at}: {why:en}. ({count} problems; the first {listed} are listed)",
    ),
    "imp.jsonstat.invalid": (
        "Feil {at:nb}: {why:nb}.",
        "The JSON-stat dataset is invalid at {at}: {why:en}.",
    ),
    "imp.jsonstat.invalid_many": (
        "Feil {at:nb}: {why:nb}. ({count} feil; de første {listed} er listet opp)",
        "The JSON-stat dataset is invalid at {at}: {why:en}. ({count} problems; the first {listed} are listed)",
    ),
    # Where (see `where`).
    "imp.where.line": ("linje {line}", "line {line}"),
    "imp.where.whole_file": ("i hele filen", "in the whole file"),
    # A refusal of the sidecar or the JSON-stat file names the file by its place ("Feil i sidefilen, …").
    "imp.where.whole_sidecar": ("i hele sidefilen", "in the whole sidecar"),
    "imp.where.sidecar": ("i sidefilen, under {path}", "in the sidecar, under {path}"),
    "imp.where.jsonstat": (
        "i JSON-stat-filen, under {path}",
        "in the JSON-stat file, under {path}",
    ),
    "imp.where.field": ("ved «{name}»", "at «{name}»"),
    # PX: reading the statements.
    "imp.px.unknown_codepage": (
        "CODEPAGE: ukjent tegnsett «{name}»",
        'CODEPAGE: unknown codepage "{name}"',
    ),
    "imp.px.bad_bytes": (
        "{keyword}: inneholder tegn som ikke er gyldig {codec}",
        "{keyword}: bytes that are not valid {codec}",
    ),
    "imp.px.no_data": (
        "DATA: filen mangler nøkkelordet DATA",
        "DATA: the file has no DATA keyword",
    ),
    "imp.px.expected_keyword": (
        "her skulle det stått et nøkkelord, men det står «{snippet}»",
        "expected a keyword, found {snippet!r}",
    ),
    "imp.px.unterminated_quote": (
        "{keyword}: anførselstegnet er ikke avsluttet",
        "{keyword}: unterminated quote",
    ),
    "imp.px.bad_parentheses": (
        "{keyword}: navnene i parentesen er feil skrevet",
        "{keyword}: malformed parenthesised names",
    ),
    "imp.px.no_equals": (
        "{keyword}: mangler «=» etter nøkkelordet",
        "{keyword}: statement without '=' after the keyword",
    ),
    "imp.px.no_semicolon": (
        "{keyword}: mangler «;» på slutten",
        "{keyword}: statement not terminated by ';'",
    ),
    # PX: the metadata.
    "imp.px.too_many_cells": (
        "DATA: {expected} celler er flere enn grensen på {limit}",
        "DATA: {expected} cells is more than the limit of {limit}",
    ),
    "imp.px.keys_not_stub": (
        "{name}: KEYS gjelder bare variabler i STUB",
        "{name}: KEYS are for variables of the STUB only",
    ),
    "imp.px.no_stub_heading": (
        "STUB/HEADING: filen har verken STUB eller HEADING",
        "STUB/HEADING: the file has neither STUB nor HEADING",
    ),
    "imp.px.values_missing": (
        'VALUES("{name}"): mangler for denne variabelen',
        'VALUES("{name}"): missing for this variable',
    ),
    "imp.px.translated_names": (
        "{name}: {given} navn, men {keyword} har {own}",
        "{name}: {given} names but {keyword} has {own}",
    ),
    "imp.px.translated_values": (
        "{name}: {given} verdier, men {keyword} har {own}",
        "{name}: {given} values but {keyword} has {own}",
    ),
    "imp.px.mandatory_missing": (
        "{keyword}: filen mangler {keyword}, som PxWeb krever",
        "{keyword}: the file has no {keyword}, which PxWeb requires",
    ),
    "imp.px.title_missing": (
        "TITLE: filen mangler både TITLE og DESCRIPTION, og PxWeb krever en av dem",
        "TITLE: the file has no TITLE or DESCRIPTION, which PxWeb requires",
    ),
    "imp.px.units_missing": (
        'UNITS("{value}"): mangler for denne verdien av innholdsvariabelen '
        "(CONTVARIABLE på linje {line})",
        'UNITS("{value}"): missing for this value of the contents variable '
        "(CONTVARIABLE on line {line})",
    ),
    "imp.px.units_missing_stray": (
        'UNITS("{value}"): mangler for denne verdien av innholdsvariabelen '
        "(CONTVARIABLE på linje {line}); {stray} viser ikke til noen verdi",
        'UNITS("{value}"): missing for this value of the contents variable '
        "(CONTVARIABLE on line {line}); {stray} names no value",
    ),
    "imp.px.value_without_contvariable": (
        "{name}: viser til en verdi, men filen har ingen CONTVARIABLE",
        "{name}: names a value, but the file has no CONTVARIABLE",
    ),
    "imp.px.no_such_variable": (
        "{name}: viser ikke til noen variabel i STUB eller HEADING",
        "{name}: names no variable of STUB or HEADING",
    ),
    "imp.px.no_such_contents_value": (
        "{name}: viser ikke til noen verdi av innholdsvariabelen",
        "{name}: names no value of the contents variable",
    ),
    "imp.px.contvariable_unknown": (
        "CONTVARIABLE: «{name}» er ingen variabel i STUB eller HEADING",
        'CONTVARIABLE: "{name}" is no variable of STUB or HEADING',
    ),
    "imp.px.not_whole_number": (
        "{name}: «{raw}» er ikke et helt tall",
        "{name}: {raw!r} is not a whole number",
    ),
    "imp.px.bad_tlist_range": (
        "{name}: ugyldig TLIST-intervall «{start}»–«{end}»",
        '{name}: bad TLIST range "{start}"-"{end}"',
    ),
    "imp.px.tlist_expected": (
        "{name}: her skal det stå TLIST(A1), TLIST(Q1) …",
        "{name}: expected TLIST(A1), TLIST(Q1) …",
    ),
    "imp.px.values_count": (
        'VALUES("{name}"): {texts} verdier, men {stated_in} har {codes}',
        'VALUES("{name}"): {texts} values but {stated_in} has {codes}',
    ),
    "imp.px.code_twice": (
        "{name}: koden «{code}» står to ganger",
        '{name}: the code "{code}" is listed twice',
    ),
    # PX: the cells.
    "imp.px.data_unterminated": ("DATA: mangler «;» på slutten", "DATA: not terminated by ';'"),
    "imp.px.data_trailing": (
        "DATA: det står tekst etter «;» som avslutter DATA",
        "DATA: text after the ';' that ends DATA",
    ),
    "imp.px.data_count": (
        "DATA: {count} verdier, men VALUES for STUB og HEADING gir {expected} celler",
        "DATA: {count} values but VALUES of STUB and HEADING give {expected} cells",
    ),
    "imp.px.data_unknown_symbol": (
        "DATA: ukjent datasymbol {token}",
        "DATA: unknown data symbol {token}",
    ),
    "imp.px.data_not_number": (
        "DATA: «{token}» er verken et tall eller et datasymbol",
        'DATA: "{token}" is neither a number nor a data symbol',
    ),
    "imp.px.data_infinite": (
        "DATA: uendelige verdier er ikke tillatt",
        "DATA: infinite values are not allowed",
    ),
    "imp.px.keys_row_start": (
        "DATA: en rad må begynne med verdien av «{name}» i anførselstegn (KEYS)",
        'DATA: a row must start with the quoted value of "{name}" (KEYS)',
    ),
    "imp.px.keys_unknown_value": (
        "DATA: «{quoted}» er ingen verdi av «{name}» (KEYS)",
        'DATA: "{quoted}" is no value of "{name}" (KEYS)',
    ),
    "imp.px.keys_last_row": (
        "DATA: den siste raden har {cells} celler, ikke {row_cells}",
        "DATA: the last row has {cells} cells, not {row_cells}",
    ),
    "imp.px.keys_row_twice": (
        "DATA: verdiene i denne raden er oppgitt to ganger (KEYS)",
        "DATA: this row's values are given twice (KEYS)",
    ),
    # PX: warnings (the file is read, something in it another way than it says or not at all).
    "imp.px.w.skipped": (
        "{why:nb}: setningen er utelatt, lest videre fra neste linje",
        "{why:en}: the statement is left out, read on from the next line",
    ),
    "imp.px.w.showdecimals": (
        "{shown} er mer enn DECIMALS={decimals}: utelatt, slik PxWeb gjør",
        "{shown} is more than DECIMALS={decimals}: left out, as PxWeb does",
    ),
    "imp.px.w.periods_count": (
        "{listed} perioder, men VALUES har {texts}: periodene er utelatt, slik PxWeb gjør",
        "{listed} periods but VALUES has {texts}: the periods are left out, as PxWeb leaves them",
    ),
    "imp.px.w.mandatory_missing": (
        "mangler (PxWeb krever det; lest uten)",
        "missing (PxWeb requires it; read without it)",
    ),
    "imp.px.w.no_such_variable": (
        "viser ikke til noen variabel i STUB eller HEADING: utelatt",
        "names no variable of STUB or HEADING: left out",
    ),
    "imp.px.w.no_such_contents_value": (
        "viser ikke til noen verdi av innholdsvariabelen: utelatt",
        "names no value of the contents variable: left out",
    ),
    "imp.px.w.data_unterminated": (
        "mangler «;» på slutten: lest til slutten av filen",
        "not terminated by ';': read to the end of the file",
    ),
    "imp.px.w.data_inner_semicolon": (
        "«;» før den siste verdien: lest som skilletegn",
        "';' before the last value: read as a separator",
    ),
    "imp.px.w.keys_rows_missing": (
        "KEYS: {missing} av {rows} rader mangler og er lest som nuller",
        "KEYS: {missing} of {rows} rows left out, read as zeros",
    ),
    "imp.px.w.not_whole_number": (
        "«{raw}» er ikke et helt tall fra {low} til {high}: beholdt som tekst, ikke brukt",
        "{raw!r} is not a whole number from {low} to {high}: kept as text, not used",
    ),
    "imp.px.w.not_a_date": (
        "«{raw}» er ikke en dato på formen «CCYYMMDD hh:mm» (for eksempel «20240115 08:00»): "
        "beholdt som tekst, ikke lest som dato",
        '"{raw}" is not a date like "CCYYMMDD hh:mm": kept as text, not read as a date',
    ),
    "imp.px.w.tlist_scale": (
        "TLIST({scale}) er ingen tidsskala PxWeb kjenner (A1, H1, Q1, M1, W1): "
        "en tidsvariabel uten kjent skala",
        "TLIST({scale}) is not a scale PxWeb knows (A1, H1, Q1, M1, W1): "
        "a time variable without a known scale",
    ),
    "imp.px.w.empty_code": (
        "en tom kode: teksten fra VALUES brukes i stedet ({stand_ins})",
        "an empty code: the VALUES text stands in ({stand_ins})",
    ),
    "imp.px.w.precision_no_value": (
        "viser ikke til noen verdi av variabelen: utelatt",
        "names no value of the variable: left out",
    ),
    "imp.px.w.elimination_value": (
        "«{raw}» er ingen verdi: variabelen kan ikke utelates, som i PxWeb",
        '"{raw}" is not a value: the variable cannot be left out, as in PxWeb',
    ),
    "imp.px.w.valuenote_no_value": ("ingen slik verdi: utelatt", "no such value: left out"),
    # JSON, in the sidecar and in JSON-stat alike.
    "imp.json.invalid_json": (
        "ikke gyldig JSON på linje {line}, kolonne {column}: {reason:nb}",
        "not valid JSON at line {line}, column {column}: {reason}",
    ),
    "imp.json.unknown_key": ("ukjent nøkkel", "unknown key"),
    "imp.json.non_empty_string": (
        "her skal det stå en tekst som ikke er tom",
        "expected a non-empty string",
    ),
    "imp.json.string": ("her skal det stå en tekst", "expected a string"),
    "imp.json.string_list": (
        "her skal det stå en tekst eller en liste med tekster",
        "expected a string or a list of strings",
    ),
    "imp.json.object": ("her skal det stå et objekt", "expected an object"),
    "imp.json.true_false": ("her skal det stå true eller false", "expected true or false"),
    "imp.json.decimals": (
        "her skal det stå et helt tall fra 0 til 15",
        "expected a whole number 0 … 15",
    ),
    "imp.json.too_many_cells": (
        "{total} celler er flere enn grensen på {limit}",
        "{total} cells is more than the limit of {limit}",
    ),
    "imp.json.one_role": (
        "en PX-tabell kan ha høyst én dimensjon med rollen «{role}»",
        "a PX table has at most one {role} dimension",
    ),
    # The CSV's sidecar.
    "imp.sidecar.not_object": (
        "her skal det stå et JSON-objekt som beskriver tabellen",
        "expected a JSON object describing the table",
    ),
    "imp.sidecar.title": (
        'her skal det stå tekster per språk: {{"nb": "…", "en": "…"}}',
        'expected texts by language: {{"nb": "…", "en": "…"}}',
    ),
    "imp.sidecar.notes": (
        "her skal det stå lister med fotnoter per språk",
        "expected lists of notes by language",
    ),
    "imp.sidecar.column_name": ("her skal det stå et kolonnenavn", "expected a column name"),
    "imp.sidecar.decimal_mark": ('her skal det stå "." eller ","', 'expected "." or ","'),
    "imp.sidecar.encoding": (
        'her skal det stå "utf-8" eller "windows-1252"',
        'expected "utf-8" or "windows-1252"',
    ),
    "imp.sidecar.dimensions": (
        "her skal det stå en liste med minst én dimensjon",
        "expected a non-empty list of dimensions",
    ),
    "imp.sidecar.dimension_twice": (
        "dimensjonskoden «{code}» er brukt mer enn én gang",
        "dimension code {code!r} is used more than once",
    ),
    "imp.sidecar.value_column_is_dimension": (
        "er også en dimensjonskode",
        "is also a dimension code",
    ),
    "imp.sidecar.value_column_with_columns": (
        "kan ikke brukes sammen med en dimensjon som har verdiene sine i kolonner",
        "not with a dimension whose values are columns",
    ),
    "imp.sidecar.columns_alone": (
        "en dimensjon i kolonner krever en annen dimensjon for radene",
        "a dimension in columns needs another for the rows",
    ),
    "imp.sidecar.column_clash": (
        "«{code}» er både en dimensjon og en kolonne med tall",
        "{code!r} is both a dimension and a column of values",
    ),
    "imp.sidecar.texts": (
        "her skal det stå en tekst eller tekster per språk",
        "expected a string or texts by language",
    ),
    "imp.sidecar.not_title_language": (
        "er ikke et av språkene i «title»",
        "not a language of title",
    ),
    "imp.sidecar.role": (
        "her skal det stå «time», «metric», «geo» eller null",
        "expected time, metric, geo or null",
    ),
    "imp.sidecar.values": (
        "her skal det stå en liste med minst én verdi",
        "expected a non-empty list of values",
    ),
    "imp.sidecar.value_object": (
        'her skal det stå {{"code": …, "label": …}}',
        'expected {{"code": …, "label": …}}',
    ),
    "imp.sidecar.code_twice": ("«{code}» står to ganger", "{code!r} is listed twice"),
    "imp.sidecar.elimination_code": (
        "er ikke koden til noen av verdiene",
        "not one of the values' codes",
    ),
    "imp.sidecar.time_scale": (
        "A, H, Q, M eller W, og bare på dimensjonen med rollen «time»",
        "A, H, Q, M or W, and only on the time role",
    ),
    "imp.sidecar.units_not_metric": (
        "bare dimensjonen med rollen «metric» har enheter",
        "only the metric dimension has units",
    ),
    "imp.sidecar.one_in_columns": (
        "bare én dimensjon kan ha verdiene sine i kolonner",
        "only one dimension can have its values in columns",
    ),
    "imp.sidecar.units_by_code": (
        "her skal det stå enheter per verdikode",
        "expected units by value code",
    ),
    "imp.sidecar.not_a_value": ("er ikke en av verdiene", "not one of the values"),
    "imp.sidecar.unit": (
        "her skal det stå tekster per språk og antall desimaler",
        "expected texts by language and decimals",
    ),
    # The CSV itself.
    "imp.csv.bad_bytes": (
        "inneholder tegn som ikke er gyldig {encoding}",
        "bytes that are not valid {encoding}",
    ),
    "imp.csv.no_header": (
        "første linje skal være en overskriftsrad med navnene på kolonnene",
        "expected a header row naming the columns",
    ),
    "imp.csv.column_count": (
        "{count} kolonner, men overskriftsraden har {width}",
        "{count} columns; the header has {width}",
    ),
    "imp.csv.not_csv": ("kan ikke leses som CSV: {reason:nb}", "not CSV: {reason}"),
    "imp.csv.not_a_number": (
        "«{text}» er verken et tall eller et datasymbol",
        "value {text!r} is neither a number nor a data symbol",
    ),
    "imp.csv.column_twice": ("kolonnen «{name}» står to ganger", "column {name!r} appears twice"),
    "imp.csv.column_missing": ("kolonnen «{name}» mangler", "missing column {name!r}"),
    "imp.csv.no_rows": (
        "ingen rader: det skal være {rows}, én for hver kombinasjon av koder",
        "no rows: expected {rows}, one per combination of codes",
    ),
    "imp.csv.unknown_code": (
        "{dimension}: ukjent kode «{code}»",
        "{dimension}: unknown code {code!r}",
    ),
    "imp.csv.duplicate": (
        "samme kombinasjon som linje {first} ({combination})",
        "duplicate of line {first} ({combination})",
    ),
    "imp.csv.no_row_for": ("ingen rad for {combination}", "no row for {combination}"),
    # JSON-stat.
    "imp.jsonstat.updated": (
        'her skal det stå dato og klokkeslett etter ISO 8601, som "2024-01-15T08:00:00Z"',
        'expected an ISO 8601 date and time like "2024-01-15T08:00:00Z"',
    ),
    "imp.jsonstat.id_list": (
        "her skal det stå en liste med dimensjons-id-er",
        "expected a list of dimension ids",
    ),
    "imp.jsonstat.placement": (
        "«stub» og «heading» må til sammen nevne hver dimensjon nøyaktig én gang",
        "stub and heading must name every dimension exactly once",
    ),
    "imp.jsonstat.category": (
        "her skal det stå et objekt med «index» og «label»",
        "expected an object with index and label",
    ),
    "imp.jsonstat.index_missing": (
        "mangler (bare en dimensjon med én kategori kan utelate den)",
        "missing (only a single category may leave it out)",
    ),
    "imp.jsonstat.index_list": (
        "her skal det stå en liste med tekster som er forskjellige",
        "expected a list of distinct strings",
    ),
    "imp.jsonstat.index_positions": (
        "posisjonene må være 0, 1, … og hver brukt én gang",
        "positions must be 0, 1, … each used once",
    ),
    "imp.jsonstat.index_kind": (
        "her skal det stå en liste eller et objekt",
        "expected a list or an object",
    ),
    "imp.jsonstat.label_object": (
        "her skal det stå et objekt med tekster",
        "expected an object of strings",
    ),
    "imp.jsonstat.label_not_in_index": ("finnes ikke i «category.index»", "not in category.index"),
    "imp.jsonstat.no_label": ("mangler etikett for {codes}", "no label for {codes}"),
    "imp.jsonstat.value_count": (
        "{count} verdier, men «size» gir {total} celler",
        "{count} values but size gives {total} cells",
    ),
    "imp.jsonstat.cell": (
        "her skal det stå et tall eller null, ikke {found}",
        "expected a number or null, not {found}",
    ),
    "imp.jsonstat.position": (
        "er ikke en celleposisjon fra 0 til {last}",
        "not a cell position 0 … {last}",
    ),
    "imp.jsonstat.symbol": (
        "«{raw}» er ikke et datasymbol ({symbols})",
        "{raw!r} is not a data symbol ({symbols})",
    ),
    "imp.jsonstat.status_count": (
        "{count} oppføringer, men det er {total} celler",
        "{count} entries but there are {total} cells",
    ),
    "imp.jsonstat.status_kind": (
        "her skal det stå en tekst, en liste eller et objekt",
        "expected a string, a list or an object",
    ),
    "imp.jsonstat.status_entry": (
        "her skal det stå et datasymbol eller null",
        "expected a data symbol or null",
    ),
    "imp.jsonstat.not_dataset": (
        'her skal det stå et JSON-stat 2.0-datasett ("class": "dataset")',
        'expected a JSON-stat 2.0 dataset ("class": "dataset")',
    ),
    "imp.jsonstat.ids": (
        "her skal det stå en liste med minst én dimensjons-id",
        "expected a non-empty list of dimension ids",
    ),
    "imp.jsonstat.ids_distinct": (
        "dimensjons-id-ene må være forskjellige",
        "dimension ids must be distinct",
    ),
    "imp.jsonstat.size_list": (
        "her skal det stå en liste med hele tall",
        "expected a list of whole numbers",
    ),
    "imp.jsonstat.size_count": (
        "{sizes} størrelser for {ids} id-er",
        "{sizes} sizes for {ids} ids",
    ),
    "imp.jsonstat.dimension_object": (
        "her skal det stå et objekt med én oppføring per id",
        "expected an object with one entry per id",
    ),
    "imp.jsonstat.role_kind": (
        "her skal det stå «time», «metric» eller «geo»: en liste med id-er",
        "expected time, metric or geo: a list of ids",
    ),
    "imp.jsonstat.not_an_id": ("er ikke en dimensjons-id", "not a dimension id"),
    "imp.jsonstat.dimension_missing": (
        "mangler: hver id må ha en dimensjon",
        "missing: every id needs a dimension",
    ),
    "imp.jsonstat.size_categories": (
        "{size}, men {dimension} har {count} kategorier",
        "{size}, but {dimension} has {count} categories",
    ),
    "imp.jsonstat.not_a_category": (
        "er ikke en kategori i denne dimensjonen",
        "not a category of this id",
    ),
    "imp.jsonstat.no_such_code": ("ingen slik kode", "no such code"),
    "imp.jsonstat.value_kind": (
        "her skal det stå en liste eller et objekt med celler",
        "expected a list or an object of cells",
    ),
    "imp.jsonstat.no_table_id": (
        "mangler tabell-id: oppgi «extension.px.tableid» eller «matrix»",
        "no table id: give extension.px.tableid or matrix",
    ),
    # Any file: the text limits, and storing the table.
    "imp.limits.too_long": (
        "Noen tekster i tabellen er for lange (navn, titler og etiketter høyst {name} tegn, "
        "fotnoter {text}).",
        "Some texts in the table are too long "
        "(names, titles and labels at most {name} characters, notes {text}).",
    ),
    "imp.store.bad_table_id": (
        "«{candidate}» kan ikke være tabell-id: bruk 1 til 40 bokstaver, sifre, «-» eller «_».",
        "'{candidate}' cannot be a table id: use 1 to 40 letters, digits, '-' or '_'.",
    ),
    "imp.store.table_id_chars": ("bokstaver, sifre, - og _", "letters, digits, - and _"),
    "imp.store.no_statistic": (
        "Det finnes ingen statistikk «{slug}».",
        "There is no statistic '{slug}'.",
    ),
    "imp.store.unknown": ("ukjent", "unknown"),
    "imp.store.release_or_none": (
        "Oppgi en publisering eller ingen publisering, ikke begge deler.",
        "Give a release or no release, not both.",
    ),
    "imp.store.one_value": ("én verdi", "one value"),
    "imp.store.release_not_of": (
        "Publisering {release} hører ikke til {slug}.",
        "Release {release} is not a release of {slug}.",
    ),
    "imp.store.not_this_statistic": ("hører ikke til denne statistikken", "not this statistic's"),
    "imp.store.other_producer": (
        "Tabell-id-en {table} tilhører en annen produsent.",
        "Table id {table} belongs to another producer.",
    ),
    "imp.store.stale_version": (
        "Tabell {table} er i versjon {version}; du sendte {sent}.",
        "Table {table} is at version {version}; you sent {sent}.",
    ),
    "imp.store.nothing_to_replace": (
        "Det finnes ingen tabell {table} å erstatte.",
        "There is no table {table} to replace.",
    ),
    "imp.store.publish_early": (
        "Tabell {table} venter på publisering {release} ({title}, {when} norsk tid); denne "
        "opplastingen ville gjort den offentlig nå. Utelat publisering (eller oppgi "
        "release={release}) for å erstatte den til den publiseringen, eller oppgi en annen kommende "
        "publisering; for å publisere tidligere, flytt publiseringen i kalenderen.",
        "Table {table} waits for release {release} ({title}, {when} Oslo "
        "time); this upload would make it public now. Leave release out (or give "
        "release={release}) to replace it for that release, or give another coming release; "
        "to publish sooner, move the release in the calendar.",
    ),
}

register_messages(MESSAGES)

_UNDER = {"sidecar": "imp.where.sidecar", "jsonstat": "imp.where.jsonstat"}


def _token(token: str) -> str:
    token = token.replace("~1", "/").replace("~0", "~")
    return token if token.isdigit() else f"«{token}»"


def where(error: FieldError, lang: str) -> str:
    """Where ``error`` is, in words in ``lang`` ("nb" or "en"), never as a JSON pointer: a line of a PX
    or CSV file, a place in the sidecar or the JSON-stat file ("i sidefilen, under «dimensions» → 2"),
    the whole file, or the field or text the pointer names."""
    pointer = error.pointer
    document = error.values.get("document")
    if pointer.startswith("line ") and pointer[5:].isdigit():
        return translate("imp.where.line", lang, line=int(pointer[5:]))
    if pointer == "":
        key = "imp.where.whole_sidecar" if document == "sidecar" else "imp.where.whole_file"
        return translate(key, lang)
    if pointer.startswith("/") and document in _UNDER:
        path = " → ".join(_token(t) for t in pointer[1:].split("/"))
        return translate(_UNDER[document], lang, path=path)
    return translate("imp.where.field", lang, name=pointer)
