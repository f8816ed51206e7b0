"""Alert e-mail over TLS (issue 22): ``smtp+starttls://`` and ``smtps://`` against a real SMTP server
(aiosmtpd on loopback, with a certificate made here by openssl), the server's certificate checked
against the trusted ones, and never a fall back to plain text."""

from __future__ import annotations

import shutil
import smtplib
import ssl
import subprocess
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from portal.devserver import free_port
from portal.notify.mail import SmtpSender
from tests.portal.test_alerts import Inbox

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: it makes the test server's certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],  # fmt: skip
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def starttls_server(certificate: tuple[Path, Path]) -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = aiosmtpd_controller.Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=_server_context(certificate),
        require_starttls=True,
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _message() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "varsler@example.no"
    message["To"] = "ola@example.no"
    message["Subject"] = "Ny statistikk"
    message.set_content("Konsumprisindeksen er publisert.")
    return message


def _send(url: str) -> None:
    sender = SmtpSender(url, timeout=5)
    try:
        sender.send(_message())
    finally:
        sender.close()


def test_starttls_with_a_trusted_certificate_delivers(
    starttls_server: tuple[Inbox, int],
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox, port = starttls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    _send(f"smtp+starttls://127.0.0.1:{port}")
    (delivered,) = inbox.take()
    assert delivered["Subject"] == "Ny statistikk"


def test_an_untrusted_certificate_is_refused_and_nothing_is_sent(
    starttls_server: tuple[Inbox, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port = starttls_server
    empty = tmp_path / "none.pem"
    empty.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    with pytest.raises(ssl.SSLCertVerificationError):
        _send(f"smtp+starttls://127.0.0.1:{port}")
    assert inbox.take() == []


def test_plain_smtp_to_a_server_that_requires_tls_sends_nothing(
    starttls_server: tuple[Inbox, int],
) -> None:
    inbox, port = starttls_server
    with pytest.raises(smtplib.SMTPException):
        _send(f"smtp://127.0.0.1:{port}")
    assert inbox.take() == []


def test_smtps_delivers_over_implicit_tls(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port = Inbox(), free_port()
    controller = aiosmtpd_controller.Controller(
        inbox, hostname="127.0.0.1", port=port, ssl_context=_server_context(certificate)
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    controller.start()
    try:
        _send(f"smtps://127.0.0.1:{port}")
    finally:
        controller.stop()
    (delivered,) = inbox.take()
    assert delivered["To"] == "ola@example.no"
