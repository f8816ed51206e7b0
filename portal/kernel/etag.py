"""Strong ETags for answers built from stored data (issue 22); :func:`portal.http.edge.not_modified`
answers ``If-None-Match`` with them. No Flask, so a domain's core can name its own answers."""

from __future__ import annotations

import hashlib


def strong_etag(*parts: str) -> str:
    """A strong ETag (quoted) naming one representation: a digest over ``parts``, which must hold
    everything the answer's bytes depend on (RFC 9110 8.8.3: a strong validator changes whenever the
    bytes do)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f'"{digest}"'
