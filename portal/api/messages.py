"""The portal API's refusals: key: (nb, en). English is what the API answers by default (its ``detail``);
Norwegian when ``Accept-Language`` prefers nb."""

from __future__ import annotations

from portal.kernel.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "api.unknown_frequency": ("Ukjent hyppighet «{value}».", "Unknown frequency '{value}'."),
    "api.one_of": ("Velg en av: {choices}.", "one of {choices}"),
    "api.official_bool": (
        "official må være true eller false.",
        "official must be true or false.",
    ),
    "api.true_or_false": ("true eller false", "true or false"),
    "api.q_too_long": ("Søketeksten kan ha høyst 200 tegn.", "q may be at most 200 characters."),
    "api.too_long": ("for lang", "too long"),
    "api.admin_token_only": (
        "Bare en portaladministrators API-nøkkel kan bruke administrasjons-API-et.",
        "Only a portal administrator's token may use the administration API.",
    ),
    "api.unknown_role": ("Ukjent rolle.", "Unknown role."),
    "api.unknown_role_field": ("ukjent rolle", "unknown role"),
    "api.active_bool": ("active må være true eller false.", "active is true or false."),
    "api.instant": (
        "{name} må være et tidspunkt etter RFC 3339 med tidssone.",
        "{name} must be an RFC 3339 instant with a time zone.",
    ),
    "api.instant_example": (
        "et tidspunkt som 2026-12-01T00:00:00+01:00",
        "an instant such as 2026-12-01T00:00:00+01:00",
    ),
    "api.range": ("{name} må være fra {low} til {high}.", "{name} must be from {low} to {high}."),
    "api.out_of_range": ("utenfor det tillatte området", "out of range"),
    "api.not_null": (
        "Disse feltene kan ikke være null: {names}",
        "These fields cannot be null: {names}",
    ),
    "api.may_not_be_null": ("kan ikke være null", "may not be null"),
    "api.stale": (
        "«{slug}» er på versjon {current}; du sendte {sent}.",
        "'{slug}' is at version {current}; you sent {sent}.",
    ),
    "api.if_match": (
        "If-Match må være en ETag som API-et har gitt deg.",
        "If-Match must be an ETag this API gave you.",
    ),
}

register_messages(MESSAGES)
