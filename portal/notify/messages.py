"""The alerts' words (nb, en): e-mails, refusals and what subscriptions are about."""

from portal.kernel.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "alert.bad_email": (
        "Skriv en e-postadresse, for eksempel navn@eksempel.no.",
        "Write an e-mail address, such as name@example.com.",
    ),
    "alert.bad_topic": (
        "Det finnes ikke varsler om dette. Gå til siden du vil ha varsler om, og velg «Få varsel på e-post» der.",
        "There are no alerts about this. Go to the page you want alerts about and choose “Get alerts by e-mail” there.",
    ),
    "alert.bad_frequency": (
        "Velg hvor ofte du vil ha e-post.",
        "Choose how often you want e-mail.",
    ),
    "alert.link_gone": (
        "Lenken virker ikke lenger: abonnementet er slettet, eller lenken er for gammel. Du kan abonnere på nytt fra siden du vil ha varsler om.",
        "The link no longer works: the subscription is deleted, or the link is too old. You can subscribe again from the page you want alerts about.",
    ),
    # What a subscription is about.
    "alert.topic.statistic": ("statistikken {name}", "the statistic {name}"),
    "alert.topic.producer": ("statistikk fra {name}", "statistics from {name}"),
    "alert.topic.subject": ("statistikk om {name}", "statistics on {name}"),
    "alert.topic.table": ("tabellen {name}", "the table {name}"),
    "alert.topic.codelist": ("kodelisten {name}", "the code list {name}"),
    "alert.topic.savedquery": ("den lagrede spørringen {name}", "the saved query {name}"),
    "alert.topic.calendar": ("alt i publiseringskalenderen", "everything in the release calendar"),
    # The e-mails.
    "alert.mail.confirm_subject": (
        "Bekreft varsler fra Statistikkportalen",
        "Confirm alerts from Statistikkportalen",
    ),
    "alert.mail.confirm_intro": (
        "Noen, trolig du, har bedt om varsler på e-post om {about}. Følg lenken for å bekrefte. Før du har bekreftet, sender vi ingenting.",
        "Someone, probably you, asked for alerts by e-mail about {about}. Follow the link to confirm. Until you confirm, we send nothing.",
    ),
    "alert.mail.confirm_button": ("Bekreft varslene", "Confirm the alerts"),
    "alert.mail.confirm_ignore": (
        "Har du ikke bedt om dette, kan du se bort fra e-posten. Lenken virker i sju dager.",
        "If you did not ask for this, ignore this e-mail. The link works for seven days.",
    ),
    "alert.mail.subject": ("Varsel: {title}", "Alert: {title}"),
    "alert.mail.digest_subject": (
        "Varsler fra Statistikkportalen: {n} endringer",
        "Alerts from Statistikkportalen: {n} changes",
    ),
    "alert.mail.intro": ("Nytt om {about}:", "News about {about}:"),
    "alert.mail.footer": (
        "Du får denne e-posten fordi du abonnerer på varsler om {about} fra Statistikkportalen.",
        "You get this e-mail because you subscribe to alerts about {about} from Statistikkportalen.",
    ),
    "alert.mail.manage": ("Se og endre varslene dine:", "See and change your alerts:"),
    "alert.mail.unsubscribe": ("Avslutt dette abonnementet:", "End this subscription:"),
}

register_messages(MESSAGES)
