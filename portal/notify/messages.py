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
    # How often.
    "alert.freq.immediate": ("Med en gang", "At once"),
    "alert.freq.daily": ("Samlet én gang om dagen", "Gathered once a day"),
    "alert.freq.weekly": ("Samlet én gang i uken", "Gathered once a week"),
    "alert.freq_hint.immediate": (
        "En e-post for hver endring, straks den er offentlig.",
        "One e-mail for each change, as soon as it is public.",
    ),
    "alert.freq_hint.daily": (
        "Én e-post om morgenen med gårsdagens endringer.",
        "One e-mail in the morning with the previous day's changes.",
    ),
    "alert.freq_hint.weekly": (
        "Én e-post mandag morgen med ukens endringer.",
        "One e-mail on Monday morning with the week's changes.",
    ),
    # The pages (portal/notify/pages.py).
    "alert.link": ("Få varsel på e-post", "Get alerts by e-mail"),
    "alert.unknown_topic": (
        "Vi fant ikke det du ville ha varsler om. Gå til siden du vil ha varsler om, og velg «Få varsel på e-post» der.",
        "We could not find what you wanted alerts about. Go to the page you want alerts about and choose “Get alerts by e-mail” there.",
    ),
    "alert.page.new_title": ("Få varsel på e-post", "Get alerts by e-mail"),
    "alert.page.new_lead": (
        "Vi sender deg en e-post når det skjer noe med {about}: nye publiseringer som varsles, endrede datoer, avlysninger, publiseringer og rettelser.",
        "We send you an e-mail when something happens to {about}: new releases announced, changed dates, cancellations, releases and corrections.",
    ),
    "alert.page.email": ("E-postadresse", "E-mail address"),
    "alert.page.email_hint": (
        "Vi sender en lenke hit som du må følge for å bekrefte.",
        "We send a link here that you must follow to confirm.",
    ),
    "alert.page.frequency": ("Hvor ofte vil du ha e-post?", "How often do you want e-mail?"),
    "alert.page.consent_heading": ("Dette lagrer vi", "What we keep"),
    "alert.page.consent": (
        "Vi lagrer e-postadressen din, språket, hva du vil ha varsler om og hvor ofte, og når du bekrefter, tidspunktet for det. Vi bruker det bare til å sende deg disse varslene. Du kan melde deg av med lenken i hver e-post, og da sletter vi adressen din.",
        "We keep your e-mail address, the language, what you want alerts about and how often, and when you confirm, the time you did. We use it only to send you these alerts. You can unsubscribe with the link in every e-mail, and then we delete your address.",
    ),
    "alert.page.privacy_more": ("Les mer om personvern", "Read more about privacy"),
    "alert.page.submit": ("Send meg en bekreftelse", "Send me a confirmation"),
    "alert.page.sent_title": ("Sjekk e-posten din", "Check your e-mail"),
    "alert.page.sent": (
        "Hvis adressen kan motta e-post, får du snart en e-post fra oss med en lenke. Følg lenken for å bekrefte varslene om {about}. Før du har bekreftet, sender vi ingenting annet.",
        "If the address can receive e-mail, you will soon get an e-mail from us with a link. Follow the link to confirm the alerts about {about}. Until you confirm, we send nothing else.",
    ),
    "alert.page.sent_missing": (
        "Finner du ikke e-posten, kan du se i mappen for søppelpost. Lenken virker i sju dager.",
        "If you cannot find the e-mail, look in your spam folder. The link works for seven days.",
    ),
    "alert.page.back": ("Tilbake til {name}", "Back to {name}"),
    "alert.page.confirm_title": ("Bekreft varslene", "Confirm the alerts"),
    "alert.page.confirm_lead": (
        "Du er i ferd med å bekrefte varsler på e-post om {about}, {frequency}.",
        "You are about to confirm alerts by e-mail about {about}, {frequency}.",
    ),
    "alert.page.confirm_button": ("Bekreft varslene", "Confirm the alerts"),
    "alert.page.confirmed_title": ("Varslene er bekreftet", "The alerts are confirmed"),
    "alert.page.confirmed": (
        "Du får nå varsler på e-post om {about}, {frequency}.",
        "You will now get alerts by e-mail about {about}, {frequency}.",
    ),
    "alert.page.manage_link": ("Se og endre varslene dine", "See and change your alerts"),
    "alert.page.manage_title": ("Varslene dine", "Your alerts"),
    "alert.page.manage_lead": (
        "Dette er varslene som går til {email}. Her kan du endre hvor ofte du får e-post, eller slette varsler.",
        "These are the alerts sent to {email}. Here you can change how often you get e-mail, or delete alerts.",
    ),
    "alert.page.caption": ("Varsler til {email}", "Alerts to {email}"),
    "alert.page.about": ("Varsler om", "Alerts about"),
    "alert.page.how_often": ("Hvor ofte", "How often"),
    "alert.page.state": ("Status", "Status"),
    "alert.page.waiting": ("Venter på bekreftelse", "Waiting for confirmation"),
    "alert.page.active": ("Bekreftet {when}", "Confirmed {when}"),
    "alert.page.frequency_of": ("Hvor ofte: {about}", "How often: {about}"),
    "alert.page.save": ("Lagre", "Save"),
    "alert.page.save_for": ("Lagre hvor ofte for {about}", "Save how often for {about}"),
    "alert.page.delete": ("Slett", "Delete"),
    "alert.page.delete_for": ("Slett varslene om {about}", "Delete the alerts about {about}"),
    "alert.page.saved": ("Endringen er lagret.", "The change is saved."),
    "alert.page.deleted_one": ("Varselet er slettet.", "The alert is deleted."),
    "alert.page.delete_all_heading": ("Slett alt", "Delete everything"),
    "alert.page.delete_all_text": (
        "Sletter alle varslene og e-postadressen din. Vi sender ikke flere e-poster til deg.",
        "Deletes every alert and your e-mail address. We send you no more e-mails.",
    ),
    "alert.page.delete_all": (
        "Slett alle varslene og adressen min",
        "Delete all alerts and my address",
    ),
    "alert.page.all_deleted_title": ("Alt er slettet", "Everything is deleted"),
    "alert.page.all_deleted": (
        "Vi har slettet varslene dine og e-postadressen din. Du får ikke flere e-poster fra oss.",
        "We have deleted your alerts and your e-mail address. You will get no more e-mails from us.",
    ),
    "alert.page.unsubscribe_title": ("Meld deg av", "Unsubscribe"),
    "alert.page.unsubscribe_lead": (
        "Vil du slutte å få varsler om {about}?",
        "Do you want to stop getting alerts about {about}?",
    ),
    "alert.page.unsubscribe_button": ("Meld meg av", "Unsubscribe me"),
    "alert.page.unsubscribed_title": ("Du er meldt av", "You are unsubscribed"),
    "alert.page.unsubscribed": (
        "Du får ikke flere varsler om {about}. Var dette det siste du abonnerte på, har vi også slettet e-postadressen din.",
        "You will get no more alerts about {about}. If this was the last thing you subscribed to, we have also deleted your e-mail address.",
    ),
    # The privacy page.
    "privacy.link": ("Personvern", "Privacy"),
    "privacy.title": ("Personvern", "Privacy"),
    "privacy.description": (
        "Hva Statistikkportalen lagrer om deg, hvorfor og hvor lenge.",
        "What Statistikkportalen keeps about you, why and for how long.",
    ),
    "privacy.lead": (
        "Statistikkportalen bruker ingen sporing og ingen informasjonskapsler til analyse. Her står hva vi lagrer, hvorfor og hvor lenge.",
        "Statistikkportalen uses no tracking and no cookies for analytics. Here is what we keep, why and for how long.",
    ),
    "privacy.visits_heading": ("Når du besøker nettstedet", "When you visit the website"),
    "privacy.visits": (
        "Vi lagrer ikke IP-adresser. Loggene våre har bare nettverksdelen av adressen, og telleren som begrenser hvor mange forespørsler en maskin kan sende, bruker et tall som ikke kan føres tilbake til adressen.",
        "We store no IP addresses. Our logs keep only the network part of the address, and the counter that limits how many requests a machine can send uses a number that cannot be traced back to the address.",
    ),
    "privacy.alerts_heading": ("Varsler på e-post", "Alerts by e-mail"),
    "privacy.alerts_what": (
        "Når du bestiller varsler, lagrer vi e-postadressen din, språket du vil ha e-posten på, hva du vil ha varsler om, hvor ofte, og når du bekreftet.",
        "When you ask for alerts, we keep your e-mail address, the language you want the e-mail in, what you want alerts about, how often, and when you confirmed.",
    ),
    "privacy.alerts_why": (
        "Vi bruker dette bare til å sende deg varslene du har bedt om, og til å vise at du har samtykket. Vi sender ingenting før du har bekreftet med lenken i den første e-posten.",
        "We use this only to send you the alerts you asked for, and to show that you consented. We send nothing before you confirm with the link in the first e-mail.",
    ),
    "privacy.alerts_how_long": (
        "Vi lagrer opplysningene til du melder deg av. Når du melder deg av det siste varselet, eller sletter alt på siden for varslene dine, sletter vi e-postadressen din.",
        "We keep the information until you unsubscribe. When you unsubscribe from your last alert, or delete everything on the page for your alerts, we delete your e-mail address.",
    ),
    "privacy.alerts_log": (
        "Loggen over e-poster vi har sendt, har ikke e-postadressen, bare en kode regnet ut fra den (en hash), slik at vi kan se om sendingen virket uten å vite hvem den gikk til.",
        "The log of e-mails we have sent holds no e-mail address, only a code computed from it (a hash), so that we can see whether sending worked without knowing who it went to.",
    ),
    "privacy.alerts_no_tracking": (
        "E-postene har ingen sporingspiksler, og lenkene i dem går rett til sidene våre uten omveier.",
        "The e-mails have no tracking pixels, and their links go straight to our pages without detours.",
    ),
    "privacy.alerts_manage": (
        "Hver e-post med varsler har en lenke til siden der du ser og endrer varslene dine, og en lenke som melder deg av med ett klikk.",
        "Every e-mail with alerts has a link to the page where you see and change your alerts, and a link that unsubscribes you with one click.",
    ),
    # The administrators' delivery log.
    "admin.alerts": ("Varsler på e-post", "Alerts by e-mail"),
    "admin.alerts_intro": (
        "E-postene som er sendt og som venter. Loggen har ingen e-postadresser, bare en hash av hver.",
        "The e-mails sent and waiting. The log holds no e-mail addresses, only a hash of each.",
    ),
    "admin.alerts_counts": ("Antall etter status", "Count by status"),
    "admin.alerts_caption": ("De siste {n} e-postene", "The latest {n} e-mails"),
    "admin.alerts_kind": ("Type", "Kind"),
    "admin.alerts_status": ("Status", "Status"),
    "admin.alerts_attempts": ("Forsøk", "Attempts"),
    "admin.alerts_error": ("Siste feil", "Last error"),
    "admin.alerts_created": ("Lagt i kø", "Queued"),
    "admin.alerts_next": ("Neste forsøk", "Next attempt"),
    "admin.alerts_sent": ("Sendt", "Sent"),
    "admin.alerts_address": ("Adresse (hash)", "Address (hash)"),
    "admin.alerts_none": ("Ingen e-poster ennå.", "No e-mails yet."),
    "admin.alerts_all": ("Alle", "All"),
    "admin.alerts_show": ("Vis", "Show"),
    "alert.kind.confirm": ("bekreftelse", "confirmation"),
    "alert.kind.alert": ("varsel", "alert"),
    "alert.kind.digest": ("samlet varsel", "digest"),
    "alert.status.queued": ("i kø", "queued"),
    "alert.status.sent": ("sendt", "sent"),
    "alert.status.dead": ("gitt opp", "given up"),
    "alert.status.dropped": ("ikke sendt", "not sent"),
}

register_messages(MESSAGES)
