"""Unlock-to-edit (R-CUS-3, R-USR-3): the signed-in user confirms with their own password.

The lock icon of "Deine Kundendaten" and of "Benutzerverwaltung" releases editing only
after the acting user types their own login password again, so an unattended, signed-in
browser cannot change the company's data or accounts. A wrong password counts exactly
like a failed sign-in step (`auth_failure`, step "password"): at the lockout threshold
the account is locked out for sign-in too, and while that lockout runs nothing unlocks.
The web layer keeps the unlocked state for UNLOCK_MINUTES in the signed session.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.services import audit
from app.services.auth import passwords, throttle
from app.services.errors import Forbidden, Invalid

UNLOCK_MINUTES = 10
UNLOCK_FAILED = "unlock_failed"
WRONG_PASSWORD = _l("The password is not correct.")
LOCKED_OUT = _l("Your password was entered wrongly too often. Please try again later.")


def confirm_password(user, password: str | None) -> None:
    """Pass when `password` is the user's own password; else count a failed step (committed) and refuse."""
    if throttle.is_locked_out(user):
        raise Forbidden(LOCKED_OUT)
    if passwords.is_correct(user, password):
        return
    db.session.rollback()
    throttle.record_failure(user, throttle.STEP_PASSWORD)
    audit.record(UNLOCK_FAILED, user, details="wrong password at unlock-to-edit")
    db.session.commit()
    raise Invalid(fields={"password": [WRONG_PASSWORD]})
