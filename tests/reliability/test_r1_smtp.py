"""QUALITY R1: with the mail server down a message stays queued; when it returns, it arrives exactly once.

Uses a real local SMTP server (aiosmtpd) on a free port.
"""
from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage
from app.models.enums import OutboxStatus
from app.security.roles import PBX_ADMIN
from app.services import notifications
from app.services.auth import links, reset_requests
from tests.factories import make_customer, make_user
from tests.reliability.smtp_server import Inbox as _Inbox
from tests.reliability.smtp_server import free_port as _free_port


@pytest.mark.rule("R1", "R-JOB-3")
def test_mail_server_down_then_up_delivers_exactly_once(app, app_ctx):
    port = _free_port()
    app.config.update(MESSAGE_ADAPTER="live", SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False,
                      SMTP_TIMEOUT=2, OUTBOX_DELIVER_IMMEDIATELY=False)
    try:
        make_user(PBX_ADMIN, customer=make_customer(), username="pbx.r1", email="r1@example.com")
        links.request_password_reset("pbx.r1")
        # Nobody worked the request after a response here: the delivery job's first part does (R-JOB-3).
        assert reset_requests.work_pending() == 1 and reset_requests.work_pending() == 0
        message = db.session.scalars(select(OutboxMessage)).one()

        # Server down: the send fails, the message stays queued with its error.
        assert notifications.deliver_due() == {"sent": 0, "failed": 1}
        db.session.refresh(message)
        assert message.status is OutboxStatus.QUEUED
        assert message.last_error and "SMTP" in message.last_error
        assert message.attempts == 1

        inbox = _Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            # Not due yet: the retry waits for its backoff.
            assert notifications.deliver_due() == {"sent": 0, "failed": 0}
            assert inbox.messages == []
            later = message.next_attempt_at
            for _ in range(3):  # the job runs again and again
                notifications.deliver_due(now=later)
            db.session.refresh(message)
            assert message.status is OutboxStatus.SENT and message.last_error is None
            assert len(inbox.messages) == 1
            envelope = inbox.messages[0]
            assert envelope.rcpt_tos == ["r1@example.com"]
            assert b"/set-password/" in envelope.content
        finally:
            controller.stop()
    finally:
        app.config.update(MESSAGE_ADAPTER="console", SMTP_HOST="localhost", SMTP_PORT=25,
                          OUTBOX_DELIVER_IMMEDIATELY=True)


@pytest.mark.rule("R1")
def test_immediate_delivery_after_the_response_with_the_server_down_keeps_it_for_the_job(app, app_ctx):
    """R1 with delivery after the response (S7): the mail server is down when the request's message goes
    out; the page answers as always, the message stays queued, and the job delivers it exactly once later."""
    from tests.reliability.smtp_server import live_adapter, smtp_server
    from tests.security.auth_fixtures import new_client, post_form

    port = _free_port()
    with live_adapter(app, SMTP_PORT=port, SMTP_TIMEOUT=2, OUTBOX_DELIVER_IMMEDIATELY=True):
        make_user(PBX_ADMIN, customer=make_customer(), username="pbx.r1now", email="r1now@example.com")
        db.session.commit()
        response = post_form(new_client(app), "/forgot-password/", {"username": "pbx.r1now"},
                             page_url="/forgot-password/?username=pbx.r1now")
        assert response.status_code == 200
        response.close()  # the WSGI server closes the response: delivery is tried now, and fails
        message = db.session.scalars(select(OutboxMessage)).one()
        db.session.refresh(message)
        assert message.status is OutboxStatus.QUEUED and message.attempts == 1 and "SMTP" in message.last_error
        with smtp_server() as (inbox, live_port):
            app.config["SMTP_PORT"] = live_port
            for _ in range(2):
                notifications.deliver_due(now=message.next_attempt_at)
            db.session.refresh(message)
            assert message.status is OutboxStatus.SENT
            assert [m.rcpt_tos for m in inbox.messages] == [["r1now@example.com"]]
