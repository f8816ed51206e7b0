"""Reading uploaded files safely, the same way everywhere. No Flask: services and parsers use it.

JSON is parsed in C (orjson), so a body nested a million deep costs no Python stack, and is refused when
it nests deeper than :data:`MAX_JSON_DEPTH` or holds a NUL character. CSV rows are read with every field
at most :data:`MAX_TEXT` characters and a bad line named. Texts in uploaded files have documented limits:
names, titles and labels at most :data:`MAX_NAME` characters, notes and free texts at most
:data:`MAX_TEXT` (:func:`check_text`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

import orjson

from portal.kernel.errors import BadRequest, FieldError
from portal.kernel.i18n import register_messages

#: Deepest JSON accepted anywhere: real documents (JSON-stat, schedules, code lists) nest under 10.
MAX_JSON_DEPTH = 64
#: Names, titles and labels in uploaded files.
MAX_NAME = 1_000
#: Notes and free texts in uploaded files.
MAX_TEXT = 100_000

#: The refusals of this module, (nb, en), with ``{what}`` for what was read. The callers' two usual
#: subjects get keys of their own with the subject in each language (``parsing.body.…``,
#: ``parsing.file.…``); any other (a file name) is used as given (``parsing.named.…``). The library's
#: own words (orjson's, the csv module's) are in the English text only.
_REASONS: dict[str, tuple[str, str]] = {
    "not_json": ("{What} er ikke gyldig JSON.", "{What} is not valid JSON: {error}"),
    "nul": ("{What} inneholder et ugyldig tegn (NUL).", "{What} contains a NUL character."),
    "too_deep": (
        "{What} er nøstet dypere enn {levels} nivåer.",
        "{What} nests deeper than {levels} levels.",
    ),
    "line_nul": (
        "{What}, linje {line}: et ugyldig tegn (NUL).",
        "{What}, line {line}: a NUL character.",
    ),
    "line_long": (
        "{What}, linje {line}: feltet {name} har {n} tegn; et felt kan ha høyst {limit}.",
        "{What}, line {line}: the field {name} has {n} characters; a field holds at most {limit}.",
    ),
    "line_unreadable": (
        "{What}, linje {line}: linjen kan ikke leses (et felt kan ha høyst {limit} tegn).",
        "{What}, line {line}: {error} (a field holds at most {limit} characters).",
    ),
}
_SUBJECTS = {
    "body": ("Innholdet", "The body"),
    "file": ("Filen", "The file"),
    "named": ("{what}", "{what}"),
}
register_messages(
    {
        f"parsing.{subject}.{reason}": (
            nb.replace("{What}", names[0]),
            en.replace("{What}", names[1]),
        )
        for reason, (nb, en) in _REASONS.items()
        for subject, names in _SUBJECTS.items()
    }
    | {
        "parsing.too_long": (
            "høyst {limit} tegn (denne har {n})",
            "at most {limit} characters (this has {n})",
        ),
        "parsing.has_nul": ("inneholder et ugyldig tegn (NUL)", "contains a NUL character"),
    }
)


def _refusal(reason: str, what: str, **values: object) -> BadRequest:
    """The refusal ``reason`` about ``what`` ("The body", "The file" or a file's name)."""
    subject = {"The body": "body", "The file": "file"}.get(what, "named")
    return BadRequest("").said(f"parsing.{subject}.{reason}", what=what, **values)


def parse_json(data: bytes | str, what: str = "The body") -> Any:
    """JSON as Python values, refused with a 400 when it is not JSON, nests deeper than
    :data:`MAX_JSON_DEPTH`, or holds a NUL character. orjson parses in C with a recursion limit of its
    own, so even a body nested a million deep costs no Python stack."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise _refusal("not_json", what, error=error) from None
    _walk(value, what)
    return value


def _walk(value: Any, what: str) -> None:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise _refusal("nul", what)
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise _refusal("too_deep", what, levels=MAX_JSON_DEPTH)
        if isinstance(item, dict):
            for key, child in item.items():
                if "\x00" in key:
                    raise _refusal("nul", what)
                stack.append((child, depth + 1))
        else:
            stack.extend((child, depth + 1) for child in item)


def checked_rows(reader: csv.DictReader[str], what: str = "The file") -> Iterator[dict[str, Any]]:
    """The rows of ``reader``, each field at most :data:`MAX_TEXT` characters and free of NUL.
    Raises BadRequest naming the line (never ``csv.Error``)."""
    try:
        for row in reader:
            for name, value in row.items():
                if isinstance(value, str) and "\x00" in value:
                    raise _refusal("line_nul", what, line=reader.line_num)
                if isinstance(value, str) and len(value) > MAX_TEXT:
                    raise _refusal(
                        "line_long",
                        what,
                        line=reader.line_num,
                        name=name,
                        n=len(value),
                        limit=MAX_TEXT,
                    )
            yield row
    except csv.Error as error:
        # The reader had not counted the line it failed on.
        raise _refusal(
            "line_unreadable", what, line=reader.line_num + 1, error=error, limit=MAX_TEXT
        ) from None


def check_text(value: str, limit: int, pointer: str, errors: list[FieldError]) -> None:
    """Add a problem to ``errors`` when ``value`` is longer than ``limit`` or holds a NUL character."""
    if len(value) > limit:
        errors.append(FieldError.said(pointer, "parsing.too_long", limit=limit, n=len(value)))
    elif "\x00" in value:
        errors.append(FieldError.said(pointer, "parsing.has_nul"))
