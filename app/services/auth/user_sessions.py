"""Server-side records of signed-in sessions (QUALITY S8): listed on My profile, ended on every worker.

The browser's signed cookie carries a random session id; the table keeps only its SHA-256
as primary key. Each request checks its session with one primary-key lookup
(app/security/sessions.py), so deleting a row ends that session at once on every worker
and host. A session also ends when the user's `session_version` moves on (logout, lock,
deactivation, new password), whichever path did it; such rows are no longer listed and
the purge job deletes them with the timed-out ones.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.attributes import set_committed_value

from app import sqlite
from app.extensions import db
from app.models import UserSession
from app.models.mixins import utcnow
from app.services import audit
from app.services.errors import NotFound

SESSION_ENDED = "session_ended"
TOUCH_EVERY = timedelta(seconds=60)  # last seen is written at most once a minute per session


def hash_id(raw: str) -> str:
    return hashlib.sha256((raw or "").encode("utf-8")).hexdigest()


def open_session(user, ip: str | None, user_agent: str | None) -> str:
    """Record a new signed-in session (committed); return the raw id for the cookie."""
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(UserSession(id_hash=hash_id(raw), user_id=user.id, session_version=user.session_version,
                               created_at=now, last_seen_at=now, client_ip=(ip or "")[:45] or None,
                               user_agent=(user_agent or "")[:255] or None))
    db.session.commit()
    return raw


@dataclass(frozen=True)
class SessionState:
    """What the check needs of a session row, read as plain values with the user of the request."""

    id_hash: str
    user_id: int
    session_version: int
    last_seen_at: datetime


LOOK_UP = object()  # `check` without a state read beforehand: it asks the database itself


def check(user, raw: str | None, state=LOOK_UP) -> bool:
    """True when the cookie's session still exists for this user (one PK lookup; last seen kept fresh).

    `state` is the session's row as read in the same statement as the user (app/security/manager.py):
    a `SessionState`, or None when that statement found no row for the cookie's id.
    """
    if not raw:
        return False
    row = db.session.get(UserSession, hash_id(raw)) if state is LOOK_UP else state
    if row is None or row.user_id != user.id or row.session_version != user.session_version:
        return False
    now = utcnow()
    if now - row.last_seen_at > TOUCH_EVERY and _touch(row.id_hash, now) and isinstance(row, UserSession):
        set_committed_value(row, "last_seen_at", now)
    return True


def _touch(id_hash: str, now: datetime) -> bool:
    """Stamp a session's last-seen time on a connection of its own, without waiting for a lock.

    On SQLite one writer at a time holds the database's write lock; the retention job's batch
    holds it for seconds (QUALITY P7), and a page waited for it for this best-effort stamp,
    written once a minute. Now a busy database skips the stamp; a later request writes it
    (the session's idle timeout is kept by the signed cookie, app/security/sessions.py).
    """
    try:
        with db.engine.connect() as connection, sqlite.without_waiting(connection):
            connection.execute(update(UserSession).where(UserSession.id_hash == id_hash)
                               .values(last_seen_at=now))
            connection.commit()
    except OperationalError:
        return False
    return True


def forget(raw: str | None) -> None:
    """Delete this browser's own row (sign-out, stale session); committed."""
    if raw:
        db.session.execute(delete(UserSession).where(UserSession.id_hash == hash_id(raw)))
        db.session.commit()


def keep_only(user, raw: str | None) -> None:
    """After a change that ended every other session (new password): this one lives on under the new version."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                                 UserSession.id_hash != hash_id(raw or "")))
    row = db.session.get(UserSession, hash_id(raw or ""))
    if row is not None and row.user_id == user.id:
        row.session_version = user.session_version
    db.session.commit()


def _live(user):
    cfg = current_app.config
    now = utcnow()
    return (UserSession.user_id == user.id, UserSession.session_version == user.session_version,
            UserSession.last_seen_at > now - cfg["SESSION_IDLE_TIMEOUT"],
            UserSession.created_at > now - cfg["SESSION_ABSOLUTE_TIMEOUT"])


@dataclass(frozen=True)
class SessionInfo:
    ref: str  # the first 16 hex digits of the id hash: names the session in the page's forms
    browser: str
    system: str
    ip: str
    signed_in: datetime
    last_seen: datetime
    current: bool


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def describe_agent(agent: str | None) -> tuple[str, str]:
    """(browser with major version, operating system) from a user agent; "?" for what is unknown."""
    agent = agent or ""
    browser = "?"
    for marker, name in _BROWSERS:
        match = re.search(re.escape(marker) + r"(\d+)", agent)
        if match:
            browser = f"{name} {match.group(1)}" if name != "Safari" else name
            break
    system = next((name for marker, name in _SYSTEMS if marker in agent), "?")
    return browser, system


def list_sessions(user, current_raw: str | None) -> list[SessionInfo]:
    """The user's own live sessions, the current one first, then by last seen."""
    current = hash_id(current_raw or "")
    rows = db.session.scalars(select(UserSession).where(*_live(user))
                              .order_by(UserSession.last_seen_at.desc()).limit(50)).all()
    result = []
    for row in rows:
        browser, system = describe_agent(row.user_agent)
        result.append(SessionInfo(ref=row.id_hash[:16], browser=browser, system=system, ip=row.client_ip or "-",
                                  signed_in=row.created_at, last_seen=row.last_seen_at,
                                  current=row.id_hash == current))
    return sorted(result, key=lambda s: not s.current)


def end_session(user, ref: str, current_raw: str | None) -> None:
    """Sign out one of the user's own sessions (not the current one: that is Logout); NotFound for others."""
    ref = (ref or "").lower()
    if not re.fullmatch(r"[0-9a-f]{16}", ref) or hash_id(current_raw or "").startswith(ref):
        raise NotFound()
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id,
                                                      UserSession.id_hash.startswith(ref, autoescape=True)))
    if row is None:
        raise NotFound()
    db.session.delete(row)
    audit.record(SESSION_ENDED, user, details="one other session")
    db.session.commit()


def end_others(user, current_raw: str | None) -> int:
    """"Sign out everywhere else": every session of the user but this one ends at once."""
    result = db.session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                                          UserSession.id_hash != hash_id(current_raw or "")))
    audit.record(SESSION_ENDED, user, details="every other session")
    db.session.commit()
    return result.rowcount or 0


def purge_stale(now=None) -> int:
    """Delete rows past the absolute timeout or idle too long (the job)."""
    cfg = current_app.config
    now = now or utcnow()
    result = db.session.execute(delete(UserSession).where(or_(
        UserSession.created_at < now - cfg["SESSION_ABSOLUTE_TIMEOUT"],
        UserSession.last_seen_at < now - cfg["SESSION_IDLE_TIMEOUT"])))
    db.session.commit()
    return result.rowcount or 0
