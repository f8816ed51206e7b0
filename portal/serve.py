"""Run the portal under gunicorn. Each worker builds its own app after the fork (no shared connections)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.config import KNOWN_SETTINGS

log = logging.getLogger("portal.serve")

#: Longest path a Unix socket binds to on Linux: sun_path holds 108 bytes, the last one a NUL.
_SOCKET_PATH_MAX = 107


class PortalServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from portal.app import create_app

        return create_app()


def control_socket_path(instance: Path, port: int) -> Path:
    """Where ``portal serve`` on ``port`` puts gunicorn's control socket: in its instance folder, named
    by the port, so two servers never share one (not even two on one instance folder)."""
    return instance / f"gunicorn-{port}.ctl"


def control_socket_options(path: Path | None) -> dict[str, Any]:
    """gunicorn's control-socket settings for ``path`` (None: no socket).

    gunicorn 25.1 and later open a control socket for ``gunicornc``, by default one per user
    (``$XDG_RUNTIME_DIR/gunicorn.ctl`` or ``~/.gunicorn/gunicorn.ctl``): a second server on the
    machine unlinks the first one's and binds its own there, and whichever stops first removes the
    other's. Older versions have none, and get no settings."""
    known = {setting.name for setting in KNOWN_SETTINGS}
    if "control_socket" not in known:
        return {}
    if path is None:
        return {"control_socket_disable": True}
    if len(os.fsencode(path.absolute())) > _SOCKET_PATH_MAX:
        log.warning("No control socket: %s is too long a path for a Unix socket.", path)
        return {"control_socket_disable": True}
    return {"control_socket": str(path.absolute())}


def run(*, host: str, port: int, workers: int, control_socket: Path | None = None) -> None:
    """Serve until stopped; gunicorn's control socket at ``control_socket`` (None: none)."""
    PortalServer(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            # gthread: a slow client cannot tie up a whole worker.
            "worker_class": "gthread",
            "threads": 4,
            "timeout": 60,
            "graceful_timeout": 20,
            # The portal logs each request itself with the client address cut to its network.
            "accesslog": None,
            "errorlog": "-",
            "preload_app": False,
            "forwarded_allow_ips": "127.0.0.1",
            **control_socket_options(control_socket),
        }
    ).run()
