"""One account per username, whatever its case and alphabet (R-AUTH-1).

Usernames are compared by `username_key` (NFC + Unicode case folding), which a
unique index keeps unique. `username_taken` is the check every path runs before
it writes; the flush guard below turns a clash that a path did not check (or a
check that misses, like SQLite's ASCII-only `lower()`) into the same translated
message instead of an IntegrityError (registered in app/services/listeners.py).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select

from app.extensions import db
from app.models import EServiceUser
from app.models.security import username_key
from app.services.errors import Invalid


def taken_message(username: str) -> str:
    """The rule, as the user reads it."""
    return str(_l("The username %(username)s is already taken. Usernames are unique regardless of upper and "
                  "lower case.", username=username))


def find_user_id(db_session, username: str, exclude_user_id: int | None = None) -> int | None:
    """The id of another account whose username equals `username` case-insensitively, or None."""
    query = select(EServiceUser.id).where(EServiceUser.username_key == username_key((username or "").strip()))
    if exclude_user_id is not None:
        query = query.where(EServiceUser.id != exclude_user_id)
    with db_session.no_autoflush:
        return db_session.scalar(query.limit(1))


def find_by_username(username: str) -> EServiceUser | None:
    """The account with this username, case-insensitively in every alphabet (R-AUTH-1)."""
    username = (username or "").strip()
    if not username or len(username) > 200:
        return None
    return db.session.scalar(select(EServiceUser).where(EServiceUser.username_key == username_key(username)))


def username_taken(username: str, exclude_user_id: int | None = None) -> bool:
    """True when another account already has this username (any case, any alphabet)."""
    return find_user_id(db.session, username, exclude_user_id) is not None


def check_available(username: str, exclude_user_id: int | None = None) -> None:
    """Raise Invalid with the rule's message when the username is taken."""
    if username_taken(username, exclude_user_id):
        raise Invalid(taken_message(username))


def is_username_clash(error) -> bool:
    """True when a database IntegrityError is the username_key (or username) unique index."""
    text = str(getattr(error, "orig", error)).lower()
    return "username" in text


def refuse_duplicate_usernames(db_session, _flush_context, _instances) -> None:
    """Before a new or renamed account is written, make sure no other account has its name."""
    pending = [obj for obj in list(db_session.new) + list(db_session.dirty) if isinstance(obj, EServiceUser)]
    for user in pending:
        state = inspect(user)
        if not state.pending and not state.attrs["username_key"].history.has_changes():
            continue
        clash = find_user_id(db_session, user.username or "", user.id)
        if clash is None:
            # Two new accounts with the same name in one flush.
            clash = next((o for o in pending if o is not user and o.username_key == user.username_key), None)
        if clash is not None:
            raise Invalid(taken_message(user.username))
