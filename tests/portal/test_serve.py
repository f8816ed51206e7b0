"""`portal serve`: two servers on one machine both answer, each with its own gunicorn control socket in
its instance folder (gunicorn's default, one per user, would be taken over by the second)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
import requests
from gunicorn.config import KNOWN_SETTINGS

from portal.devserver import free_port
from portal.serve import control_socket_options, control_socket_path

# Its servers and commands run on their own SQLite databases: CI's PostgreSQL run leaves those out.
pytestmark = pytest.mark.own_portal

CONTROL_SOCKETS = "control_socket" in {s.name for s in KNOWN_SETTINGS}


@dataclass
class Server:
    instance: Path
    port: int
    process: subprocess.Popen[bytes]
    log: IO[str]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _wait(server: Server, deadline: float) -> None:
    """portal.devserver.serving's wait, kept here: these tests need each server's process (its pid in
    gunicorn's answer, one stopped while the other runs)."""
    while True:
        try:
            if requests.get(f"{server.base}/healthz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            server.process.kill()
            server.log.flush()
            raise AssertionError((server.instance.parent / "serve.log").read_text())
        time.sleep(0.3)


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[list[Server], Path]]:
    """Two `portal serve --workers 1` on their own instance folders and ports; HOME and
    XDG_RUNTIME_DIR point into tmp_path, where gunicorn's default socket would go. Stopped after."""
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    servers: list[Server] = []
    try:
        for name in ("a", "b"):
            instance = tmp_path / name / "instance"
            env = {
                **os.environ,
                "PORTAL_INSTANCE_DIR": str(instance),
                "PORTAL_LOG_LEVEL": "WARNING",
                "HOME": str(tmp_path / "home"),
                "XDG_RUNTIME_DIR": str(runtime),
            }
            env.pop("PORTAL_DATABASE_URL", None)
            command = [sys.executable, "-m", "portal"]
            upgraded = subprocess.run(
                [*command, "db", "upgrade"], env=env, capture_output=True, timeout=120
            )
            assert upgraded.returncode == 0, upgraded.stderr
            port = free_port()
            log = (tmp_path / name / "serve.log").open("w")
            process = subprocess.Popen(
                [*command, "serve", "--port", str(port), "--workers", "1"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            servers.append(Server(instance, port, process, log))
        deadline = time.monotonic() + 60
        for server in servers:
            _wait(server, deadline)
        yield servers, tmp_path
    finally:
        for server in servers:
            server.process.terminate()
        for server in servers:
            try:
                server.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait(timeout=10)
            server.log.close()


def _socket_of(server: Server, deadline: float) -> Path:
    """The server's control socket, once gunicorn has bound it (after its first worker starts)."""
    path = control_socket_path(server.instance, server.port)
    while not path.exists():
        assert time.monotonic() < deadline, f"no control socket at {path}"
        time.sleep(0.1)
    assert stat.S_ISSOCK(path.stat().st_mode)
    return path


def test_two_servers_answer_each_with_its_own_control_socket(
    two_servers: tuple[list[Server], Path],
) -> None:
    servers, tmp_path = two_servers
    for server in servers:
        answer = requests.get(f"{server.base}/healthz", timeout=5)
        assert answer.status_code == 200 and answer.json()["status"] == "ok"
    if not CONTROL_SOCKETS:  # gunicorn before 25.1 has no control socket at all
        assert not list(tmp_path.rglob("*.ctl"))
        return
    from gunicorn.ctl.client import ControlClient

    deadline = time.monotonic() + 15
    paths = [_socket_of(server, deadline) for server in servers]
    assert paths[0] != paths[1]
    for server, path in zip(servers, paths, strict=True):
        with ControlClient(str(path), timeout=5) as client:
            assert client.send_command("show stats")["pid"] == server.process.pid
    # Nothing at gunicorn's per-user default, where the second server would take the first one's.
    assert not (tmp_path / "runtime" / "gunicorn.ctl").exists()
    assert not (tmp_path / "home" / ".gunicorn").exists()
    # Stopping one leaves the other's socket alone.
    servers[0].process.terminate()
    servers[0].process.wait(timeout=30)
    assert not paths[0].exists() and stat.S_ISSOCK(paths[1].stat().st_mode)
    with ControlClient(str(paths[1]), timeout=5) as client:
        assert client.send_command("show stats")["pid"] == servers[1].process.pid


@pytest.mark.skipif(not CONTROL_SOCKETS, reason="this gunicorn has no control socket")
def test_no_control_socket_where_asked_or_where_the_path_is_too_long(tmp_path: Path) -> None:
    assert control_socket_options(None) == {"control_socket_disable": True}
    assert control_socket_options(tmp_path / ("x" * 120) / "gunicorn.ctl") == {
        "control_socket_disable": True
    }
    assert control_socket_options(tmp_path / "gunicorn-8000.ctl") == {
        "control_socket": str(tmp_path / "gunicorn-8000.ctl")
    }
