"""Server-checked validity of cookie sessions (QUALITY S8): the browser's side.

Flask's signed cookie would stay valid after logout if replayed, so every
signed-in session carries the user's `session_version`; bumping it (logout,
password change, lock, deactivation) ends every session of that user. The
session also carries its sign-in and last-seen times for the 12 h absolute
and 30 min idle timeouts.

The last-seen time is written back only when it is a minute old or more: a new time on
every request made Flask sign and send a new cookie with every page (issue 20). So a
session idle for 30 minutes may end up to a minute early, never late.
"""
from __future__ import annotations

import time

from flask import current_app, request, session

from app.services.auth import user_sessions


_VERSION = "_auth_ver"
_SIGNED_IN_AT = "_auth_at"
_LAST_SEEN = "_auth_seen"
_SESSION_ID = "_sid"  # the random id of this session's server-side row (app/services/auth/user_sessions.py)
LAST_SEEN_STEP_SECONDS = 60
_KEYS = (_VERSION, _SIGNED_IN_AT, _LAST_SEEN, _SESSION_ID, "_user_id", "_fresh", "_id", "_2fa")


def start(user) -> None:
    """Stamp the current session as signed in for `user` (call right after login_user)."""
    now = int(time.time())
    session[_VERSION] = user.session_version
    session[_SIGNED_IN_AT] = now
    session[_LAST_SEEN] = now
    session[_SESSION_ID] = user_sessions.open_session(user, request.remote_addr, request.headers.get("User-Agent"))


def current_id() -> str | None:
    """This browser's session id (for listing and ending the user's other sessions)."""
    return session.get(_SESSION_ID)


def restamp(user) -> None:
    """Keep the current session alive after a change that ended all others (their rows are deleted)."""
    session[_VERSION] = user.session_version
    user_sessions.keep_only(user, session.get(_SESSION_ID))


def is_current(user, state=user_sessions.LOOK_UP) -> bool:
    """True when this session belongs to the user's current version and has not timed out.

    `state`: the session's row as the user load read it (`user_sessions.check`), else it is looked up.
    """
    cfg = current_app.config
    version, signed_in_at, last_seen = session.get(_VERSION), session.get(_SIGNED_IN_AT), session.get(_LAST_SEEN)
    if version is None or signed_in_at is None or last_seen is None:
        return False
    if version != user.session_version:
        return False
    now = time.time()
    if now - signed_in_at > cfg["SESSION_ABSOLUTE_TIMEOUT"].total_seconds():
        return False
    if now - last_seen > cfg["SESSION_IDLE_TIMEOUT"].total_seconds():
        return False
    # The server-side row: deleted on another worker ("sign out this session", lock), it ends here too.
    if not user_sessions.check(user, session.get(_SESSION_ID), state):
        return False
    if now - last_seen >= LAST_SEEN_STEP_SECONDS:
        session[_LAST_SEEN] = int(now)
    return True


def clear() -> None:
    """Forget the sign-in of this browser session (keeps language choice) and delete its row."""
    user_sessions.forget(session.get(_SESSION_ID))
    for key in _KEYS:
        session.pop(key, None)
