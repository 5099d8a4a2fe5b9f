"""Deactivated means deleted (R-AUTH-10): an inactive account's personal data is erased at once.

What happens when an account becomes inactive (`erase`, in the caller's transaction):

- name, email, phone, mobile, password, authenticator secret: erased or replaced by a
  pseudonym (`deleted-user-<id>`; the email becomes `deleted-user-<id>@invalid`, a reserved
  domain no mail reaches, because FAB's email column is NOT NULL and unique);
- sessions (rows and the session version), open set-password links, PIN challenges and
  sign-in failure counters: deleted;
- the account's audit entries keep `user_id` (the stable pseudonymous reference) and get
  the pseudonym instead of the username, so the trail still says "this account did that"
  without naming the person;
- the username stays reserved for USERNAME_HOLD_DAYS, so nobody else signs up under it
  while emails, tickets or phone calls may still name it; then `release_usernames` (the
  job "release-usernames") replaces it by the pseudonym and frees it.

What is kept: the row itself (id, company, role, status, the dates), because orders,
tickets and audit entries point to it and the back office must be able to say that an
account of this company existed and was deactivated, and when.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update

from app.extensions import db
from app.models import AuditLog, AuthFailure, EServiceUser, OneTimeToken, PinChallenge, UserSession
from app.models.enums import SecondFactor, UserStatus
from app.models.mixins import utcnow
from app.services.auth import sessions

USERNAME_HOLD_DAYS = 90


def pseudonym(user_id: int) -> str:
    return f"deleted-user-{user_id}"


def erase(user: EServiceUser) -> None:
    """Erase the personal data of an account that has just become inactive (caller commits)."""
    name = pseudonym(user.id)
    user.first_name, user.last_name = "-", name
    user.email = f"{name}@invalid"
    user.phone = user.mobile = None
    user.password = None
    user.totp_secret = None
    user.totp_last_timecode = None
    user.second_factor = SecondFactor.NONE
    user.locale = None
    user.active = False
    user.deactivated_at = user.deactivated_at or utcnow()
    sessions.end_all(user)
    db.session.flush()  # the status change's own audit entry (account_events) is pseudonymised below too
    for model in (UserSession, OneTimeToken, PinChallenge, AuthFailure):
        db.session.execute(delete(model).where(model.user_id == user.id).execution_options(synchronize_session=False))
    db.session.execute(update(AuditLog).where(AuditLog.user_id == user.id).values(username=name)
                       .execution_options(synchronize_session=False))


def release_usernames(now=None) -> int:
    """Free the usernames of accounts deactivated more than USERNAME_HOLD_DAYS ago (the job)."""
    cutoff = (now or utcnow()) - timedelta(days=USERNAME_HOLD_DAYS)
    users = db.session.scalars(select(EServiceUser).where(
        EServiceUser.status == UserStatus.INACTIVE, EServiceUser.deactivated_at < cutoff,
        EServiceUser.username.notlike("deleted-user-%"))).all()
    for user in users:
        user.username = pseudonym(user.id)
        db.session.execute(update(AuditLog).where(AuditLog.user_id == user.id).values(username=pseudonym(user.id))
                           .execution_options(synchronize_session=False))
    db.session.commit()
    return len(users)
