"""Rules and audit entries that hold on every path that writes an account (R-AUTH-10, issue 3 point 8).

Accounts are written by the services, by the back office (FAB's user views), by FAB's
commands and by the demo seed. Session events make two things true whichever path
it was:

- an inactive account stays inactive: a flush that moves an account's status away
  from `inactive` is refused with a translated message (R-AUTH-10: deactivated for
  good; the view or service turns it into a flashed message, nothing is written);
- every new account gets an `account_created` audit entry, and every change of an
  account's status (active / locked / inactive) a `status_changed` entry naming the
  old and new status, in the same transaction as the change itself.

The acting user (the signed-in user of the request, else "system") is named in the
details; no value of a secret is ever written there.
"""
from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.models import AuditLog, EServiceUser
from app.models.enums import UserStatus
from app.services import audit
from app.services.account_rules import INACTIVE_IS_FINAL
from app.services.errors import Invalid


def actor_name() -> str:
    """Who is acting: the signed-in user of the current request, else "system" (CLI, jobs)."""
    from flask import g, has_request_context

    if has_request_context():
        user = getattr(g, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return user.username
    return "system"


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


def _status_changes(db_session):
    """(account, old status, new status) for every account whose status this flush changes."""
    for obj in db_session.dirty:
        if isinstance(obj, EServiceUser):
            change = _status_change(obj)
            if change is not None:
                old, new = (_as_status(v) for v in change)
                yield obj, old, new


@event.listens_for(EServiceUser.status, "set", active_history=True)
def _remember_old_status(_target, value, _old, _initiator):
    """Load the stored status before it is overwritten, so the flush knows where the change came from."""
    return value


@event.listens_for(Session, "before_flush")
def _inactive_is_final(db_session, _flush_context, _instances) -> None:
    """R-AUTH-10: refuse any write that takes an account out of `inactive`."""
    for _user, old, new in _status_changes(db_session):
        if old is UserStatus.INACTIVE and new is not UserStatus.INACTIVE:
            raise Invalid(INACTIVE_IS_FINAL)


def _entry(action: str, user: EServiceUser, details: str) -> AuditLog:
    return AuditLog(
        action=action, user_id=user.id, username=(user.username or "")[:128] or None,
        customer_id=user.customer_id, object_type="user", object_id=str(user.id), client_ip=audit.client_ip(),
        details=details,
    )


@event.listens_for(Session, "after_flush")
def _audit_accounts(db_session, _flush_context) -> None:
    """Audit entries for new accounts and status changes (flushed with the same commit)."""
    entries = []
    for obj in db_session.new:
        if isinstance(obj, EServiceUser) and obj.id is not None:
            status = _as_status(obj.status)
            entries.append(_entry(audit.ACCOUNT_CREATED, obj,
                                  f"by {actor_name()}; status {status.value if status else '-'}"))
    for obj, old, new in _status_changes(db_session):
        entries.append(_entry(audit.STATUS_CHANGED, obj,
                              f"{old.value if old else '-'} → {new.value if new else '-'} by {actor_name()}"))
    for entry in entries:
        db_session.add(entry)
