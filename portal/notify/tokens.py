"""The links in the alerts' e-mails: a subscription's (or subscriber's) id and nonce signed with the
portal's secret key (itsdangerous, which Flask uses for its sessions). Changing the nonce voids a link."""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

#: What each kind of link is for; a token for one is refused for another.
CONFIRM, UNSUBSCRIBE, MANAGE = "notify-confirm", "notify-unsubscribe", "notify-manage"
#: A confirmation link's life; the other links last as long as their nonce.
CONFIRM_SECONDS = 7 * 24 * 3600


def new_nonce() -> str:
    return secrets.token_hex(16)


def sign(secret: str, purpose: str, record_id: int, nonce: str) -> str:
    return URLSafeTimedSerializer(secret, salt=purpose).dumps([record_id, nonce])


def read(
    secret: str, purpose: str, token: str, max_age: int | None = None
) -> tuple[int, str] | None:
    """(id, nonce) a token signs for ``purpose``, or None for a forged, damaged or expired one."""
    try:
        found = URLSafeTimedSerializer(secret, salt=purpose).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired, ValueError):
        return None
    if (
        not isinstance(found, list)
        or len(found) != 2
        or not isinstance(found[0], int)
        or not isinstance(found[1], str)
    ):
        return None
    return found[0], found[1]
