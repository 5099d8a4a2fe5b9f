"""Outbox delivery with retry state (R-JOB-3, QUALITY R1).

A message is claimed with one conditional UPDATE (queued → sending) and
committed before it is handed to the adapter, so two workers never send the
same row; a failure puts it back to `queued` with its error and a later
`next_attempt_at`. A row left in `sending` by a crashed worker is re-queued
once its claim expires.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from app.extensions import db
from app.models import OutboxMessage
from app.models.enums import OutboxStatus
from app.models.mixins import utcnow

from .adapters import DeliveryError, adapter_for

log = logging.getLogger(__name__)

CLAIM_TIMEOUT = timedelta(minutes=15)


def _backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most one hour between tries."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def _claim(message_id: int, now=None) -> bool:
    now = now or utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            or_(
                and_(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.next_attempt_at <= now),
                and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.next_attempt_at <= now),
            ),
        )
        .values(status=OutboxStatus.SENDING, attempts=OutboxMessage.attempts + 1,
                next_attempt_at=now + CLAIM_TIMEOUT)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def deliver_one(message_id: int, now=None) -> bool | None:
    """Try to send one message now. True sent, False failed (kept for retry), None not due/claimed.

    `now` lets the delivery job (and tests) decide what counts as due.
    """
    if not _claim(message_id, now):
        return None
    message = db.session.get(OutboxMessage, message_id)
    db.session.refresh(message)
    try:
        adapter_for(message.channel).send(message)
    except DeliveryError as exc:
        max_attempts = current_app.config.get("OUTBOX_MAX_ATTEMPTS", 20)
        message.last_error = str(exc)[:1000]
        if message.attempts >= max_attempts:
            message.status = OutboxStatus.FAILED
        else:
            message.status = OutboxStatus.QUEUED
            message.next_attempt_at = utcnow() + _backoff(message.attempts)
        db.session.commit()
        log.warning("Outbox message %s not delivered (attempt %s): %s", message.id, message.attempts, exc)
        return False
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.last_error = None
    db.session.commit()
    return True


def deliver_due(limit: int = 100, now=None) -> dict[str, int]:
    """Send every message that is due (oldest first); return counts of sent/failed."""
    now = now or utcnow()
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status.in_([OutboxStatus.QUEUED, OutboxStatus.SENDING]),
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    counts = {"sent": 0, "failed": 0}
    for message_id in ids:
        outcome = deliver_one(message_id, now)
        if outcome is True:
            counts["sent"] += 1
        elif outcome is False:
            counts["failed"] += 1
    return counts


def deliver_now(messages) -> None:
    """Best-effort immediate delivery after the caller committed (errors stay queued)."""
    if not current_app.config.get("OUTBOX_DELIVER_IMMEDIATELY", True):
        return
    for message in messages:
        if message is None or message.id is None:
            continue
        try:
            deliver_one(message.id)
        except Exception:  # noqa: BLE001 - the job retries; the request must not fail on delivery
            db.session.rollback()
            log.exception("Immediate delivery of outbox message %s failed", message.id)
