"""A JSON-stat document parsed without its cells: the top-level ``value`` and ``status`` (a flat
array, or an object of positions) are cut out of the bytes before orjson parses the rest, and read
later a chunk at a time, once the document's ``size`` has been checked.

Issue 16: a 150 MB JSON-stat body took a worker from 284 to 2,227 MiB before it was refused, because
orjson made a Python object of every cell (32 bytes and more a cell) before the cell count was
looked at. Read in chunks, the cells cost their array and one chunk's objects.

A cut is only kept if the rest of the document, parsed, has exactly the marker put in its place at
the top level (so a ``"value": [...]`` inside a string or a nested object is never taken for it);
anything else, and any chunk that is not JSON on its own, falls back to parsing the whole document.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

_CUT = re.compile(rb'"(value|status)"\s*:\s*([\[{])')
_CLOSING = {b"[": b"]", b"{": b"}"}
CHUNK = 1 << 18  # bytes of a piece parsed at a time (about 30,000 cells)


class Unreadable(Exception):
    """A chunk of a piece is not JSON on its own: read the whole document instead."""


@dataclass(frozen=True)
class Piece:
    """A top-level array (``is_list``) or object cut out of the document: ``data[start:end]`` is what
    is between its brackets."""

    start: int
    end: int
    is_list: bool


def load(data: bytes) -> Any:
    """The document, with its top-level ``value`` and ``status`` as :class:`Piece` where they could
    be cut out (a flat array or object), as orjson gives them otherwise.

    Raises orjson.JSONDecodeError for a document that is not JSON (from parsing the whole of it, so
    the line and column are the document's own).
    """
    spans = _spans(data)
    if not spans:
        return orjson.loads(data)
    markers = {key: f"\x00{key}:{secrets.token_hex(8)}" for key in spans}
    parts: list[bytes] = []
    position = 0
    for key, piece in sorted(spans.items(), key=lambda item: item[1].start):
        parts += [data[position : piece.start - 1], orjson.dumps(markers[key])]
        position = piece.end + 1
    parts.append(data[position:])
    try:
        rest = orjson.loads(b"".join(parts))
    except orjson.JSONDecodeError:
        return orjson.loads(data)
    if not isinstance(rest, dict) or any(rest.get(key) != markers[key] for key in spans):
        return orjson.loads(data)
    for key, piece in spans.items():
        rest[key] = piece
    return rest


def _spans(data: bytes) -> dict[str, Piece]:
    """For each of ``value`` and ``status``: the largest flat array or object given under that name
    (the candidate for the top-level one)."""
    found: dict[str, Piece] = {}
    position = 0
    while (match := _CUT.search(data, position)) is not None:
        start = match.end()
        opening = match.group(2)
        end = data.find(_CLOSING[opening], start)
        position = start
        if end < 0 or data.find(b"[", start, end) >= 0 or data.find(b"{", start, end) >= 0:
            continue
        key = match.group(1).decode()
        piece = Piece(start, end, opening == b"[")
        if key not in found or end - start > found[key].end - found[key].start:
            found[key] = piece
        position = end + 1
    return found


def chunks(data: bytes, piece: Piece, size: int = CHUNK) -> Iterator[Any]:
    """The piece's entries a chunk of about ``size`` bytes at a time, each a list (of an array) or a
    dict (of an object) made by orjson. Raises :class:`Unreadable` for a chunk that is not JSON on
    its own: cut inside a string, or an empty entry (``[1,,2]``, a trailing comma)."""
    start, end = piece.start, piece.end
    if not data[start:end].strip():
        yield [] if piece.is_list else {}
        return
    while start < end:
        stop = end
        if end - start > size:
            stop = data.rfind(b",", start, start + size)
            if stop <= start:
                stop = data.find(b",", start + size, end)
                stop = end if stop < 0 else stop
        chunk = data[start:stop]
        if not chunk.strip():
            raise Unreadable
        wrapped = b"[" + chunk + b"]" if piece.is_list else b"{" + chunk + b"}"
        try:
            yield orjson.loads(wrapped)
        except orjson.JSONDecodeError:
            raise Unreadable from None
        start = stop + 1
    if data[end - 1 : end] == b"," or data[start - 1 : start] == b",":
        # The last chunk ended at a comma with nothing after it.
        raise Unreadable
