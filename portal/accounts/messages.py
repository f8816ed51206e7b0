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
    "admin.not_saved": ("Endringen ble ikke lagret.", "The change was not saved."),
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

register_messages(MESSAGES)
