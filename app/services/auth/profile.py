"""My profile: username, email and mobile number of the signed-in user (R-AUTH-8, R-USR-3)."""
from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import EServiceUser
from app.services import audit, notifications
from app.services.account_rules import PASSWORD_CONTAINS_USERNAME, contains_username, username_errors
from app.services.auth import passwords, throttle, usernames
from app.services.auth.signin import SecondStep, second_step_for
from app.services.customers import normalise_email
from app.services.errors import Invalid
from app.services.phones import parse_valid

_MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def normalise_mobile(value: str | None) -> str | None:
    """A mobile number in international format, or None when empty; Invalid when not a (mobile) number."""
    value = (value or "").strip()
    if not value:
        return None
    number = parse_valid(value, _l("Please enter a valid mobile number, for example +49 171 1234567."))
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
        throttle.refuse_if_limited(user)
        if not throttle.confirm_secret(user, passwords.is_correct(user, current)):
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
