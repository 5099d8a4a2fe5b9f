"""SMS PINs and authenticator codes for the second sign-in step (R-AUTH-6, QUALITY S4).

A PIN is 8 digits from `secrets`, stored as an HMAC bound to the login attempt
(a random id kept in the session), valid 10 minutes, used once; 5 wrong
entries void it; at most 5 are sent per account per hour.
"""
from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from datetime import timedelta, timezone

import pyotp
from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import EServiceUser, PinChallenge
from app.models.mixins import utcnow

TOTP_MARK = "totp"


class PinCheck(enum.Enum):
    """Outcome of checking an entered code."""

    OK = "ok"
    WRONG = "wrong"
    VOID = "void"  # expired, used, voided or unknown attempt: start again
    USED = "used"  # right code, but a parallel request used it first: start again, no failure counted


def new_attempt_id() -> str:
    """A random id binding the second step to one password step."""
    return secrets.token_urlsafe(32)


def attempt_hash(attempt_id: str) -> str:
    """The stored form of an attempt id."""
    return hashlib.sha256(attempt_id.encode("utf-8")).hexdigest()


def generate_pin() -> str:
    """8 random digits (leading zeros kept)."""
    return f"{secrets.randbelow(10 ** 8):08d}"


def hash_pin(pin: str, attempt_id: str) -> str:
    """HMAC of the PIN keyed by the app secret and bound to the attempt."""
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    digest = hmac.new(key, f"{attempt_id}:{pin}".encode("utf-8"), hashlib.sha256).hexdigest()
    return f"hmac-sha256${digest}"


def sends_last_hour(user) -> int:
    """How many PINs the account was sent in the last hour (S4: at most 5)."""
    since = utcnow() - timedelta(hours=1)
    return db.session.scalar(
        select(func.count(PinChallenge.id)).where(
            PinChallenge.user_id == user.id, PinChallenge.created_at >= since,
            PinChallenge.pin_hash.like("hmac-%"),
        )
    ) or 0


def last_send_at(user):
    """When the last PIN went to this account (for the "send again" pause)."""
    return db.session.scalar(
        select(func.max(PinChallenge.created_at)).where(
            PinChallenge.user_id == user.id, PinChallenge.pin_hash.like("hmac-%")
        )
    )


def issue_challenge(user, attempt_id: str, pin: str | None) -> PinChallenge:
    """Store a challenge for this attempt: an SMS PIN (hashed) or, with pin None, an app code."""
    now = utcnow()
    row = PinChallenge(
        user_id=user.id, attempt_hash=attempt_hash(attempt_id),
        pin_hash=hash_pin(pin, attempt_id) if pin is not None else TOTP_MARK,
        created_at=now, expires_at=now + current_app.config["PIN_LIFETIME"], failed_attempts=0,
    )
    db.session.add(row)
    return row


def find_challenge(attempt_id: str | None, user_id: int | None) -> PinChallenge | None:
    """The live challenge of this attempt for this user, or None."""
    if not attempt_id or not user_id:
        return None
    row = db.session.scalar(select(PinChallenge).where(PinChallenge.attempt_hash == attempt_hash(attempt_id)))
    if row is None or row.user_id != user_id:
        return None
    if row.used_at or row.voided_at or row.expires_at <= utcnow():
        return None
    if row.failed_attempts >= current_app.config["PIN_MAX_WRONG"]:
        return None
    return row


def _epoch_seconds() -> float:
    """Now as Unix seconds. pyotp reads a naive datetime as *local* time, so a naive UTC
    timestamp would shift every code by the server's UTC offset (refused off UTC)."""
    return utcnow().replace(tzinfo=timezone.utc).timestamp()


def _totp_timecode(secret: str, code: str) -> int | None:
    """The time step a correct app code belongs to (this one, or one step either side), else None."""
    totp = pyotp.TOTP(secret)
    now = _epoch_seconds()
    for offset in (0, -30, 30):
        at = now + offset
        if hmac.compare_digest(totp.at(at), code):
            return totp.timecode(at)
    return None


def _consume_timecode(user_id: int, timecode: int) -> bool:
    """Compare-and-set: record `timecode` as the user's newest used step unless it (or a later one) is.

    Exactly one of several parallel requests with the same code gets rowcount 1 (S4, R3).
    """
    result = db.session.execute(
        update(EServiceUser)
        .where(EServiceUser.id == user_id,
               or_(EServiceUser.totp_last_timecode.is_(None), EServiceUser.totp_last_timecode < timecode))
        .values(totp_last_timecode=timecode)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _consume_challenge(challenge: PinChallenge, mark: str | None) -> bool:
    """Compare-and-set: mark the challenge used unless a parallel request already did (S4 single use)."""
    now = utcnow()
    values = {"used_at": now}
    if mark:
        values["pin_hash"] = mark
    result = db.session.execute(
        update(PinChallenge)
        .where(PinChallenge.id == challenge.id, PinChallenge.used_at.is_(None), PinChallenge.voided_at.is_(None),
               PinChallenge.expires_at > now)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    # Keep the loaded row in step with what was written (no reload needed).
    for key, value in values.items():
        set_committed_value(challenge, key, value)
    return True


def check_code(challenge: PinChallenge, attempt_id: str, code: str, totp_secret: str | None) -> PinCheck:
    """Check an entered PIN/app code; consume the challenge by compare-and-set (caller commits)."""
    code = "".join((code or "").split())
    ok = False
    timecode = None
    if challenge.pin_hash == TOTP_MARK:
        if totp_secret and code.isdigit() and len(code) == 6:
            timecode = _totp_timecode(totp_secret, code)
            ok = timecode is not None
    elif code.isdigit() and len(code) == 8:
        ok = hmac.compare_digest(challenge.pin_hash, hash_pin(code, attempt_id))
    if ok:
        if timecode is not None and not _consume_timecode(challenge.user_id, timecode):
            # An app code is accepted once: this one (or a later one) already signed in.
            ok = False
        elif not _consume_challenge(challenge, f"totp:{timecode}" if timecode is not None else None):
            return PinCheck.USED
    if ok:
        return PinCheck.OK
    challenge.failed_attempts = (challenge.failed_attempts or 0) + 1
    if challenge.failed_attempts >= current_app.config["PIN_MAX_WRONG"]:
        challenge.voided_at = utcnow()
        return PinCheck.VOID
    return PinCheck.WRONG


def void_challenge(challenge: PinChallenge | None) -> None:
    """End a challenge early (new PIN sent, lockout, sign-in abandoned)."""
    if challenge is not None and challenge.used_at is None and challenge.voided_at is None:
        challenge.voided_at = utcnow()


def purge_stale(older_than: timedelta = timedelta(days=1)) -> int:
    """R-JOB-1: delete challenges past their use (kept a day so send limits still count)."""
    result = db.session.execute(
        delete(PinChallenge).where(PinChallenge.expires_at <= utcnow() - older_than)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
