"""Outbox delivery with retry state (R-JOB-3, QUALITY R1).

A message is claimed with one conditional UPDATE (queued → sending) and
committed before it is handed to the adapter, so two workers never send the
same row; a failure puts it back to `queued` with its error and a later
`next_attempt_at`. A row left in `sending` by a crashed worker is re-queued
once its claim expires.
"""
from __future__ import annotations

import logging
import threading
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


def committed_ids(messages) -> list[int]:
    """Ids of the messages whose rows the request really committed (a rolled-back one has no identity)."""
    from sqlalchemy import inspect

    ids = []
    for message in messages or ():
        try:
            state = inspect(message)
        except Exception:  # noqa: BLE001  # nosec B112  # anything odd is simply not sent now (the job retries)
            continue
        if state.persistent and not state.modified and message.id is not None:
            ids.append(message.id)
    return list(dict.fromkeys(ids))


def deliver_ids(ids) -> None:
    """Best-effort delivery of these outbox rows now; whatever fails stays queued for the job (R1)."""
    for message_id in ids:
        try:
            deliver_one(message_id)
        except Exception:  # noqa: BLE001 - the job retries; delivery must never fail a caller
            db.session.rollback()
            log.exception("Immediate delivery of outbox message %s failed", message_id)


def run_after_response(response, work, what: str = "Work after the response") -> None:
    """Run `work()` once `response` has been written and closed, in an app context of its own.

    The WSGI server closes a response after its last byte has gone to the client, so the
    user never waits for it. Should the server never close it (werkzeug's development
    server skips close() when the client's socket errors while it drains the request: in
    `make run` 2 of 12 PINs came only with the delivery job), a timer runs it
    `OUTBOX_CLOSE_FALLBACK_SECONDS` later; whichever comes first runs it, once. What it
    writes has its own database session; whatever it leaves undone, a job finishes.
    """
    app = current_app._get_current_object()
    started = threading.Lock()

    def _run() -> None:
        if not started.acquire(blocking=False):
            return  # the other path has it
        try:
            with app.app_context():
                work()
        except Exception:  # noqa: BLE001 - a close callback must not raise into the server
            log.exception("%s failed; a job finishes it", what)

    response.call_on_close(_run)
    wait = float(current_app.config.get("OUTBOX_CLOSE_FALLBACK_SECONDS") or 0)
    if wait > 0:
        fallback = threading.Timer(wait, _run)
        fallback.daemon = True
        fallback.start()


def deliver_after_response(response, messages) -> None:
    """Send the committed `messages` once `response` has left (QUALITY S7, R-JOB-3)."""
    if not current_app.config.get("OUTBOX_DELIVER_IMMEDIATELY", True):
        return
    ids = committed_ids(messages)
    if ids:
        run_after_response(response, lambda: deliver_ids(ids), "Delivery after the response")


def deliver_now(messages) -> None:
    """Deliver committed messages right away, in the caller's context (CLI and jobs; never in a request)."""
    if not current_app.config.get("OUTBOX_DELIVER_IMMEDIATELY", True):
        return
    deliver_ids(committed_ids(messages))
