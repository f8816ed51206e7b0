"""The domains that make something findable, as the app factory registered them (``Findable``,
``portal/kernel/findable.py``). Search, the change capture and the sitemaps ask this registry and import
no domain.

The registry is the process's, not an app's: the change capture listens on every SQLAlchemy session of
the process, and a write made without an app (a script on ``portal.kernel.db`` alone) is queued all the
same. Registering is idempotent by name (tests build many apps in one process), and the order of first
registration is the order of a full rebuild.
"""

from __future__ import annotations

import threading

from portal.kernel.findable import Findable

_lock = threading.Lock()
_registered: dict[str, Findable] = {}


def register(*findables: Findable) -> None:
    """Add each domain's declaration, or replace the one registered under its name."""
    with _lock:
        for findable in findables:
            _registered[findable.name] = findable


def registered() -> tuple[Findable, ...]:
    """Every registered declaration, in the order of first registration."""
    with _lock:
        return tuple(_registered.values())
