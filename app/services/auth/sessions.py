"""Ending every session of a user (QUALITY S8); the browser side is app/security/sessions.py.

Every signed-in session carries the user's `session_version`; bumping it ends every
session of that user on its next request. Lock, deactivation and a new password do so
whichever path wrote them (`bump_on_security_change`, registered in app/services/listeners.py).
"""
from __future__ import annotations

from sqlalchemy import inspect

from app.models import EServiceUser


def end_all(user) -> None:
    """End every session of the user (caller commits)."""
    user.session_version = (user.session_version or 1) + 1


def delete_rows(user) -> None:
    """Delete the user's server-side session rows: each of those sessions ends on its next request."""
    from sqlalchemy import delete

    from app.extensions import db
    from app.models import UserSession

    if user.id is not None:
        db.session.execute(delete(UserSession).where(UserSession.user_id == user.id)
                           .execution_options(synchronize_session=False))


def bump_on_security_change(db_session, _flush_context, _instances) -> None:
    """Lock, deactivation or a new password ends every session, whichever path changed it."""
    for obj in db_session.dirty:
        if not isinstance(obj, EServiceUser):
            continue
        state = inspect(obj)
        changed = any(state.attrs[name].history.has_changes() for name in ("password", "status", "active"))
        if changed and not state.attrs["session_version"].history.has_changes():
            end_all(obj)
