"""Interface strings of the page that makes a year of provisional releases from a rule (issue 20); registered
into portal.kernel.i18n when :mod:`release_calendar.recurring` is imported."""

from portal.kernel.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "rule.title": ("Årsplan fra en regel", "A year's schedule from a rule"),
    "rule.intro": (
        "Velg hvor ofte statistikken publiseres og på hvilken dag, så lager vi foreløpige "
        "publiseringer for et helt år. Du ser dem før de lagres, og enten lagres alle eller ingen. "
        "Datoene kan bekreftes eller flyttes hver for seg etterpå.",
        "Choose how often the statistic is released and on which day, and we make provisional "
        "releases for a whole year. You see them before they are saved, and either all are saved or "
        "none. Each date can be confirmed or moved on its own afterwards.",
    ),
    "rule.statistic": ("Statistikk", "Statistic"),
    "rule.kind": ("Type publisering", "Kind of release"),
    "rule.frequency": ("Hvor ofte", "How often"),
    "rule.freq.weekly": ("Hver uke", "Every week"),
    "rule.freq.monthly": ("Hver måned", "Every month"),
    "rule.freq.quarterly": ("Hvert kvartal", "Every quarter"),
    "rule.freq.yearly": ("Hvert år", "Every year"),
    "rule.anchor": ("Publiseringsdag", "Release day"),
    "rule.anchor.working-day": (
        "Den n-te virkedagen i en måned etter referanseperioden",
        "The n-th working day of a month after the reference period",
    ),
    "rule.anchor.days-after": (
        "n dager etter at referanseperioden er slutt",
        "n days after the end of the reference period",
    ),
    "rule.anchor_hint": (
        "Virkedager er mandag til fredag, unntatt helligdager. En dato som faller på en lørdag, "
        "søndag eller helligdag, flyttes til neste virkedag.",
        "Working days are Monday to Friday, except public holidays. A date that falls on a Saturday, "
        "Sunday or public holiday moves to the next working day.",
    ),
    "rule.n": ("Antall (n)", "Number (n)"),
    "rule.n_hint": (
        "For eksempel 10 for den 10. virkedagen, eller 45 for 45 dager etter referanseperioden.",
        "For example 10 for the 10th working day, or 45 for 45 days after the reference period.",
    ),
    "rule.months_after": ("Hvilken måned etter perioden", "Which month after the period"),
    "rule.months_after_hint": (
        "Gjelder bare virkedager: 1 er måneden rett etter referanseperioden, 2 måneden etter den, "
        "og så videre. For ukestatistikk telles virkedagene i uken etter.",
        "Only for working days: 1 is the month right after the reference period, 2 the month after "
        "that, and so on. For weekly statistics the working days of the following week count.",
    ),
    "rule.time": ("Klokkeslett (norsk tid)", "Time (Oslo time)"),
    "rule.year": ("År", "Year"),
    "rule.year_hint": (
        "Publiseringene som faller i dette året. Datoer som allerede har vært, tas ikke med.",
        "The releases that fall in this year. Dates that have already passed are left out.",
    ),
    "rule.show": ("Vis publiseringene", "Show the releases"),
    "rule.save": ("Lagre {n} foreløpige publiseringer", "Save {n} provisional releases"),
    "rule.save_one": ("Lagre 1 foreløpig publisering", "Save 1 provisional release"),
    "rule.preview_heading": (
        "{n} foreløpige publiseringer i {year}",
        "{n} provisional releases in {year}",
    ),
    "rule.preview_heading_one": (
        "1 foreløpig publisering i {year}",
        "1 provisional release in {year}",
    ),
    "rule.preview_intro": (
        "Kontroller datoene. Ingenting er lagret ennå.",
        "Check the dates. Nothing is saved yet.",
    ),
    "rule.passed": (
        "{n} datoer i {year} har allerede vært og er ikke tatt med.",
        "{n} dates in {year} have already passed and are left out.",
    ),
    "rule.col.date": ("Dato", "Date"),
    "rule.col.weekday": ("Ukedag", "Weekday"),
    "rule.col.period": ("Referanseperiode", "Reference period"),
    "rule.col.label_nb": ("Perioden på bokmål", "The period in Norwegian"),
    "rule.col.label_en": ("Perioden på engelsk", "The period in English"),
    "rule.col.note": ("Merknad", "Note"),
    "rule.date": ("{day}. {month} {year} kl. {time}", "{day} {month} {year} at {time}"),
    "rule.moved_weekend": ("Flyttet fra {day} (helg)", "Moved from {day} (weekend)"),
    "rule.moved_holiday": ("Flyttet fra {day} ({holiday})", "Moved from {day} ({holiday})"),
    "rule.moved_day": ("{weekday} {day}. {month}", "{weekday} {day} {month}"),
    "rule.weekday.0": ("mandag", "Monday"),
    "rule.weekday.1": ("tirsdag", "Tuesday"),
    "rule.weekday.2": ("onsdag", "Wednesday"),
    "rule.weekday.3": ("torsdag", "Thursday"),
    "rule.weekday.4": ("fredag", "Friday"),
    "rule.weekday.5": ("lørdag", "Saturday"),
    "rule.weekday.6": ("søndag", "Sunday"),
    # Field errors
    "rule.choose_statistic": ("Velg en av deres statistikker.", "Choose one of your statistics."),
    "rule.choose": ("Velg et av valgene.", "Choose one of the options."),
    "rule.n_month": (
        "Skriv et helt tall fra 1 til 23: en måned har aldri flere enn 23 virkedager.",
        "Enter a whole number from 1 to 23: a month never has more than 23 working days.",
    ),
    "rule.n_week": (
        "Skriv et helt tall fra 1 til 5: en uke har aldri flere enn 5 virkedager.",
        "Enter a whole number from 1 to 5: a week never has more than 5 working days.",
    ),
    "rule.n_days": (
        "Skriv et helt tall fra 1 til {max}.",
        "Enter a whole number from 1 to {max}.",
    ),
    "rule.too_few": (
        "{span} har bare {count} virkedager. Velg et lavere tall.",
        "{span} has only {count} working days. Choose a lower number.",
    ),
    "rule.months_after_range": (
        "Skriv et helt tall fra 1 til {max}.",
        "Enter a whole number from 1 to {max}.",
    ),
    "rule.bad_time": (
        "Skriv klokkeslettet som TT:MM, for eksempel 08:00.",
        "Write the time as HH:MM, for example 08:00.",
    ),
    "rule.year_range": (
        "Velg et år fra {first} til {last}.",
        "Choose a year from {first} to {last}.",
    ),
    "rule.none_left": (
        "Regelen gir ingen publiseringer fram i tid i {year}.",
        "The rule gives no releases still to come in {year}.",
    ),
    # Saving
    "rule.refused": (
        "Ingenting er lagret: {n} av publiseringene kan ikke varsles. Se merknaden ved hver av dem.",
        "Nothing was saved: {n} of the releases cannot be announced. See the note beside each.",
    ),
    "rule.saved": (
        "{n} foreløpige publiseringer er lagret:",
        "{n} provisional releases are saved:",
    ),
    "rule.saved_one": ("1 foreløpig publisering er lagret:", "1 provisional release is saved:"),
}

register_messages(MESSAGES)
