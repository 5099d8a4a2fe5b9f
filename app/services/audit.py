"""The audit trail (SPEC R-BO, QUALITY S14): who did what security-relevant, from where.

Entries are added to the caller's transaction and committed with it, so an
audit row exists exactly when the change it describes does. `details` never
holds a secret.
"""
from __future__ import annotations

from flask import has_request_context, request

from app.extensions import db
from app.models import AuditLog

# Action codes (stable strings shown and filtered in the back office).
SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
SIGN_OUT = "sign_out"
PIN_FAILED = "pin_failed"
LOCKOUT = "account_locked_out"
PASSWORD_CHANGED = "password_changed"
PASSWORD_RESET_REQUESTED = "password_reset_requested"
PASSWORD_SET_BY_LINK = "password_set_by_link"
PROFILE_CHANGED = "profile_changed"
TOTP_ENABLED = "totp_enabled"
TOTP_DISABLED = "totp_disabled"
ACCOUNT_CREATED = "account_created"


def client_ip() -> str:
    """The client address of the current request ("-" outside requests)."""
    if has_request_context():
        return (request.remote_addr or "-")[:45]
    return "-"


def record(action: str, user=None, *, username: str | None = None, details: str | None = None,
           object_type: str | None = "user", object_id: str | None = None) -> AuditLog:
    """Add one audit entry to the current transaction (the caller commits)."""
    entry = AuditLog(
        action=action,
        user_id=getattr(user, "id", None),
        username=(username or getattr(user, "username", None) or "")[:128] or None,
        customer_id=getattr(user, "customer_id", None),
        object_type=object_type,
        object_id=object_id or (str(user.id) if getattr(user, "id", None) else None),
        client_ip=client_ip(),
        details=details,
    )
    db.session.add(entry)
    return entry
