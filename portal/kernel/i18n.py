"""Norwegian bokmål and English: the language of a request and the interface's strings.

A page's language comes from its URL (``/`` is nb, ``/en/`` is en), never from a cookie or a header, so
every URL is one language that search engines and links can rely on. Every interface string is a key in
:data:`MESSAGES` with both languages; a test checks that every key used in a template exists here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from markupsafe import Markup

from portal.kernel.clock import in_oslo

LANGUAGES = ("nb", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (nb, en)
    "site.name": ("Statistikkportalen", "Statistics Portal Norway"),
    "site.tagline": (
        "All offisiell statistikk fra Norges 16 statistikkprodusenter, på ett sted.",
        "All official statistics from Norway's 16 producers, in one place.",
    ),
    "nav.skip": ("Hopp til hovedinnhold", "Skip to main content"),
    "nav.main": ("Hovedmeny", "Main menu"),
    "nav.home": ("Forside", "Home"),
    "nav.statistics": ("Statistikker", "Statistics"),
    "nav.api": ("API", "API"),
    "nav.login": ("Logg inn", "Log in"),
    "nav.logout": ("Logg ut", "Log out"),
    "nav.dashboard": ("Min side", "My page"),
    "nav.language": ("Språk", "Language"),
    "nav.breadcrumb": ("Brødsmulesti", "Breadcrumb"),
    "lang.switch": ("English", "Norsk"),
    # Said beside a text a record has in one language only, when the page is in another (issue 18).
    "lang.only_nb": ("bare på bokmål", "only in Norwegian"),
    "lang.only_nn": ("bare på nynorsk", "only in Norwegian (Nynorsk)"),
    "lang.only_en": ("bare på engelsk", "only in English"),
    "nav.calendar": ("Publiseringskalender", "Release calendar"),
    "cal.title": ("Publiseringskalender", "Release calendar"),
    "cal.intro": (
        "Alle kommende publiseringer av offisiell statistikk fra de 16 produsentene. Tider er norsk tid.",
        "Every coming release of official statistics from the 16 producers. Times are Oslo time.",
    ),
    "cal.view": ("Visning", "View"),
    "cal.view.list": ("Liste", "List"),
    "cal.view.day": ("Dag", "Day"),
    "cal.view.week": ("Uke", "Week"),
    "cal.view.month": ("Måned", "Month"),
    "cal.previous": ("Forrige", "Previous"),
    "cal.next": ("Neste", "Next"),
    "cal.period_shown": ("Viser {first} – {last}", "Showing {first} – {last}"),
    "cal.kind": ("Type", "Kind"),
    "cal.status": ("Status", "Status"),
    "cal.from": ("Fra dato", "From date"),
    "cal.to": ("Til dato", "To date"),
    "cal.count": ("{total} publiseringer", "{total} releases"),
    "cal.none": ("Ingen publiseringer passer.", "No releases match."),
    "cal.subscribe": ("Abonner på denne utvalget", "Subscribe to this selection"),
    "cal.ical": ("Kalender (iCal)", "Calendar (iCal)"),
    "cal.atom": ("Atom-strøm", "Atom feed"),
    "cal.rss": ("RSS-strøm", "RSS feed"),
    "cal.json": ("JSON", "JSON"),
    "cal.changes": ("Endringer i kalenderen", "Changes to the calendar"),
    "cal.changes_intro": (
        "Utsatte, framskyndede og avlyste publiseringer, sene varsler og rettelser, nyeste først.",
        "Postponed, brought-forward and cancelled releases, late announcements and corrections, newest first.",
    ),
    "cal.changes_feed": ("Abonner på endringer (Atom)", "Subscribe to changes (Atom)"),
    "cal.when": ("Publiseres", "Release"),
    "cal.period": ("Referanseperiode", "Reference period"),
    "cal.statistic": ("Statistikk", "Statistic"),
    "cal.contents": ("Dette publiseres", "What will be published"),
    "cal.release_note": ("Publisert", "Published"),
    "cal.not_yet": (
        "Tallene er ikke publisert ennå. De blir tilgjengelige for alle samtidig, {when}.",
        "The figures are not published yet. They become available to everyone at the same time, {when}.",
    ),
    "cal.late": ("Sent varslet", "Announced late"),
    "cal.late_explained": (
        "Datoen ble bekreftet mindre enn tre måneder før publisering. Begrunnelse:",
        "The date was confirmed less than three months before release. Justification:",
    ),
    "cal.brought_forward": ("Framskyndet", "Brought forward"),
    "cal.corrected": ("Rettet", "Corrected"),
    "cal.cancelled_because": ("Avlyst. Begrunnelse:", "Cancelled. Reason:"),
    "cal.history": ("Endringshistorikk", "Change history"),
    "cal.history.when": ("Endret", "Changed"),
    "cal.history.what": ("Hendelse", "Event"),
    "cal.history.old": ("Tidligere tid", "Previous time"),
    "cal.history.new": ("Ny tid", "New time"),
    "cal.history.reason": ("Begrunnelse", "Reason"),
    "cal.pra": ("Tilgang før publisering", "Pre-release access"),
    "cal.pra_none": (
        "Ingen utenfor produksjonen hadde tilgang før publisering.",
        "Nobody outside production had access before release.",
    ),
    "cal.pra_hours": ("{hours} timer før", "{hours} hours before"),
    "cal.corrections": ("Rettelser", "Corrections"),
    "cal.correction_wrong": ("Hva var feil", "What was wrong"),
    "cal.correction_changed": ("Hva er endret", "What has changed"),
    "cal.upcoming": ("Kommende publiseringer", "Coming releases"),
    "cal.published": ("Siste publiseringer", "Latest releases"),
    "cal.no_upcoming": (
        "Ingen kommende publiseringer er varslet.",
        "No coming releases are announced.",
    ),
    "status.provisional": ("Foreløpig dato", "Provisional date"),
    "status.confirmed": ("Bekreftet", "Confirmed"),
    "status.postponed": ("Utsatt", "Postponed"),
    "status.published": ("Publisert", "Published"),
    "status.cancelled": ("Avlyst", "Cancelled"),
    "kind.new-figures": ("Nye tall", "New figures"),
    "kind.preliminary": ("Foreløpige tall", "Preliminary figures"),
    "kind.final": ("Endelige tall", "Final figures"),
    "kind.planned-revision": ("Planlagt revisjon", "Planned revision"),
    "kind.correction": ("Rettelse", "Correction"),
    "kind.special-analysis": ("Spesialanalyse", "Special analysis"),
    "action.announced": ("Varslet", "Announced"),
    "action.confirmed": ("Dato bekreftet", "Date confirmed"),
    "action.rescheduled": ("Flyttet", "Moved"),
    "action.cancelled": ("Avlyst", "Cancelled"),
    "notice.postponed": ("Utsatt", "Postponed"),
    "notice.brought-forward": ("Framskyndet", "Brought forward"),
    "notice.cancelled": ("Avlyst", "Cancelled"),
    "notice.late-announcement": ("Sent varslet", "Announced late"),
    "notice.correction": ("Rettelse", "Correction"),
    "reason.late-data": ("Sene data", "Late data delivery"),
    "reason.extra-quality-assurance": ("Ekstra kvalitetssikring", "Extra quality assurance"),
    "reason.capacity": ("Kapasitet", "Capacity"),
    "reason.technical-failure": ("Teknisk feil", "Technical failure"),
    "reason.ready-early": ("Klar tidligere", "Ready early"),
    "reason.coordination": ("Samordning med annen produsent", "Coordination with another producer"),
    "reason.other": ("Annet", "Other"),
    "ind.title": ("Indikatorer for publiseringskalenderen", "Release calendar indicators"),
    "ind.intro": (
        "Regnet ut fra kalenderens egen historikk over publiserte statistikker, aldri tastet inn.",
        "Computed from the calendar's own history of published releases, never typed in.",
    ),
    "ind.year": ("År", "Year"),
    "ind.all_years": ("Alle år", "All years"),
    "ind.download": ("Last ned", "Download"),
    "ind.published": ("Publiseringer", "Releases"),
    "ind.by_year": ("Etter produsent, år og hyppighet", "By producer, year and frequency"),
    "ind.reasons": ("Årsaker til datoendringer", "Causes of date changes"),
    "ind.changes": ("Endringer", "Changes"),
    "ind.timeliness": (
        "Aktualitet (dager fra periodens slutt)",
        "Timeliness (days after the period)",
    ),
    "ind.preliminary": ("Foreløpige", "Preliminary"),
    "ind.final": ("Endelige", "Final"),
    "ind.share": ("Andel", "Share"),
    "ind.count": ("{n} av {total}", "{n} of {total}"),
    "ind.announced_on_time": (
        "Varslet minst tre måneder før",
        "Announced at least three months ahead",
    ),
    "ind.announced_on_time.def": (
        "Andel publiseringer der dato og klokkeslett var bekreftet minst tre kalendermåneder før publisering (K11).",
        "Share of releases whose date and time were confirmed at least three calendar months ahead (K11).",
    ),
    "ind.punctual_first_confirmed": (
        "Punktlighet: første bekreftede tid",
        "Punctuality: first confirmed time",
    ),
    "ind.punctual_first_confirmed.def": (
        "Andel publisert på det tidspunktet som først ble bekreftet.",
        "Share published at the date and time first confirmed.",
    ),
    "ind.punctual_pre_announced": (
        "Punktlighet: forhåndsvarslet dato",
        "Punctuality: pre-announced date",
    ),
    "ind.punctual_pre_announced.def": (
        "Andel publisert på datoen som sto i kalenderen tre måneder før publisering.",
        "Share published on the date that stood in the calendar three months before release.",
    ),
    "ind.punctual_last_announced": (
        "Punktlighet: sist varslede dato",
        "Punctuality: last announced date",
    ),
    "ind.punctual_last_announced.def": (
        "Andel publisert på sist varslede dato (IMFs definisjon). Portalen publiserer alltid på varslet tid.",
        "Share published on the last announced date (the IMF's definition). The portal always publishes at the announced time.",
    ),
    "ind.none": (
        "Ingen publiserte statistikker i utvalget.",
        "No published releases in this selection.",
    ),
    "precision.exact": ("Eksakt dato og tid", "Exact date and time"),
    "precision.month": ("Foreløpig: måned", "Provisional: month"),
    "precision.quarter": ("Foreløpig: kvartal", "Provisional: quarter"),
    "mgr.title": ("Publiseringene deres", "Your releases"),
    "mgr.new": ("Varsle ny publisering", "Announce a release"),
    "mgr.upload": ("Last opp publiseringsplan", "Upload a schedule"),
    "mgr.manage": ("Behandle", "Manage"),
    "mgr.none": ("Ingen kommende publiseringer.", "No coming releases."),
    "mgr.release_date": ("Publiseringsdato", "Release date"),
    "mgr.release_time": ("Klokkeslett (norsk tid)", "Time (Oslo)"),
    "mgr.confirmed": ("Bekreft dato og klokkeslett nå", "Confirm the date and time now"),
    "mgr.late_justification": (
        "Begrunnelse hvis varselet kommer senere enn tre måneder før",
        "Justification if announced less than three months ahead",
    ),
    "mgr.late_hint": (
        "Vises offentlig sammen med publiseringen.",
        "Shown publicly with the release.",
    ),
    "mgr.save": ("Varsle", "Announce"),
    "mgr.failed": ("Ikke lagret", "Not saved"),
    "mgr.done": ("Lagret.", "Saved."),
    "mgr.done.confirm": ("Datoen er bekreftet: {when}.", "The date is confirmed: {when}."),
    "mgr.done.move": ("Publiseringen er flyttet til {when}.", "The release is moved to {when}."),
    "mgr.done.cancel": (
        "Publiseringen er avlyst. Den står i kalenderen med begrunnelsen.",
        "The release is cancelled. It stays in the calendar with the reason.",
    ),
    "mgr.done.correction": (
        "Rettelsen er lagt til og vises på publiseringen.",
        "The correction is added and shown on the release.",
    ),
    "mgr.done.access": (
        "Tilgangen før publisering er registrert; den vises fra publiseringstidspunktet.",
        "The pre-release access is recorded; it is shown from the release time.",
    ),
    "mgr.confirm": ("Bekreft dato", "Confirm the date"),
    "mgr.move": ("Flytt publiseringen", "Move the release"),
    "mgr.move_hint": (
        "Tidligere publisering enn varslet skjer bare ved å flytte datoen; flyttingen vises offentlig.",
        "Publishing earlier than announced is only possible by moving the date; the move is shown publicly.",
    ),
    "mgr.cancel": ("Avlys publiseringen", "Cancel the release"),
    "mgr.correction": ("Legg til rettelse", "Add a correction"),
    "mgr.access": ("Oppgi tilgang før publisering", "Disclose pre-release access"),
    "mgr.recipient": ("Mottaker (rolle eller virksomhet)", "Recipient (role or organisation)"),
    "mgr.purpose": ("Formål", "Purpose"),
    "mgr.en_optional": (
        "Valgfritt. Uten engelsk tekst viser engelske sider den norske og sier at den bare finnes på norsk.",
        "Optional. Without an English text, English pages show the Norwegian one and say it is only in Norwegian.",
    ),
    "mgr.hours_before": ("Timer før publisering", "Hours before release"),
    "mgr.reason": ("Årsak", "Reason"),
    "mgr.reason_text": ("Forklaring", "Explanation"),
    "mgr.submit": ("Lagre", "Save"),
    "mgr.upload_intro": (
        "CSV eller JSON. Alle rader lagres, eller ingen: én feil avviser hele filen, og alle feil listes med radnummer. Tider uten tidssone er norsk tid.",
        "CSV or JSON. Every row is saved, or none: one bad row rejects the file, and every error is listed by row. Times without a zone are Oslo time.",
    ),
    "mgr.file": ("Fil", "File"),
    "mgr.created": ("{n} publiseringer varslet.", "{n} releases announced."),
    "mgr.example": ("Eksempel (CSV)", "Example (CSV)"),
    "doc.title": ("Om statistikken", "About the statistics"),
    "doc.link": (
        "Om statistikken: definisjoner, kilder, feilkilder og usikkerhet",
        "About the statistics: definitions, sources, errors and uncertainty",
    ),
    "doc.contents": ("Innhold", "Contents"),
    "doc.last_updated": ("Sist oppdatert", "Last updated"),
    "doc.next_update": ("Neste oppdatering", "Next update"),
    "doc.not_set": ("Foreløpig ikke fastsatt", "Not yet decided"),
    "doc.not_relevant": ("Ikke relevant", "Not relevant"),
    "doc.missing": ("Ikke utfylt ennå", "Not filled in yet"),
    "doc.none": (
        "Denne statistikken har ingen publisert dokumentasjon ennå.",
        "This statistic has no published documentation yet.",
    ),
    "doc.version": ("Versjon {n}", "Version {n}"),
    "doc.versions": ("Tidligere versjoner og endringer", "Earlier versions and changes"),
    "doc.compare": ("Sammenlign", "Compare"),
    "doc.from": ("Fra versjon", "From version"),
    "doc.to": ("Til versjon", "To version"),
    "doc.no_changes": ("Ingen forskjeller.", "No differences."),
    "doc.before": ("Før", "Before"),
    "doc.after": ("Etter", "After"),
    "doc.published_by": ("Publisert {when} av {who}", "Published {when} by {who}"),
    "doc.sims": ("SIMS", "SIMS"),
    "doc.completeness": (
        "Utfylt: {score} % av det som kreves ({filled} utfylt, {nr} ikke relevant, {missing} mangler)",
        "Complete: {score} % of what is required ({filled} filled, {nr} not relevant, {missing} missing)",
    ),
    "doc.edit": ("Rediger dokumentasjon", "Edit documentation"),
    "doc.edit_title": ("Om statistikken: {name}", "About the statistics: {name}"),
    "doc.sections": ("Seksjoner", "Sections"),
    "doc.guidance": ("Veiledning", "Guidance"),
    "doc.text_nb": ("Tekst (norsk)", "Text (Norwegian)"),
    "doc.text_en": ("Tekst (engelsk)", "Text (English)"),
    "doc.mark_not_relevant": (
        "Ikke relevant for denne statistikken",
        "Not relevant for this statistic",
    ),
    "doc.markdown": ("Du kan bruke Markdown.", "You can use Markdown."),
    "doc.save": ("Lagre utkast", "Save draft"),
    "doc.saved": ("Utkastet er lagret.", "The draft is saved."),
    "doc.publish": ("Publiser ny versjon", "Publish a new version"),
    "doc.published": ("Versjon {n} er publisert.", "Version {n} is published."),
    "doc.change_note": ("Hva er endret", "What has changed"),
    "doc.with_release": ("Publiser sammen med", "Publish with"),
    "doc.now": ("Nå", "Now"),
    "doc.draft_state": ("Utkast basert på versjon {n}", "Draft based on version {n}"),
    "doc.missing_list": ("Mangler", "Missing"),
    "doc.overview": (
        "Dokumentasjon: fullstendighet og gjennomgang",
        "Documentation: completeness and review",
    ),
    "doc.overview_statistics": ("Statistikker", "Statistics"),
    "doc.score": ("Fullstendighet", "Completeness"),
    "doc.published_version": ("Publisert versjon", "Published version"),
    "doc.has_draft": ("Upublisert utkast", "Unpublished draft"),
    "doc.by_producer": ("Etter produsent", "By producer"),
    "doc.review": (
        "Kommende publiseringer: er dokumentasjonen gjennomgått?",
        "Coming releases: has the documentation been reviewed?",
    ),
    "doc.review_intro": (
        "Vurder om dokumentasjonen må oppdateres før hver publisering (K68). Bekreft «gjennomgått, ingen endring» eller publiser en ny versjon.",
        'Consider updating the documentation before each release (K68). Confirm "reviewed, no change" or publish a new version.',
    ),
    "doc.reviewed": ("Gjennomgått", "Reviewed"),
    "doc.not_reviewed": ("Ikke gjennomgått", "Not reviewed"),
    "doc.confirm_review": ("Bekreft gjennomgått, ingen endring", "Confirm reviewed, no change"),
    "doc.reviewed_share": (
        "Andel publiseringer med gjennomgått dokumentasjon: {share} % ({n} av {total})",
        "Share of releases with reviewed documentation: {share} % ({n} of {total})",
    ),
    "doc.yes": ("Ja", "Yes"),
    "doc.section_live": (
        "{n} av {total} påkrevde begreper i denne seksjonen er fylt ut eller ikke relevante.",
        "{n} of {total} required concepts in this section are filled in or not relevant.",
    ),
    "doc.no": ("Nei", "No"),
    "nav.registry": ("Klassifikasjoner", "Classifications"),
    "reg.title": ("Klassifikasjoner og kodelister", "Classifications and code lists"),
    "reg.intro": (
        "Felles register for alle produsentene. Maskinlesbart gjennom et Klass-kompatibelt API.",
        "A shared registry for all producers, machine-readable through a Klass-compatible API.",
    ),
    "reg.count": ("{n} klassifikasjoner og kodelister", "{n} classifications and code lists"),
    "reg.name": ("Navn", "Name"),
    "reg.kind": ("Type", "Type"),
    "reg.kind.CLASSIFICATION": ("Klassifikasjon", "Classification"),
    "reg.kind.CODELIST": ("Kodeliste", "Code list"),
    "reg.source": ("Kilde for dataene", "Source of the data"),
    "reg.used_by": ("Statistikker som bruker denne", "Statistics that use it"),
    "reg.code_lists": ("Klassifikasjoner og kodelister", "Classifications and code lists"),
    "reg.versions": ("Versjoner", "Versions"),
    "reg.changes": ("Endringer mellom versjoner", "Changes between versions"),
    "reg.valid_on": ("Gyldig på dato", "Valid on date"),
    "reg.codes_on": ("Koder gyldige {day} ({n})", "Codes valid on {day} ({n})"),
    "reg.none_on_date": (
        "Ingen koder er gyldige på denne datoen.",
        "No codes are valid on this date.",
    ),
    "reg.no_changes": ("Ingen endringer registrert.", "No changes recorded."),
    "reg.old_code": ("Gammel kode", "Old code"),
    "reg.old_name": ("Gammelt navn", "Old name"),
    "reg.new_code": ("Ny kode", "New code"),
    "reg.new_name": ("Nytt navn", "New name"),
    "home.title": ("Offisiell statistikk i Norge", "Official statistics in Norway"),
    "home.producers": ("Statistikkprodusenter", "Producers of official statistics"),
    "home.subjects": ("Emner", "Subject areas"),
    "count.statistics": ("statistikker", "statistics"),
    "producer.website": ("Nettsted", "Website"),
    "producer.org_number": ("Organisasjonsnummer", "Organisation number"),
    "producer.statistics": ("Statistikker fra {name}", "Statistics from {name}"),
    "subject.statistics": ("Statistikker om {name}", "Statistics on {name}"),
    "statistic.producer": ("Produsent", "Producer"),
    "statistic.frequency": ("Hyppighet", "Frequency"),
    "statistic.subjects": ("Emner", "Subject areas"),
    "statistic.contact": ("Kontakt", "Contact"),
    "statistic.official": ("Offisiell statistikk", "Official statistics"),
    "statistic.not_official": ("Ikke offisiell statistikk", "Not official statistics"),
    "statistic.at_producer": ("Statistikken hos produsenten", "The statistic at its producer"),
    "statistic.updated": ("Sist endret", "Last changed"),
    "statistics.title": ("Alle statistikker", "All statistics"),
    "statistics.filter": ("Filtrer", "Filter"),
    "statistics.text": ("Navn inneholder", "Name contains"),
    "statistics.any": ("Alle", "All"),
    "statistics.apply": ("Vis", "Show"),
    "statistics.count": ("{total} statistikker", "{total} statistics"),
    "statistics.none": ("Ingen statistikker passer.", "No statistics match."),
    "paging.label": ("Sider", "Pages"),
    "paging.previous": ("Forrige side", "Previous page"),
    "paging.next": ("Neste side", "Next page"),
    "paging.position": ("Side {page} av {pages}", "Page {page} of {pages}"),
    "frequency.weekly": ("Ukentlig", "Weekly"),
    "frequency.monthly": ("Månedlig", "Monthly"),
    "frequency.quarterly": ("Kvartalsvis", "Quarterly"),
    "frequency.annual": ("Årlig", "Annual"),
    "frequency.biennial": ("Annethvert år", "Every two years"),
    "frequency.triennial": ("Hvert tredje år", "Every three years"),
    "frequency.every-four-years": ("Hvert fjerde år", "Every four years"),
    "frequency.irregular": ("Ujevnlig", "Irregular"),
    "login.title": ("Logg inn", "Log in"),
    "login.intro": (
        "For ansatte hos statistikkprodusentene.",
        "For staff at the producers of official statistics.",
    ),
    "login.email": ("E-post", "E-mail"),
    "login.password": ("Passord", "Password"),
    "login.submit": ("Logg inn", "Log in"),
    "login.failed": ("Feil e-post eller passord.", "Wrong e-mail or password."),
    "login.required": ("Du må logge inn for å se denne siden.", "Please log in to see this page."),
    "dashboard.title": ("Min side", "My page"),
    "dashboard.signed_in": (
        "Innlogget som {name} ({role}), {producer}",
        "Logged in as {name} ({role}), {producer}",
    ),
    "dashboard.statistics": ("Statistikkene deres", "Your statistics"),
    "dashboard.edit": ("Rediger", "Edit"),
    "dashboard.releases": (
        "Publiseringskalender: varsle, bekreft, flytt",
        "Release calendar: announce, confirm, move",
    ),
    "dashboard.tokens": ("API-nøkler", "API tokens"),
    "dashboard.tokens_intro": (
        "Med en API-nøkkel kan systemene deres oppdatere portalen. Nøkkelen vises bare én gang.",
        "An API token lets your own systems update the portal. A token is shown only once.",
    ),
    "dashboard.token_name": ("Navn på nøkkelen", "Token name"),
    "dashboard.token_create": ("Lag ny nøkkel", "Create token"),
    "dashboard.token_new": (
        "Ny nøkkel laget. Kopier den nå; den vises ikke igjen:",
        "New token created. Copy it now; it will not be shown again:",
    ),
    "dashboard.token_revoke": ("Trekk tilbake", "Revoke"),
    "dashboard.token_revoked": ("Trukket tilbake", "Revoked"),
    "dashboard.token_prefix": ("Begynner med", "Starts with"),
    "dashboard.token_created": ("Laget", "Created"),
    "dashboard.token_last_used": ("Sist brukt", "Last used"),
    "dashboard.never": ("Aldri", "Never"),
    "dashboard.audit_when": ("Når", "When"),
    "role.editor": ("redaktør", "editor"),
    "role.producer-admin": ("produsentadministrator", "producer administrator"),
    "role.portal-admin": ("portaladministrator", "portal administrator"),
    "edit.title": ("Rediger {name}", "Edit {name}"),
    "edit.name_nb": ("Navn (bokmål)", "Name (Norwegian)"),
    "edit.name_en": ("Navn (engelsk)", "Name (English)"),
    "edit.description_nb": ("Beskrivelse (bokmål)", "Description (Norwegian)"),
    "edit.description_en": ("Beskrivelse (engelsk)", "Description (English)"),
    "edit.frequency": ("Hyppighet", "Frequency"),
    "edit.subject_areas": ("Emner", "Subject areas"),
    "edit.contact_name": ("Kontaktperson eller -enhet", "Contact person or unit"),
    "edit.contact_email": ("Kontakt-e-post", "Contact e-mail"),
    "edit.producer_url": ("Adresse hos produsenten", "Address at the producer"),
    "edit.is_official": ("Offisiell statistikk", "Official statistics"),
    "edit.save": ("Lagre", "Save"),
    "edit.saved": ("Endringene er lagret.", "Your changes are saved."),
    "edit.errors": (
        "Skjemaet har feil. Rett opp og prøv igjen:",
        "The form has errors. Fix them and try again:",
    ),
    "edit.conflict": (
        "Noen andre har lagret i mellomtiden.",
        "Someone else saved in the meantime.",
    ),
    "api.title": ("API-dokumentasjon", "API documentation"),
    "api.intro": (
        "Alt på portalen kan også hentes som JSON. Beskrivelsen under er laget fra OpenAPI-dokumentet.",
        "Everything on the portal is also available as JSON. This page is generated from the OpenAPI document.",
    ),
    "api.problems": ("Feilsvar", "Error responses"),
    "error.title": ("Noe gikk galt", "Something went wrong"),
    "error.404": ("Vi fant ikke siden.", "We could not find that page."),
    "error.back": ("Til forsiden", "Back to the front page"),
    "layout.table_of": ("Tabell: {name}", "Table: {name}"),
    "form.reload": (
        "Skjemaet kunne ikke leses. Last inn siden på nytt og prøv igjen.",
        "The form could not be read. Reload the page and try again.",
    ),
    "form.problem": ("Det er et problem", "There is a problem"),
    "error.code": ("Feilkode {status}", "Error code {status}"),
    "error.problems": ("Dette må rettes:", "What must be corrected:"),
    "error.csrf": (
        "Skjemaet var utløpt eller kom ikke fra denne siden, så ingenting ble lagret. Gå tilbake, last "
        "inn siden på nytt og send skjemaet igjen.",
        "The form had expired or did not come from this page, so nothing was saved. Go back, reload "
        "the page and send the form again.",
    ),
    "error.out_of_range": (
        "En verdi er utenfor det tillatte området, for lang eller inneholder et ugyldig tegn. Ingenting "
        "ble lagret.",
        "A value in the request is out of range, too long or holds a NUL character.",
    ),
    "error.lost_race": (
        "Noen endret dette i samme øyeblikk. Last inn siden på nytt og prøv igjen.",
        "Someone changed this at the same moment; reload and try again.",
    ),
    "error.database": (
        "Databasen svarer ikke akkurat nå. Prøv igjen om litt.",
        "The database does not answer; try again shortly.",
    ),
    "error.http.400": (
        "Forespørselen kunne ikke leses. Ingenting ble endret.",
        "The request could not be read. Nothing was changed.",
    ),
    "error.http.401": ("Du må logge inn først.", "Log in or send an API token."),
    "error.http.403": ("Du har ikke tilgang til dette.", "You do not have access to this."),
    "error.http.404": ("Vi fant ikke siden.", "We could not find that page."),
    "error.http.405": (
        "Denne adressen kan ikke brukes slik.",
        "This address does not accept this method.",
    ),
    "error.http.406": (
        "Vi har ikke svaret i formatet som ble bedt om.",
        "The answer is not available in the format asked for.",
    ),
    "error.http.409": (
        "Dette er endret av noen andre. Last inn siden på nytt og prøv igjen.",
        "This was changed by someone else; reload and try again.",
    ),
    "error.http.410": ("Siden finnes ikke lenger.", "This page is gone."),
    "error.http.413": (
        "Det som ble sendt, er større enn denne adressen tar imot.",
        "The request body is larger than this endpoint accepts.",
    ),
    "error.http.415": (
        "Vi kan ikke lese innholdet i formatet det ble sendt i.",
        "The body is in a format this endpoint does not read.",
    ),
    "error.http.429": (
        "For mange forespørsler på kort tid. Vent litt og prøv igjen.",
        "Too many requests in a short time; wait a little and try again.",
    ),
    "error.http.500": (
        "Noe gikk galt hos oss. Prøv igjen om litt.",
        "Something went wrong on our side.",
    ),
    "error.http.503": (
        "Tjenesten er midlertidig utilgjengelig. Prøv igjen om litt.",
        "The service is unavailable for a moment; try again shortly.",
    ),
    "footer.about": (
        "Statistikkportalen er en felles løsning for produsentene av offisiell statistikk i Norge.",
        "The Statistics Portal is a shared service for the producers of official statistics in Norway.",
    ),
    "footer.privacy": (
        "Vi bruker ingen sporing og lagrer ikke IP-adresser.",
        "We use no tracking and store no IP addresses.",
    ),
    "json.alternate": ("Denne siden som JSON", "This page as JSON"),
}


def register_messages(table: dict[str, tuple[str, str]]) -> None:
    """Add a domain's interface strings to :data:`MESSAGES`. Each domain's ``messages`` module registers
    its table when the domain is imported; a key may be registered once only, so two domains cannot
    quietly give one key two texts."""
    for key, texts in table.items():
        if key in MESSAGES and MESSAGES[key] != texts:
            raise ValueError(f"interface string {key!r} is registered twice with different texts")
        MESSAGES[key] = texts


def _default_language() -> str:
    return "nb"


#: Where the current language comes from: "nb" outside a request; the web layer
#: (:func:`portal.http.i18n.init_app`) points it at the request's language.
_language_source: Callable[[], str] = _default_language


def set_language_source(source: Callable[[], str]) -> None:
    global _language_source
    _language_source = source


def current_language() -> str:
    lang = _language_source()
    return lang if lang in LANGUAGES else "nb"


def translate(key: str, lang: str | None = None, **values: object) -> str:
    """The interface string ``key`` in ``lang`` (default: the request's), with ``{name}`` filled in."""
    texts = MESSAGES.get(key)
    if texts is None:
        raise KeyError(f"no interface string {key!r}")
    text = texts[LANGUAGES.index(lang or current_language())]
    return text.format(**values) if values else text


class Chosen(str):
    """A record's text in one language, chosen for a page by :func:`pick`: a plain string that also
    knows the language it is written in (``lang``) and whether that differs from the page's
    (``foreign``), so the page can mark it (WCAG 2.1 3.1.2, issue 18)."""

    lang: str
    page: str
    foreign: bool

    def __new__(cls, text: str, lang: str = "nb", page: str = "nb") -> Chosen:
        chosen = super().__new__(cls, text)
        chosen.lang, chosen.page, chosen.foreign = lang, page, bool(text) and lang != page
        return chosen

    def __reduce__(self) -> tuple[type[Chosen], tuple[str, str, str]]:
        return (Chosen, (str(self), self.lang, self.page))

    @property
    def attr(self) -> Markup:
        """`` lang="nb"`` for an element holding this text when it is not in the page's language, else
        nothing (the page's ``<html lang>`` already says it)."""
        return Markup(' lang="{}"').format(self.lang) if self.foreign else Markup("")

    @property
    def only_in(self) -> str:
        """The page's words for "only in Norwegian/English/Nynorsk" when this text is in another
        language than the page's, else ""."""
        return translate(f"lang.only_{self.lang}") if self.foreign else ""


# Which language a text falls back to, per page language: a Norwegian page prefers Nynorsk over English.
_FALLBACK = {"nb": ("nb", "nn", "en"), "en": ("en", "nb", "nn")}


def pick(
    nb: str | None, en: str | None, lang: str | None = None, *, nn: str | None = None
) -> Chosen:
    """A record's text for a page in ``lang`` (default: the request's) from its nb, en (and nn)
    fields: the page's language when the record has it, else the first it has of the others. The
    result is a string that knows its language (:class:`Chosen`)."""
    page = lang or current_language()
    texts = {"nb": nb or "", "en": en or "", "nn": nn or ""}
    for candidate in _FALLBACK.get(page, _FALLBACK["nb"]):
        if texts[candidate]:
            return Chosen(texts[candidate], candidate, page)
    return Chosen("", page, page)


def format_oslo(moment: datetime) -> str:
    """An instant in Oslo time in the request's language, as :func:`portal.kernel.formatting.datetime`
    writes it: nb "5. desember 2026 kl. 08.00", en "5 December 2026, 08:00 CET"."""
    from portal.kernel import formatting  # imports this module

    return formatting.datetime(in_oslo(moment))
