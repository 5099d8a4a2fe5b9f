"""The unlocked state of "Deine Kundendaten" and "Benutzerverwaltung" (R-CUS-3, R-USR-3), kept in the session.

The service (`app.services.auth.unlock`) checks the password; this module only remembers
until when the signed-in session may edit. It is bound to the session's user and ends
with the session (sign-out clears it).
"""
from __future__ import annotations

import functools
import time

from flask import redirect, request, session, url_for

from app.services.auth.unlock import UNLOCK_MINUTES

_KEY = "_unlocked_until"


def grant(user) -> None:
    session[_KEY] = [user.id, int(time.time()) + UNLOCK_MINUTES * 60]


def is_unlocked(user) -> bool:
    value = session.get(_KEY)
    return bool(value and value[0] == user.id and value[1] > time.time())


def lock() -> None:
    session.pop(_KEY, None)


def safe_next(target: str | None) -> str | None:
    """Only a path of the portal (never another host) to return to after unlocking."""
    if target and target.startswith("/portal/") and "//" not in target and "\\" not in target:
        return target
    return None


def locked_redirect(next_path: str | None = None):
    """To the lock page, coming back to `next_path` (this request's path by default) once unlocked."""
    return redirect(url_for("PortalCompanyView.unlock", next=next_path or request.path))


def needs_unlock(view_method):
    """Redirect to the lock page first when the session has not unlocked editing (GET and POST alike)."""

    @functools.wraps(view_method)
    def guarded(*args, **kwargs):
        from flask import g

        if not is_unlocked(g.user):
            return locked_redirect()
        return view_method(*args, **kwargs)

    return guarded
