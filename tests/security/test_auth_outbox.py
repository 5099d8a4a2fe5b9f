"""Outbox: queued first, delivered by adapter after the response, retry state, operator listing, no secrets shown (R-JOB-3, S14)."""
from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import select, text

from app.extensions import db
from app.models import OutboxMessage
from app.models.enums import Channel, OutboxStatus
from app.security.roles import PORTAL_ADMIN
from app.services import notifications
from tests.factories import make_customer, make_user
from tests.security.auth_fixtures import client, password_step  # noqa: F401  - fixtures

PW = "Sicher#Kennwort42"


@pytest.mark.rule("R-AUTH-6", "R-JOB-3")
def test_pin_sms_goes_through_outbox_and_console_adapter(app_ctx, client, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    make_user(PORTAL_ADMIN, customer=make_customer(), username="pa.outbox", mobile="+491711234569")
    response = password_step(client, "pa.outbox", PW)
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.status is OutboxStatus.QUEUED, "nothing is sent while the user waits (S7)"
    response.close()  # what the WSGI server does once the last byte has left
    db.session.refresh(message)
    assert message.status is OutboxStatus.SENT and message.sent_at is not None
    pin = [w for w in message.body.split() if w.isdigit() and len(w) == 8][0]
    out = capsys.readouterr().out
    assert pin in out, "development console shows the PIN"
    assert pin not in caplog.text, "the PIN never reaches the log"
    raw = db.session.execute(text("SELECT body FROM outbox_message")).scalar_one()
    assert pin not in raw, "the body is encrypted at rest"


@pytest.mark.rule("R-JOB-3")
def test_pin_sms_goes_out_even_when_the_server_never_closes_the_response(app, app_ctx, client, capsys,
                                                                         monkeypatch):
    """R-AUTH-6, R-JOB-3: werkzeug's development server (`make run`) skips close() when the client's
    socket errors; the PIN must not wait for the delivery job. Sent once, by the fallback timer."""
    import time

    monkeypatch.setitem(app.config, "OUTBOX_CLOSE_FALLBACK_SECONDS", 1.0)  # as in production
    make_user(PORTAL_ADMIN, customer=make_customer(), username="pa.noclose", mobile="+491711234570")
    password_step(client, "pa.noclose", PW)  # the response is never closed
    message = db.session.scalars(select(OutboxMessage)).one()
    deadline = time.monotonic() + 1.0 + 5
    while time.monotonic() < deadline:
        db.session.rollback()
        db.session.refresh(message)
        if message.status is OutboxStatus.SENT:
            break
        time.sleep(0.1)
    assert message.status is OutboxStatus.SENT and message.attempts == 1
    assert capsys.readouterr().out.count("SMS to +491711234570") == 1


def test_message_is_in_recipient_language(app_ctx):
    user = make_user(PORTAL_ADMIN, customer=make_customer(), mobile="+491711234560", locale="en")
    en = notifications.queue_pin_sms(user, "12345678", 10)
    user.locale = "de"
    de = notifications.queue_pin_sms(user, "12345678", 10)
    db.session.commit()
    assert en.locale == "en" and de.locale == "de"
    assert "PIN" in en.body and "12345678" in de.body


def test_outbox_list_json_newest_first_with_body_in_development(app, app_ctx):
    user = make_user(PORTAL_ADMIN, customer=make_customer(), mobile="+491711234561")
    notifications.queue(Channel.EMAIL, "a@example.com", "First", "body one", locale="de", sensitive=False,
                        user=user)
    db.session.commit()
    notifications.queue(Channel.SMS, "+491711234561", "Second", "body two", locale="de", sensitive=True,
                        user=user)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["subject"] for r in rows[:2]] == ["Second", "First"]
    assert set(rows[0]) == {"channel", "recipient", "subject", "status", "created_at", "body"}
    assert rows[0]["channel"] == "sms" and rows[1]["channel"] == "email" and rows[0]["status"] == "queued"
    text = app.test_cli_runner().invoke(args=["outbox", "list"]).output
    assert "Second" in text and "+491711234561" in text
    app.config["DEVELOPMENT"] = False
    try:
        rows = json.loads(app.test_cli_runner().invoke(args=["outbox", "list", "--json"]).output)
        assert "body" not in rows[0]
    finally:
        app.config["DEVELOPMENT"] = True


@pytest.mark.rule("R-JOB-3")
def test_failed_send_stays_queued_with_error_then_delivers(app, app_ctx, monkeypatch):
    calls = []

    class Flaky:
        def send(self, message):
            calls.append(message.id)
            if len(calls) == 1:
                raise notifications.DeliveryError("gateway down")

    monkeypatch.setattr("app.services.notifications.delivery.adapter_for", lambda channel: Flaky())
    user = make_user(PORTAL_ADMIN, customer=make_customer(), mobile="+491711234562")
    message = notifications.queue(Channel.SMS, user.mobile, "S", "B", locale="de", sensitive=True, user=user)
    db.session.commit()
    assert notifications.deliver_due() == {"sent": 0, "failed": 1}
    db.session.refresh(message)
    assert message.status is OutboxStatus.QUEUED and message.last_error == "gateway down"
    assert message.attempts == 1 and message.next_attempt_at > message.created_at
    assert notifications.deliver_due() == {"sent": 0, "failed": 0}  # not due yet
    message.next_attempt_at = message.created_at
    db.session.commit()
    assert notifications.deliver_due() == {"sent": 1, "failed": 0}
    assert notifications.deliver_due() == {"sent": 0, "failed": 0}
    db.session.refresh(message)
    assert message.status is OutboxStatus.SENT and calls == [message.id, message.id]


def test_http_sms_gateway_adapter(app, app_ctx):
    import http.server
    import threading

    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            received.append((self.headers["Authorization"], json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.config.update(MESSAGE_ADAPTER="live", SMS_GATEWAY_URL=f"http://127.0.0.1:{server.server_port}/sms",
                      SMS_GATEWAY_TOKEN="tok")
    try:
        user = make_user(PORTAL_ADMIN, customer=make_customer(), mobile="+491711234563")
        message = notifications.queue_pin_sms(user, "87654321", 10)
        db.session.commit()
        assert notifications.deliver_one(message.id) is True
        assert received[0][0] == "Bearer tok" and received[0][1]["to"] == "+491711234563"
        assert "87654321" in received[0][1]["text"]
    finally:
        server.shutdown()
        app.config.update(MESSAGE_ADAPTER="console", SMS_GATEWAY_URL=None, SMS_GATEWAY_TOKEN=None)
