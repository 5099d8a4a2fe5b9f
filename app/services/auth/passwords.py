"""Login passwords: how they are stored and changed (R-AUTH-2, R-AUTH-9, QUALITY S14).

Every change validates first and writes in one transaction it commits itself; a broken
rule raises `Invalid` with translated messages and writes nothing. A new password voids
the user's open links and ends every session of the user (S8).
"""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import EServiceUser
from app.services import audit
from app.services.account_rules import password_errors
from app.services.auth import sessions, throttle, tokens
from app.services.errors import Invalid

_dummy_hash: str | None = None


def _hash_method() -> dict:
    cfg = current_app.config
    return {"method": cfg.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
            "salt_length": cfg.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16)}


def hash_password(password: str) -> str:
    """The stored form of a login password (scrypt, QUALITY S14)."""
    return generate_password_hash(password, **_hash_method())


def is_correct(user: EServiceUser, password: str | None) -> bool:
    """True when `password` is the user's current password (False for an account without one)."""
    return bool(user.password) and check_password_hash(user.password, password or "")


def check_dummy(password: str) -> None:
    """Spend the same time as a real check, so unknown usernames are not told apart (S7)."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password("not-a-real-password-#1")
    check_password_hash(_dummy_hash, password or "")


def new_password_errors(user, new: str, confirm: str) -> list[str]:
    """Every rule a new password (and its confirmation) breaks."""
    errors = password_errors(new or "", user.username)
    if (new or "") != (confirm or ""):
        errors.append(str(_l("The two passwords do not match.")))
    return errors


def store(user, new: str) -> None:
    """Hash and set the new password; open links are void and every session ends (caller commits)."""
    user.password = hash_password(new)
    tokens.void_links(user)
    sessions.end_all(user)


def change_password(user: EServiceUser, current: str, new: str, confirm: str) -> None:
    """R-AUTH-9: current + new password, effective at once; other sessions end."""
    errors = []
    throttle.refuse_if_limited(user)
    if not throttle.confirm_secret(user, is_correct(user, current)):
        errors.append(str(_l("The current password is not correct.")))
    errors += new_password_errors(user, new, confirm)
    if not errors and check_password_hash(user.password, new):
        errors.append(str(_l("The new password must differ from the current one.")))
    if errors:
        raise Invalid(*errors)
    store(user, new)
    audit.record(audit.PASSWORD_CHANGED, user)
    db.session.commit()


def admin_set_password(user: EServiceUser, new: str, confirm: str, actor) -> None:
    """Back office sets a user's password: same rules, every session of the user ends."""
    errors = new_password_errors(user, new, confirm)
    if errors:
        raise Invalid(*errors)
    store(user, new)
    audit.record(audit.PASSWORD_CHANGED, user, details=f"set by {getattr(actor, 'username', '-')}")
    db.session.commit()
