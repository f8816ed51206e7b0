"""The bridge to producers' existing PxWebApi 2.0 installations: register one, mirror its table list and
metadata (on a schedule with ``portal remotes sync``, or on demand), and answer data requests for its
tables by asking it, within one deadline a call (pxbridge/remotes/exchange.py), admitted by a cap on requests
in flight and a circuit breaker (pxbridge/remotes/guard.py), with a shared response cache, and 502, 503
and 504 problems when it fails.

Mirrored tables are ordinary rows of ``data_table`` (with ``remote_id`` set and no cell file), so they
show on statistic pages and in every listing; their cells stay at the remote.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

import numpy as np
import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.kernel.cache import Cache
from portal.kernel.errors import BadRequest, FieldError
from pxbridge.models import DataTable, RemoteSource, TableVariable
from pxbridge.query.cube import Cube, Dimension, Unit
from pxbridge.remotes.exchange import ExchangeFailed, exchange
from pxbridge.remotes.guard import GuardLimits, RemoteGuard, RemoteGuards, RemoteRefused
from pxbridge.remotes.interfaces import RemoteFailure, RemoteSourceClient
from pxbridge.store import cells

T = TypeVar("T")
TIME_SCALES = {"Annual": "A", "Quarterly": "Q", "Monthly": "M", "Weekly": "W"}


class HttpRemote:
    """A remote PxWebApi 2.0 over HTTP. Each call (connecting, sending, the whole answer, and its
    retries on connection errors, 429 and 5xx) ends within ``timeout`` seconds: 504 past it, 502 for
    an unusable answer, 503 when ``guard`` does not let it through (see pxbridge/remotes/guard.py)."""

    def __init__(
        self,
        base_url: str,
        language: str,
        *,
        timeout: float = 10.0,
        retries: int = 2,
        guard: RemoteGuard | None = None,
        max_bytes: int = 64 * 1024 * 1024,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.language = language
        self.timeout = timeout
        self.retries = retries
        self.guard = guard
        self.max_bytes = max_bytes

    def _call(
        self,
        method: str,
        path: str,
        params: dict[str, Any],
        parse: Callable[[str, bytes], T],
        payload: bytes | None = None,
    ) -> T:
        url = f"{self.base_url}{path}?{urlencode(params)}"
        deadline = time.monotonic() + self.timeout
        if self.guard is None:
            return parse(url, self._fetch(method, url, payload, deadline))
        with self.guard.admit(deadline):
            return parse(url, self._fetch(method, url, payload, deadline))

    def _fetch(self, method: str, url: str, payload: bytes | None, deadline: float) -> bytes:
        """The answer's body. Retries share the one deadline: a retry never starts without time
        left for it, so retrying cannot multiply the wait (issue 16)."""
        headers = {"Accept": "application/json"}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        last = "no answer"
        for attempt in range(self.retries + 1):
            try:
                answer = exchange(
                    method,
                    url,
                    deadline=deadline,
                    body=payload,
                    headers=headers,
                    max_bytes=self.max_bytes,
                )
            except ExchangeFailed as failed:
                if failed.timed_out:
                    raise RemoteFailure(
                        504, f"{url} did not answer within {self.timeout:g} s"
                    ) from None
                last, pause = f"{url} could not be reached ({failed.reason})", 0.2 * (attempt + 1)
            else:
                if 200 <= answer.status < 300:
                    return answer.body
                if answer.status != 429 and answer.status < 500:
                    raise RemoteRefused(f"{url} refused the request ({answer.status})")
                last = f"{url} answered {answer.status}"
                wait = answer.headers.get("retry-after", "")
                pause = min(float(wait), 2.0) if wait.isdigit() else 0.2 * (attempt + 1)
            if attempt == self.retries or time.monotonic() + pause >= deadline:
                break
            time.sleep(pause)
        raise RemoteFailure(502, last)

    def _json(self, path: str, **params: Any) -> dict[str, Any]:
        return self._call("GET", path, {"lang": self.language, **params}, _json_object)

    def tables(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for page in range(1, MAX_TABLE_PAGES + 1):
            body = self._json("/tables", pageNumber=page, pageSize=500)
            found += [t for t in body.get("tables", []) if isinstance(t, dict)]
            if page >= int((body.get("page") or {}).get("totalPages") or 1):
                break
        return found

    def metadata(self, table_id: str) -> dict[str, Any]:
        return self._json(f"/tables/{table_id}/metadata")

    def data(self, table_id: str, selection: dict[str, list[str]]) -> bytes:
        body = {"selection": [{"variableCode": k, "valueCodes": v} for k, v in selection.items()]}
        return self._call(
            "POST",
            f"/tables/{table_id}/data",
            {"lang": self.language, "outputFormat": "json-stat2"},
            _json_text,
            orjson.dumps(body),
        )


#: Pages of the remote's table list read at most (500 tables a page).
MAX_TABLE_PAGES = 200


def _json_object(url: str, body: bytes) -> dict[str, Any]:
    """The answer as a JSON object. Raises RemoteFailure (502) for anything else."""
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise RemoteFailure(502, f"{url} did not answer JSON") from None
    if not isinstance(parsed, dict):
        raise RemoteFailure(502, f"{url} answered an unexpected shape")
    return parsed


def _json_text(url: str, body: bytes) -> bytes:
    """The answer as it came, when it can be a JSON object (checked in full by remote_cube); an
    error page or other junk is a RemoteFailure (502), and counts against the remote."""
    if not body.lstrip()[:1] == b"{":
        raise RemoteFailure(502, f"{url} did not answer JSON")
    return body


@dataclass(frozen=True)
class RemoteAccess:
    """How this process asks a registered remote: ``timeout_seconds`` for each call, answers of at
    most ``max_bytes``, admitted by ``guards`` (one guard a remote, with ``guard_limits``), and
    answers kept ``cache_seconds`` in the shared cache."""

    timeout_seconds: float
    max_bytes: int
    guard_limits: GuardLimits
    guards: RemoteGuards
    cache_seconds: int


def remote_client(source: RemoteSource, access: RemoteAccess) -> RemoteSourceClient:
    """The HTTP client of a registered remote, within ``access``'s deadline, size cap and guard."""
    return HttpRemote(
        source.base_url,
        source.language,
        timeout=access.timeout_seconds,
        guard=access.guards.get(source.base_url, access.guard_limits),
        max_bytes=access.max_bytes,
    )


def _variables(metadata: dict[str, Any], table_id: str) -> list[TableVariable]:
    """TableVariable rows from a remote's JSON-stat metadata. Raises RemoteFailure on a bad shape."""
    try:
        ids: list[str] = metadata["id"]
        dimensions: dict[str, Any] = metadata["dimension"]
        roles = metadata.get("role") or {}
        stub = set((metadata.get("extension") or {}).get("px", {}).get("stub") or ids[:-1])
        rows = []
        for position, code in enumerate(ids):
            dim = dimensions[code]
            index = dim["category"].get("index") or {}
            codes = (
                sorted(index, key=index.__getitem__) if isinstance(index, dict) else list(index)
            ) or list(dim["category"]["label"])
            labels = [str(dim["category"].get("label", {}).get(c, c)) for c in codes]
            extension = dim.get("extension") or {}
            role = next((r for r in ("time", "metric", "geo") if code in roles.get(r, [])), None)
            rows.append(
                TableVariable(
                    position=position,
                    code=code,
                    label_nb=str(dim.get("label") or code),
                    label_en="",
                    placement="stub" if code in stub else "heading",
                    role=role,
                    elimination=bool(extension.get("elimination", False)),
                    elimination_code=extension.get("eliminationValueCode"),
                    time_scale=None,
                    show=str(extension.get("show") or "value"),
                    codes=codes,
                    labels_nb=labels,
                    labels_en=[""] * len(codes),
                    notes={},
                    value_notes={},
                )
            )
        return rows
    except (KeyError, TypeError, AttributeError) as exc:
        raise RemoteFailure(
            502, f"The remote's metadata for {table_id} is malformed ({exc})"
        ) from None


def _units(metadata: dict[str, Any]) -> dict[str, Any]:
    metric = next(iter((metadata.get("role") or {}).get("metric") or []), None)
    if metric is None:
        return {}
    unit = metadata["dimension"][metric]["category"].get("unit") or {}
    return {
        code: {
            "nb": str(u.get("base") or u.get("label") or ""),
            "en": "",
            "decimals": int(u.get("decimals", 0)),
        }
        for code, u in unit.items()
    }


def _updated(raw: object) -> datetime | None:
    if not isinstance(raw, str) or not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _aggregallowed(metadata: dict[str, Any]) -> bool:
    """The remote's ``extension.px.aggregallowed`` (PxWebApi reports AGGREGALLOWED there); True
    where it says nothing."""
    px = (metadata.get("extension") or {}).get("px") if isinstance(metadata, dict) else None
    return not (isinstance(px, dict) and px.get("aggregallowed") is False)


def sync(session: Session, source: RemoteSource, client: RemoteSourceClient, now: datetime) -> int:
    """Mirror the remote's table list and metadata: add and refresh its tables, drop those it no
    longer lists. Returns how many tables it has. The remote is asked everything first
    (:func:`fetch_listing`), then the mirror is written in a savepoint (:func:`store_mirror`). On a
    remote failure nothing is written (the tables mirrored before stay as they were), the error goes
    to ``last_error`` in the caller's transaction, and the RemoteFailure is re-raised; a caller that
    rolls its transaction back records the error again in one of its own."""
    try:
        listed = fetch_listing(client, source.statistic_id, now)
    except RemoteFailure as failure:
        source.last_error = failure.detail[:2000]
        session.flush()
        raise
    return store_mirror(session, source, listed, now)


@dataclass
class Listed:
    """One table as the remote describes it, ready to be mirrored."""

    remote_id: str
    fields: dict[str, Any]
    variables: list[TableVariable]


def fetch_listing(client: RemoteSourceClient, statistic_id: int, now: datetime) -> list[Listed]:
    """Everything a mirror needs, asked of the remote without touching the database, so no
    transaction (nor SQLite's write lock) waits on the remote. Raises RemoteFailure."""
    found: dict[str, Listed] = {}
    for item in client.tables():
        remote_id = str(item.get("id") or "")
        if not remote_id or remote_id in found:
            continue
        metadata = client.metadata(remote_id)
        variables = _variables(metadata, remote_id)
        cells_count = int(np.prod([len(v.codes) for v in variables])) if variables else 0
        time = next((v for v in variables if v.role == "time"), None)
        time_unit = str(item.get("timeUnit") or "Other")
        if time is not None:
            time.time_scale = TIME_SCALES.get(time_unit)
        found[remote_id] = Listed(
            remote_id,
            {
                "statistic_id": statistic_id,
                "matrix": remote_id,
                "title_nb": str(item.get("label") or metadata.get("label") or remote_id)[:500],
                "source_nb": str(metadata.get("source") or item.get("source") or "")[:300],
                "subject_code": str(item.get("subjectCode") or ""),
                "time_unit": time_unit,
                "first_period": str(item.get("firstPeriod") or (time.codes[0] if time else "")),
                "last_period": str(item.get("lastPeriod") or (time.codes[-1] if time else "")),
                "updated": _updated(item.get("updated") or metadata.get("updated")),
                "units": _units(metadata),
                "aggregallowed": _aggregallowed(metadata),
                "cells": cells_count,
                "updated_at": now,
            },
            variables,
        )
    return list(found.values())


def store_mirror(
    session: Session, source: RemoteSource, listed: list[Listed], now: datetime
) -> int:
    """Write a fetched listing as the remote's mirror, in a savepoint, and mark the remote synced
    (``last_error`` cleared). Returns how many tables it has."""
    with session.begin_nested():
        _write_mirror(session, source, listed, now)
    source.last_synced_at, source.last_error = now, ""
    session.flush()
    return len(listed)


def _write_mirror(
    session: Session, source: RemoteSource, listed: list[Listed], now: datetime
) -> None:
    mirrored = {
        t.remote_table_id: t
        for t in session.scalars(select(DataTable).where(DataTable.remote_id == source.id))
    }
    for table in listed:
        existing = mirrored.get(table.remote_id)
        if existing is None:
            session.add(
                DataTable(
                    id=f"{source.table_prefix}{table.remote_id}"[:40],
                    remote_id=source.id,
                    remote_table_id=table.remote_id,
                    store_revision=None,
                    created_at=now,
                    variables=table.variables,
                    **table.fields,
                )
            )
        else:
            for name, value in table.fields.items():
                setattr(existing, name, value)
            existing.variables.clear()
            session.flush()
            existing.variables.extend(table.variables)
    seen = {table.remote_id for table in listed}
    for gone, stale in mirrored.items():
        if gone not in seen:
            session.delete(stale)


def cached_data(
    cache: Cache,
    ttl: int,
    client: RemoteSourceClient,
    base: str,
    table_id: str,
    selection: dict[str, list[str]],
    parse: Callable[[bytes], T],
) -> T:
    """The remote's answer through ``parse``, from the shared cache when another worker asked the
    same within ``ttl``. Only an answer that ``parse`` took is cached: junk (a RemoteFailure from
    ``parse``) would otherwise be served again for ``ttl`` after the remote recovered."""
    key = (
        "remote:"
        + hashlib.sha256(
            orjson.dumps([base, table_id, selection], option=orjson.OPT_SORT_KEYS)
        ).hexdigest()
    )
    stored = cache.get(key)
    if stored is not None:
        return parse(stored)
    body = client.data(table_id, selection)
    parsed = parse(body)
    cache.set(key, body, ttl)
    return parsed


def remote_cube(table: DataTable, body: bytes, lang: str) -> Cube:
    """A cube from the remote's JSON-stat 2.0 answer: its dimensions, values and status symbols.
    Raises RemoteFailure (502) when the answer is not a dataset of the announced size."""
    try:
        data = orjson.loads(body)
        ids: list[str] = data["id"]
        sizes: list[int] = data["size"]
        dims = []
        by_code = {v.code: v for v in table.variables}
        for code in ids:
            category = data["dimension"][code]["category"]
            index = category.get("index") or {}
            codes = tuple(
                sorted(index, key=index.__getitem__) if isinstance(index, dict) else index
            )
            labels = tuple(str(category.get("label", {}).get(c, c)) for c in codes)
            known = by_code.get(code)
            dims.append(
                Dimension(
                    code=code,
                    label=str(data["dimension"][code].get("label") or code),
                    codes=codes,
                    labels=labels,
                    role=known.role if known else None,
                    elimination=known.elimination if known else False,
                    time_scale=known.time_scale if known else None,
                )
            )
        raw = data["value"]
        values = np.array([np.nan if v is None else float(v) for v in raw], dtype=np.float64)
        if values.size != int(np.prod(sizes)):
            raise ValueError("value length does not match size")
        status = data.get("status") or {}
        items = status.items() if isinstance(status, dict) else enumerate(status or [])
        for position, symbol in items:
            if symbol in cells.SYMBOLS and np.isnan(values[int(position)]):
                values[int(position)] = cells.encode(symbol)
        values[np.isnan(values) & (values.view(np.uint64) == 0x7FF8_0000_0000_0000)] = cells.encode(
            ".."
        )
    except (KeyError, TypeError, ValueError, orjson.JSONDecodeError) as exc:
        raise RemoteFailure(
            502, f"The remote's answer for {table.id} is not a JSON-stat dataset ({exc})"
        ) from None
    stub = sum(1 for d in dims if by_code.get(d.code) and by_code[d.code].placement == "stub")
    return Cube(
        table_id=table.id,
        matrix=table.matrix,
        language=lang,
        title=table.title_nb,
        source=table.source_nb,
        updated=table.updated,
        dimensions=tuple(dims),
        stub=min(stub, len(dims)),
        values=values,
        units={
            code: Unit(str(u.get("nb", "")), int(u.get("decimals", 0)))
            for code, u in table.units.items()
        },
        decimals=table.decimals,
        aggregallowed=table.aggregallowed,
    )


def register(
    session: Session,
    *,
    producer_id: int,
    statistic_id: int,
    name: str,
    base_url: str,
    prefix: str,
    language: str,
    now: datetime,
) -> RemoteSource:
    """A new remote source (a portal administrator's act: the portal will call that host)."""
    if not base_url.startswith(("http://", "https://")):
        raise BadRequest(
            "The base URL must start with http:// or https://.",
            (FieldError("base_url", "http(s)"),),
        )
    source = RemoteSource(
        producer_id=producer_id,
        statistic_id=statistic_id,
        name=name,
        base_url=base_url.rstrip("/"),
        table_prefix=prefix,
        language=language,
        created_at=now,
    )
    session.add(source)
    session.flush()
    return source
