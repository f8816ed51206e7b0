"""A portal server in a subprocess on a loopback port, waited for until it answers, and stopped after.

The browser tests, the remote-fault tests and their benchmark, the installed-package test and
scripts/screenshots.py all start ``portal serve`` this one way. The module only runs processes and speaks
HTTP: importing it builds no app and loads no Flask, so a script can import it before it knows whether it
will serve anything.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

import requests

#: How much of the server's output a failure to start quotes (the traceback is at its end).
TAIL_BYTES = 8000

#: Longest one readiness probe may take; /readyz asks the database and the search index.
PROBE_SECONDS = 5.0

#: Pause between probes.
POLL_SECONDS = 0.2


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listened on a moment ago, chosen by the kernel.

    The port is not reserved: the server binds it a little later, so a busy machine could hand it to
    someone else in between, and the server then fails to start with "Address already in use".
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def instance_env(
    instance: Path,
    settings: Mapping[str, str] | None = None,
    *,
    unset: Sequence[str] = ("DATABASE_URL",),
) -> dict[str, str]:
    """This process's environment for a throwaway portal over the instance folder ``instance``.

    Logging is at WARNING, and the rate limits are off because a test's many requests from one address
    would trip them. ``settings`` become ``PORTAL_<key>`` variables. The ``PORTAL_<key>`` variables
    named in ``unset`` are removed: without PORTAL_DATABASE_URL the portal keeps its SQLite database in
    ``instance`` instead of writing its demo data into the test run's PostgreSQL.
    """
    env = {
        **os.environ,
        "PORTAL_INSTANCE_DIR": str(instance),
        "PORTAL_LOG_LEVEL": "WARNING",
        "PORTAL_RATELIMIT_ENABLED": "false",
        **{f"PORTAL_{key}": value for key, value in (settings or {}).items()},
    }
    for key in unset:
        env.pop(f"PORTAL_{key}", None)
    return env


@contextmanager
def serving(
    command: Sequence[str],
    *,
    port: int,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    log: Path | None = None,
    timeout: float = 60.0,
    probe: str = "/healthz",
    stop: signal.Signals = signal.SIGTERM,
    grace: float = 20.0,
) -> Iterator[str]:
    """Run ``command``, a server that listens on 127.0.0.1:``port``. Yield its base URL once ``probe``
    answers 200, and stop the server when the block ends.

    The server's stdout and stderr go to ``log``, or to a temporary file when no log is given.
    :class:`RuntimeError` is raised if the server exits before it answers, or if it does not answer
    within ``timeout`` seconds. The message quotes the end of the server's output.

    To stop the server, the block sends it ``stop``. SIGTERM is the default, which gunicorn takes as a
    graceful shutdown; SIGINT is its quick one. If the server is still running ``grace`` seconds later,
    the whole process group gets SIGKILL, gunicorn's workers included. The server runs in a session of
    its own, which also keeps a Ctrl-C typed in the terminal from reaching it before this block can stop it.
    """
    base = f"http://127.0.0.1:{port}"
    with ExitStack() as stack:
        output: IO[bytes] = stack.enter_context(
            log.open("w+b") if log is not None else tempfile.TemporaryFile()
        )
        process = subprocess.Popen(  # noqa: S603  (the caller's own command line)
            list(command),
            env=dict(env) if env is not None else None,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_until_ready(process, " ".join(command), base + probe, timeout, output)
            yield base
        finally:
            _stop(process, stop, grace)


def _wait_until_ready(
    process: subprocess.Popen[bytes], shown: str, url: str, timeout: float, output: IO[bytes]
) -> None:
    started = time.monotonic()
    deadline = started + timeout
    while True:
        left = deadline - time.monotonic()
        try:
            answer = requests.get(url, timeout=max(0.5, min(PROBE_SECONDS, left)))
            if answer.status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass  # not listening yet, or still loading the app
        code = process.poll()
        if code is not None:
            raise RuntimeError(
                f"`{shown}` exited with code {code} before {url} answered 200 "
                f"({time.monotonic() - started:.1f} s); the end of its output:\n{_tail(output)}"
            )
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"{url} did not answer 200 within {timeout:g} s of starting "
                f"`{shown}`; the end of its output:\n{_tail(output)}"
            )
        time.sleep(POLL_SECONDS)


def _tail(output: IO[bytes]) -> str:
    """The last TAIL_BYTES of what the server wrote. Read with pread, because the server shares the
    file's offset, and a seek here would make it write over its own output."""
    output.flush()
    fd = output.fileno()
    size = os.fstat(fd).st_size
    start = max(0, size - TAIL_BYTES)
    text = os.pread(fd, size - start, start).decode("utf-8", "replace")
    return ("…" if start else "") + text


def _stop(process: subprocess.Popen[bytes], stop: signal.Signals, grace: float) -> None:
    if process.poll() is not None:
        return
    process.send_signal(stop)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        # The leader is not reaped yet, so its process group id still names only this server's group.
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)
