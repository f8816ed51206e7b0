"""The producers' side: log in and out, the dashboard, editing a statistic, API tokens."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Response, redirect, request, url_for
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from portal.accounts import admin as users_admin
from portal.accounts import service as accounts
from portal.accounts.web import current_user, login_user, logout_user
from portal.http.actions import WHO_IS_ASKING, place_refusal
from portal.http.auth import login_required, signed_in_actor
from portal.http.db import get_session
from portal.http.forms import ButtonForm, PortalForm
from portal.http.instant import now
from portal.http.routing import bilingual, render_page
from portal.kernel.access import Actor, Permission, writable_producer_ids
from portal.kernel.errors import BadRequest, Conflict, Forbidden, PortalError
from portal.kernel.i18n import current_language, pick, translate
from portal.programme import service
from portal.programme.models import Frequency, Producer
from portal.programme.service import find_producer
from portal.web import dashboard as dashboard_work
from portal.web import keyfigures
from portal.web.forms import LoginForm, StatisticForm
from pxbridge.query.extract import bare_title
from release_calendar.rules import Precision, when_label


def _safe_next(target: str | None) -> str:
    """Only a path of this portal, so the login form cannot bounce anyone to another site. Browsers drop
    tabs and line breaks from addresses ("/\t/evil.example" becomes "//evil.example"), so any control
    character or space refuses the target, as does a backslash or anything with a scheme or a host."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and all(ch.isprintable() and not ch.isspace() for ch in target)
    ):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("web.dashboard")


@bilingual(
    "/logg-inn",
    "/en/log-in",
    methods=("GET", "POST"),
    no_twin_because="a login form has no data to offer as JSON",
)
def login() -> Response:
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        db = get_session()
        user = accounts.authenticate(db, form.email.data or "", form.password.data or "", now())
        if user is not None:
            db.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")), 303)  # type: ignore[return-value]
        failed = True
    status = 401 if failed else (400 if form.errors else 200)
    return render_page("accounts/login.html", form=form, failed=failed, status=status)


@bilingual("/logg-ut", "/en/log-out", methods=("POST",), no_twin_because="an action, not a page")
def logout() -> Response:
    if ButtonForm().validate_on_submit():
        logout_user()
    return redirect(url_for("web.home"), 303)  # type: ignore[return-value]


@bilingual("/min-side", "/en/my-page", no_twin_because="private; producers' systems use /api/v1")
@login_required
def dashboard() -> Response:
    return _render_dashboard()


def _render_dashboard(status: int = 200) -> Response:
    db = get_session()
    user = current_user()
    actor = signed_in_actor()
    assert user is not None and actor is not None
    scope = writable_producer_ids(actor)
    if scope is None:
        statistics = service.list_statistics(
            db, service.StatisticQuery(per_page=service.MAX_PER_PAGE)
        ).items
    else:
        producer_slugs = db.scalars(select(Producer.slug).where(Producer.id.in_(scope))).all()
        statistics = tuple(
            s
            for slug in producer_slugs
            for s in service.list_statistics(
                db, service.StatisticQuery(producer=slug, per_page=service.MAX_PER_PAGE)
            ).items
        )
    return render_page(
        "accounts/dashboard.html",
        status=status,
        user=user,
        producer=user.producer,
        statistics=statistics,
        # The tokens have their own page (my_tokens); the dashboard links to it.
        can_manage_tokens=actor.can(Permission.TOKEN_MANAGE),
        work=dashboard_work.build_dashboard(db, actor, now()),
        at_risk_days=dashboard_work.AT_RISK_DAYS,
        day_label=dashboard_work.day_label,
        when_label=when_label,
        exact=Precision.EXACT,
    )


@bilingual(
    "/min-side/statistikk/<slug>",
    "/en/my-page/statistics/<slug>",
    methods=("GET", "POST"),
    no_twin_because="an edit form; systems write through PATCH /api/v1/statistics/<slug>",
)
@login_required
def edit_statistic(slug: str) -> Response:
    db = get_session()
    actor = signed_in_actor()
    current = service.authorize_update(db, actor, slug)
    areas = service.list_subject_areas(db)
    saved_table = current.main_table_id or ""
    # The headline is chosen among the values of the saved main table only: until a new choice of
    # table is saved, the page cannot offer that table's values.
    controls = keyfigures.headline_controls(db, slug, saved_table, current_language())
    form = StatisticForm.with_headline(controls, translate("keyfig.total"))()
    form.subject_areas.choices = [SelectChoice(a.slug, pick(a.name_nb, a.name_en)) for a in areas]
    form.frequency.choices = [
        SelectChoice(f.value, translate(f"frequency.{f.value}")) for f in Frequency
    ]
    form.main_table_id.choices = [SelectChoice("", translate("keyfig.main_table_auto"))] + [
        SelectChoice(table_id, f"{table_id}: {bare_title(table_id, pick(nb, en))}")
        for table_id, nb, en in keyfigures.own_tables(db, slug)
    ]
    same_table = request.method == "GET" or (form.main_table_id.data or "") == saved_table
    shown = controls if same_table and saved_table else ()
    status, saved, conflict = 200, request.args.get("saved") == "1", None
    problem: PortalError | None = None
    if request.method == "GET":
        form.process(
            data={
                "version": str(current.version),
                "name_nb": current.name_nb,
                "name_en": current.name_en,
                "description_nb": current.description_nb,
                "description_en": current.description_en,
                "frequency": current.frequency,
                "subject_areas": [a.slug for a in current.subject_areas],
                "contact_name": current.contact_name,
                "contact_email": current.contact_email,
                "producer_url": current.producer_url,
                "is_official": current.is_official,
                "main_table_id": saved_table,
                **_headline_data(controls, current.headline or {}),
            }
        )
    else:
        try:
            # A post that changes the main table clears the headline: it was chosen in the old table.
            headline = keyfigures.read_headline(
                shown, {c.field: request.form.getlist(c.field) for c in shown}
            )
        except BadRequest as exc:
            headline, problem, status = {}, exc, 400
        if form.validate() and problem is None:
            fields = service.StatisticFields(
                name_nb=form.name_nb.data,
                name_en=form.name_en.data,
                description_nb=form.description_nb.data or "",
                description_en=form.description_en.data or "",
                frequency=Frequency(form.frequency.data),
                subject_areas=tuple(form.subject_areas.data or ()),
                contact_name=form.contact_name.data or None,
                contact_email=form.contact_email.data or None,
                producer_url=form.producer_url.data or None,
                is_official=bool(form.is_official.data),
                main_table_id=form.main_table_id.data or "",
                headline=headline,
            )
            try:
                keyfigures.check_choice(db, slug, fields.main_table_id, headline)
                service.update_statistic(
                    db, actor, slug, fields, expected_version=int(form.version.data), now=now()
                )
                db.commit()
                return redirect(url_for("web.edit_statistic", slug=slug, saved="1"), 303)  # type: ignore[return-value]
            except PortalError as exc:
                db.rollback()
                if exc.status in WHO_IS_ASKING | {404}:
                    raise
                status, problem = (409 if isinstance(exc, Conflict) else 400), exc
                conflict = exc if isinstance(exc, Conflict) else None
        else:
            status = 400
    unplaced = place_refusal(form, problem) if problem is not None and conflict is None else []
    if form.version.errors:
        # The hidden version did not come from this page: the person cannot fix that field.
        unplaced.append(translate("edit.version_unreadable"))
    return render_page(
        "accounts/edit_statistic.html",
        status=status,
        form=form,
        statistic=current,
        saved=saved,
        conflict=conflict,
        unplaced=unplaced,
        headline=shown,
        headline_waits=not shown,
        max_figures=keyfigures.MAX_FIGURES,
    )


def _headline_data(
    controls: Sequence[keyfigures.HeadlineControl], headline: Mapping[str, Sequence[str]]
) -> dict[str, object]:
    """The saved headline as the form's fields hold it: the ticked codes of the contents variable, the
    one chosen code (or "", the total) of any other."""
    data: dict[str, object] = {}
    for control in controls:
        chosen = list(headline.get(control.code, ()))
        data[control.field] = chosen if control.several else (chosen[:1] or [""])[0]
    return data


# ------------------------------------------------------------------------------------------- tokens

TOKENS = "private; producers' systems use /api/v1, administrators /api/v1/admin/tokens"


class NewTokenForm(PortalForm):
    """A producer's API token: its name, and its producer when the user may choose among several. The
    view checks both and words the messages itself (see :func:`_token_errors`)."""

    name = StringField()
    producer = SelectField(validate_choice=False)


@dataclass(frozen=True)
class TokenScope:
    """Who may make tokens here, and for which producers (by slug, with their names)."""

    actor: Actor
    producers: tuple[SelectChoice, ...]


def _token_scope() -> TokenScope:
    """The signed-in user's token rights: the producers they make tokens for, as the accounts service
    allows (a producer's administrator: their own; a portal administrator: any live producer).
    Raises Forbidden for anyone else."""
    actor = signed_in_actor()
    if not actor.can(Permission.TOKEN_MANAGE):
        raise Forbidden("").said("tokens.forbidden")
    scope = writable_producer_ids(actor)
    stmt = select(Producer).where(Producer.retired_at.is_(None)).order_by(Producer.short_name)
    if scope is not None:
        stmt = stmt.where(Producer.id.in_(scope))
    producers = tuple(
        SelectChoice(p.slug, f"{p.short_name} – {pick(p.name_nb, p.name_en)}")
        for p in get_session().scalars(stmt)
    )
    return TokenScope(actor, producers)


def _token_errors(form: NewTokenForm, scope: TokenScope) -> dict[str, str]:
    """What is wrong with the form, by field, in the page's language; empty when it may be saved."""
    errors: dict[str, str] = {}
    name = (form.name.data or "").strip()
    if not name:
        errors["name"] = translate("tokens.error.name_missing")
    elif len(name) > 100:
        errors["name"] = translate("tokens.error.name_long")
    several = len(scope.producers) > 1
    if not scope.producers or (
        several and form.producer.data not in {c.value for c in scope.producers}
    ):
        errors["producer"] = translate("tokens.error.producer")
    return errors


def _render_tokens(
    scope: TokenScope,
    form: NewTokenForm | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    db = get_session()
    tokens = [t for t in users_admin.list_all_tokens(db, scope.actor) if t.producer_id is not None]
    revoked_raw = request.args.get("trukket", "")
    revoked = next((t for t in tokens if t.revoked_at and str(t.id) == revoked_raw), None)
    return render_page(
        "accounts/tokens.html",
        status=status,
        form=form or NewTokenForm(formdata=None),
        errors=errors or {},
        producers=scope.producers,
        tokens=tokens,
        revoked=revoked,
        button_form=ButtonForm(),
    )


@bilingual("/min-side/nokler", "/en/my-page/tokens", no_twin_because=TOKENS)
@login_required
def my_tokens() -> Response:
    return _render_tokens(_token_scope())


@bilingual(
    "/min-side/nokler",
    "/en/my-page/tokens",
    methods=("POST",),
    no_twin_because="an action; its answer shows the new token once",
)
@login_required
def create_token() -> Response:
    scope = _token_scope()
    # CSRFProtect has checked the form's token before this view runs (portal.http.security).
    form = NewTokenForm()
    errors = _token_errors(form, scope)
    if errors:
        return _render_tokens(scope, form, errors, 400)
    db = get_session()
    slug = form.producer.data if len(scope.producers) > 1 else scope.producers[0].value
    new = accounts.create_token(
        db,
        scope.actor,
        producer=find_producer(db, slug),
        name=(form.name.data or "").strip(),
        now=now(),
    )
    db.commit()
    # The secret is in this answer only: a redirect would have to carry it through the session, and
    # no cache may keep it.
    response = render_page("accounts/token_created.html", status=201, new_token=new)
    response.headers["Cache-Control"] = "no-store"
    return response


@bilingual(
    "/min-side/nokler/<int:token_id>/trekk-tilbake",
    "/en/my-page/tokens/<int:token_id>/revoke",
    methods=("POST",),
    no_twin_because="an action; its result is shown on the tokens page",
)
@login_required
def revoke_token(token_id: int) -> Response:
    scope = _token_scope()  # CSRFProtect has checked the button's token (portal.http.security)
    db = get_session()
    accounts.revoke_token(db, scope.actor, token_id, now())
    db.commit()
    return redirect(url_for("web.my_tokens", trukket=token_id), 303)  # type: ignore[return-value]
