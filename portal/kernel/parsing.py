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

#: Deepest JSON accepted anywhere: real documents (JSON-stat, schedules, code lists) nest under 10.
MAX_JSON_DEPTH = 64
#: Names, titles and labels in uploaded files.
MAX_NAME = 1_000
#: Notes and free texts in uploaded files.
MAX_TEXT = 100_000


def parse_json(data: bytes | str, what: str = "The body") -> Any:
    """JSON as Python values, refused with a 400 when it is not JSON, nests deeper than
    :data:`MAX_JSON_DEPTH`, or holds a NUL character. orjson parses in C with a recursion limit of its
    own, so even a body nested a million deep costs no Python stack."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise BadRequest(f"{what} is not valid JSON: {error}") from None
    _walk(value, what)
    return value


def _walk(value: Any, what: str) -> None:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise BadRequest(f"{what} contains a NUL character.")
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise BadRequest(f"{what} nests deeper than {MAX_JSON_DEPTH} levels.")
        if isinstance(item, dict):
            for key, child in item.items():
                if "\x00" in key:
                    raise BadRequest(f"{what} contains a NUL character.")
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
                    raise BadRequest(f"{what}, line {reader.line_num}: a NUL character.")
                if isinstance(value, str) and len(value) > MAX_TEXT:
                    raise BadRequest(
                        f"{what}, line {reader.line_num}: the field {name} has {len(value)} "
                        f"characters; a field holds at most {MAX_TEXT}."
                    )
            yield row
    except csv.Error as error:
        # The reader had not counted the line it failed on.
        raise BadRequest(
            f"{what}, line {reader.line_num + 1}: {error} (a field holds at most {MAX_TEXT} characters)."
        ) from None


def check_text(value: str, limit: int, pointer: str, errors: list[FieldError]) -> None:
    """Add a problem to ``errors`` when ``value`` is longer than ``limit`` or holds a NUL character."""
    if len(value) > limit:
        errors.append(FieldError(pointer, f"at most {limit} characters (this has {len(value)})"))
    elif "\x00" in value:
        errors.append(FieldError(pointer, "contains a NUL character"))
