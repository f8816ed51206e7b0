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
    "search.count": ("{n} treff", "{n} results"),
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
    "search.next": ("Neste side", "Next page"),
    "search.previous": ("Forrige side", "Previous page"),
}

register_messages(MESSAGES)
