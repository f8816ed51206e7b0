"""What every API that imports a whole file (a table; a code list's version, variant or correspondence
table) does alike at its edge, written once: its import endpoints take bodies up to their own limit
instead of ``MAX_CONTENT_LENGTH``, and a missing endpoint stops the app from starting."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask

from portal.http.inputs import allow_large_body


def accept_imports(app: Flask, config_key: str, endpoints: Iterable[str]) -> None:
    """Let each of ``endpoints`` take bodies up to ``app.config[config_key]`` bytes (read once, by the
    import's own parser). Raises RuntimeError at start-up for an endpoint the app does not have: a
    renamed view would otherwise keep the ordinary limit without anyone noticing."""
    for endpoint in endpoints:
        if endpoint not in app.view_functions:
            raise RuntimeError(f"No endpoint {endpoint} to take imports up to {config_key}.")
        allow_large_body(endpoint, config_key)
