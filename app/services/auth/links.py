"""Set-password links by email: activation of a new account and "forgot password" (R-AUTH-4, R-AUTH-5).

A link is usable once and for LINK_LIFETIME; using it sets the password, voids the
user's other links and ends every session (S5, S8). Known and unknown usernames get
the same answer and the same work (S7).
"""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import EServiceUser
from app.models.enums import TokenPurpose
from app.services import audit, notifications
from app.services.auth import passwords, reset_requests, throttle, tokens
from app.services.errors import Invalid

LINK_NO_LONGER_VALID = _l("This link is no longer valid. Please ask for a new one with \"Forgot password\".")


def _lifetime_hours() -> int:
    return int(current_app.config["LINK_LIFETIME"].total_seconds() // 3600)


def queue_activation(user: EServiceUser):
    """R-AUTH-4: add the activation email with a 24 h set-password link (caller commits)."""
    _, raw = tokens.issue_link(user, TokenPurpose.ACTIVATION)
    return notifications.queue_activation_email(user, tokens.link_url(raw), _lifetime_hours())


def request_password_reset(username: str):
    """R-AUTH-5: record the request; the link goes to the stored email after the response.

    The request never looks the username up, so a known and an unknown name run the same
    statements and get the same answer (S7); `reset_requests` does the rest.
    """
    if throttle.client_blocked(forgot=True):
        raise throttle.Throttled(throttle.TOO_MANY_REQUESTS)
    throttle.record_failure(None, throttle.STEP_FORGOT)
    row = reset_requests.record(username)
    db.session.commit()
    return row


def link_user(raw: str) -> EServiceUser | None:
    """The user a valid set-password link belongs to, or None."""
    row = tokens.find_valid(raw)
    if row is None or not row.user.is_active:
        return None
    return row.user


def set_password_by_link(raw: str, new: str, confirm: str) -> EServiceUser:
    """Set the password through a one-time link; the link is used up, all sessions end."""
    row = tokens.find_valid(raw)
    if row is None or not row.user.is_active:
        raise Invalid(LINK_NO_LONGER_VALID)
    user = row.user
    errors = passwords.new_password_errors(user, new, confirm)
    if errors:
        raise Invalid(*errors)
    if not tokens.consume(row):
        # A parallel request used this link first (S5 single use, R3).
        db.session.rollback()
        raise Invalid(LINK_NO_LONGER_VALID)
    passwords.store(user, new)
    audit.record(audit.PASSWORD_SET_BY_LINK, user, details=row.purpose.value)
    db.session.commit()
    return user
