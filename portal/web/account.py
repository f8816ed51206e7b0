"""The producers' side: log in and out, the dashboard, editing a statistic, API tokens."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, redirect, request, url_for
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal.accounts import service as accounts
from portal.accounts.models import ApiToken
from portal.accounts.web import current_user, login_user, logout_user
from portal.http.auth import login_required, signed_in_actor
from portal.http.db import get_session
from portal.http.forms import ButtonForm
from portal.http.instant import now
from portal.http.routing import bilingual, render_page
from portal.kernel import audit
from portal.kernel.access import Permission, writable_producer_ids
from portal.kernel.errors import Conflict, PortalError
from portal.kernel.i18n import pick, translate
from portal.programme import service
from portal.programme.models import Frequency, Producer
from portal.web.forms import LoginForm, StatisticForm, TokenForm


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


def _render_dashboard(
    new_token: accounts.NewToken | None = None,
    token_form: TokenForm | None = None,
    status: int = 200,
) -> Response:
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
    tokens: list[ApiToken] = []
    if actor.can(Permission.TOKEN_MANAGE) and user.producer_id is not None:
        tokens = accounts.list_tokens(db, user.producer_id)
    entries = (
        audit.list_entries(db, producer_ids=scope, limit=20)
        if actor.can(Permission.AUDIT_READ)
        else []
    )
    return render_page(
        "accounts/dashboard.html",
        status=status,
        user=user,
        producer=user.producer,
        statistics=statistics,
        tokens=tokens,
        can_manage_tokens=bool(tokens)
        or (actor.can(Permission.TOKEN_MANAGE) and user.producer_id is not None),
        token_form=token_form or TokenForm(),
        button_form=ButtonForm(),
        new_token=new_token,
        audit_entries=entries,
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
    form = StatisticForm()
    form.subject_areas.choices = [SelectChoice(a.slug, pick(a.name_nb, a.name_en)) for a in areas]
    form.frequency.choices = [
        SelectChoice(f.value, translate(f"frequency.{f.value}")) for f in Frequency
    ]
    status, saved, conflict = 200, request.args.get("saved") == "1", None
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
            }
        )
    elif form.validate():
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
        )
        try:
            service.update_statistic(
                db, actor, slug, fields, expected_version=int(form.version.data), now=now()
            )
            db.commit()
            return redirect(url_for("web.edit_statistic", slug=slug, saved="1"), 303)  # type: ignore[return-value]
        except Conflict as exc:
            db.rollback()
            status, conflict = 409, exc
        except PortalError:
            db.rollback()
            raise
    else:
        status = 400
    return render_page(
        "accounts/edit_statistic.html",
        status=status,
        form=form,
        statistic=current,
        saved=saved,
        conflict=conflict,
    )


@bilingual(
    "/min-side/nokler",
    "/en/my-page/tokens",
    methods=("POST",),
    no_twin_because="an action; its result is shown on the dashboard",
)
@login_required
def create_token() -> Response:
    user = current_user()
    assert user is not None
    form = TokenForm()
    if not form.validate_on_submit() or user.producer is None:
        return _render_dashboard(token_form=form, status=400)
    db = get_session()
    new = accounts.create_token(
        db,
        signed_in_actor(),
        producer=user.producer,
        name=form.name.data or "",
        now=now(),
    )
    db.commit()
    # Shown in this response only: a redirect would have to carry the secret through the session.
    return _render_dashboard(new_token=new, status=201)


@bilingual(
    "/min-side/nokler/<int:token_id>/trekk-tilbake",
    "/en/my-page/tokens/<int:token_id>/revoke",
    methods=("POST",),
    no_twin_because="an action; its result is shown on the dashboard",
)
@login_required
def revoke_token(token_id: int) -> Response:
    if not ButtonForm().validate_on_submit():
        return _render_dashboard(status=400)
    db = get_session()
    accounts.revoke_token(db, signed_in_actor(), token_id, now())
    db.commit()
    return redirect(url_for("web.dashboard"), 303)  # type: ignore[return-value]
