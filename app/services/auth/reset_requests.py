"""Forgot-password requests (R-AUTH-5, R-JOB-3, QUALITY S7).

The request records only what was typed and answers; it never looks the username
up. Whether an account exists, its link and its email are worked out once the
response has left (or by the delivery job, should the server never get to it).
So a known and an unknown username run exactly the same statements while the
user waits: the per-client counter, one row here, the commit.

Working a request deletes its row first (`DELETE … RETURNING`): whichever of the
after-response hand-off, its fallback timer and the job gets the row works it,
the others find nothing, so one request sends at most one email (R3, R4).
"""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import delete, select

from app import context
from app.extensions import db
from app.models import PasswordResetRequest
from app.models.enums import TokenPurpose
from app.services import audit, notifications
from app.services.auth import tokens
from app.services.auth.usernames import find_by_username

log = logging.getLogger(__name__)


def record(username: str) -> PasswordResetRequest:
    """Add the request to the caller's transaction; it is worked after the response (caller commits)."""
    row = PasswordResetRequest(username=(username or "").strip()[:200], client_ip=context.client_ip())
    db.session.add(row)
    context.after_response(row)
    return row


def _eligible(user) -> bool:
    return user is not None and user.is_active and bool(user.email)


def work(request_id: int):
    """Work one request: a fresh link to the stored email of an active account, else nothing but the audit.

    Commits; returns the queued email (None when none was due or another worker had the request).
    """
    claimed = db.session.execute(
        delete(PasswordResetRequest).where(PasswordResetRequest.id == request_id)
        .returning(PasswordResetRequest.username, PasswordResetRequest.client_ip)
    ).first()
    if claimed is None:
        db.session.rollback()
        return None
    username, ip = claimed
    user = find_by_username(username)
    message = None
    if _eligible(user):
        _, raw = tokens.issue_link(user, TokenPurpose.PASSWORD_RESET)
        hours = int(current_app.config["LINK_LIFETIME"].total_seconds() // 3600)
        message = notifications.queue_reset_email(user, tokens.link_url(raw), hours)
        audit.record(audit.PASSWORD_RESET_REQUESTED, user, ip=ip)
    else:
        reason = "no account" if user is None else "not sent: account inactive or without email"
        audit.record(audit.PASSWORD_RESET_REQUESTED, user, username=username[:128], details=reason, ip=ip)
    db.session.commit()
    return message


def work_and_send(request_ids) -> None:
    """Work these requests and send their emails now (after the response; failures stay queued, R1)."""
    messages = []
    for request_id in request_ids:
        try:
            message = work(request_id)
        except Exception:  # noqa: BLE001 - the row stays (rolled back); the job works it
            db.session.rollback()
            log.exception("Password reset request %s not worked; the delivery job retries", request_id)
            continue
        if message is not None:
            messages.append(message)
    notifications.deliver_now(messages)


def work_pending(limit: int = 100) -> int:
    """The job's part: work every request still waiting (oldest first); returns how many were worked."""
    ids = db.session.scalars(
        select(PasswordResetRequest.id).order_by(PasswordResetRequest.requested_at, PasswordResetRequest.id)
        .limit(limit)
    ).all()
    worked = 0
    for request_id in ids:
        try:
            work(request_id)
            worked += 1
        except Exception:  # noqa: BLE001 - one bad row must not stop the others
            db.session.rollback()
            log.exception("Password reset request %s not worked", request_id)
    return worked


def work_after_response(response, rows) -> None:
    """Hand the requests this request committed to `work_and_send` once `response` has left."""
    ids = [row.id for row in rows if row.id is not None]
    if ids:
        notifications.run_after_response(response, lambda: work_and_send(ids), "Password reset after the response")
