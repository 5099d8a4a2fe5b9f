"""Audit entries that every path writing an account leaves (R-AUTH-10).

Accounts are written by the services, by the back office (FAB's user views), by FAB's
commands and by the demo seed. Session events (registered in app/services/listeners.py)
make this true whichever path it was (the rule "inactive is final" is app/services/auth/status.py):

- every new account gets an `account_created` audit entry, and every change of an
  account's status (active / locked / inactive) a `status_changed` entry naming the
  old and new status, in the same transaction as the change itself.

The acting user (the signed-in user of the request, else "system") is named in the
details; no value of a secret is ever written there.
"""
from __future__ import annotations

from sqlalchemy import inspect

from app import context
from app.models import AuditLog, EServiceUser
from app.models.enums import UserStatus
from app.services import audit


def _status_change(user: EServiceUser) -> tuple[UserStatus | None, UserStatus] | None:
    """(old, new) when the flush changes the account's status, else None."""
    history = inspect(user).attrs["status"].history
    if not history.has_changes() or not history.added:
        return None
    old = history.deleted[0] if history.deleted else None
    new = history.added[0]
    if old == new:
        return None
    return old, new


def _as_status(value) -> UserStatus | None:
    if value is None or isinstance(value, UserStatus):
        return value
    try:
        return UserStatus(value)
    except ValueError:
        return None


def status_changes(db_session):
    """(account, old status, new status) for every account whose status this flush changes."""
    for obj in db_session.dirty:
        if isinstance(obj, EServiceUser):
            change = _status_change(obj)
            if change is not None:
                old, new = (_as_status(v) for v in change)
                yield obj, old, new


def remember_old_status(_target, value, _old, _initiator):
    """Load the stored status before it is overwritten, so the flush knows where the change came from."""
    return value


def _entry(action: str, user: EServiceUser, details: str) -> AuditLog:
    return AuditLog(
        action=action, user_id=user.id, username=(user.username or "")[:128] or None,
        customer_id=user.customer_id, object_type="user", object_id=str(user.id), client_ip=audit.client_ip(),
        details=details,
    )


def audit_accounts(db_session, _flush_context) -> None:
    """Audit entries for new accounts and status changes (flushed with the same commit)."""
    entries = []
    for obj in db_session.new:
        if isinstance(obj, EServiceUser) and obj.id is not None:
            status = _as_status(obj.status)
            entries.append(_entry(audit.ACCOUNT_CREATED, obj,
                                  f"by {context.actor_name()}; status {status.value if status else '-'}"))
    for obj, old, new in status_changes(db_session):
        entries.append(_entry(audit.STATUS_CHANGED, obj,
                              f"{old.value if old else '-'} → {new.value if new else '-'} by {context.actor_name()}"))
    for entry in entries:
        db_session.add(entry)
