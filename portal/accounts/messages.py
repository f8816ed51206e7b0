"""Interface strings of the administration pages and the password page: key: (nb, en)."""

from __future__ import annotations

from portal.kernel.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "admin.title": ("Administrasjon", "Administration"),
    "admin.intro": (
        "Her forvalter du produsenter, emneområder, statistikker, brukere, API-nøkler og endringsloggen.",
        "Manage producers, subject areas, statistics, users, API tokens and the audit log here.",
    ),
    "admin.forbidden": (
        "Denne siden er bare for administratorer.",
        "This page is for administrators only.",
    ),
    "admin.no_user": ("Det finnes ingen slik bruker.", "There is no such user."),
    "admin.no_subject_area": (
        "Det finnes ikke noe slikt emneområde.",
        "There is no such subject area.",
    ),
    "admin.producers": ("Produsenter", "Producers"),
    "admin.producers_caption": ("{n} produsenter", "{n} producers"),
    "admin.subject_areas": ("Emneområder", "Subject areas"),
    "admin.areas_caption": ("{n} emneområder", "{n} subject areas"),
    "admin.statistics": ("Statistikker", "Statistics"),
    "admin.statistics_caption": ("{n} statistikker", "{n} statistics"),
    "admin.statistics_help": (
        "Velg en statistikk for å endre navn, beskrivelse eller emneområder (flytte den). "
        "En statistikk som legges ned beholder sidene og historikken sin.",
        "Choose a statistic to change its names, description or subject areas (to move it). "
        "A retired statistic keeps its pages and history.",
    ),
    "admin.users": ("Brukere", "Users"),
    "admin.users_caption": ("{n} brukere", "{n} users"),
    "admin.tokens": ("API-nøkler", "API tokens"),
    "admin.tokens_caption": ("{n} nøkler", "{n} tokens"),
    "admin.audit": ("Endringslogg", "Audit log"),
    "admin.audit_caption": ("{n} siste endringer", "The {n} latest changes"),
    "admin.audit_actor": ("Hvem (del av navn)", "Who (part of the name)"),
    "admin.audit_kind": ("Type objekt", "Kind of object"),
    "admin.audit_change": ("Endring", "Change"),
    "admin.from": ("Fra dato", "From date"),
    "admin.to": ("Til dato", "To date"),
    "admin.older": ("Eldre endringer", "Older changes"),
    "admin.short_name": ("Kortnavn", "Short name"),
    "admin.name": ("Navn", "Name"),
    "admin.email": ("E-postadresse", "E-mail address"),
    "admin.role": ("Rolle", "Role"),
    "admin.producer": ("Produsent", "Producer"),
    "admin.producer_hint": (
        "Redaktører og produsentadministratorer hører til én produsent; portaladministratorer til ingen.",
        "Editors and producer administrators belong to one producer; portal administrators to none.",
    ),
    "admin.no_producer": ("Ingen (portaladministrator)", "None (portal administrator)"),
    "admin.org_number": ("Organisasjonsnummer", "Organisation number"),
    "admin.org_number_hint": (
        "Ni siffer, fra Enhetsregisteret. Kan stå tomt.",
        "Nine digits, from Enhetsregisteret. May be left empty.",
    ),
    "admin.website": ("Nettsted", "Web site"),
    "admin.slug": ("Adressenavn", "Address name (slug)"),
    "admin.slug_hint": (
        "Små bokstaver a–z, sifre og bindestrek. Brukes i adressen og kan ikke endres senere.",
        "Lower-case letters a–z, digits and hyphens. Used in the address; it cannot be changed later.",
    ),
    "admin.position": ("Plassering", "Position"),
    "admin.position_hint": ("Tom: sist i listen.", "Empty: last in the list."),
    "admin.state": ("Status", "State"),
    "admin.active": ("aktiv", "active"),
    "admin.disabled": ("deaktivert", "disabled"),
    "admin.retired_since": ("lagt ned {when}", "retired {when}"),
    "admin.all": ("Alle", "All"),
    "admin.filter": ("Vis", "Show"),
    "admin.actions": ("Handlinger", "Actions"),
    "admin.create": ("Opprett", "Create"),
    "admin.new_producer": ("Ny produsent", "New producer"),
    "admin.new_subject_area": ("Nytt emneområde", "New subject area"),
    "admin.public_page": ("Offentlig side", "Public page"),
    "admin.retirement": ("Legge ned", "Retirement"),
    "admin.retire": ("Legg ned", "Retire"),
    "admin.reinstate": ("Gjenopprett", "Reinstate"),
    "admin.retire_producer_help": (
        "En nedlagt produsent beholder historikken og de offentlige sidene sine, men brukerne og "
        "API-nøklene kan ikke lenger publisere.",
        "A retired producer keeps its history and public pages, but its users and API tokens can no "
        "longer publish.",
    ),
    "admin.retire_area_help": (
        "Statistikkene beholder et nedlagt emneområde, men ingen statistikk kan legges til under det.",
        "Statistics keep a retired subject area, but no statistic can be filed under it anew.",
    ),
    "admin.invite": ("Inviter en bruker", "Invite a user"),
    "admin.invite_help": (
        "Brukeren får en lenke som virker én gang i 72 timer, og velger passordet sitt selv. "
        "Send lenken på en trygg måte.",
        "The user gets a link that works once for 72 hours and chooses their own password. "
        "Send the link safely.",
    ),
    "admin.invite_button": ("Inviter", "Invite"),
    "admin.invited": (
        "{email} er invitert. Send denne lenken til brukeren (virker én gang, til {when}):",
        "{email} is invited. Send this link to the user (it works once, until {when}):",
    ),
    "admin.reset_link": (
        "Send denne lenken til {email} (virker én gang, til {when}):",
        "Send this link to {email} (it works once, until {when}):",
    ),
    "admin.search_users": ("Søk i navn og e-post", "Search names and e-mail"),
    "admin.last_login": ("Sist innlogget", "Last login"),
    "admin.change_role": ("Rolle og produsent", "Role and producer"),
    "admin.change_role_help": (
        "Når rollen endres, blir brukeren logget ut overalt.",
        "Changing the role logs the user out everywhere.",
    ),
    "admin.access": ("Tilgang", "Access"),
    "admin.disable": ("Deaktiver brukeren", "Disable the user"),
    "admin.enable": ("Aktiver brukeren igjen", "Enable the user again"),
    "admin.disable_help": (
        "En deaktivert bruker blir logget ut med en gang, og API-nøklene brukeren har laget, trekkes tilbake.",
        "A disabled user is logged out at once, and the API tokens the user created are revoked.",
    ),
    "admin.reset": ("Lag lenke for nytt passord", "Make a link for a new password"),
    "admin.self": (
        "Dette er deg. Be en annen administrator om å endre rollen din eller deaktivere deg.",
        "This is you. Ask another administrator to change your role or disable you.",
    ),
    "admin.created_by": ("Laget av", "Created by"),
    "admin.admin_token": ("(administrasjon)", "(administration)"),
    "admin.new_admin_token": ("Ny administrasjonsnøkkel", "New administration token"),
    "admin.admin_token_help": (
        "En administrasjonsnøkkel gir full tilgang til administrasjons-API-et. Den vises bare én gang.",
        "An administration token gives full access to the administration API. It is shown once.",
    ),
    "admin.demo_banner": (
        "Demokontoer er aktive: passordene deres er offentlige. Ikke bruk denne databasen i drift.",
        "Demo accounts are active: their passwords are public. Do not run this database in production.",
    ),
    "setpw.title": ("Velg passord", "Choose a password"),
    "setpw.gone": (
        "Lenken er ukjent, allerede brukt eller utløpt. Be en administrator om en ny.",
        "This link is unknown, already used or expired. Ask an administrator for a new one.",
    ),
    "setpw.intro": (
        "Velg et passord for {name} ({email}).",
        "Choose a password for {name} ({email}).",
    ),
    "setpw.password": ("Nytt passord", "New password"),
    "setpw.password_hint": ("Minst 12 tegn.", "At least 12 characters."),
    "setpw.confirm": ("Gjenta passordet", "Repeat the password"),
    "setpw.save": ("Lagre passordet", "Save the password"),
    "login.password_set": (
        "Passordet er lagret. Logg inn med det nye passordet.",
        "The password is saved. Log in with the new password.",
    ),
}

# The audit log in words (issue 20): who did what to which object. A sentence for an (action, kind of
# object) pair where the words differ from the general pattern; any other pair is told as
# "{who} {verb} {noun} «{name}»" from the verb of the action and the noun of the kind.
AUDIT_SENTENCES: dict[tuple[str, str], tuple[str, str]] = {
    ("create", "api_token"): (
        "{who} opprettet API-nøkkel «{name}»",
        "{who} created the API token “{name}”",
    ),
    ("revoke", "api_token"): (
        "{who} trakk tilbake API-nøkkel «{name}»",
        "{who} revoked the API token “{name}”",
    ),
    ("create", "user"): ("{who} opprettet brukeren {name}", "{who} created the user {name}"),
    ("invite", "user"): ("{who} inviterte {name}", "{who} invited {name}"),
    ("set-role", "user"): ("{who} endret rollen til {name}", "{who} changed the role of {name}"),
    ("disable", "user"): ("{who} deaktiverte {name}", "{who} disabled {name}"),
    ("enable", "user"): ("{who} aktiverte {name} igjen", "{who} enabled {name} again"),
    ("reset-password", "user"): (
        "{who} lagde en lenke for nytt passord til {name}",
        "{who} made a link for a new password for {name}",
    ),
    ("set-password", "user"): (
        "{who} valgte passord for {name}",
        "{who} set the password of {name}",
    ),
    ("save-draft", "documentation"): (
        "{who} lagret et utkast av «Om statistikken» for «{name}»",
        "{who} saved a draft of “About the statistics” for “{name}”",
    ),
    ("publish", "documentation"): (
        "{who} publiserte «Om statistikken» for «{name}»",
        "{who} published “About the statistics” for “{name}”",
    ),
    ("review", "documentation"): (
        "{who} gjennomgikk «Om statistikken» for «{name}»",
        "{who} reviewed “About the statistics” for “{name}”",
    ),
}

AUDIT_VERBS: dict[str, tuple[str, str]] = {
    "create": ("opprettet", "created"),
    "update": ("endret", "changed"),
    "delete": ("slettet", "deleted"),
    "replace": ("erstattet", "replaced"),
    "announce": ("varslet", "announced"),
    "confirm": ("bekreftet", "confirmed"),
    "cancel": ("avlyste", "cancelled"),
    "correct": ("rettet", "corrected"),
    "publish": ("publiserte", "published"),
    "review": ("gjennomgikk", "reviewed"),
    "revoke": ("trakk tilbake", "revoked"),
    "retire": ("la ned", "retired"),
    "reinstate": ("gjenopprettet", "reinstated"),
    "save-draft": ("lagret et utkast av", "saved a draft of"),
    "add-version": ("la til en versjon i", "added a version to"),
    "put-item": ("endret en kode i", "changed a code in"),
    "delete-item": ("slettet en kode i", "deleted a code in"),
    "define-variant": ("definerte en variant av", "defined a variant of"),
    "define-correspondence": (
        "definerte en korrespondansetabell for",
        "defined a correspondence table for",
    ),
    "other": ("endret", "changed"),
}

#: Each kind of object: (the noun in a sentence nb, en), (its label in the filter nb, en).
AUDIT_NOUNS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "api_token": (("API-nøkkelen", "the API token"), ("API-nøkkel", "API token")),
    "user": (("brukeren", "the user"), ("Bruker", "User")),
    "producer": (("produsenten", "the producer"), ("Produsent", "Producer")),
    "subject_area": (("emneområdet", "the subject area"), ("Emneområde", "Subject area")),
    "statistic": (("statistikken", "the statistic"), ("Statistikk", "Statistic")),
    "search_synonym": (("synonymet", "the synonym"), ("Synonym", "Synonym")),
    "documentation": (
        ("dokumentasjonen til", "the documentation of"),
        ("Om statistikken", "About the statistics"),
    ),
    "release": (("publiseringen", "the release"), ("Publisering", "Release")),
    "code_list": (("kodelisten", "the code list"), ("Kodeliste", "Code list")),
    "table": (("tabellen", "the table"), ("Tabell", "Table")),
    "table_codelist": (
        ("kodelisten til tabellen", "the code list of the table"),
        ("Tabellens kodeliste", "Code list of a table"),
    ),
    "other": (("objektet", "the object"), ("Annet", "Other")),
}

MESSAGES.update(
    {f"audit.{action}.{kind}": texts for (action, kind), texts in AUDIT_SENTENCES.items()}
)
MESSAGES.update({f"audit.verb.{action}": texts for action, texts in AUDIT_VERBS.items()})
MESSAGES.update({f"audit.noun.{kind}": noun for kind, (noun, _) in AUDIT_NOUNS.items()})
MESSAGES.update({f"audit.kind.{kind}": label for kind, (_, label) in AUDIT_NOUNS.items()})
MESSAGES.update(
    {
        "audit.sentence": ("{who} {verb} {noun} «{name}»", "{who} {verb} {noun} “{name}”"),
        "audit.by_token": ("API-nøkkelen «{name}»", "The API token “{name}”"),
        "audit.by_cli": ("Kommandolinjen", "The command line"),
        "audit.someone": ("En bruker som ikke finnes lenger", "A user who no longer exists"),
        "audit.details": ("Detaljer", "Details"),
        "audit.what": ("Hva skjedde", "What happened"),
    }
)

# The producers' API-token page (/min-side/nokler).
MESSAGES.update(
    {
        "tokens.title": ("API-nøkler", "API tokens"),
        "tokens.intro": (
            "Med en API-nøkkel kan systemene deres publisere og oppdatere i portalen gjennom API-et, "
            "med de samme rettighetene som en redaktør hos produsenten. Nøkkelen vises bare én gang, "
            "rett etter at den er laget.",
            "An API token lets your own systems publish and update through the API, with the rights of "
            "an editor at the producer. The token is shown only once, right after it is made.",
        ),
        "tokens.forbidden": (
            "Bare produsentadministratorer og portaladministratorer kan lage og trekke tilbake "
            "API-nøkler.",
            "Only producer administrators and portal administrators can make and revoke API tokens.",
        ),
        "tokens.none": ("Dere har ingen API-nøkler ennå.", "You have no API tokens yet."),
        "tokens.caption": ("{n} API-nøkler", "{n} API tokens"),
        "tokens.new": ("Lag en ny API-nøkkel", "Make a new API token"),
        "tokens.name": ("Navn på nøkkelen", "Name of the token"),
        "tokens.name_hint": (
            "For eksempel navnet på systemet som skal bruke den, så dere vet hvilken nøkkel som er "
            "hvilken. Høyst 100 tegn.",
            "For example the name of the system that will use it, so you can tell the tokens apart. "
            "At most 100 characters.",
        ),
        "tokens.producer": ("Produsent", "Producer"),
        "tokens.producer_hint": (
            "Nøkkelen kan skrive bare for denne produsenten.",
            "The token can write for this producer only.",
        ),
        "tokens.choose": ("Velg produsent", "Choose a producer"),
        "tokens.create": ("Lag nøkkelen", "Make the token"),
        "tokens.created_by": ("Laget av", "Made by"),
        "tokens.by_cli": ("kommandolinjen", "the command line"),
        "tokens.error.name_missing": (
            "Skriv et navn på nøkkelen, for eksempel navnet på systemet som skal bruke den.",
            "Enter a name for the token, for example the name of the system that will use it.",
        ),
        "tokens.error.name_long": (
            "Navnet på nøkkelen kan ha høyst 100 tegn.",
            "The name of the token can have at most 100 characters.",
        ),
        "tokens.error.producer": (
            "Velg hvilken produsent nøkkelen skal skrive for.",
            "Choose which producer the token will write for.",
        ),
        "tokens.error_title": ("Det er et problem", "There is a problem"),
        "tokens.error_prefix": ("Feil:", "Error:"),
        "tokens.created": (
            "API-nøkkelen «{name}» er laget for {producer}.",
            "The API token “{name}” has been made for {producer}.",
        ),
        "tokens.copy_now": (
            "Kopier nøkkelen nå og lagre den trygt i systemet som skal bruke den. Den vises ikke igjen, "
            "og portalen lagrer den ikke.",
            "Copy the token now and keep it safe in the system that will use it. It will not be shown "
            "again, and the portal does not store it.",
        ),
        "tokens.secret": ("Nøkkelen", "The token"),
        "tokens.how": (
            "Systemet sender den i hodet Authorization: Bearer <nøkkelen> til API-et.",
            "The system sends it in the header Authorization: Bearer <the token> to the API.",
        ),
        "tokens.back": ("Til API-nøklene", "To the API tokens"),
        "tokens.revoked": (
            "API-nøkkelen «{name}» er trukket tilbake. Systemer som bruker den, kan ikke lenger skrive.",
            "The API token “{name}” has been revoked. Systems that use it can no longer write.",
        ),
        "tokens.see_revoked": ("Se nøkkelen i listen", "See the token in the list"),
        "tokens.manage": ("Lag og trekk tilbake API-nøkler", "Make and revoke API tokens"),
    }
)

#: The accounts' refusals (issue 20): English as the API has always answered, Norwegian for the pages.
MESSAGES.update(
    {
        "accounts.password_short": (
            "Passordet må ha minst {n} tegn.",
            "A password needs at least {n} characters.",
        ),
        "accounts.only_admin_creates_admin": (
            "Bare portaladministratorer kan opprette portaladministratorer.",
            "Only portal administrators can create portal administrators.",
        ),
        "accounts.only_admin_makes_admin": (
            "Bare portaladministratorer kan gjøre noen til portaladministrator.",
            "Only portal administrators can make portal administrators.",
        ),
        "accounts.only_admin_manages_admin": (
            "Bare portaladministratorer kan forvalte portaladministratorer.",
            "Only portal administrators manage portal administrators.",
        ),
        "accounts.role_needs_producer": (
            "Redaktører og produsentadministratorer hører til en produsent.",
            "Editors and producer administrators belong to a producer.",
        ),
        "accounts.producer_for_role": (
            "Velg en produsent for denne rollen.",
            "Choose a producer for this role.",
        ),
        "accounts.retired_no_users": (
            "{producer} er avviklet og kan ikke få nye brukere.",
            "{producer} is retired and takes no new users.",
        ),
        "accounts.retired_no_tokens": (
            "{producer} er avviklet og kan ikke få nye API-nøkler.",
            "{producer} is retired and takes no new tokens.",
        ),
        "accounts.not_email": (
            "Dette er ikke en e-postadresse.",
            "That is not an e-mail address.",
        ),
        "accounts.name_length": (
            "Navnet må ha fra 1 til 200 tegn.",
            "A user needs a name of 1 to 200 characters.",
        ),
        "accounts.email_taken": (
            "Det finnes allerede en bruker med e-postadressen {email}.",
            "A user with the e-mail {email} exists already.",
        ),
        "accounts.only_admin_admin_tokens": (
            "Bare portaladministratorer kan lage administrasjonsnøkler.",
            "Only portal administrators make administration tokens.",
        ),
        "accounts.token_name_length": (
            "Navnet på nøkkelen må ha fra 1 til 100 tegn.",
            "A token needs a name of 1 to 100 characters.",
        ),
        "accounts.no_token": (
            "Det finnes ingen API-nøkkel {id}.",
            "There is no API token {id}.",
        ),
        "accounts.other_producer": (
            "Dette hører til en annen produsent.",
            "This belongs to another producer.",
        ),
        "accounts.bearer_format": (
            "Send API-nøkkelen i hodet «Authorization: Bearer <nøkkelen>».",
            "Send the API token as 'Authorization: Bearer <token>'.",
        ),
        "accounts.token_unknown": (
            "API-nøkkelen er ukjent eller trukket tilbake.",
            "The API token is unknown or revoked.",
        ),
        "accounts.no_user": ("Det finnes ingen bruker {who}.", "There is no user {who}."),
        "accounts.no_user_named": ("Det finnes ingen bruker «{who}».", "There is no user '{who}'."),
        "accounts.may_not_manage_users": (
            "Rollen din gir ikke lov til å forvalte brukere.",
            "Your role does not allow managing users.",
        ),
        "accounts.may_not_manage_tokens": (
            "Rollen din gir ikke lov til å forvalte API-nøkler.",
            "Your role does not allow managing tokens.",
        ),
        "accounts.link_spent": (
            "Lenken er ukjent, brukt eller utløpt. Be en administrator om en ny.",
            "This link is unknown, used or expired. Ask an administrator for a new one.",
        ),
        "accounts.not_own_role": (
            "Du kan ikke endre din egen rolle. Be en annen administrator om det.",
            "You cannot change your own role; ask another administrator.",
        ),
        "accounts.not_disable_self": (
            "Du kan ikke deaktivere deg selv. Be en annen administrator om det.",
            "You cannot disable yourself; ask another administrator.",
        ),
    }
)

register_messages(MESSAGES)
