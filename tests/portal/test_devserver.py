"""portal.devserver, which the browser, remote-fault and installed-package tests and the screenshot script
start their servers with: it waits until the server answers, says why when it never does (with the end of
the server's output), and leaves nothing running, even a server that ignores the polite signal."""

from __future__ import annotations

import os
import sys
import time

import pytest
import requests

from portal.devserver import free_port, serving

# A server that answers 200 to everything after a moment, and ignores SIGTERM, with a child process.
STUBBORN = """
import http.server, signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
print("child", child.pid, flush=True)
time.sleep(0.5)
class Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Ok).serve_forever()
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) is gone for our purpose.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"


def test_waits_until_ready_and_kills_a_server_that_ignores_the_stop_signal(tmp_path) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    with serving(
        [sys.executable, "-c", STUBBORN, str(port)], port=port, log=log, timeout=20, grace=1
    ) as base:
        assert requests.get(f"{base}/healthz", timeout=5).text == "ok"
        child = int(log.read_text().split()[1])
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child), "the server's child outlived it"
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{base}/healthz", timeout=2)


def test_a_server_that_dies_says_why() -> None:
    port = free_port()
    crash = "import sys; print('the database is locked', file=sys.stderr); sys.exit(3)"
    with pytest.raises(RuntimeError) as failed:
        with serving([sys.executable, "-c", crash], port=port, timeout=20):
            pass
    assert "exited with code 3" in str(failed.value)
    assert "the database is locked" in str(failed.value)


def test_a_server_that_never_answers_times_out_with_its_output() -> None:
    port = free_port()
    silent = "import time; print('loading…', flush=True); time.sleep(60)"
    started = time.monotonic()
    with pytest.raises(RuntimeError) as failed:
        with serving([sys.executable, "-c", silent], port=port, timeout=1.5, grace=1):
            pass
    assert time.monotonic() - started < 15
    assert "did not answer 200 within 1.5 s" in str(failed.value)
    assert "loading…" in str(failed.value)
