"""One-time set-password links (R-AUTH-4/5, QUALITY S5).

256 random bits per link; only the SHA-256 is stored; single use; 24 h;
a newer link or a password change voids every older one.
"""
from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import OneTimeToken
from app.models.enums import TokenPurpose
from app.models.mixins import utcnow


def token_hash(raw: str) -> str:
    """The stored form of a link token."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def void_links(user) -> None:
    """Void every unused link of the user (newer link issued, or password changed)."""
    if user.id is None:
        return
    db.session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.user_id == user.id, OneTimeToken.used_at.is_(None), OneTimeToken.voided_at.is_(None))
        .values(voided_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def issue_link(user, purpose: TokenPurpose) -> tuple[OneTimeToken, str]:
    """Create a fresh link for `user` (in the caller's transaction); return the row and raw token."""
    void_links(user)
    raw = secrets.token_urlsafe(32)
    row = OneTimeToken(
        user=user, purpose=purpose, token_hash=token_hash(raw),
        expires_at=utcnow() + current_app.config["LINK_LIFETIME"],
    )
    db.session.add(row)
    return row, raw


def link_url(raw: str) -> str:
    """The absolute set-password URL, built from PUBLIC_BASE_URL (never the Host header)."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/set-password/{raw}"


def find_valid(raw: str) -> OneTimeToken | None:
    """The unused, unexpired, not voided link for a raw token, or None."""
    if not raw or len(raw) > 200:
        return None
    row = db.session.scalar(select(OneTimeToken).where(OneTimeToken.token_hash == token_hash(raw)))
    if row is None or row.used_at or row.voided_at or row.expires_at <= utcnow():
        return None
    return row


def consume(row: OneTimeToken) -> bool:
    """Mark the link used by compare-and-set; False when a parallel request used (or it was voided) first.

    One conditional UPDATE (`used_at IS NULL`): of two simultaneous posts exactly one
    gets rowcount 1 (S5 single use, R3). Caller commits.
    """
    now = utcnow()
    result = db.session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.id == row.id, OneTimeToken.used_at.is_(None), OneTimeToken.voided_at.is_(None),
               OneTimeToken.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    set_committed_value(row, "used_at", now)
    return True


def expire_stale() -> int:
    """R-JOB-1: void links whose 24 h are over; return how many."""
    result = db.session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.expires_at <= utcnow(), OneTimeToken.used_at.is_(None),
               OneTimeToken.voided_at.is_(None))
        .values(voided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
