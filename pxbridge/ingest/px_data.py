"""The DATA block of a PX file, converted in bulk by numpy a block at a time.

Split out of :mod:`pxbridge.ingest.px`; :func:`pxbridge.ingest.px.parse_px` is the entry point. The error
helpers it shares with the parser are in :mod:`pxbridge.ingest.px_tokens`.
"""

from __future__ import annotations

import re
import warnings
from typing import IO

import numpy as np
from numpy.typing import NDArray

from pxbridge.ingest.px_tokens import PxWarning, fail, read_block
from pxbridge.store import cells

# --------------------------------------------------------------------------------------------
# DATA

_SENTINELS = {symbol: f" -8.8888{k}e307 ".encode() for k, symbol in enumerate(cells.SYMBOLS)}
_SENTINEL_CELLS = {float(s): cells.encode(symbol) for symbol, s in _SENTINELS.items()}
_BY_LENGTH = sorted(cells.SYMBOLS, key=len, reverse=True)
_SEPARATORS = bytes.maketrans(b",\t\r\n", b"    ")
_BARE_DOTS = re.compile(rb"(?<![^\s,])\.{1,6}(?![^\s,])")
_SEPARATOR_BYTES = (b" ", b"\n", b"\t", b"\r", b",")
_WHITE = b" \t\r\n\x00\x1a"  # and the DOS end-of-file mark some old writers add
_BLOCK = 1 << 20  # bytes of DATA text converted at a time


def _first_bad_token(body: bytes, line: int) -> tuple[int, str]:
    for offset, text in enumerate(body.split(b"\n")):
        for token in text.translate(_SEPARATORS).split():
            try:
                float(token)
            except ValueError:
                return line + offset, token.decode("ascii", "replace")
    return line, ""


def read_data(
    head: bytes,
    stream: IO[bytes],
    line: int,
    expected: int,
    warnings: list[PxWarning] | None = None,
) -> NDArray[np.float64]:
    """The ``expected`` cells of a DATA block whose text starts with ``head`` (read with the metadata)
    and goes on in ``stream``, up to the ``;`` that ends it.

    Read and converted a block at a time into one array allocated up front, so an upload's memory is
    its cells and one block, not its text and copies of it (issue 16: a 20-million-cell file took
    3.6 x its cells). Raises BadRequest naming the line: a value that is neither a number nor a
    data symbol, an unknown quoted symbol, an infinite value, text after the ``;``, or a count of
    values other than ``expected``.

    Two things PxWeb reads are read, each with a warning in ``warnings`` (issue 21): DATA that ends
    with the file instead of a ``;`` (PxWeb reads to the end of the file), and a ``;`` before the
    last value, which the specification lists among the separators PC-Axis has accepted (PxWeb
    stops at it and leaves the rest of its table empty; pyaxis reads on, as here).
    """
    out = np.empty(expected, dtype=np.float64)
    count = 0  # values read, also past `expected`, to say how many there were
    at = line
    carry, block = b"", head
    inner_semicolon = False  # one warning for every ';' before the last value
    last_line = line  # where the last value read is
    while True:
        if not block:
            block = read_block(stream, _BLOCK)
            if not block:
                if carry.strip(_WHITE):
                    values = convert_cells(carry, at, line)
                    if count + values.size <= expected:
                        out[count : count + values.size] = values
                    count += values.size
                    last_line = at + carry.rstrip(_WHITE).count(b"\n")
                if warnings is not None and count == expected:
                    warnings.append(PxWarning.said(last_line, "DATA", "imp.px.w.data_unterminated"))
                elif warnings is None:
                    raise fail(line, "imp.px.data_unterminated")
                break
        text = carry + block if carry else block
        end = text.find(b";")
        rest = b""
        if end >= 0:
            text, rest, carry = text[:end], text[end + 1 :], b""
        else:
            # Up to the last separator: a number cut by the end of the block waits for the next.
            cut = max(text.rfind(separator) for separator in _SEPARATOR_BYTES) + 1
            text, carry = text[:cut], text[cut:]
        if text.strip():
            values = convert_cells(text, at, line)
            if count + values.size <= expected:
                out[count : count + values.size] = values
            count += values.size
            last_line = at + text.rstrip(_WHITE).count(b"\n")
        at += text.count(b"\n")
        block = b""
        if end < 0:
            continue
        rest = _after(rest, stream)
        if count >= expected and warnings is not None:
            # More ';' after the last value (14001.px from INE ends its rows with ';' and
            # its DATA with ";;"): as white space, and nothing else.
            while rest and not rest.strip(_WHITE + b";"):
                rest = _after(b"", stream)
        if not rest:
            break
        if count >= expected or warnings is None:
            raise fail(at, "imp.px.data_trailing")
        if not inner_semicolon:
            inner_semicolon = True
            warnings.append(PxWarning.said(at, "DATA", "imp.px.w.data_inner_semicolon"))
        block = rest
    if count != expected:
        raise fail(line, "imp.px.data_count", count=count, expected=expected)
    return out


def _after(tail: bytes, stream: IO[bytes]) -> bytes:
    """What follows a ``;`` in DATA, from its first byte that is not white space (reading on in
    ``stream`` as far as that takes); empty when only white space follows to the end."""
    while True:
        if tail.strip(_WHITE):
            return tail
        tail = read_block(stream, _BLOCK)
        if not tail:
            return b""


def convert_cells(body: bytes, line: int, data_line: int) -> NDArray[np.float64]:
    """The cells of a piece of DATA text starting on ``line`` (``data_line``: where DATA is)."""
    if b'"' in body:
        for symbol in _BY_LENGTH:
            if b'"' + symbol.encode() + b'"' in body:
                body = body.replace(b'"' + symbol.encode() + b'"', _SENTINELS[symbol])
        quote = body.find(b'"')
        if quote >= 0:
            token = body[quote : quote + 12].split(b"\n")[0].decode("ascii", "replace")
            at = line + body.count(b"\n", 0, quote)
            raise fail(at, "imp.px.data_unknown_symbol", token=token)
    if b".." in body:
        body = _BARE_DOTS.sub(lambda m: _SENTINELS[m.group().decode()], body)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            values = np.fromstring(body.translate(_SEPARATORS), dtype=np.float64, sep=" ")
    except (ValueError, DeprecationWarning):
        at, token = _first_bad_token(body, line)
        raise fail(at, "imp.px.data_not_number", token=token) from None
    if np.isinf(values).any():
        raise fail(data_line, "imp.px.data_infinite")
    candidates = np.flatnonzero(values < -8.8e307)
    if candidates.size:
        found = values[candidates]
        for sentinel, cell in _SENTINEL_CELLS.items():
            values[candidates[found == sentinel]] = cell
    return values
