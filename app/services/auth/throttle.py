"""Failed sign-in steps, account lockout and per-client limits (QUALITY S6).

Counters live in the `auth_failure` table so every worker and host sees the
same numbers. 10 failures (password or PIN) for one account within 15 min
lock it for 15 min whatever the client IP; each client IP has its own limit
for login/PIN failures and for forgot-password requests.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import AuthFailure
from app.models.mixins import utcnow
from app.services import audit
from app.services.errors import ServiceError

STEP_PASSWORD = "password"  # nosec B105  # a sign-in step's name, no secret
STEP_PIN = "pin"
STEP_FORGOT = "forgot"
# A wrong customer password at an option order's submit (R-WIZ-6); its own count, kept through a sign-in.
STEP_HOTLINE = "hotline"
NO_ACCOUNT = -1  # the account id an unknown username's statements look for: no row has it

TOO_MANY_REQUESTS = _l("Too many attempts from your network. Please wait a while before you try again.")
ACCOUNT_LOCKED = _l("Too many wrong entries: your account is locked for a while. Please try again later or "
                    "call the hotline.")
# The steps that count toward an account's lockout and a client's limit: every wrong secret, whether at
# sign-in or asked again while signed in (the current password, the customer password).
COUNTED_STEPS = (STEP_PASSWORD, STEP_PIN, STEP_HOTLINE)


class Throttled(ServiceError):
    """The client went over its limit (answered with HTTP 429)."""

    status = 429


def is_locked_out(user) -> bool:
    """True while a lockout after too many failures is running."""
    return bool(user is not None and user.locked_until and user.locked_until > utcnow())


def _count(*conditions) -> int:
    return db.session.scalar(select(func.count(AuthFailure.id)).where(*conditions)) or 0


def record_failure(user, step: str) -> bool:
    """Count one failed step (caller commits); lock the account at the threshold. True if it locked now.

    A sign-in step for an unknown username runs the same statements as one for a known
    account (the insert, the account's count) and neither writes to the account's row,
    so the database's time does not tell them apart (QUALITY S7); only reaching the
    lockout does more. The back office reads the count from these rows
    (`EServiceUser.failed_sign_ins`).
    """
    cfg = current_app.config
    now = utcnow()
    account_id = getattr(user, "id", None)
    db.session.add(AuthFailure(user_id=account_id, client_ip=audit.client_ip(), step=step, occurred_at=now))
    if step == STEP_FORGOT:
        return False
    db.session.flush()
    target = account_id if account_id is not None else NO_ACCOUNT
    recent = _count(
        AuthFailure.user_id == target, AuthFailure.step.in_(COUNTED_STEPS),
        AuthFailure.occurred_at > now - cfg["LOCKOUT_WINDOW"],
    )
    if user is not None and recent >= cfg["LOCKOUT_THRESHOLD"] and not is_locked_out(user):
        user.locked_until = now + cfg["LOCKOUT_DURATION"]
        user.fail_login_count = recent
        audit.record(audit.LOCKOUT, user, details=f"{recent} failed sign-in steps")
        return True
    return False


def clear_account_failures(user) -> None:
    """After a full sign-in the account's count starts again (caller commits)."""
    db.session.execute(
        delete(AuthFailure).where(AuthFailure.user_id == user.id, AuthFailure.step.notin_([STEP_FORGOT, STEP_HOTLINE]))
        .execution_options(synchronize_session=False)
    )


def client_blocked(forgot: bool = False) -> bool:
    """True when this client IP went over its limit (sign-in failures, or forgot requests)."""
    cfg = current_app.config
    now = utcnow()
    ip = audit.client_ip()
    if forgot:
        return _count(AuthFailure.client_ip == ip, AuthFailure.step == STEP_FORGOT,
                      AuthFailure.occurred_at > now - cfg["IP_FORGOT_WINDOW"]) >= cfg["IP_FORGOT_LIMIT"]
    return _count(AuthFailure.client_ip == ip, AuthFailure.step.in_(COUNTED_STEPS),
                  AuthFailure.occurred_at > now - cfg["IP_FAILURE_WINDOW"]) >= cfg["IP_FAILURE_LIMIT"]


def refuse_if_limited(user) -> None:
    """Before a secret asked again while signed in is checked: Throttled while the client or account is over."""
    if client_blocked():
        raise Throttled(TOO_MANY_REQUESTS)
    if is_locked_out(user):
        raise Throttled(ACCOUNT_LOCKED)


def confirm_secret(user, correct: bool, step: str = STEP_PASSWORD) -> bool:
    """Count a wrong secret asked again while signed in like a sign-in failure (issue 19).

    Call `refuse_if_limited` before checking. A wrong answer is written at once, in its own
    transaction (nothing of the caller's is pending at a check), so a refused change still
    leaves its count behind; the account locks at the same threshold as at sign-in.
    """
    if correct:
        return True
    db.session.rollback()
    record_failure(user, step)
    db.session.commit()
    return False


def purge_old(keep=None) -> int:
    """Delete counters older than any window (a day by default)."""
    cutoff = utcnow() - (keep or timedelta(days=1))
    result = db.session.execute(
        delete(AuthFailure).where(AuthFailure.occurred_at < cutoff).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
