"""Accounts the back office adds and edits (R-BO-4): the rules on every such write (R-AUTH-1/2, R-AUTH-10).

An account is either a customer's portal account (portal roles, a customer) or a staff
account (other roles, no customer), never both; its username and password obey the
manual's rules; an inactive account stays inactive. An edit is one transaction with an
audit entry naming the changed fields only, never a value (QUALITY S14).
"""
from __future__ import annotations

from typing import Callable, Iterable

from flask_babel import lazy_gettext as _l

from app import context
from app.extensions import db
from app.models import EServiceUser
from app.models.enums import UserStatus
from app.roles import PORTAL_ROLES
from app.services import audit
from app.services.account_rules import password_errors, username_errors
from app.services.auth import usernames
from app.services.auth.status import status_errors
from app.services.errors import Invalid


def account_errors(user: EServiceUser, password: str | None) -> list[str]:
    """Every rule the account breaks; `password` is the new plain password, None when unchanged."""
    errors = username_errors(user.username or "")
    if not errors and usernames.username_taken(user.username, exclude_user_id=user.id):
        errors.append(usernames.taken_message(user.username))
    if password is not None:
        errors += password_errors(password, user.username)
    portal = any(role.name in PORTAL_ROLES for role in user.roles or [])
    staff = any(role.name not in PORTAL_ROLES for role in user.roles or [])
    if portal and staff:
        errors.append(str(_l("An account is either a customer's portal account or a staff account, not both.")))
    elif portal and user.customer is None:
        errors.append(str(_l("A portal account needs its customer.")))
    elif staff and user.customer is not None:
        errors.append(str(_l("A staff account must not belong to a customer.")))
    return errors


def check_account(user: EServiceUser, password: str | None = None) -> None:
    """Raise Invalid naming every rule the account breaks."""
    errors = account_errors(user, password)
    if errors:
        raise Invalid(*errors)


def comparable(user: EServiceUser, column: str):
    """A field's value in a form that compares by content (related rows by their ids)."""
    value = getattr(user, column, None)
    if column == "roles":
        return tuple(sorted(role.id for role in value or []))
    if hasattr(value, "__table__"):
        return getattr(value, "id", None)
    if value == "":
        return None  # an empty form field for a column that was NULL is no change
    return value


def edit_account(user: EServiceUser, columns: Iterable[str], apply_changes: Callable[[], None]) -> list[str]:
    """Apply a back-office edit (`apply_changes` writes the form onto `user`) in one transaction.

    Rules first (R-AUTH-10: an inactive account stays inactive), then an audit entry naming
    the changed fields. Returns the changed field names; raises Invalid and writes nothing.
    """
    columns = list(columns)
    before = {column: comparable(user, column) for column in columns}
    old_status = user.status
    apply_changes()
    errors = status_errors(old_status, user.status)
    if errors:
        raise Invalid(*errors)
    if user.status is UserStatus.INACTIVE and old_status is not UserStatus.INACTIVE:
        from app.services.auth import erasure

        erasure.erase(user)  # R-AUTH-10: deactivated means deleted, on the back office's path too
    else:
        check_account(user)
    changed = [column for column in columns if comparable(user, column) != before[column]]
    if changed:
        audit.record(audit.USER_EDITED, user, details=f"changed: {', '.join(changed)} by {context.actor_name()}")
    db.session.commit()
    return changed
