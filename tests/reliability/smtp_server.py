"""A real local SMTP server (aiosmtpd) for the delivery tests, with optional TLS.

`SmtpServer` runs on a free 127.0.0.1 port and keeps every envelope it
receives; `self_signed_certificate` makes a throwaway certificate for
127.0.0.1 so the TLS tests need no network and no system CA.
"""
from __future__ import annotations

import contextlib
import datetime
import ipaddress
import socket
import ssl
from pathlib import Path

from aiosmtpd.controller import Controller


class Inbox:
    """aiosmtpd handler keeping what arrives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook name
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed_certificate(directory: Path, *, dns_names=("localhost",), ips=("127.0.0.1",)) -> tuple[Path, Path]:
    """Write a self-signed certificate and its key (PEM); return (cert path, key path)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns_names[0] if dns_names else "test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    alt_names = [x509.DNSName(n) for n in dns_names] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def server_tls_context(cert_path: Path, key_path: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert_path), str(key_path))
    return context


@contextlib.contextmanager
def smtp_server(*, starttls_context: ssl.SSLContext | None = None, implicit_tls_context: ssl.SSLContext | None = None):
    """Run a local SMTP server; yields (inbox, port).

    `starttls_context`: the server offers STARTTLS and refuses mail without it;
    `implicit_tls_context`: TLS from the first byte (SMTPS).
    """
    inbox = Inbox()
    port = free_port()
    kwargs = {}
    if starttls_context is not None:
        kwargs.update(tls_context=starttls_context, require_starttls=True)
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=implicit_tls_context, **kwargs)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@contextlib.contextmanager
def live_adapter(app, **settings):
    """The live SMTP adapter with these settings for the block; the test config is restored after."""
    keys = ("MESSAGE_ADAPTER", "SMTP_HOST", "SMTP_PORT", "SMTP_SSL", "SMTP_STARTTLS", "SMTP_CA_FILE", "SMTP_TIMEOUT",
            "OUTBOX_DELIVER_IMMEDIATELY", *settings)
    saved = {key: app.config.get(key) for key in keys}
    app.config.update({"MESSAGE_ADAPTER": "live", "SMTP_HOST": "127.0.0.1", "SMTP_SSL": False,
                       "SMTP_STARTTLS": False, "SMTP_CA_FILE": None, "SMTP_TIMEOUT": 5, **settings})
    try:
        yield
    finally:
        app.config.update(saved)
