"""Interface strings of the search page (nb, en); registered into portal.kernel.i18n when the domain is imported."""

from portal.kernel.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "search.title": ("Søk", "Search"),
    "search.label": ("Søk i all offisiell statistikk", "Search all official statistics"),
    "search.button": ("Søk", "Search"),
    "search.intro": (
        "Søk i statistikker, publiseringer, «Om statistikken», tabeller, kodelister og produsenter, "
        "på norsk eller engelsk.",
        "Search statistics, releases, “About the statistics”, tables, code lists and producers, in "
        "Norwegian or English.",
    ),
    "search.count.one": ("{n} treff", "{n} result"),
    "search.count.other": ("{n} treff", "{n} results"),
    "search.none": ("Ingen treff på «{q}».", "Nothing matches “{q}”."),
    "search.empty": (
        "Skriv ett eller flere ord, for eksempel «konsumprisindeks», «arbeidsledighet» eller «kommune».",
        "Type one or more words, for example “consumer price index”, “unemployment” or “municipality”.",
    ),
    "search.did_you_mean": ("Mente du", "Did you mean"),
    "search.showing_for": (
        "Ingen treff på «{q}». Viser treff for «{c}».",
        "Nothing matches “{q}”. Showing results for “{c}”.",
    ),
    "search.suggestions": ("Forslag", "Suggestions"),
    "search.filter": ("Avgrens", "Narrow down"),
    "search.all": ("Alle", "All"),
    "search.timed_out": (
        "Søket tok for lang tid og ble stanset. Prøv færre eller mer presise ord.",
        "The search took too long and was stopped. Try fewer or more specific words.",
    ),
    "search.kind.statistic": ("Statistikk", "Statistic"),
    "search.kind.table": ("Tabell", "Table"),
    "search.kind.release": ("Publisering", "Release"),
    "search.kind.note": ("Publisert nyhet", "Release note"),
    "search.kind.about": ("Om statistikken", "About the statistics"),
    "search.kind.codelist": ("Kodeliste", "Code list"),
    "search.kind.producer": ("Produsent", "Producer"),
    "search.kind.subject": ("Emne", "Subject area"),
    "search.producer": ("Produsent", "Producer"),
    "search.kind": ("Type", "Kind"),
    "search.subject": ("Emne", "Subject area"),
    "search.sort": ("Sorter etter", "Sort by"),
    "search.sort.relevance": ("Relevans", "Relevance"),
    "search.sort.date": ("Dato, nyeste først", "Date, newest first"),
    "search.next_release": ("Neste publisering", "Next release"),
    "search.latest_release": ("Siste publisering", "Latest release"),
    "search.also_for": ("Søket tok også med «{words}».", "Also searched for “{words}”."),
    "search.next": ("Neste side", "Next page"),
    "search.previous": ("Forrige side", "Previous page"),
    # Refusals (issue 20): English as the API answers by default, Norwegian for pages and nb clients.
    "search.q_too_long": ("Søketeksten kan ha høyst 200 tegn.", "q may be at most 200 characters."),
    "search.too_long": ("for lang", "too long"),
    "search.unknown_kind": ("Ukjent type «{kind}».", "Unknown kind '{kind}'."),
    "search.one_of": ("Velg en av: {choices}.", "one of {choices}"),
    "search.unknown_sort": ("Ukjent sortering «{sort}».", "Unknown sort '{sort}'."),
    "search.page_number": ("Sidetallet må være et helt tall.", "page must be a whole number."),
    "search.not_a_number": ("ikke et tall", "not a number"),
    "search.catalogue_formats": (
        "Katalogen finnes som {formats}; be om ett av dem.",
        "The catalogue is served as {formats}; ask for one of them.",
    ),
    "search.catalogue_at": ("Katalogen ligger på {paths}.", "The catalogue is at {paths}."),
    "search.no_sitemap": ("Det finnes ikke noe slikt nettstedskart.", "There is no such sitemap."),
    # The synonym list and its administration page (issue 18).
    "synonyms.title": ("Synonymer og forkortelser", "Synonyms and abbreviations"),
    "synonyms.intro": (
        "Et søk etter ordet til venstre finner også det som står til høyre. Endringer gjelder fra neste "
        "søk.",
        "A search for the word on the left also finds what is on the right. Changes apply from the "
        "next search.",
    ),
    "synonyms.caption": ("{n} synonymer", "{n} synonyms"),
    "synonyms.term": ("Søkeord", "Search word"),
    "synonyms.term_hint": (
        "Ordet eller forkortelsen folk skriver, for eksempel «KPI».",
        "The word or abbreviation people type, for example “KPI”.",
    ),
    "synonyms.expansion": ("Finner også", "Also finds"),
    "synonyms.expansion_hint": (
        "Det portalen kaller det, for eksempel «konsumprisindeks».",
        "What the portal calls it, for example “konsumprisindeks”.",
    ),
    "synonyms.save": ("Lagre", "Save"),
    "synonyms.delete": ("Slett", "Delete"),
    "synonyms.add": ("Legg til synonym", "Add a synonym"),
    "synonyms.added": ("Synonymet «{term}» er lagt til.", "The synonym “{term}” was added."),
    "synonyms.saved": ("Synonymet «{term}» er lagret.", "The synonym “{term}” was saved."),
    "synonyms.deleted": ("Synonymet er slettet.", "The synonym was deleted."),
    "synonyms.only_admin": (
        "Bare portalens administratorer kan endre synonymlisten.",
        "Only portal administrators may change the synonym list.",
    ),
    "synonyms.invalid": ("Synonymet ble ikke lagret.", "The synonym was not saved."),
    "synonyms.required": ("Fyll ut feltet.", "Fill in this field."),
    "synonyms.too_long": ("Kan ha høyst {n} tegn.", "At most {n} characters."),
    "synonyms.same": (
        "Skriv et annet ord enn søkeordet.",
        "Write a word other than the search word.",
    ),
    "synonyms.taken": ("«{term}» står allerede i listen.", "“{term}” is already in the list."),
    "synonyms.not_found": ("Fant ikke synonymet.", "No such synonym."),
}

register_messages(MESSAGES)
