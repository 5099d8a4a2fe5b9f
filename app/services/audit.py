"""The audit trail (SPEC R-BO, QUALITY S14): who did what security-relevant, from where.

Entries are added to the caller's transaction and committed with it, so an
audit row exists exactly when the change it describes does. `details` never
holds a secret.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app import context
from app.extensions import db
from app.models import AuditLog

# Action codes (stable strings shown and filtered in the back office).
SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
SIGN_OUT = "sign_out"
PIN_FAILED = "pin_failed"
LOCKOUT = "account_locked_out"
PASSWORD_CHANGED = "password_changed"  # nosec B105  # action names, no secrets
PASSWORD_RESET_REQUESTED = "password_reset_requested"  # nosec B105  # an action name
PASSWORD_SET_BY_LINK = "password_set_by_link"  # nosec B105  # an action name
PROFILE_CHANGED = "profile_changed"
TOTP_ENABLED = "totp_enabled"
TOTP_DISABLED = "totp_disabled"
ACCOUNT_CREATED = "account_created"
STATUS_CHANGED = "status_changed"
USER_EDITED = "user_edited"
EMAIL_CHANGE_NOTIFIED = "email_change_notified"
ROLE_SAVED = "role_saved"
ROLE_DELETED = "role_deleted"

# What the back office shows for each action code (also the codes other areas record).
ACTION_LABELS = {
    SIGN_IN: _l("Signed in"),
    "api_key_created": _l("API key created"),
    "api_key_revoked": _l("API key revoked"),
    "api_write": _l("Change through the API"),
    SIGN_IN_FAILED: _l("Sign-in failed"),
    SIGN_OUT: _l("Signed out"),
    PIN_FAILED: _l("Wrong PIN or code"),
    LOCKOUT: _l("Sign-in blocked after failed attempts"),
    PASSWORD_CHANGED: _l("Password changed"),
    PASSWORD_RESET_REQUESTED: _l("New password requested"),
    PASSWORD_SET_BY_LINK: _l("Password set by link"),
    PROFILE_CHANGED: _l("Profile changed"),
    TOTP_ENABLED: _l("Authenticator app set up"),
    TOTP_DISABLED: _l("Authenticator app switched off"),
    ACCOUNT_CREATED: _l("Account created"),
    STATUS_CHANGED: _l("Account status changed"),
    USER_EDITED: _l("Account edited in the back office"),
    EMAIL_CHANGE_NOTIFIED: _l("Previous email address notified"),
    ROLE_SAVED: _l("Staff role saved"),
    ROLE_DELETED: _l("Staff role deleted"),
    "hotline_password_shown": _l("Customer password shown"),
    "pbx_sign_on": _l("Signed on to the cloud PBX"),
    "call_records_exported": _l("Itemised calls exported"),
    "offer_accepted": _l("Offer accepted"),
    "option_order_submitted": _l("Option order submitted"),
    # Self-care actions on a contract (app/services/self_care/changes.py, issue 14).
    "self_care_sip_password": _l("SIP password reset"),
    "self_care_failover": _l("Failover forwarding changed"),
    "self_care_permanent": _l("Permanent forwarding changed"),
    "self_care_trunk_ips": _l("Registration IPs changed"),
    "self_care_dsl_password": _l("DSL password reset"),
    "self_care_failed": _l("Change not taken by the network"),
    "option_booked": _l("Option booked"),
    "unlock_failed": _l("Wrong password at unlocking"),
    "company_data_changed": _l("Company data changed"),
    "hotline_password_changed": _l("Customer password changed"),
    "contact_added": _l("Contact person added"),
    "contact_changed": _l("Contact person changed"),
    "contact_removed": _l("Contact person removed"),
    "portal_user_edited": _l("Account edited by the Portal Admin"),
    "session_ended": _l("Session signed out"),
}


# What an entry is about, as the back office names it (object_type codes stay English in the table).
OBJECT_TYPE_LABELS = {
    "user": _l("User account"),
    "customer": _l("Customer"),
    "contract": _l("Contract"),
    "order": _l("Order"),
    "role": _l("Role"),
    "contact_person": _l("Contact person"),
    "api_key": _l("API key"),
}


def object_type_label(code: str | None) -> str:
    """The translated name of an object type code; an unknown code is shown as it is."""
    if not code:
        return ""
    label = OBJECT_TYPE_LABELS.get(code)
    return str(label) if label is not None else code


def action_label(code: str | None) -> str:
    """The translated label of an action code; an unknown code is shown as it is."""
    if not code:
        return ""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def action_choices() -> list[tuple[str, str]]:
    """(code, translated label) of every known action, by label (the back office's filter)."""
    return sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda c: c[1].casefold())


def client_ip() -> str:
    """The client address of the current request ("-" outside requests), as the web layer bound it."""
    return context.client_ip()


def record(action: str, user=None, *, username: str | None = None, details: str | None = None,
           object_type: str | None = "user", object_id: str | None = None, ip: str | None = None) -> AuditLog:
    """Add one audit entry to the current transaction (the caller commits).

    `ip` names the client for work done after its request (else the current request's address).
    """
    entry = AuditLog(
        action=action,
        user_id=getattr(user, "id", None),
        username=(username or getattr(user, "username", None) or "")[:128] or None,
        customer_id=getattr(user, "customer_id", None),
        object_type=object_type,
        object_id=object_id or (str(user.id) if getattr(user, "id", None) else None),
        client_ip=(ip or client_ip())[:45],
        details=details,
    )
    db.session.add(entry)
    return entry
