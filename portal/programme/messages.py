"""The programme's refusals (producers, subject areas, statistics): key: (nb, en). The English text is what
the API has always answered; pages show the Norwegian."""

from __future__ import annotations

from portal.kernel.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "programme.no_producer": (
        "Det finnes ingen produsent «{slug}».",
        "There is no producer '{slug}'.",
    ),
    "programme.no_subject_area": (
        "Det finnes ikke noe emneområde «{slug}».",
        "There is no subject area '{slug}'.",
    ),
    "programme.no_statistic": (
        "Det finnes ingen statistikk «{slug}».",
        "There is no statistic '{slug}'.",
    ),
    "programme.slug_taken": (
        "Kortnavnet i adressen «{slug}» er allerede i bruk.",
        "The slug '{slug}' is taken.",
    ),
    "programme.paging": (
        "Sidetallet må være 1 eller mer, og antall per side fra 1 til {max}.",
        "page must be 1 or more and per_page between 1 and {max}.",
    ),
    "programme.needs_area": (
        "En statistikk må høre til minst ett emneområde.",
        "A statistic needs at least one subject area.",
    ),
    "programme.area_required": ("Velg minst ett emneområde.", "at least one subject area"),
    "programme.unknown_areas": (
        "Ukjent emneområde: {slugs}.",
        "Unknown subject area: {slugs}",
    ),
    "programme.unknown_area": (
        "Emneområdet «{slug}» finnes ikke.",
        "unknown subject area '{slug}'",
    ),
    "programme.retired_areas": (
        "Avviklet emneområde: {slugs}.",
        "Retired subject area: {slugs}",
    ),
    "programme.retired_area": (
        "Emneområdet «{slug}» er avviklet.",
        "'{slug}' is retired",
    ),
    "programme.unknown_producer": ("Produsenten finnes ikke.", "unknown producer"),
    "programme.retired_no_statistics": (
        "{producer} er avviklet og kan ikke få nye statistikker.",
        "{producer} is retired and takes no new statistics.",
    ),
    "programme.statistic_needs": (
        "En statistikk trenger navn på bokmål og engelsk og en hyppighet.",
        "A statistic needs a name in Norwegian and English and a frequency.",
    ),
    "programme.saved_meanwhile": (
        "Noen lagret «{slug}» etter at du åpnet den (versjon {current}, din {yours}). Last inn siden "
        "på nytt for å se endringen; teksten din står under.",
        "Someone saved '{slug}' after you opened it (version {current}, yours {yours}). Reload to see "
        "their change; your text is kept below.",
    ),
    "programme.only_admin": (
        "Bare portaladministratorer kan gjøre dette.",
        "Only portal administrators may do this.",
    ),
    "programme.text_length": ("Skriv fra 1 til {limit} tegn.", "1 to {limit} characters"),
    "programme.bad_slug": (
        "Kortnavnet i adressen kan bare ha små bokstaver (a–z), sifre og enkle bindestreker.",
        "A slug is lower-case letters, digits and single hyphens.",
    ),
    "programme.slug_rule": (
        "Bruk a–z, 0–9 og bindestrek, høyst {limit} tegn.",
        "a-z, 0-9 and hyphens, at most {limit} characters",
    ),
    "programme.website_rule": (
        "Skriv en adresse som begynner med http:// eller https://, høyst 300 tegn.",
        "an http(s) address of at most 300 characters",
    ),
    "programme.org_number_rule": (
        "Organisasjonsnummeret har ni sifre (Enhetsregisteret).",
        "nine digits (Enhetsregisteret)",
    ),
    "programme.fields_not_valid": (
        "Noen felt er ikke fylt ut riktig.",
        "Some fields are not valid.",
    ),
    "programme.short_name_taken": (
        "En annen produsent heter allerede {name}.",
        "Another producer is called {name}.",
    ),
    "programme.org_number_taken": (
        "En annen produsent har organisasjonsnummer {number}.",
        "Another producer has organisation number {number}.",
    ),
    "programme.fields_missing": (
        "Noen felt må fylles ut.",
        "Some required fields are empty.",
    ),
    "programme.field_missing": ("Fyll ut dette feltet.", "required"),
    "programme.position_rule": (
        "Skriv et helt tall fra 1 til 10000.",
        "a whole number from 1 to 10000",
    ),
    "programme.area_needs_names": (
        "Et emneområde må ha navn på både bokmål og engelsk.",
        "A subject area needs a name in both languages.",
    ),
    # Loading the programme from files (portal load-programme): the file's own names are kept as given.
    "load.too_large": ("{file} er større enn {mb} MB.", "{file} is larger than {mb} MB."),
    "load.not_utf8": ("{file} er ikke UTF-8-tekst.", "{file} is not UTF-8 text."),
    "load.not_object": (
        "{file}: filen må inneholde ett JSON-objekt.",
        "{file}: the file must hold one JSON object.",
    ),
    "load.unknown_keys": (
        "{file}: ukjente nøkler {keys}; ventet {kinds}.",
        "{file}: unknown keys {keys}; expected {kinds}.",
    ),
    "load.not_list": (
        "{file}: {kind} må være en liste av objekter.",
        "{file}: {kind} must be a list of objects.",
    ),
    "load.unknown_header": (
        "{file}: overskriftsraden passer ikke med noen kjent type (se docs/programme.md for kolonnene).",
        "{file}: the header names no known kind (see docs/programme.md for the columns).",
    ),
    "load.missing": (
        "{kind} nr. {number}: {name} mangler",
        "{kind} item {number}: {name} is missing",
    ),
    "load.text_limit": (
        "{kind} nr. {number}: {name} må være tekst på høyst {limit} tegn",
        "{kind} item {number}: {name} must be text of at most {limit} characters",
    ),
    "load.not_slug": (
        "{kind} nr. {number}: «{slug}» er ikke et gyldig adressenavn",
        "{kind} item {number}: '{slug}' is not a slug",
    ),
    "load.twice": (
        "{kind} nr. {number}: «{slug}» står to ganger",
        "{kind} item {number}: '{slug}' appears twice",
    ),
    "load.org_number": ("{kind} nr. {number}: ni sifre", "{kind} item {number}: nine digits"),
    "load.frequency": (
        "{kind} nr. {number}: hyppigheten må være en av {choices}",
        "{kind} item {number}: frequency is one of {choices}",
    ),
    "load.area_list": (
        "{kind} nr. {number}: en liste av emneområdenes adressenavn",
        "{kind} item {number}: a list of subject-area slugs",
    ),
    "load.no_producer": (
        "{kind} nr. {number}: det finnes ingen produsent «{slug}»",
        "{kind} item {number}: there is no producer '{slug}'",
    ),
    "load.no_area": (
        "{kind} nr. {number}: det finnes ikke noe emneområde «{slug}»",
        "{kind} item {number}: there is no subject area '{slug}'",
    ),
    "load.problems": (
        "Programmet har {n} feil; ingenting ble lastet inn.",
        "The programme has {n} problem{s}; nothing was loaded.",
    ),
}

register_messages(MESSAGES)
