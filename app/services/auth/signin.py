"""Signing in and out: the password step, the second step (SMS PIN or app code), sign-out (R-AUTH-6, S6-S8).

Only a passed second step (or a role without one) signs in. Wrong passwords and codes
count toward the account's lockout and the client's limit (app/services/auth/throttle.py);
known and unknown usernames get the same answer and the same work (S7).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import EServiceUser
from app.models.enums import SecondFactor
from app.models.mixins import utcnow
from app.roles import PORTAL_ADMIN, SMS_PIN_ROLES
from app.services import audit, notifications
from app.services.auth import passwords, pins, sessions, throttle
from app.services.auth.usernames import find_by_username
from app.services.errors import Invalid

SIGN_IN_FAILED = _l(
    "Sign-in failed. Please check your username and password. "
    "After 10 failed attempts, sign-in is blocked for 15 minutes."
)


class SecondStep(enum.Enum):
    """What the user must do after a correct password."""

    NONE = "none"
    SMS = "sms"
    TOTP = "totp"


@dataclass
class PasswordOutcome:
    """Result of the password step: `user` set only when the password was right and sign-in allowed."""

    user: EServiceUser | None
    step: SecondStep = SecondStep.NONE
    message: str | None = None


def second_step_for(user: EServiceUser) -> SecondStep:
    """Which second factor the user must pass (R-AUTH-6; app codes for whoever enrolled).

    The manual asks it of Portal Admin and Accounting; the carrier's staff (no customer) reach
    every company's data, so they always pass one too: the SMS PIN until they enrol an app.
    """
    if user.second_factor is SecondFactor.TOTP and user.totp_secret:
        return SecondStep.TOTP
    if (user.second_factor is SecondFactor.SMS or user.customer_id is None
            or any(r.name in SMS_PIN_ROLES for r in user.roles)):
        return SecondStep.SMS
    return SecondStep.NONE


def check_password_step(username: str, password: str) -> PasswordOutcome:
    """Step 1 of sign-in. Known and unknown usernames get the same answer and work (S7)."""
    if throttle.client_blocked():
        raise throttle.Throttled(throttle.TOO_MANY_REQUESTS)
    user = find_by_username(username)
    if user is None or not user.password:
        passwords.check_dummy(password)
        throttle.record_failure(user, throttle.STEP_PASSWORD)
        audit.record(audit.SIGN_IN_FAILED, user, username=(username or "")[:128], details="password")
        db.session.commit()
        return PasswordOutcome(None, message=str(SIGN_IN_FAILED))
    if not passwords.is_correct(user, password):
        throttle.record_failure(user, throttle.STEP_PASSWORD)
        audit.record(audit.SIGN_IN_FAILED, user, details="password")
        db.session.commit()
        return PasswordOutcome(None, message=str(SIGN_IN_FAILED))
    if throttle.is_locked_out(user) or not user.is_active:
        # R-AUTH-10 and S6: a right password does not open a locked account.
        reason = "locked out" if throttle.is_locked_out(user) else f"status {user.status.value}"
        audit.record(audit.SIGN_IN_FAILED, user, details=reason)
        db.session.commit()
        return PasswordOutcome(None, message=str(SIGN_IN_FAILED))
    return PasswordOutcome(user, second_step_for(user))


def _second_step_help(user) -> str:
    if user.customer_id is None:
        return str(_l("Please ask an administrator of e:service to store your mobile number."))
    if any(r.name == PORTAL_ADMIN for r in user.roles):
        return str(_l("Please call our hotline %(phone)s.", phone=current_app.config["HOTLINE_PHONE"]))
    return str(_l("Please ask your Portal Admin to check your mobile number."))


def _check_can_send_pin(user: EServiceUser) -> None:
    if not user.mobile:
        raise Invalid(_l("No mobile number is stored for your account, so no PIN can be sent."),
                      _second_step_help(user))
    if pins.sends_last_hour(user) >= current_app.config["PIN_MAX_SENDS_PER_HOUR"]:
        raise Invalid(_l("Five PINs have been sent to you within the last hour. Please try again later."))


def start_second_step(user: EServiceUser, step: SecondStep) -> tuple[str, object | None]:
    """Create the challenge of a new login attempt; send the PIN for SMS. Returns (attempt id, message).

    Raises Invalid when no PIN can be sent (no mobile number, or 5 sent this hour).
    """
    if step is SecondStep.SMS:
        _check_can_send_pin(user)
    attempt_id = pins.new_attempt_id()
    message = None
    if step is SecondStep.SMS:
        pin = pins.generate_pin()
        pins.issue_challenge(user, attempt_id, pin)
        minutes = int(current_app.config["PIN_LIFETIME"].total_seconds() // 60)
        message = notifications.queue_pin_sms(user, pin, minutes)
    else:
        pins.issue_challenge(user, attempt_id, None)
    db.session.commit()
    return attempt_id, message


def resend_pin(user: EServiceUser, old_attempt_id: str) -> tuple[str, object]:
    """"Send again": void the old PIN and send a new one, at most every PIN_RESEND_INTERVAL."""
    last = pins.last_send_at(user)
    if last and utcnow() - last < current_app.config["PIN_RESEND_INTERVAL"]:
        raise Invalid(_l("A PIN was sent a moment ago. Please wait a little before asking for another one."))
    _check_can_send_pin(user)
    pins.void_challenge(pins.find_challenge(old_attempt_id, user.id))
    return start_second_step(user, SecondStep.SMS)


class CodeResult(enum.Enum):
    """Outcome of the second step."""

    SIGNED_IN = "signed_in"
    WRONG = "wrong"
    RESTART = "restart"


def check_second_step(user_id: int, attempt_id: str, code: str) -> tuple[CodeResult, EServiceUser | None]:
    """Step 2: check the PIN or app code of this attempt. Wrong entries count toward lockout (S6)."""
    if throttle.client_blocked():
        raise throttle.Throttled(throttle.TOO_MANY_REQUESTS)
    user = db.session.get(EServiceUser, user_id) if user_id else None
    challenge = pins.find_challenge(attempt_id, user_id)
    if user is None or challenge is None:
        return CodeResult.RESTART, None
    if throttle.is_locked_out(user) or not user.is_active:
        pins.void_challenge(challenge)
        audit.record(audit.SIGN_IN_FAILED, user, details="locked during second step")
        db.session.commit()
        return CodeResult.RESTART, None
    result = pins.check_code(challenge, attempt_id, code, user.totp_secret)
    if result is pins.PinCheck.OK:
        complete_sign_in(user, commit=False)
        db.session.commit()
        return CodeResult.SIGNED_IN, user
    if result is pins.PinCheck.USED:
        # A parallel request signed in with this very code first (S4 single use, R3).
        db.session.rollback()
        return CodeResult.RESTART, user
    if throttle.record_failure(user, throttle.STEP_PIN):
        pins.void_challenge(challenge)
    audit.record(audit.PIN_FAILED, user, details=f"wrong code {challenge.failed_attempts}")
    db.session.commit()
    if result is pins.PinCheck.VOID or challenge.voided_at:
        return CodeResult.RESTART, user
    return CodeResult.WRONG, user


def complete_sign_in(user: EServiceUser, commit: bool = True) -> None:
    """Bookkeeping of a full sign-in: stats, audit, failures cleared."""
    user.login_count = (user.login_count or 0) + 1
    user.fail_login_count = 0
    user.last_login = utcnow()
    throttle.clear_account_failures(user)
    audit.record(audit.SIGN_IN, user)
    if commit:
        db.session.commit()


def sign_out(user: EServiceUser | None) -> None:
    """Logout ends every session of the user (S8)."""
    if user is None:
        return
    sessions.end_all(user)
    audit.record(audit.SIGN_OUT, user)
    db.session.commit()
