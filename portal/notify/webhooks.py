"""Webhooks (issue 22): producers' systems register a target and topics; the worker gives every public
event of those topics to each matching webhook and POSTs it, signed as Standard Webhooks sign
(``webhook-id``, ``webhook-timestamp``, ``webhook-signature: v1,<base64 HMAC-SHA256>``).

Targets are https addresses on the Internet: a host that resolves to a loopback, private, link-local,
reserved or multicast address is refused, at registration and again before every attempt (a name may
be pointed elsewhere later), unless its host:port is in ``WEBHOOK_ALLOWED_TARGETS``. Redirects are
never followed, and each attempt has a time limit. A delivery that fails is retried with the e-mail
worker's waits (``worker.BACKOFF``) and then given up; ``WEBHOOK_DISABLE_AFTER`` deliveries given up in
a row disable the webhook, with an entry in the audit log and the reason shown to its owner.

One call from :func:`portal.notify.worker.run_once` runs :func:`run_once`: fan out, ping the WebSub hub
for the feeds that changed (:mod:`portal.notify.websub`), deliver. Never imports Flask."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import requests
from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.kernel.access import Actor, writable_producer_ids
from portal.kernel.audit import record_write
from portal.kernel.errors import (
    BadRequest,
    FieldError,
    Forbidden,
    NotFound,
    PortalError,
    Unauthorized,
)
from portal.kernel.i18n import register_messages
from portal.notify import websub
from portal.notify import (
    worker as mail_worker,
)  # its BACKOFF (it calls run_once: used at call time)
from portal.notify.models import NotifyEvent
from portal.notify.webhook_models import Webhook, WebhookDelivery, WebhookFanOut

log = logging.getLogger(__name__)

register_messages(
    {
        "whk.url": (
            "Adressen må være en fullstendig https-adresse.",
            "The target must be a full https URL.",
        ),
        "whk.url_field": ("må være en https-adresse", "must be an https URL"),
        "whk.unresolved": (
            "Fant ikke vertsnavnet {host}.",
            "The host {host} could not be resolved.",
        ),
        "whk.private": (
            "Adressen peker til et privat eller lokalt nett ({address}). Varsler sendes bare til "
            "adresser på Internett.",
            "The target points into a private or local network ({address}); webhooks go to "
            "addresses on the Internet only.",
        ),
        "whk.private_field": ("privat eller lokal adresse", "private or local address"),
        "whk.topic": ("Ukjent emne «{topic}».", "Unknown topic '{topic}'."),
        "whk.not_found": ("Fant ingen webhook {id}.", "No webhook {id}."),
        "whk.no_producer": (
            "Nøkkelen hører ikke til noen produsent.",
            "The token belongs to no producer.",
        ),
        "whk.disabled": (
            "Slått av etter {count} leveranser på rad som ikke kom fram. Sist: {error}",
            "Disabled after {count} deliveries in a row failed. Last: {error}",
        ),
    }
)

#: What a topic looks like (portal.kernel.notifiable): ``calendar`` or ``<kind>:<key>``.
TOPIC_KINDS = ("statistic", "producer", "subject", "table", "codelist")
#: How long a claimed delivery is one worker's before another may take it.
CLAIM = timedelta(minutes=5)
BATCH = 200
SECRET_PREFIX = "whsec_"  # noqa: S105  (the Standard Webhooks prefix, not a secret)
#: The worker's actor in the audit log, when it disables a webhook.
WORKER = Actor(
    kind="cli", id=None, label="portal notify run", role="portal-admin", producer_id=None
)


@dataclass(frozen=True)
class HookSettings:
    """``WEBHOOK_ALLOWED_TARGETS`` (host:port), ``WEBHOOK_DISABLE_AFTER``, ``WEBHOOK_TIMEOUT_SECONDS``
    and ``WEBSUB_HUB``, as the app was configured."""

    allowed_targets: frozenset[str] = frozenset()
    disable_after: int = 10
    timeout: float = 5.0
    websub_hub: str | None = None


_lock = threading.Lock()
_settings = HookSettings()


def configure(settings: HookSettings) -> None:
    """Set the process's webhook settings (the app factory's, as ``registry.register`` does)."""
    global _settings
    with _lock:
        _settings = settings


def configured() -> HookSettings:
    with _lock:
        return _settings


# Registration: what the API calls.


@dataclass(frozen=True)
class Registered:
    webhook: Webhook
    secret: str  # shown once


def _refuse(key: str, field_key: str, **values: object) -> BadRequest:
    return BadRequest("", (FieldError.said("/url", field_key),)).said(key, **values)


def check_target(url: str, allowed: frozenset[str]) -> None:
    """Refuse a target that is not https or that resolves into a private, loopback, link-local, reserved
    or multicast range, unless its host:port is allowed. Raises BadRequest (pointer ``/url``)."""
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        raise _refuse("whk.url", "whk.url_field") from None
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
        raise _refuse("whk.url", "whk.url_field")
    port = port or (443 if parts.scheme == "https" else 80)
    if {f"{host}:{port}", f"[{host}]:{port}"} & allowed:
        return
    if parts.scheme != "https":
        raise _refuse("whk.url", "whk.url_field")
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise _refuse("whk.unresolved", "whk.url_field", host=host) from None
    for info in found:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global or address.is_multicast:
            raise _refuse("whk.private", "whk.private_field", address=address)


def _check_topics(topics: Sequence[str]) -> list[str]:
    for index, topic in enumerate(topics):
        kind, _, key = topic.partition(":")
        if topic != "calendar" and (kind not in TOPIC_KINDS or not key):
            raise BadRequest(
                "", (FieldError.said(f"/topics/{index}", "whk.topic", topic=topic),)
            ).said("whk.topic", topic=topic)
    return sorted(set(topics))


def _owner(actor: Actor | None) -> Actor:
    if actor is None:
        raise Unauthorized()
    if actor.producer_id is None and not actor.is_portal_admin:
        raise Forbidden("").said("whk.no_producer")
    return actor


def register_webhook(
    session: Session,
    actor: Actor | None,
    *,
    url: str,
    topics: Sequence[str],
    description: str,
    now: datetime,
) -> Registered:
    """Register a webhook for the actor's producer, audited in the caller's transaction; the answer
    carries its signing secret, the only time it is shown. Raises Unauthorized, Forbidden, BadRequest."""
    actor = _owner(actor)
    check_target(url, configured().allowed_targets)
    secret = SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()
    webhook = Webhook(
        producer_id=actor.producer_id,
        token_id=actor.id if actor.kind == "token" else None,
        url=url,
        topics=_check_topics(topics),
        description=description,
        secret=secret,
        created_at=now,
        failures_in_a_row=0,
        disabled_reason="",
    )
    session.add(webhook)
    session.flush()
    record_write(
        session,
        actor=actor,
        at=now,
        action="create",
        entity="webhook",
        entity_id=str(webhook.id),
        producer_id=webhook.producer_id,
        before=None,
        after={"url": url, "topics": webhook.topics, "description": description},
    )
    return Registered(webhook, secret)


def list_webhooks(session: Session, actor: Actor | None) -> list[Webhook]:
    """The webhooks of the actor's producer (every one for a portal administrator)."""
    producers = writable_producer_ids(_owner(actor))
    query = select(Webhook).order_by(Webhook.id)
    if producers is not None:
        query = query.where(Webhook.producer_id.in_(producers))
    return list(session.scalars(query))


def get_webhook(session: Session, actor: Actor | None, webhook_id: int) -> Webhook:
    """One webhook of the actor's producer. Raises Unauthorized, NotFound, Forbidden (another's)."""
    actor = _owner(actor)
    webhook = session.get(Webhook, webhook_id)
    if webhook is None:
        raise NotFound("").said("whk.not_found", id=webhook_id)
    producers = writable_producer_ids(actor)
    if producers is not None and webhook.producer_id not in producers:
        raise Forbidden("").said("access.other_producer")
    return webhook


def delete_webhook(session: Session, actor: Actor | None, webhook_id: int, now: datetime) -> None:
    """Delete a webhook and its delivery log, audited. Raises as :func:`get_webhook`."""
    webhook = get_webhook(session, actor, webhook_id)
    assert actor is not None
    record_write(
        session,
        actor=actor,
        at=now,
        action="delete",
        entity="webhook",
        entity_id=str(webhook.id),
        producer_id=webhook.producer_id,
        before={"url": webhook.url, "topics": webhook.topics},
        after=None,
    )
    session.delete(webhook)


def list_deliveries(
    session: Session, actor: Actor | None, webhook_id: int, limit: int = 100
) -> list[tuple[WebhookDelivery, NotifyEvent]]:
    """A webhook's newest deliveries with their events. Raises as :func:`get_webhook`."""
    webhook = get_webhook(session, actor, webhook_id)
    return [
        (delivery, event)
        for delivery, event in session.execute(
            select(WebhookDelivery, NotifyEvent)
            .join(NotifyEvent, NotifyEvent.id == WebhookDelivery.event_id)
            .where(WebhookDelivery.webhook_id == webhook.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        ).all()
    ]


# Signing and the payload.


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header's value: ``v1,`` and the base64 HMAC-SHA256, keyed with the
    secret's base64-decoded bytes, of ``{id}.{timestamp}.{body}``."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def payload(event: NotifyEvent, base_url: str) -> bytes:
    words = event.words
    path = words.get("path", {})
    data = {
        "kind": event.kind,
        "ref": event.ref,
        "topics": list(event.topics),
        "public_at": _utc(event.public_at),
        "title": words.get("title", {}),
        "text": words.get("text", {}),
        "path": path,
        "url": {lang: base_url.rstrip("/") + str(p) for lang, p in path.items()},
    }
    body = {
        "type": event.kind,
        "id": f"evt_{event.id}",
        "timestamp": _utc(event.public_at),
        "data": data,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


# The worker's part.


@dataclass
class HookPass:
    events: int = 0
    queued: int = 0
    sent: int = 0
    failed: int = 0
    dead: int = 0
    disabled: int = 0
    pinged: list[str] = field(default_factory=list)


def run_once(sessions: Callable[[], Session], base_url: str, now: datetime) -> HookPass:
    """Fan the events public by ``now`` out to the webhooks, ping the WebSub hub for the feeds they
    changed, and deliver what is due. Each step commits in small transactions."""
    settings = configured()
    done = HookPass()
    with sessions() as session:
        events = _fan_out(session, now, done)
    if settings.websub_hub and events:
        done.pinged = websub.ping(
            settings.websub_hub, websub.feed_urls(base_url, events), settings.timeout
        )
    with sessions() as session:
        _deliver(session, settings, base_url, now, done)
    return done


def _fan_out(session: Session, now: datetime, done: HookPass) -> list[NotifyEvent]:
    """Give each event public by ``now`` and not given yet to the webhooks of its topics; the events
    this worker claimed."""
    waiting = session.scalars(
        select(NotifyEvent)
        .where(
            NotifyEvent.public_at <= now,
            ~exists().where(WebhookFanOut.event_id == NotifyEvent.id),
        )
        .order_by(NotifyEvent.public_at, NotifyEvent.id)
        .limit(BATCH)
    ).all()
    if not waiting:
        return []
    active = session.scalars(select(Webhook).where(Webhook.disabled_at.is_(None))).all()
    claimed: list[NotifyEvent] = []
    for event in waiting:
        try:
            session.add(WebhookFanOut(event_id=event.id, at=now))
            session.flush()
        except IntegrityError:
            session.rollback()
            continue  # another worker took it
        topics = set(event.topics)
        for webhook in active:
            # Registered after the event: it happened before they asked for it.
            if webhook.created_at <= event.public_at and topics & set(webhook.topics):
                session.add(
                    WebhookDelivery(
                        webhook_id=webhook.id,
                        event_id=event.id,
                        status="queued",
                        attempts=0,
                        next_attempt_at=now,
                        last_error="",
                        created_at=now,
                    )
                )
                done.queued += 1
        session.commit()
        claimed.append(event)
    done.events = len(claimed)
    return claimed


def _post(
    webhook: Webhook, delivery: WebhookDelivery, body: bytes, settings: HookSettings, now: datetime
) -> int:
    """POST one delivery; the answer's code. Raises on a refused target or a network failure."""
    check_target(webhook.url, settings.allowed_targets)
    message_id = f"msg_{delivery.id}"
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Statistikkportalen-Webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(webhook.secret, message_id, timestamp, body),
    }
    with requests.post(
        webhook.url,
        data=body,
        headers=headers,
        timeout=settings.timeout,
        allow_redirects=False,
        stream=True,  # the answer's body is never read
    ) as response:
        return response.status_code


def _deliver(
    session: Session, settings: HookSettings, base_url: str, now: datetime, done: HookPass
) -> None:
    for delivery_id in mail_worker.claim_due(session, WebhookDelivery, now, BATCH):
        delivery = session.get(WebhookDelivery, delivery_id)
        webhook = session.get(Webhook, delivery.webhook_id) if delivery is not None else None
        event = session.get(NotifyEvent, delivery.event_id) if delivery is not None else None
        if delivery is None or webhook is None or event is None:
            continue
        if webhook.disabled_at is not None:
            delivery.status, delivery.claimed_until = "dropped", None
            session.commit()
            continue
        code: int | None = None
        error = ""
        try:
            code = _post(webhook, delivery, payload(event, base_url), settings, now)
        except PortalError as refused:
            error = f"refused: {refused.detail}"
        except requests.RequestException as failure:
            error = f"{type(failure).__name__}: {str(failure)[:300]}"
        if code is not None and not 200 <= code < 300:
            error = f"HTTP {code}"
        delivery.last_attempt_at = now
        delivery.response_code, delivery.last_error = code, error
        if not error:
            delivery.attempts += 1
            delivery.claimed_until = None
            delivery.status, delivery.delivered_at = "sent", now
            webhook.failures_in_a_row = 0
            done.sent += 1
        elif mail_worker.failed_attempt(delivery, now):
            done.dead += 1
            webhook.failures_in_a_row += 1
            if webhook.failures_in_a_row >= settings.disable_after:
                _disable(session, webhook, error, now)
                done.disabled += 1
        else:
            done.failed += 1
        if error:
            log.warning(
                "webhook %s: delivery %s failed (attempt %s): %s",
                webhook.id,
                delivery.id,
                delivery.attempts,
                error,
            )
        session.commit()


def _disable(session: Session, webhook: Webhook, error: str, now: datetime) -> None:
    """Disable a webhook that keeps failing: its queued deliveries are dropped, and its owner finds it
    in the audit log and in the API's answer (``disabled_at``, ``disabled_reason``)."""
    webhook.disabled_at, webhook.disabled_reason = now, error[:300]
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook.id, WebhookDelivery.status == "queued")
        .values(status="dropped", claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    record_write(
        session,
        actor=WORKER,
        at=now,
        action="disable",
        entity="webhook",
        entity_id=str(webhook.id),
        producer_id=webhook.producer_id,
        before={"disabled_at": None},
        after={
            "disabled_at": _utc(now),
            "failures_in_a_row": webhook.failures_in_a_row,
            "last_error": webhook.disabled_reason,
        },
    )
