"""/api/v1/webhooks: a producer's system registers, lists and deletes its webhooks and reads their
delivery log (issue 22). A token sees only its producer's webhooks; the rules live in
:mod:`portal.notify.webhooks`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from flask import Blueprint, Flask, Response, url_for
from pydantic import BaseModel, Field, StringConstraints

from portal.api.schemas import _In
from portal.http.auth import current_actor
from portal.http.db import get_session
from portal.http.edge import (
    Write,
    json_response,
    parse_body,
    register_api,
    require_actor_present,
    write_endpoint,
)
from portal.http.errors import problem_language
from portal.http.openapi import Operation, operation, problems
from portal.kernel.i18n import translate
from portal.notify import webhooks
from portal.notify.webhook_models import Webhook

bp = Blueprint("webhooks_api", __name__, url_prefix="/api/v1/webhooks")

Topic = Annotated[
    str,
    StringConstraints(
        pattern=r"^(calendar|(statistic|producer|subject|table|codelist):[A-Za-z0-9._-]{1,100})$"
    ),
]


class WebhookCreate(_In):
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=500)] = Field(
        description="Where to POST the events: https, outside private ranges."
    )
    topics: Annotated[list[Topic], Field(min_length=1, max_length=50)] = Field(
        description="calendar, statistic:<slug>, producer:<slug>, subject:<slug>, table:<id>, "
        "codelist:<id>."
    )
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class WebhookOut(BaseModel):
    id: int
    url: str
    topics: list[str]
    description: str
    created_at: datetime
    disabled_at: datetime | None
    disabled_reason: str | None = Field(description="Why it was disabled; null while active.")
    links: dict[str, str]


class WebhookCreated(WebhookOut):
    secret: str = Field(
        description="The signing secret (whsec_ and base64), shown this once: keep it."
    )


class WebhookListOut(BaseModel):
    items: list[WebhookOut]


class DeliveryOut(BaseModel):
    id: int
    event: str = Field(description="The event's kind, e.g. release.published.")
    ref: str
    status: str = Field(description="queued, sent, dead (given up) or dropped (webhook disabled)")
    attempts: int
    response_code: int | None
    error: str
    created_at: datetime
    last_attempt_at: datetime | None
    delivered_at: datetime | None
    next_attempt_at: datetime | None


class DeliveryListOut(BaseModel):
    items: list[DeliveryOut]


def _out(webhook: Webhook) -> WebhookOut:
    reason = None
    if webhook.disabled_at is not None:
        reason = translate(
            "whk.disabled",
            problem_language(),
            count=webhook.failures_in_a_row,
            error=webhook.disabled_reason,
        )
    return WebhookOut(
        id=webhook.id,
        url=webhook.url,
        topics=list(webhook.topics),
        description=webhook.description,
        created_at=webhook.created_at,
        disabled_at=webhook.disabled_at,
        disabled_reason=reason,
        links={
            "self": url_for(".get_webhook", webhook_id=webhook.id),
            "deliveries": url_for(".list_deliveries", webhook_id=webhook.id),
        },
    )


@bp.post("")
@operation(
    Operation(
        "Register a webhook for your producer; the answer holds its signing secret, once.",
        "alerts",
        {201: ("Registered.", WebhookCreated), **problems(400, 401, 403, 413, 415)},
        body=WebhookCreate,
        auth=True,
    )
)
@write_endpoint
def create_webhook(write: Write) -> Response:
    data = parse_body(WebhookCreate)
    made = webhooks.register_webhook(
        write.db,
        write.actor,
        url=data.url,
        topics=data.topics,
        description=data.description,
        now=write.at,
    )
    body = WebhookCreated(**_out(made.webhook).model_dump(), secret=made.secret)
    return json_response(body, 201, {"Location": body.links["self"]})


@bp.get("")
@operation(
    Operation(
        "Your producer's webhooks.",
        "alerts",
        {200: ("The webhooks.", WebhookListOut), **problems(401, 403)},
        auth=True,
    )
)
def list_webhooks() -> Response:
    require_actor_present()
    found = webhooks.list_webhooks(get_session(), current_actor())
    return json_response(WebhookListOut(items=[_out(w) for w in found]))


@bp.get("/<int:webhook_id>")
@operation(
    Operation(
        "One of your producer's webhooks.",
        "alerts",
        {200: ("The webhook.", WebhookOut), **problems(401, 403, 404)},
        auth=True,
    )
)
def get_webhook(webhook_id: int) -> Response:
    require_actor_present()
    return json_response(_out(webhooks.get_webhook(get_session(), current_actor(), webhook_id)))


@bp.delete("/<int:webhook_id>")
@operation(
    Operation(
        "Delete one of your producer's webhooks and its delivery log.",
        "alerts",
        {204: ("Deleted.", None), **problems(401, 403, 404)},
        auth=True,
    )
)
@write_endpoint
def delete_webhook(write: Write, webhook_id: int) -> Response:
    webhooks.delete_webhook(write.db, write.actor, webhook_id, write.at)
    return Response(status=204)


@bp.get("/<int:webhook_id>/deliveries")
@operation(
    Operation(
        "A webhook's newest deliveries (100): status, attempts, the target's answer code, times.",
        "alerts",
        {200: ("The deliveries, newest first.", DeliveryListOut), **problems(401, 403, 404)},
        auth=True,
    )
)
def list_deliveries(webhook_id: int) -> Response:
    require_actor_present()
    found = webhooks.list_deliveries(get_session(), current_actor(), webhook_id)
    return json_response(
        DeliveryListOut(
            items=[
                DeliveryOut(
                    id=d.id,
                    event=e.kind,
                    ref=e.ref,
                    status=d.status,
                    attempts=d.attempts,
                    response_code=d.response_code,
                    error=d.last_error,
                    created_at=d.created_at,
                    last_attempt_at=d.last_attempt_at,
                    delivered_at=d.delivered_at,
                    next_attempt_at=d.next_attempt_at if d.status == "queued" else None,
                )
                for d, e in found
            ]
        )
    )


def init_app(app: Flask) -> None:
    webhooks.configure(
        webhooks.HookSettings(
            allowed_targets=frozenset(
                str(t).lower() for t in app.config.get("WEBHOOK_ALLOWED_TARGETS") or ()
            ),
            disable_after=int(app.config.get("WEBHOOK_DISABLE_AFTER") or 10),
            timeout=float(app.config.get("WEBHOOK_TIMEOUT_SECONDS") or 5),
            websub_hub=app.config.get("WEBSUB_HUB") or None,
        )
    )
    # Token-authenticated JSON only: the session cookie is ignored here, so CSRF cannot apply.
    register_api(app, bp)
