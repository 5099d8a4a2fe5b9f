"""Account operations: sign-in steps, links, password and profile changes (SPEC §2).

Every function validates first, then writes in one transaction it commits
itself; a broken rule raises `Invalid` with translated messages and writes
nothing. Views stay thin around these.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

import phonenumbers
import pyotp
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import EServiceUser
from app.models.enums import SecondFactor, TokenPurpose, UserStatus
from app.models.mixins import utcnow
from app.models.security import username_key
from app.security.roles_base import SMS_PIN_ROLES
from app.services import audit, notifications
from app.services.account_rules import (
    INACTIVE_IS_FINAL, PASSWORD_CONTAINS_USERNAME, contains_username, password_errors, username_errors,
)
from app.services.auth import account_events as _account_events  # noqa: F401  - registers the account rules
from app.services.auth import pins, reset_requests, throttle, tokens, usernames
from app.services.auth import sessions as auth_sessions
from app.services.customers import normalise_email
from app.services.errors import Invalid, ServiceError

SIGN_IN_FAILED = _l(
    "Sign-in failed. Please check your username and password. "
    "After 10 failed attempts, sign-in is blocked for 15 minutes."
)
TOO_MANY_REQUESTS = _l("Too many attempts from your network. Please wait a while before you try again.")


class Throttled(ServiceError):
    """The client went over its limit (answered with HTTP 429)."""


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


_dummy_hash: str | None = None


def _hash_method() -> dict:
    cfg = current_app.config
    return {"method": cfg.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
            "salt_length": cfg.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16)}


def hash_password(password: str) -> str:
    """The stored form of a login password (scrypt, QUALITY S14)."""
    return generate_password_hash(password, **_hash_method())


def _check_dummy(password: str) -> None:
    """Spend the same time as a real check, so unknown usernames are not told apart (S7)."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password("not-a-real-password-#1")
    check_password_hash(_dummy_hash, password or "")


def find_by_username(username: str) -> EServiceUser | None:
    """The account with this username, case-insensitively in every alphabet (R-AUTH-1)."""
    username = (username or "").strip()
    if not username or len(username) > 200:
        return None
    return db.session.scalar(select(EServiceUser).where(EServiceUser.username_key == username_key(username)))


def second_step_for(user: EServiceUser) -> SecondStep:
    """Which second factor the user must pass (R-AUTH-6; app codes for whoever enrolled)."""
    if user.second_factor is SecondFactor.TOTP and user.totp_secret:
        return SecondStep.TOTP
    if user.second_factor is SecondFactor.SMS or any(r.name in SMS_PIN_ROLES for r in user.roles):
        return SecondStep.SMS
    return SecondStep.NONE


def check_password_step(username: str, password: str) -> PasswordOutcome:
    """Step 1 of sign-in. Known and unknown usernames get the same answer and work (S7)."""
    if throttle.client_blocked():
        raise Throttled(TOO_MANY_REQUESTS)
    user = find_by_username(username)
    if user is None or not user.password:
        _check_dummy(password)
        throttle.record_failure(user, throttle.STEP_PASSWORD)
        audit.record(audit.SIGN_IN_FAILED, user, username=(username or "")[:128], details="password")
        db.session.commit()
        return PasswordOutcome(None, message=str(SIGN_IN_FAILED))
    if not check_password_hash(user.password, password or ""):
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
    if any(r.name == "Portal Admin" for r in user.roles):
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
        raise Throttled(TOO_MANY_REQUESTS)
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
    auth_sessions.end_all(user)
    audit.record(audit.SIGN_OUT, user)
    db.session.commit()


# --- Links -------------------------------------------------------------------

def queue_activation(user: EServiceUser):
    """R-AUTH-4: add the activation email with a 24 h set-password link (caller commits)."""
    _, raw = tokens.issue_link(user, TokenPurpose.ACTIVATION)
    hours = int(current_app.config["LINK_LIFETIME"].total_seconds() // 3600)
    return notifications.queue_activation_email(user, tokens.link_url(raw), hours)


def request_password_reset(username: str):
    """R-AUTH-5: record the request; the link goes to the stored email after the response.

    The request never looks the username up, so a known and an unknown name run the same
    statements and get the same answer (S7); `reset_requests` does the rest.
    """
    if throttle.client_blocked(forgot=True):
        raise Throttled(TOO_MANY_REQUESTS)
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


def _check_new_password(user, new: str, confirm: str) -> list[str]:
    errors = password_errors(new or "", user.username)
    if (new or "") != (confirm or ""):
        errors.append(str(_l("The two passwords do not match.")))
    return errors


def _store_password(user, new: str) -> None:
    user.password = hash_password(new)
    tokens.void_links(user)
    auth_sessions.end_all(user)


def set_password_by_link(raw: str, new: str, confirm: str) -> EServiceUser:
    """Set the password through a one-time link; the link is used up, all sessions end."""
    row = tokens.find_valid(raw)
    if row is None or not row.user.is_active:
        raise Invalid(_l("This link is no longer valid. Please ask for a new one with \"Forgot password\"."))
    user = row.user
    errors = _check_new_password(user, new, confirm)
    if errors:
        raise Invalid(*errors)
    if not tokens.consume(row):
        # A parallel request used this link first (S5 single use, R3).
        db.session.rollback()
        raise Invalid(_l("This link is no longer valid. Please ask for a new one with \"Forgot password\"."))
    _store_password(user, new)
    audit.record(audit.PASSWORD_SET_BY_LINK, user, details=row.purpose.value)
    db.session.commit()
    return user


def change_password(user: EServiceUser, current: str, new: str, confirm: str) -> None:
    """R-AUTH-9: current + new password, effective at once; other sessions end."""
    errors = []
    if not user.password or not check_password_hash(user.password, current or ""):
        errors.append(str(_l("The current password is not correct.")))
    errors += _check_new_password(user, new, confirm)
    if not errors and check_password_hash(user.password, new):
        errors.append(str(_l("The new password must differ from the current one.")))
    if errors:
        raise Invalid(*errors)
    _store_password(user, new)
    audit.record(audit.PASSWORD_CHANGED, user)
    db.session.commit()


def admin_set_password(user: EServiceUser, new: str, confirm: str, actor) -> None:
    """Back office sets a user's password: same rules, every session of the user ends."""
    errors = _check_new_password(user, new, confirm)
    if errors:
        raise Invalid(*errors)
    _store_password(user, new)
    audit.record(audit.PASSWORD_CHANGED, user, details=f"set by {getattr(actor, 'username', '-')}")
    db.session.commit()


# --- Profile -------------------------------------------------------------------

_MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def normalise_mobile(value: str | None) -> str | None:
    """A mobile number in international format, or None when empty; Invalid when not a (mobile) number."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = phonenumbers.parse(value, "DE")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise Invalid(_l("Please enter a valid mobile number, for example +49 171 1234567."))
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        # The SMS PIN goes to this number (R-AUTH-6): a landline cannot receive it.
        raise Invalid(_l("This is not a mobile number. The SMS PIN can only be sent to a mobile number, "
                         "for example +49 171 1234567."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@dataclass
class ProfileChange:
    """What the profile form sends (R-AUTH-8)."""

    username: str
    email: str
    mobile: str | None
    current_password: str | None = None


def update_profile(user: EServiceUser, change: ProfileChange) -> list[str]:
    """R-AUTH-8: username (needs the current password), email, mobile. Returns changed field names.

    - a new username must not be part of the current password (R-AUTH-3, enforced);
    - who signs in with an SMS PIN keeps a mobile number (R-AUTH-6, R-AUTH-8);
    - a new email address is announced to the previous one, through the outbox (R-USR-3).
    """
    errors: list[str] = []
    username = (change.username or "").strip()
    changed: list[str] = []
    if username != user.username:
        errors += username_errors(username)
        current = change.current_password or ""
        if not user.password or not check_password_hash(user.password, current):
            errors.append(str(_l("Changing the username needs your current password.")))
        else:
            if not errors and usernames.username_taken(username, exclude_user_id=user.id):
                errors.append(usernames.taken_message(username))
            if contains_username(current, username):
                errors += [str(PASSWORD_CONTAINS_USERNAME),
                           str(_l("Your current password contains the new username. Please change your "
                                  "password first, then the username."))]
        changed.append("username")
    try:
        email = normalise_email(change.email)
        if email.lower() != (user.email or "").lower():
            clash = db.session.scalar(select(EServiceUser.id).where(
                func.lower(EServiceUser.email) == email.lower(), EServiceUser.id != user.id))
            if clash:
                errors.append(str(_l("An account with this email address already exists.")))
            changed.append("email")
    except Invalid as exc:
        errors += exc.messages
        email = None
    try:
        mobile = normalise_mobile(change.mobile)
        if mobile != user.mobile:
            changed.append("mobile")
        if mobile is None and second_step_for(user) is SecondStep.SMS:
            errors.append(str(_l(
                "You sign in with an SMS PIN, so your mobile number cannot be removed. You can change it, "
                "or set up the authenticator app first.")))
    except Invalid as exc:
        errors += exc.messages
        mobile = None
    if not errors and not changed:
        errors.append(str(_l("Nothing was changed.")))
    if errors:
        db.session.rollback()
        raise Invalid(*errors)
    previous_email = user.email
    user.username, user.email, user.mobile = username, email, mobile
    audit.record(audit.PROFILE_CHANGED, user, details="changed: " + ", ".join(changed))
    if "email" in changed and previous_email:
        notifications.queue_email_changed_notice(user, previous_email)
        audit.record(audit.EMAIL_CHANGE_NOTIFIED, user, details="notice to the previous address")
    commit_account_change(username)
    return changed


def commit_account_change(username: str | None = None) -> None:
    """Commit an account write; a parallel request that took the same username first is a message, not a 500."""
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        if username is not None and usernames.is_username_clash(exc):
            raise Invalid(usernames.taken_message(username)) from None
        raise


# --- Authenticator app (TOTP) -----------------------------------------------------

def new_totp_secret() -> str:
    """A fresh base32 secret for enrolment (kept in the session until confirmed)."""
    return pyotp.random_base32()


def totp_uri(user: EServiceUser, secret: str) -> str:
    """The otpauth:// URI the QR code carries."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="e:service")


def enable_totp(user: EServiceUser, secret: str, code: str) -> None:
    """Switch the user to app codes once a code from the app proves the enrolment."""
    code = "".join((code or "").split())
    if not secret or not pyotp.TOTP(secret).verify(code, valid_window=1):
        raise Invalid(_l("The code does not match. Please enter the current code from your app."))
    user.totp_secret = secret
    user.second_factor = SecondFactor.TOTP
    audit.record(audit.TOTP_ENABLED, user)
    db.session.commit()


def disable_totp(user: EServiceUser, current_password: str) -> None:
    """Back to the role's default second factor (SMS PIN for Portal Admin and Accounting)."""
    if not user.password or not check_password_hash(user.password, current_password or ""):
        raise Invalid(_l("The current password is not correct."))
    user.totp_secret = None
    user.second_factor = SecondFactor.NONE
    audit.record(audit.TOTP_DISABLED, user)
    db.session.commit()


def status_errors(user: EServiceUser, status: UserStatus) -> list[str]:
    """R-AUTH-10: the rules a change of `user`'s status to `status` breaks (inactive is final)."""
    if user.status is UserStatus.INACTIVE and status is not UserStatus.INACTIVE:
        return [str(INACTIVE_IS_FINAL)]
    return []


def set_status(user: EServiceUser, status: UserStatus) -> None:
    """R-AUTH-10: lock, unlock or deactivate; locking and deactivation end every session (S8).

    An inactive account stays inactive. The change is audited (`status_changed`) by
    `account_events`, on this path as on every other.
    """
    errors = status_errors(user, status)
    if errors:
        raise Invalid(*errors)
    if status is user.status:
        return
    user.status = status
    if status is not UserStatus.ACTIVE:
        auth_sessions.end_all(user)
    db.session.commit()
