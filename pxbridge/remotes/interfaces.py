"""The remote PxWeb source: one interface, two implementations (over HTTP in pxbridge/remotes/bridge.py, and a
recorded fake for tests). The interface carries the limits: every call has a timeout, and a failure is
a :class:`RemoteFailure` the API answers as 502 or 504, never a hang."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, Protocol

from portal.kernel.errors import PortalError


class RemoteFailure(PortalError):
    """The remote PxWeb failed (502) or did not answer in time (504)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(
            status=status, title=HTTPStatus(status).phrase, detail=detail, type="Remote error"
        )


class RemoteSourceClient(Protocol):
    """A PxWebApi 2.0 to mirror and read from. Implementations raise RemoteFailure."""

    timeout: float

    def tables(self) -> list[dict[str, Any]]:
        """Every table the remote lists (its TablesResponse items), all pages."""

    def metadata(self, table_id: str) -> dict[str, Any]:
        """The remote's JSON-stat 2.0 metadata of one table."""

    def data(self, table_id: str, selection: dict[str, list[str]]) -> bytes:
        """The remote's JSON-stat 2.0 answer (bytes) for a selection of value codes."""
