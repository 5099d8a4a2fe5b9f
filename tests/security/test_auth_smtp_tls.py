"""Email to the mail server only over a verified TLS connection (QUALITY S14: PINs and links never in clear
to a stranger): STARTTLS and implicit TLS (SMTP_SSL) check the certificate and the host name, against the
system CAs or SMTP_CA_FILE. Tested against a real aiosmtpd with a self-signed certificate."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.models.enums import Channel, OutboxStatus
from app.services import notifications
from tests.reliability.smtp_server import live_adapter, self_signed_certificate, server_tls_context, smtp_server


@pytest.fixture
def certificate(tmp_path):
    return self_signed_certificate(tmp_path / "tls")


def _queue_mail():
    message = notifications.queue(Channel.EMAIL, "tls@example.com", "TLS", "Hallo über TLS", locale="de",
                                  sensitive=False)
    db.session.commit()
    return message


def _deliver(message):
    outcome = notifications.deliver_one(message.id)
    db.session.refresh(message)
    return outcome


def test_starttls_refuses_an_unknown_certificate_and_accepts_it_with_the_ca(app, app_ctx, certificate):
    """S14: without the CA the self-signed certificate is refused (message stays queued); with
    SMTP_CA_FILE it is accepted and the mail arrives once."""
    cert, key = certificate
    with smtp_server(starttls_context=server_tls_context(cert, key)) as (inbox, port):
        with live_adapter(app, SMTP_PORT=port, SMTP_STARTTLS=True):
            message = _queue_mail()
            assert _deliver(message) is False
            assert message.status is OutboxStatus.QUEUED
            assert "CERTIFICATE_VERIFY_FAILED" in message.last_error
            assert inbox.messages == []
        with live_adapter(app, SMTP_PORT=port, SMTP_STARTTLS=True, SMTP_CA_FILE=str(cert)):
            message = _queue_mail()
            assert _deliver(message) is True
            assert message.status is OutboxStatus.SENT
            assert [m.rcpt_tos for m in inbox.messages] == [["tls@example.com"]]


def test_implicit_tls_refuses_an_unknown_certificate_and_accepts_it_with_the_ca(app, app_ctx, certificate):
    """SMTP_SSL=1 (SMTPS, port 465): TLS from the first byte, with the same certificate check."""
    cert, key = certificate
    with smtp_server(implicit_tls_context=server_tls_context(cert, key)) as (inbox, port):
        with live_adapter(app, SMTP_PORT=port, SMTP_SSL=True):
            message = _queue_mail()
            assert _deliver(message) is False
            assert "CERTIFICATE_VERIFY_FAILED" in message.last_error
            assert inbox.messages == []
        with live_adapter(app, SMTP_PORT=port, SMTP_SSL=True, SMTP_CA_FILE=str(cert)):
            message = _queue_mail()
            assert _deliver(message) is True
            assert len(inbox.messages) == 1


def test_a_certificate_for_another_host_is_refused_even_with_the_ca(app, app_ctx, tmp_path):
    """The host name is checked too: a trusted certificate issued for another name does not do."""
    cert, key = self_signed_certificate(tmp_path / "other", dns_names=("mail.other.example",), ips=())
    with smtp_server(starttls_context=server_tls_context(cert, key)) as (inbox, port):
        with live_adapter(app, SMTP_PORT=port, SMTP_STARTTLS=True, SMTP_CA_FILE=str(cert)):
            message = _queue_mail()
            assert _deliver(message) is False
            assert inbox.messages == []


def test_implicit_tls_defaults_to_port_465():
    """SMTP_SSL=1 without SMTP_PORT means the SMTPS port (read in a fresh interpreter, as at start-up)."""
    import os
    import subprocess
    import sys

    import config

    env = {k: v for k, v in os.environ.items() if k != "SMTP_PORT"}
    env["SMTP_SSL"] = "1"
    out = subprocess.run([sys.executable, "-c", "import config; print(config.Config.SMTP_SSL, config.Config.SMTP_PORT)"],
                         cwd=config.BASE_DIR, env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "465"]
