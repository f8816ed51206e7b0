"""One rule for request input, applied at the edge before any handler runs.

Whatever a handler does, it never sees: a NUL byte (PostgreSQL refuses them in text, so they ended in a
500); an integer id or page outside what the database can store; an over-long query value; JSON nested
deeper than any real document. Each is a 400 problem response naming the parameter, and nothing is
changed. Bodies keep their size limit when they arrive chunked (``Transfer-Encoding: chunked`` has no
``Content-Length`` to check first): werkzeug stops reading at the limit without saying so, which once
stored a cut-off file; :class:`PortalRequest` answers 413 instead.

The parsers of uploaded files share their limits through :mod:`portal.kernel.parsing`.
"""

from __future__ import annotations

import re

from flask import Flask, Request, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from portal.kernel.errors import BadRequest, FieldError
from portal.kernel.i18n import register_messages
from portal.kernel.parsing import parse_json

register_messages(
    {
        "inputs.refused": ("Parameteren «{name}» {why}.", "{name}: {detail}"),
        "inputs.nul": ("inneholder et ugyldig tegn (NUL)", "contains a NUL character"),
        "inputs.at_most": ("kan være høyst {max}", "must be at most {max}"),
        "inputs.too_long": ("er lengre enn {max} tegn", "is longer than {max} characters"),
    }
)

#: The largest integer every supported database stores in an id column (PostgreSQL ``integer``).
MAX_INT = 2**31 - 1
#: Query parameters that are integers wherever they appear (pages, sizes, versions, ids).
INTEGER_PARAMETERS = frozenset(
    {
        "page",
        "per_page",
        "pageSize",
        "pageNumber",
        "version",
        "draft_version",
        "limit",
        "offset",
        "before",
        "id",
        "release",
        "foer",
    }
)
#: Longest query value (a PxWebApi selection can list many codes; 64 KiB is far beyond any real one).
MAX_QUERY_VALUE = 65_536

_INTEGER = re.compile(r"[+-]?\d+")


class PortalRequest(Request):
    """A request whose body limit holds for chunked bodies too (413, never a silently cut body)."""

    def get_data(  # type: ignore[override]
        self, cache: bool = True, as_text: bool = False, parse_form_data: bool = False
    ) -> bytes | str:
        data = super().get_data(cache=cache, as_text=False, parse_form_data=parse_form_data)
        assert isinstance(data, bytes)
        self._refuse_cut_body(len(data))
        return data.decode() if as_text else data

    def _load_form_data(self) -> None:
        super()._load_form_data()
        if self.content_length is None and self.max_content_length is not None:
            # The form parser reads the stream to its end or to the limit: check it was the end.
            self._refuse_cut_body(self.max_content_length)

    def _refuse_cut_body(self, read: int) -> None:
        limit = self.max_content_length
        if self.content_length is not None or limit is None or read < limit:
            return
        # At the limit of a body without a declared length: one more byte means it was cut.
        try:
            more = self.stream.read(1)
        except RequestEntityTooLarge:
            raise
        if more:
            raise RequestEntityTooLarge()


#: Endpoints that accept bodies larger than ``MAX_CONTENT_LENGTH``: endpoint -> the config key of their
#: limit (table uploads). Their bodies are read by their own streaming parsers, not scanned here.
LARGE_BODIES: dict[str, str] = {}


def allow_large_body(endpoint: str, config_key: str) -> None:
    """Let ``endpoint`` take bodies up to ``current_app.config[config_key]`` bytes."""
    LARGE_BODIES[endpoint] = config_key


def _refuse(name: str, key: str, **values: object) -> BadRequest:
    """The edge's refusal of the parameter ``name``: ``key`` says why (``inputs.…``)."""
    error = FieldError.said(name, key, **values)
    return BadRequest("", (error,)).said(
        "inputs.refused", name=name, detail=error.detail, why=error.message("nb")
    )


def check_request() -> None:
    """The edge rule for the current request's path, query and form. Raises BadRequest naming the
    parameter."""
    if "\x00" in request.path:
        raise _refuse("path", "inputs.nul")
    for name, value in (request.view_args or {}).items():
        if isinstance(value, int) and not -MAX_INT <= value <= MAX_INT:
            raise _refuse(name, "inputs.at_most", max=MAX_INT)
        if isinstance(value, str) and "\x00" in value:
            raise _refuse(name, "inputs.nul")
    for name, value in request.args.items(multi=True):
        _check_parameter(name, value)
    large = LARGE_BODIES.get(request.endpoint or "")
    if large is not None:
        request.max_content_length = int(current_app.config[large])
        return
    if request.mimetype == "application/json" or request.mimetype.endswith("+json"):
        # Read once (cached for the handler): a body that is not JSON, nests too deep or holds a NUL
        # never reaches a handler.
        data = request.get_data(cache=True)
        if data:
            try:
                parse_json(data, "The body")
            except BadRequest as error:
                # The same reason, in each language, at the body.
                refusal = BadRequest(
                    error.detail, (FieldError("body", error.detail, error.key, error.values),)
                )
                if error.key:
                    refusal.said(error.key, **error.values)
                raise refusal from None
    if request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        for name, value in request.form.items(multi=True):
            if "\x00" in name or "\x00" in value:
                raise _refuse(name.replace("\x00", ""), "inputs.nul")


def _check_parameter(name: str, value: str) -> None:
    if "\x00" in name or "\x00" in value:
        raise _refuse(name.replace("\x00", ""), "inputs.nul")
    if len(value) > MAX_QUERY_VALUE:
        raise _refuse(name, "inputs.too_long", max=MAX_QUERY_VALUE)
    base = name.split("[", 1)[0]
    if base in INTEGER_PARAMETERS and _INTEGER.fullmatch(value.strip()):
        if len(value) > 12 or not -MAX_INT <= int(value) <= MAX_INT:
            raise _refuse(name, "inputs.at_most", max=MAX_INT)


def init_app(app: Flask) -> None:
    app.request_class = PortalRequest
    app.before_request(check_request)
