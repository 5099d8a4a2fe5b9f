"""Operator view of the outbox (`flask --app run outbox list`)."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage


def latest_messages(limit: int = 20) -> list[dict]:
    """The newest messages first; the body only in development (it may hold a PIN or link)."""
    rows = db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
    ).all()
    with_body = bool(current_app.config.get("DEVELOPMENT"))
    result = []
    for m in rows:
        item = {
            "channel": m.channel.value,
            "recipient": m.recipient,
            "subject": m.subject,
            "status": m.status.value,
            "created_at": m.created_at.isoformat(timespec="seconds") + "Z",
        }
        if with_body:
            item["body"] = m.body
        result.append(item)
    return result
