"""The bridge to producers' existing PxWebApi 2.0 installations: register one, mirror its table list and
metadata (on a schedule with ``portal remotes sync``, or on demand), and answer data requests for its
tables by asking it, with timeouts, retries, a shared response cache, and 502/504 problems when it fails.

Mirrored tables are ordinary rows of ``data_table`` (with ``remote_id`` set and no cell file), so they
show on statistic pages and in every listing; their cells stay at the remote.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from typing import Any

import numpy as np
import orjson
import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.cache import Cache
from portal.errors import BadRequest, FieldError
from pxbridge import cells
from pxbridge.cube import Cube, Dimension, Unit
from pxbridge.interfaces import RemoteFailure, RemoteSourceClient
from pxbridge.models import DataTable, RemoteSource, TableVariable

TIME_SCALES = {"Annual": "A", "Quarterly": "Q", "Monthly": "M", "Weekly": "W"}


class HttpRemote:
    """A remote PxWebApi 2.0 over HTTP: every call bounded by ``timeout`` seconds, retried on
    connection errors, 429 and 5xx (honouring a short Retry-After), then RemoteFailure."""

    def __init__(
        self, base_url: str, language: str, *, timeout: float = 10.0, retries: int = 2
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.language = language
        self.timeout = timeout
        self.retries = retries
        self._session = requests.Session()
        self._session.headers["User-Agent"] = "statistikkportalen-bridge/0.1"

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = f"{self.base_url}{path}"
        last = "no answer"
        for attempt in range(self.retries + 1):
            try:
                response = self._session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.Timeout:
                last = f"{url} did not answer within {self.timeout:g} s"
                if attempt == self.retries:
                    raise RemoteFailure(504, last) from None
                continue
            except requests.RequestException as exc:
                last = f"{url} could not be reached ({type(exc).__name__})"
                if attempt == self.retries:
                    raise RemoteFailure(502, last) from None
                time.sleep(0.2 * (attempt + 1))
                continue
            if response.status_code == 429 or response.status_code >= 500:
                last = f"{url} answered {response.status_code}"
                if attempt < self.retries:
                    wait = response.headers.get("Retry-After", "")
                    time.sleep(min(float(wait), 2.0) if wait.isdigit() else 0.2 * (attempt + 1))
                    continue
                raise RemoteFailure(502, last)
            if response.status_code >= 400:
                raise RemoteFailure(502, f"{url} refused the request ({response.status_code})")
            return response
        raise RemoteFailure(502, last)

    def _json(self, path: str, **params: Any) -> dict[str, Any]:
        response = self._call("GET", path, params={"lang": self.language, **params})
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise RemoteFailure(502, f"{self.base_url}{path} did not answer JSON") from None
        if not isinstance(body, dict):
            raise RemoteFailure(502, f"{self.base_url}{path} answered an unexpected shape")
        return body

    def tables(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            body = self._json("/tables", pageNumber=page, pageSize=500)
            found += [t for t in body.get("tables", []) if isinstance(t, dict)]
            pages = int((body.get("page") or {}).get("totalPages") or 1)
            if page >= pages or page >= 200:
                return found
            page += 1

    def metadata(self, table_id: str) -> dict[str, Any]:
        return self._json(f"/tables/{table_id}/metadata")

    def data(self, table_id: str, selection: dict[str, list[str]]) -> bytes:
        body = {"selection": [{"variableCode": k, "valueCodes": v} for k, v in selection.items()]}
        return self._call(
            "POST",
            f"/tables/{table_id}/data",
            params={"lang": self.language, "outputFormat": "json-stat2"},
            json=body,
        ).content


def client_for(source: RemoteSource, timeout: float) -> RemoteSourceClient:
    return HttpRemote(source.base_url, source.language, timeout=timeout)


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
    longer lists. Returns how many tables it has. A remote failure is kept in ``last_error`` and
    re-raised; the tables mirrored before stay as they were."""
    try:
        listed = client.tables()
        mirrored = {
            t.remote_table_id: t
            for t in session.scalars(select(DataTable).where(DataTable.remote_id == source.id))
        }
        seen = set()
        for item in listed:
            remote_id = str(item.get("id") or "")
            if not remote_id:
                continue
            seen.add(remote_id)
            metadata = client.metadata(remote_id)
            variables = _variables(metadata, remote_id)
            cells_count = int(np.prod([len(v.codes) for v in variables])) if variables else 0
            time = next((v for v in variables if v.role == "time"), None)
            time_unit = str(item.get("timeUnit") or "Other")
            fields: dict[str, Any] = {
                "statistic_id": source.statistic_id,
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
            }
            if time is not None:
                time.time_scale = TIME_SCALES.get(time_unit)
            existing = mirrored.get(remote_id)
            if existing is None:
                session.add(
                    DataTable(
                        id=f"{source.table_prefix}{remote_id}"[:40],
                        remote_id=source.id,
                        remote_table_id=remote_id,
                        store_revision=None,
                        created_at=now,
                        variables=variables,
                        **fields,
                    )
                )
            else:
                for name, value in fields.items():
                    setattr(existing, name, value)
                existing.variables.clear()
                session.flush()
                existing.variables.extend(variables)
        for gone, table in mirrored.items():
            if gone not in seen:
                session.delete(table)
        source.last_synced_at, source.last_error = now, ""
        session.flush()
        return len(seen)
    except RemoteFailure as failure:
        session.rollback()
        fresh = session.get(RemoteSource, source.id)
        if fresh is not None:
            fresh.last_error = failure.detail[:2000]
            session.flush()
        raise


def cached_data(
    cache: Cache,
    ttl: int,
    client: RemoteSourceClient,
    base: str,
    table_id: str,
    selection: dict[str, list[str]],
) -> bytes:
    """The remote's answer, from the shared cache when another worker asked the same within ``ttl``."""
    key = (
        "remote:"
        + hashlib.sha256(
            orjson.dumps([base, table_id, selection], option=orjson.OPT_SORT_KEYS)
        ).hexdigest()
    )
    stored = cache.get(key)
    if stored is not None:
        return stored
    body = client.data(table_id, selection)
    cache.set(key, body, ttl)
    return body


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
