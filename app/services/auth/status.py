"""An account's status: active, locked or inactive; inactive is final (R-AUTH-10, S8).

`status_errors` is the rule, and its only copy. It holds on every path that writes an
account: `set_status` (the services), the back office's account form
(app/services/auth/account_edits.py) and, for any other path (FAB's commands, scripts),
the flush guard `refuse_leaving_inactive` registered in app/services/listeners.py.
"""
from __future__ import annotations

from app.extensions import db
from app.models import EServiceUser
from app.models.enums import UserStatus
from app.services.account_rules import INACTIVE_IS_FINAL
from app.services.auth import sessions
from app.services.auth.account_events import status_changes
from app.services.errors import Invalid


def status_errors(old: UserStatus | None, new: UserStatus | None) -> list[str]:
    """The rules a change of status from `old` to `new` breaks: an inactive account stays inactive."""
    if old is UserStatus.INACTIVE and new is not UserStatus.INACTIVE:
        return [str(INACTIVE_IS_FINAL)]
    return []


def refuse_leaving_inactive(db_session, _flush_context, _instances) -> None:
    """Flush guard: refuse any write that takes an account out of `inactive`, whoever wrote it."""
    for _user, old, new in status_changes(db_session):
        errors = status_errors(old, new)
        if errors:
            raise Invalid(*errors)


def set_status(user: EServiceUser, status: UserStatus) -> None:
    """R-AUTH-10: lock, unlock or deactivate; locking and deactivation end every session (S8).

    The change is audited (`status_changed`) by `account_events`, on this path as on every other.
    """
    errors = status_errors(user.status, status)
    if errors:
        raise Invalid(*errors)
    if status is user.status:
        return
    user.status = status
    if status is not UserStatus.ACTIVE:
        sessions.end_all(user)
        sessions.delete_rows(user)
    if status is UserStatus.INACTIVE:
        from app.services.auth import erasure

        erasure.erase(user)  # R-AUTH-10: deactivated means deleted
    db.session.commit()
