"""The alerts' pages for people (issue 22), in nb and en and without JavaScript: subscribing, confirming,
managing and unsubscribing with the links the e-mails carry, and the privacy page that says what the alerts
keep. Each view parses the request, calls ``portal.notify.service`` and picks a template.

The pages are the shell's side of the alerts: they name a topic's object (a statistic, a producer, a subject
area, a table, a code list) by asking its domain, so a subscription's label comes from the portal's own
records, never from the address that led to the form.

None of them has a JSON twin: they act for one person through the links sent to that person, and programs
subscribe with webhooks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from flask import Flask, Response, current_app, request
from sqlalchemy.orm import Session
from wtforms import EmailField, IntegerField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal.http.actions import place_refusal, save, see_other
from portal.http.db import get_session
from portal.http.forms import ButtonForm, PortalForm
from portal.http.instant import now
from portal.http.routing import bilingual, page_blueprint, render_page
from portal.http.security import csrf, limit_view
from portal.kernel.errors import NotFound, PortalError
from portal.kernel.i18n import current_language, translate
from portal.notify import messages as _messages  # noqa: F401  (registers the words)
from portal.notify import service, tokens
from portal.notify.mail import topic_words
from portal.notify.models import FREQUENCIES, Subscription

bp = page_blueprint("alerts", __name__)

#: Every refusal a write of these pages can meet goes to the one error handler.
EVERY_REFUSAL = frozenset({400, 401, 403, 404, 409, 422})

NO_TWIN = "a page acting for one person through the link sent to them; programs use webhooks"


# ------------------------------------------------------------------------------------------ topics


@dataclass(frozen=True)
class Topic:
    """A topic people can subscribe to, named from its object: ``label`` as the subscription keeps it
    ({"nb": …, "en": …}), ``path`` the page it is about (the way back from the form)."""

    topic: str
    label: dict[str, str]
    endpoint: str
    values: dict[str, object]

    def words(self, lang: str) -> str:
        kind = self.topic.split(":", 1)[0]
        return translate(f"alert.topic.{kind}", lang, name=self.label.get(lang) or "")


def _statistic(db: Session, slug: str, at: datetime) -> Topic:
    from portal.programme.service import get_statistic

    found = get_statistic(db, slug)
    label = {"nb": found.name_nb, "en": found.name_en or found.name_nb}
    return Topic(f"statistic:{found.slug}", label, "web.statistic", {"slug": found.slug})


def _producer(db: Session, slug: str, at: datetime) -> Topic:
    from portal.programme.service import get_producer

    found = get_producer(db, slug)
    label = {"nb": found.name_nb, "en": found.name_en or found.name_nb}
    return Topic(f"producer:{found.slug}", label, "web.producer", {"slug": found.slug})


def _subject(db: Session, slug: str, at: datetime) -> Topic:
    from portal.programme.service import get_subject_area

    found = get_subject_area(db, slug)
    label = {"nb": found.name_nb, "en": found.name_en or found.name_nb}
    return Topic(f"subject:{found.slug}", label, "web.subject_area", {"slug": found.slug})


def _table(db: Session, table_id: str, at: datetime) -> Topic:
    from pxbridge.query.extract import bare_title
    from pxbridge.service import get_table

    found = get_table(db, table_id, at)  # public at this instant, or TableNotFound
    nb = bare_title(found.id, found.title_nb)
    en = bare_title(found.id, found.title_en or found.title_nb)
    label = {"nb": f"{found.id} {nb}", "en": f"{found.id} {en}"}
    return Topic(f"table:{found.id}", label, "tables.table_page", {"table_id": found.id})


def _codelist(db: Session, key: str, at: datetime) -> Topic:
    from metadata.codelists.service import classification

    if not key.isdigit() or len(key) > 9:
        raise NotFound("").said("alert.unknown_topic")
    found = classification(db, int(key))  # one with a published version, or NotFound
    label = {"nb": found.name_nb, "en": found.name_en or found.name_nb}
    return Topic(
        f"codelist:{found.id}",
        label,
        "metadata.classification",
        {"classification_id": found.id},
    )


def _saved_query(db: Session, key: str, at: datetime) -> Topic:
    from pxbridge.models import SavedQuery
    from pxbridge.service import get_table

    found = db.get(SavedQuery, key) if len(key) <= 40 else None
    if found is None:
        raise NotFound("").said("alert.unknown_topic")
    table = get_table(db, found.table_id, at)  # public at this instant, or TableNotFound
    label = {
        "nb": translate("alert.saved.title", "nb", id=found.id, table=table.id),
        "en": translate("alert.saved.title", "en", id=found.id, table=table.id),
    }
    return Topic(f"savedquery:{found.id}", label, "tables.table_page", {"table_id": table.id})


#: How each kind of topic is named from its domain's records (portal.kernel.notifiable's topics).
LOOKUPS: dict[str, Callable[[Session, str, datetime], Topic]] = {
    "statistic": _statistic,
    "producer": _producer,
    "subject": _subject,
    "table": _table,
    "codelist": _codelist,
    "savedquery": _saved_query,
}


def find_topic(db: Session, raw: str | None, at: datetime) -> Topic:
    """The topic ``raw`` names, labelled from its object as public at ``at``. Raises BadRequest for
    what is no topic and NotFound (in the page's language) for an object there is none of."""
    topic = service.check_topic((raw or "").strip())
    if topic == "calendar":
        return Topic(topic, {}, "release_calendar.calendar", {})
    kind, _, key = topic.partition(":")
    try:
        return LOOKUPS[kind](db, key, at)
    except PortalError as error:
        if error.status != 404:
            raise
        raise NotFound("").said("alert.unknown_topic") from None


# ------------------------------------------------------------------------------------------- forms


def _frequency_choices() -> list[SelectChoice]:
    return [SelectChoice(f, translate(f"alert.freq.{f}")) for f in FREQUENCIES]


class SubscribeForm(PortalForm):
    # The address's form is the service's to judge, so its message is the portal's (alert.bad_email).
    email = EmailField()
    frequency = RadioField(default="immediate", validate_choice=False)


class FrequencyForm(PortalForm):
    subscription = IntegerField(validators=[InputRequired()])
    frequency = SelectField(validate_choice=False)
    action = StringField()


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _frequency_words(frequency: str) -> str:
    return translate(f"alert.freq.{frequency}").lower()


# ------------------------------------------------------------------------------------------- pages


@bilingual(
    "/varsler/ny", "/en/alerts/new", methods=("GET", "POST"), no_twin_because=NO_TWIN, blueprint=bp
)
def subscribe() -> Response:
    """The form that asks for a topic's alerts (``?topic=statistic:kpi``). Answers the same for a known
    and an unknown address: "check your e-mail"."""
    db, lang = get_session(), current_language()
    found = find_topic(db, request.args.get("topic"), now())
    form = SubscribeForm()
    form.frequency.choices = _frequency_choices()
    problem, unplaced = None, []
    if request.method == "POST":
        frequency = form.frequency.data if form.frequency.data in FREQUENCIES else ""
        outcome = save(
            lambda: service.subscribe(
                db, form.email.data or "", lang, found.topic, frequency, now(), label=found.label
            )
        )
        if outcome.saved:
            return render_page("notify/sent.html", topic=found, about=found.words(lang))
        problem = outcome.problem
        assert problem is not None
        unplaced = place_refusal(form, problem)
    return render_page(
        "notify/subscribe.html",
        status=400 if problem else 200,
        form=form,
        topic=found,
        about=found.words(lang),
        unplaced=unplaced,
    )


@bilingual(
    "/varsler/bekreft/<token>",
    "/en/alerts/confirm/<token>",
    methods=("GET", "POST"),
    no_twin_because=NO_TWIN,
    blueprint=bp,
)
def confirm(token: str) -> Response:
    """GET shows what the link confirms and a button; only the POST confirms, so a mail scanner that
    opens links confirms nothing. Raises NotFound for a link forged, expired or of a deleted
    subscription."""
    db, lang = get_session(), current_language()
    if request.method == "POST":
        subscription = _commit(lambda: service.confirm(db, _secret(), token, now()))
        assert subscription is not None
        return render_page(
            "notify/confirmed.html",
            about=topic_words(subscription, lang),
            frequency=_frequency_words(subscription.frequency),
            manage_token=service.links(_secret(), subscription)["manage"],
        )
    subscription = service.peek(db, _secret(), tokens.CONFIRM, token)
    return render_page(
        "notify/confirm.html",
        form=ButtonForm(),
        about=topic_words(subscription, lang),
        frequency=_frequency_words(subscription.frequency),
        token=token,
    )


@bilingual(
    "/varsler/avmeld/<token>",
    "/en/alerts/unsubscribe/<token>",
    methods=("GET", "POST"),
    no_twin_because=NO_TWIN,
    blueprint=bp,
)
def unsubscribe(token: str) -> Response:
    """GET shows a button; a POST deletes the subscription, and the address with its last one. The POST
    is also the e-mails' one-click unsubscribe (RFC 8058: ``List-Unsubscribe=One-Click`` posted by the
    mail client, 200 when done). Raises NotFound."""
    db, lang = get_session(), current_language()
    subscription = service.peek(db, _secret(), tokens.UNSUBSCRIBE, token)
    about = topic_words(subscription, lang)
    if request.method == "POST":
        _commit(lambda: service.unsubscribe(db, _secret(), token))
        return render_page("notify/unsubscribed.html", about=about)
    return render_page("notify/unsubscribe.html", about=about, token=token)


@dataclass(frozen=True)
class Row:
    id: int
    about: str
    frequency: str
    consent_at: datetime | None


def _rows(subscriptions: list[Subscription], lang: str) -> list[Row]:
    return [Row(s.id, topic_words(s, lang), s.frequency, s.consent_at) for s in subscriptions]


@bilingual(
    "/varsler/mine/<token>",
    "/en/alerts/mine/<token>",
    methods=("GET", "POST"),
    no_twin_because=NO_TWIN,
    blueprint=bp,
)
def manage(token: str) -> Response:
    """The subscriptions of the link's address, each with how often (changeable) and a delete button,
    and "delete everything", which deletes the address too. Raises NotFound."""
    db, lang, secret = get_session(), current_language(), _secret()
    subscriber = service.manage(db, secret, token)
    if request.method == "POST":
        return _act(token, FrequencyForm())
    return render_page(
        "notify/manage.html",
        email=subscriber.email,
        rows=_rows(subscriber.subscriptions, lang),
        frequencies=_frequency_choices(),
        done=request.args.get("done"),
        token=token,
    )


def _act(token: str, form: FrequencyForm) -> Response:
    """One of the manage page's buttons: how often for one subscription, delete it, or delete
    everything. Raises NotFound for a spent link or a subscription not of this address."""
    db, secret, action = get_session(), _secret(), form.action.data
    if action == "delete_all":
        _commit(lambda: service.delete_everything(db, secret, token))
        return render_page("notify/all_deleted.html")
    if not form.validate() or action not in {"frequency", "delete"}:
        raise NotFound("").said("alert.link_gone")
    chosen = form.subscription.data
    if action == "delete":
        if _commit(lambda: service.delete_one(db, secret, token, chosen)):
            return render_page("notify/all_deleted.html")  # the last one: the address is gone too
        return see_other("alerts.manage", token=token, done="deleted")
    frequency = form.frequency.data
    _commit(lambda: service.set_frequency(db, secret, token, chosen, frequency, now()))
    return see_other("alerts.manage", token=token, done="saved")


T = TypeVar("T")


def _commit(write: Callable[[], T]) -> T | None:
    """``write`` committed; a refusal is the page's (its own status, in the page's language), as these
    pages' forms hold nothing a person typed but an address."""
    return save(write, not_the_forms_fault=EVERY_REFUSAL).value


@bilingual("/personvern", "/en/privacy", no_twin_because="a statement for people", blueprint=bp)
def privacy() -> Response:
    """What the portal keeps about people, why and for how long: the alerts' addresses above all."""
    return render_page("notify/privacy.html")


def init_app(app: Flask) -> None:
    # Authorised by its signed token, not by a session: a mail client's one-click POST (RFC 8058) carries
    # no CSRF token, and a forged cross-site POST can only unsubscribe a link its sender already holds.
    csrf.exempt(unsubscribe)
    app.register_blueprint(bp)
    limit_view(app, "alerts.subscribe", "subscribe", methods=["POST"])
