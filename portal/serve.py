"""Run the portal under gunicorn. Each worker builds its own app after the fork (no shared connections)."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


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


def run(*, host: str, port: int, workers: int) -> None:
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
        }
    ).run()
