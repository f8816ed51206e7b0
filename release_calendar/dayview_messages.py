"""Interface strings of the cross-producer day view (issue 20), nb and en; registered into
portal.kernel.i18n when :mod:`release_calendar.dayview` is imported."""

from portal.kernel.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "dayview.title": ("Publiseringer samme dag", "Releases on the same day"),
    "dayview.heading": ("Publiseringer {date}", "Releases on {date}"),
    "dayview.intro": (
        "Her ser du alle publiseringer som produsentene har satt opp på en dag, både foreløpige og "
        "bekreftede, slik at dere kan unngå å publisere samtidig med andre. Avlyste publiseringer og "
        "publiseringer som bare har måned eller kvartal, er ikke med.",
        "All releases the producers have set for a day, provisional and confirmed, so that you can "
        "avoid releasing at the same time as others. Cancelled releases and releases with only a month "
        "or a quarter are not included.",
    ),
    "dayview.count.none": (
        "Ingen publiseringer er satt opp denne dagen.",
        "No releases are set for this day.",
    ),
    "dayview.count.one": (
        "1 publisering er satt opp denne dagen.",
        "1 release is set for this day.",
    ),
    "dayview.count.many": (
        "{n} publiseringer er satt opp denne dagen.",
        "{n} releases are set for this day.",
    ),
    "dayview.hour.none": (
        "Ingen av dem er mellom kl. {start} og {end}.",
        "None of them is between {start} and {end}.",
    ),
    "dayview.hour.one": (
        "1 av dem er mellom kl. {start} og {end}.",
        "1 of them is between {start} and {end}.",
    ),
    "dayview.hour.many": (
        "{n} av dem er mellom kl. {start} og {end}.",
        "{n} of them are between {start} and {end}.",
    ),
    "dayview.same.none": (
        "Ingen av dem gjelder samme emne ({areas}).",
        "None of them is in the same subject area ({areas}).",
    ),
    "dayview.same.one": (
        "1 av dem gjelder samme emne ({areas}).",
        "1 of them is in the same subject area ({areas}).",
    ),
    "dayview.same.many": (
        "{n} av dem gjelder samme emne ({areas}).",
        "{n} of them are in the same subject area ({areas}).",
    ),
    "dayview.left_out": (
        "Denne publiseringen er ikke regnet med.",
        "This release is not counted.",
    ),
    "dayview.same_area": ("Samme emne", "Same subject area"),
    "dayview.in_hour": ("Samme time", "Same hour"),
    "dayview.link": (
        "Se hva annet som publiseres denne dagen",
        "See what else is released that day",
    ),
    "dayview.new_tab": ("(åpnes i ny fane)", "(opens in a new tab)"),
    "dayview.public_day": (
        "Se dagen i den offentlige kalenderen",
        "See the day in the public calendar",
    ),
    "dayview.col.time": ("Kl.", "Time"),
    "dayview.col.producer": ("Produsent", "Producer"),
    "dayview.col.statistic": ("Statistikk", "Statistic"),
    "dayview.col.status": ("Status", "Status"),
    "dayview.col.same": ("Samme emne", "Same subject area"),
    "dayview.yes": ("Ja", "Yes"),
    "dayview.form.date": ("Dato", "Date"),
    "dayview.form.time": ("Klokkeslett (norsk tid)", "Time (Oslo)"),
    "dayview.form.time_hint": (
        "Valgfritt. Viser hvor mange som publiseres i samme time.",
        "Optional. Shows how many are released in the same hour.",
    ),
    "dayview.form.statistic": ("Statistikken dere planlegger", "The statistic you are planning"),
    "dayview.form.statistic_hint": (
        "Valgfritt. Publiseringer i samme emne blir merket.",
        "Optional. Releases in the same subject area are marked.",
    ),
    "dayview.form.no_statistic": ("Ingen valgt", "None chosen"),
    "dayview.form.show": ("Vis dagen", "Show the day"),
    "dayview.bad_date": (
        "Datoen «{given}» finnes ikke. Skriv den som år-måned-dag, for eksempel 2027-03-15.",
        "The date “{given}” does not exist. Write it as year-month-day, for example 2027-03-15.",
    ),
    "dayview.bad_time": (
        "Klokkeslettet «{given}» finnes ikke. Skriv det som timer og minutter, for eksempel 08:00.",
        "The time “{given}” does not exist. Write it as hours and minutes, for example 08:00.",
    ),
    "dayview.unknown_statistic": (
        "Vi finner ingen statistikk med kortnavnet «{given}».",
        "There is no statistic with the short name “{given}”.",
    ),
    "dayview.unknown_area": (
        "Vi finner ikke noe emne med kortnavnet «{given}».",
        "There is no subject area with the short name “{given}”.",
    ),
    "dayview.bad_release": (
        "«{given}» er ikke et nummer på en publisering.",
        "“{given}” is not the number of a release.",
    ),
}

register_messages(MESSAGES)
