"""Benutzerverwaltung (R-USR-1..3): the Portal Admin manages the company's PBX Admin and Accounting accounts.

- Only the acting user's company (`tenancy.scoped`): another company's account is a 404.
- Created and edited are PBX Admin and Accounting accounts only: a Portal Admin account (the
  acting one included: their own data only through My profile) is shown, never changed (403).
- A new account gets the activation email with the 24-hour set-password link (R-AUTH-4).
- A new username is mailed to the user with a set-password link; until the user sets a new
  password with it, the account cannot sign in (the old password is void) (R-USR-3).
- A new email address: the previous one is told (R-USR-3). The mobile number is the SMS PIN
  target and must be a mobile number; Accounting signs in with the PIN, so it needs one.
- Lock, unlock, deactivate (final; personal data erased, app/services/auth/erasure.py).
Every change is one transaction with an audit entry naming the fields, never a value.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import EServiceUser
from app.models.enums import SecondFactor, TokenPurpose, UserStatus
from app.roles import ACCOUNTING, PBX_ADMIN, SMS_PIN_ROLES, roles_text
from app.services import audit, notifications
from app.services.account_rules import username_errors
from app.services.auth import links, sessions, status as status_service, tokens, usernames
from app.services.auth.profile import commit_account_change, normalise_mobile
from app.services.customers import normalise_email
from app.services.errors import Forbidden, Invalid
from app.services.portal.company import normalise_phone
from app.services.portal.paging import paginate
from app.services.tenancy import get_owned_or_404, scoped, tenant_id

MANAGED_ROLES = (PBX_ADMIN, ACCOUNTING)
PORTAL_USER_EDITED = "portal_user_edited"
NOT_MANAGED = _l("The Portal Admin edits only PBX Admin and Accounting accounts; your own data only through "
                 "My profile.")
MOBILE_NEEDED = _l("Accounting signs in with an SMS PIN: please enter a mobile number.")


@dataclass
class UserData:
    username: str
    first_name: str
    last_name: str
    email: str
    phone: str | None
    mobile: str | None
    role: str | None = None


def role_name(user) -> str:
    return next((r.name for r in user.roles), "")


def role_text(user) -> str:
    """The account's role as the manual names it, translated."""
    return roles_text(user.roles)


def is_managed(user) -> bool:
    """True for the accounts the Portal Admin may change (PBX Admin, Accounting)."""
    return bool(user.roles) and all(r.name in MANAGED_ROLES for r in user.roles)


def list_users(page: int):
    statement = scoped(EServiceUser).options(selectinload(EServiceUser.roles)).order_by(EServiceUser.id)
    return paginate(statement, page)


def user_detail(raw_id) -> EServiceUser:
    return get_owned_or_404(EServiceUser, raw_id)


def managed_user(raw_id) -> EServiceUser:
    """An account the Portal Admin may change: 404 for other companies, 403 for Portal Admin accounts."""
    user = get_owned_or_404(EServiceUser, raw_id)
    if not is_managed(user):
        raise Forbidden(NOT_MANAGED)
    return user


def _checked(data: UserData, user: EServiceUser | None, role: str) -> dict:
    fields: dict[str, list] = {}
    values: dict = {"username": (data.username or "").strip()}
    problems = username_errors(values["username"])
    if not problems and usernames.username_taken(values["username"], exclude_user_id=getattr(user, "id", None)):
        problems.append(usernames.taken_message(values["username"]))
    if problems and (user is None or values["username"] != user.username):
        fields["username"] = problems
    for name, message in (("first_name", _l("Please enter the first name.")),
                          ("last_name", _l("Please enter the last name."))):
        values[name] = (getattr(data, name) or "").strip()[:64]
        if not values[name]:
            fields[name] = [message]
    try:
        values["email"] = normalise_email(data.email)
        clash = db.session.scalar(select(EServiceUser.id).where(
            func.lower(EServiceUser.email) == values["email"].lower(),
            EServiceUser.id != (getattr(user, "id", None) or 0)))
        if clash:
            fields["email"] = [_l("An account with this email address already exists.")]
    except Invalid as exc:
        fields["email"] = exc.messages
    try:
        values["phone"] = normalise_phone(data.phone)
    except Invalid as exc:
        fields["phone"] = exc.messages
    try:
        values["mobile"] = normalise_mobile(data.mobile)
        if values["mobile"] is None and role in SMS_PIN_ROLES:
            fields["mobile"] = [MOBILE_NEEDED]
    except Invalid as exc:
        fields["mobile"] = exc.messages
    if fields:
        db.session.rollback()
        raise Invalid(fields=fields)
    return values


def create_user(actor, data: UserData) -> EServiceUser:
    """R-USR-1: a PBX Admin or Accounting account of the actor's company, activated by email (R-AUTH-4)."""
    if data.role not in MANAGED_ROLES:
        raise Invalid(fields={"role": [_l("Please choose PBX Admin or Accounting.")]})
    values = _checked(data, None, data.role)
    role = current_app.appbuilder.sm.find_role(data.role)
    user = EServiceUser(customer_id=tenant_id(), status=UserStatus.ACTIVE, active=True,
                        second_factor=SecondFactor.SMS if data.role in SMS_PIN_ROLES else SecondFactor.NONE,
                        roles=[role], **values)
    db.session.add(user)
    db.session.flush()
    links.queue_activation(user)  # the account_created entry comes from app/services/auth/account_events.py
    commit_account_change(values["username"])
    return user


def update_user(actor, raw_id, data: UserData) -> list[str]:
    """R-USR-3: username (mailed; a new password confirms it), name, email (the previous one told), phones."""
    user = managed_user(raw_id)
    if user.status is UserStatus.INACTIVE:
        raise Invalid(_l("This account is deactivated and cannot be changed."))
    values = _checked(data, user, role_name(user))
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    if not changed:
        raise Invalid(_l("Nothing was changed."))
    previous_email = user.email
    for name in changed:
        setattr(user, name, values[name])
    if "email" in changed and previous_email:
        notifications.queue_email_changed_notice(user, previous_email)
    if "username" in changed:
        # The user confirms the new username by setting a new password; the old one is void now.
        user.password = None
        sessions.end_all(user)
        sessions.delete_rows(user)
        _, raw = tokens.issue_link(user, TokenPurpose.PASSWORD_RESET)
        notifications.queue_username_changed_email(
            user, tokens.link_url(raw), int(current_app.config["LINK_LIFETIME"].total_seconds() // 3600))
    audit.record(PORTAL_USER_EDITED, actor, object_id=str(user.id),
                 details=f"account {user.id} changed by the Portal Admin: " + ", ".join(changed))
    commit_account_change(values["username"] if "username" in changed else None)
    return changed


def change_status(actor, raw_id, new: str) -> EServiceUser:
    """R-USR-3 / R-AUTH-10: lock, unlock or deactivate for good (erases the personal data)."""
    user = managed_user(raw_id)
    try:
        target = UserStatus(new)
    except ValueError:
        raise Invalid(fields={"status": [_l("Please choose a status.")]}) from None
    if target is user.status:
        raise Invalid(_l("Nothing was changed."))
    # The status_changed entry comes from app/services/auth/account_events.py, on this path as on every other.
    status_service.set_status(user, target)
    return user
