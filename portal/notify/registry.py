"""The domains' declarations of what they tell people about (``Notifiable``), as the app factory
registered them; the process's, as the change capture listens on every session (as ``portal.search``)."""

from __future__ import annotations

import threading

from portal.kernel.notifiable import Notifiable

_lock = threading.Lock()
_registered: dict[str, Notifiable] = {}


def register(*notifiables: Notifiable) -> None:
    with _lock:
        for notifiable in notifiables:
            _registered[notifiable.name] = notifiable


def registered() -> tuple[Notifiable, ...]:
    with _lock:
        return tuple(_registered.values())
