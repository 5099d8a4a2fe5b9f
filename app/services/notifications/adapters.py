"""Delivery adapters: console (development), SMTP email, HTTP SMS gateway.

An adapter's `send(message)` returns normally when the message was handed
over and raises `DeliveryError` otherwise; the outbox keeps the state.
Adapters never log a message body: it may carry a PIN or a link (S14).
"""
from __future__ import annotations

import json
import smtplib
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

from app.models.enums import Channel


class DeliveryError(Exception):
    """The message could not be handed over; it stays queued for a retry."""


class ConsoleAdapter:
    """Prints each message to the server console so `make run` users can read PINs and links."""

    def send(self, message) -> None:
        """Write the message to standard output (never to the log)."""
        rule = "=" * 72
        out = sys.stdout
        out.write(
            f"\n{rule}\n[outbox #{message.id}] {message.channel.value.upper()} to {message.recipient}\n"
            f"Subject: {message.subject}\n\n{message.body}\n{rule}\n"
        )
        out.flush()


def smtp_tls_context(cfg) -> ssl.SSLContext:
    """A verifying TLS context: the system's CAs (or `SMTP_CA_FILE`), hostname checked.

    `starttls()` without a context accepts any certificate, so a man in the middle
    could read every PIN and set-password link on its way to the mail server.
    """
    return ssl.create_default_context(cafile=cfg.get("SMTP_CA_FILE") or None)


class SmtpAdapter:
    """Email through an SMTP server: implicit TLS (`SMTP_SSL`, port 465) or STARTTLS, certificate verified."""

    def send(self, message) -> None:
        """Send one email; any SMTP or network error becomes a DeliveryError."""
        cfg = current_app.config
        mail = EmailMessage()
        mail["From"] = cfg["MAIL_FROM"]
        mail["To"] = message.recipient
        mail["Subject"] = message.subject
        # A stable Message-ID per outbox row lets mail servers drop a duplicate.
        mail["Message-ID"] = make_msgid(idstring=f"outbox{message.id}")
        mail.set_content(message.body)
        try:
            if cfg.get("SMTP_SSL"):
                connection = smtplib.SMTP_SSL(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=cfg["SMTP_TIMEOUT"],
                                              context=smtp_tls_context(cfg))
            else:
                connection = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=cfg["SMTP_TIMEOUT"])
            with connection as smtp:
                if cfg["SMTP_STARTTLS"] and not cfg.get("SMTP_SSL"):
                    smtp.starttls(context=smtp_tls_context(cfg))
                if cfg.get("SMTP_USER"):
                    smtp.login(cfg["SMTP_USER"], cfg.get("SMTP_PASSWORD") or "")
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP: {type(exc).__name__}: {exc}") from None


class HttpSmsAdapter:
    """SMS through an HTTP gateway: JSON POST with a bearer token (URL and token from config)."""

    def send(self, message) -> None:
        """Post one SMS; a non-2xx answer or a network error becomes a DeliveryError."""
        cfg = current_app.config
        url = cfg.get("SMS_GATEWAY_URL")
        if not url:
            raise DeliveryError("SMS gateway: SMS_GATEWAY_URL is not configured")
        if urllib.parse.urlsplit(url).scheme not in ("https", "http"):  # no file:, ftp:, ... (bandit B310)
            raise DeliveryError("SMS gateway: SMS_GATEWAY_URL must be an http(s) URL")
        payload = json.dumps(
            {"to": message.recipient, "from": cfg.get("SMS_SENDER"), "text": message.body, "reference": message.id}
        ).encode("utf-8")
        req = urllib.request.Request(url, data=payload, method="POST")
        req.add_header("Content-Type", "application/json")
        if cfg.get("SMS_GATEWAY_TOKEN"):
            req.add_header("Authorization", f"Bearer {cfg['SMS_GATEWAY_TOKEN']}")
        try:
            # bandit B310 (urlopen of any scheme): the URL's scheme is checked above, http(s) only
            with urllib.request.urlopen(req, timeout=cfg["SMTP_TIMEOUT"]) as resp:  # noqa: S310  # nosec B310
                if not 200 <= resp.status < 300:
                    raise DeliveryError(f"SMS gateway: HTTP {resp.status}")
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"SMS gateway: HTTP {exc.code}") from None
        except (OSError, ValueError) as exc:
            raise DeliveryError(f"SMS gateway: {type(exc).__name__}") from None


def adapter_for(channel: Channel):
    """The adapter configured for a channel (`MESSAGE_ADAPTER`: console or live)."""
    if current_app.config.get("MESSAGE_ADAPTER", "console") == "console":
        return ConsoleAdapter()
    return SmtpAdapter() if channel is Channel.EMAIL else HttpSmsAdapter()
