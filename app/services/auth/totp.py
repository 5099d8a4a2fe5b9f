"""The authenticator app as second factor instead of the SMS PIN (user menu, R-AUTH-7)."""
from __future__ import annotations

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import EServiceUser
from app.models.enums import SecondFactor
from app.services import audit
from app.services.auth import passwords, throttle
from app.services.errors import Invalid


# How long an enrolment may take from showing the QR code to entering the first code.
PENDING_SECONDS = 15 * 60


def new_totp_secret() -> str:
    """A fresh base32 secret for enrolment (kept sealed in the session until confirmed)."""
    return pyotp.random_base32()


def _fernet() -> Fernet:
    return Fernet(current_app.config["ENCRYPTION_KEY"].encode())


def seal_pending(user: EServiceUser, secret: str) -> str:
    """The secret being enrolled, encrypted for the signed session cookie (which anyone holding it can read).

    Bound to the user: a sealed secret copied into another account's session does not open there.
    """
    return _fernet().encrypt(f"{user.id}:{secret}".encode()).decode("ascii")


def unseal_pending(user: EServiceUser, sealed: str | None) -> str | None:
    """The pending secret of this user, or None when there is none, it is stale, or it is another user's."""
    if not sealed:
        return None
    try:
        owner, _, secret = _fernet().decrypt(sealed.encode("ascii"), ttl=PENDING_SECONDS).decode().partition(":")
    except (InvalidToken, UnicodeError, ValueError):
        return None
    return secret if owner == str(user.id) and secret else None


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
    throttle.refuse_if_limited(user)
    if not throttle.confirm_secret(user, passwords.is_correct(user, current_password)):
        raise Invalid(_l("The current password is not correct."))
    user.totp_secret = None
    user.second_factor = SecondFactor.NONE
    audit.record(audit.TOTP_DISABLED, user)
    db.session.commit()
