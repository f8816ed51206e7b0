"""The DATA block of a PX file, converted in bulk by numpy.

Split out of :mod:`pxbridge.px`; :func:`pxbridge.px.parse_px` is the entry point. The error
helpers it shares with the parser are in :mod:`pxbridge.px_tokens`.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
from numpy.typing import NDArray

from pxbridge import cells
from pxbridge.px_tokens import fail

# --------------------------------------------------------------------------------------------
# DATA

_SENTINELS = {symbol: f" -8.8888{k}e307 ".encode() for k, symbol in enumerate(cells.SYMBOLS)}
_SENTINEL_CELLS = {float(s): cells.encode(symbol) for symbol, s in _SENTINELS.items()}
_BY_LENGTH = sorted(cells.SYMBOLS, key=len, reverse=True)
_SEPARATORS = bytes.maketrans(b",\t\r\n", b"    ")
_BARE_DOTS = re.compile(rb"(?<![^\s,])\.{1,6}(?![^\s,])")


def _first_bad_token(body: bytes, line: int) -> tuple[int, str]:
    for offset, text in enumerate(body.split(b"\n")):
        for token in text.translate(_SEPARATORS).split():
            try:
                float(token)
            except ValueError:
                return line + offset, token.decode("ascii", "replace")
    return line, ""


def parse_data(data: bytes, start: int, line: int, expected: int) -> NDArray[np.float64]:
    end = data.rfind(b";", start)
    if end < 0:
        raise fail(line, "DATA: not terminated by ';'")
    body = data[start:end]
    if b'"' in body:
        for symbol in _BY_LENGTH:
            if b'"' + symbol.encode() + b'"' in body:
                body = body.replace(b'"' + symbol.encode() + b'"', _SENTINELS[symbol])
        quote = body.find(b'"')
        if quote >= 0:
            token = body[quote : quote + 12].split(b"\n")[0].decode("ascii", "replace")
            at = line + body.count(b"\n", 0, quote)
            raise fail(at, f"DATA: unknown data symbol {token}")
    if b".." in body:
        body = _BARE_DOTS.sub(lambda m: _SENTINELS[m.group().decode()], body)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            values = np.fromstring(body.translate(_SEPARATORS), dtype=np.float64, sep=" ")
    except (ValueError, DeprecationWarning):
        at, token = _first_bad_token(body, line)
        raise fail(at, f'DATA: "{token}" is neither a number nor a data symbol') from None
    if values.size != expected:
        raise fail(
            line,
            f"DATA: {values.size} values but VALUES of STUB and HEADING give {expected} cells",
        )
    if np.isinf(values).any():
        raise fail(line, "DATA: infinite values are not allowed")
    candidates = np.flatnonzero(values < -8.8e307)
    if candidates.size:
        found = values[candidates]
        for sentinel, cell in _SENTINEL_CELLS.items():
            values[candidates[found == sentinel]] = cell
    return values
