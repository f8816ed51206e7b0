"""Values for the placeholders of :mod:`pxbridge.ingest.messages` that are said differently in each
language: another message (:class:`Reason`), a place (:class:`Place`) and what a parser library said
(:class:`LibraryReason`). Each formats by its spec: ``{why:nb}`` in Norwegian, ``{why:en}`` in English.
"""

from __future__ import annotations

from portal.kernel.errors import FieldError
from pxbridge.ingest.messages import where

#: What a JSON or CSV library says, in Norwegian: its message is English and its own wording, so a
#: Norwegian text says what is wrong from the first phrase the message holds (the place is said apart).
_JSON_REASONS = (
    ("zero-length", "filen er tom"),
    ("unexpected end of data", "filen slutter før JSON-teksten er ferdig"),
    ("trailing comma", "det står et komma etter det siste elementet"),
    ("expected ':'", "det mangler kolon etter nøkkelen"),
    ("expected a string key", "nøkkelen må stå i anførselstegn"),
    ("expected ',' or ']'", "det mangler komma eller «]»"),
    ("expected ',' or '}'", "det mangler komma eller «}»"),
    ("expected a JSON value", "her skulle det stått en verdi"),
    ("after document", "det står noe etter slutten av JSON-teksten"),
    ("UTF-8", "teksten er ikke gyldig UTF-8"),
)
_JSON_OTHERWISE = "et tegn som ikke hører hjemme der"
_CSV_REASONS = (
    ("expected after", "etter et avsluttende anførselstegn skal det komme et skilletegn"),
    ("unexpected end of data", "anførselstegnet er ikke avsluttet"),
    ("NUL", "linjen inneholder et NUL-tegn"),
    ("new-line", "et felt inneholder et linjeskift"),
    ("field limit", "et felt er for langt"),
)
_CSV_OTHERWISE = "anførselstegnene er brukt feil"


class Reason:
    """A message as the placeholder of another: ``{why:nb}`` is it in Norwegian, ``{why:en}`` (or
    ``{why}``) in English, without ``strip`` at its start (a keyword the outer message names)."""

    def __init__(self, error: FieldError, strip: str = "") -> None:
        self.error, self.strip = error, strip

    def __format__(self, spec: str) -> str:
        return self.error.message(spec or "en").removeprefix(self.strip)

    def __str__(self) -> str:
        return format(self, "en")


class Place:
    """Where a problem is, as a placeholder: ``{at}`` is its pointer as the API has always said it,
    ``{at:nb}`` and ``{at:en}`` are :func:`where`'s words."""

    def __init__(self, error: FieldError) -> None:
        self.error = error

    def __format__(self, spec: str) -> str:
        return where(self.error, spec) if spec else self.error.pointer

    def __str__(self) -> str:
        return self.error.pointer


class LibraryReason:
    """What a parser library said (orjson, Python's csv): as it said it in English, and in Norwegian
    from the table of its known phrases (``kind``: "json" or "csv")."""

    def __init__(self, text: str, kind: str) -> None:
        self.text, self.kind = text, kind

    def __format__(self, spec: str) -> str:
        if spec != "nb":
            return self.text
        reasons, otherwise = (
            (_JSON_REASONS, _JSON_OTHERWISE)
            if self.kind == "json"
            else (_CSV_REASONS, _CSV_OTHERWISE)
        )
        return next((nb for phrase, nb in reasons if phrase in self.text), otherwise)

    def __str__(self) -> str:
        return self.text
