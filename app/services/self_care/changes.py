"""Every self-care write to the network: pending → applied or failed, retry (R-SIP-1..5, QUALITY R2/R3/S14).

1. `submit` records the change as *pending* and commits (a unique slot per contract and
   kind: two clicks at once give one change; the form's token: the same form sent twice
   gives one change).
2. The network is asked within the deadline (`provisioning.apply_change`); no database
   connection is held meanwhile.
3. Taken: one transaction sets the new settings in the database, marks the change
   *applied*, writes the audit entry and queues the Portal Admins' notice. Not taken (or
   that transaction fails): the change is marked *failed* and the previous settings stay
   in force; `retry` sends it again (a password change with a fresh password).

The database and the network therefore never disagree silently. When the answer is lost at
the deadline the network may still have taken the change: it is shown as failed (never as
applied) and a retry sends the same complete settings again, which the adapter sets as a
whole (a password change sends a fresh password, which replaces the lost one). A new password is kept
(encrypted) only while its change is pending; it is returned to be shown once when the
change is applied and never written to a log, an audit entry or a message.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_appbuilder.security.sqla.models import Role
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import CallForwarding, Contract, DslAccount, EServiceUser, ProvisioningChange, TrunkRegistration
from app.models.enums import Channel, ForwardingKind, ForwardingScope, RegistrationMode, UserStatus
from app.models.mixins import utcnow
from app.models.self_care import KIND_LABELS, STATE_LABELS
from app.roles import PORTAL_ADMIN
from app.services import audit, provisioning
from app.services.errors import Invalid
from app.services.notifications.messages import queue, recipient_locale, render_message
from app.services.self_care.passwords import new_password

PASSWORD_KINDS = frozenset({"sip_password", "dsl_password"})
# Forwarding and IP changes are also emailed to the company's Portal Admins (issue 14, part 3).
NOTIFIED_KINDS = frozenset({"failover", "permanent", "trunk_ips"})

AUDIT_ACTIONS = {kind: f"self_care_{kind}" for kind in KIND_LABELS}
AUDIT_FAILED = "self_care_failed"
HIDDEN = "••••••"


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


@dataclass
class Outcome:
    """What became of a change; `secret` is the new password to show once (only when applied)."""

    change: ProvisioningChange
    applied: bool
    secret: str | None = None


def _already_sent():
    return _l("This form was already sent: the change was made once. Please reload the contract page.")


def _in_progress():
    return _l("A change of this kind is being sent to the network right now. Please wait a moment and reload "
              "the page.")


def submit(contract: Contract, kind: str, user, *, token: str | None, payload: dict, old_summary: str,
           new_summary: str) -> Outcome:
    """Record the change as pending, send it to the network, finish it (see the module's docstring)."""
    if token and db.session.scalar(select(ProvisioningChange.id).where(ProvisioningChange.token == token)):
        raise Invalid(_already_sent())
    change = ProvisioningChange(
        customer_id=contract.customer_id, contract_id=contract.id, kind=kind, state="pending", open_slot=1,
        token=token or None, payload=payload, old_summary=old_summary, new_summary=new_summary,
        secret=new_password() if kind in PASSWORD_KINDS else None,
        user_id=getattr(user, "id", None), username=getattr(user, "username", None), attempts=1,
    )
    db.session.add(change)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        sent = token and db.session.scalar(select(ProvisioningChange.id).where(ProvisioningChange.token == token))
        raise Invalid(_already_sent() if sent else _in_progress()) from None
    return _run(change.id, user)


def stale_before():
    """A change pending since before this was lost with its worker: it may be retried."""
    return utcnow() - timedelta(seconds=2 * provisioning.timeout_seconds() + 30)


def retry(change: ProvisioningChange, user) -> Outcome:
    """Send a failed (or lost pending) change again, if it is still the latest of its kind (compare-and-set)."""
    newer = select(ProvisioningChange.id).where(
        ProvisioningChange.contract_id == change.contract_id, ProvisioningChange.kind == change.kind,
        ProvisioningChange.id > change.id).exists()
    try:
        result = db.session.execute(
            update(ProvisioningChange).where(
                ProvisioningChange.id == change.id, ProvisioningChange.customer_id == change.customer_id,
                or_(ProvisioningChange.state == "failed",
                    (ProvisioningChange.state == "pending") & (ProvisioningChange.updated_at < stale_before())),
                ~newer,
            ).values(state="pending", open_slot=1, error=None, finished_at=None, updated_at=utcnow(),
                     attempts=ProvisioningChange.attempts + 1)
            .execution_options(synchronize_session=False))
        if result.rowcount == 1 and change.kind in PASSWORD_KINDS:
            db.session.refresh(change)
            change.secret = new_password()  # every click a new one (R-SIP-1)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Invalid(_in_progress()) from None
    if result.rowcount != 1:
        raise Invalid(_l("This change cannot be sent again: it has been applied, is still being sent, or a newer "
                         "change replaced it."))
    return _run(change.id, user)


def _run(change_id: int, user) -> Outcome:
    change = db.session.get(ProvisioningChange, change_id)
    request = provisioning.ChangeRequest(change_id=change.id, kind=change.kind, settings=dict(change.payload or {}),
                                         secret=change.secret)
    error = None
    try:
        provisioning.apply_change(change.contract, request)
    except provisioning.ProvisioningUnavailable:
        error = "network unavailable or no answer in time"
    except Exception:  # noqa: BLE001 - a failing adapter must never become a 500 or a silent disagreement
        current_app.logger.exception("provisioning adapter failed for change %s", change_id)
        error = "network error"
    if error is None:
        try:
            return _finish_applied(change_id, user)
        except Exception:  # noqa: BLE001 - nothing of the change is kept; it is marked failed below
            db.session.rollback()
            current_app.logger.exception("applying change %s to the database failed", change_id)
            error = "database error"
    return _finish_failed(change_id, error, user)


def _finish_applied(change_id: int, user) -> Outcome:
    """One transaction: the new settings, the state, the audit entry and the notice."""
    change = db.session.get(ProvisioningChange, change_id)
    secret = change.secret
    result = db.session.execute(
        update(ProvisioningChange).where(ProvisioningChange.id == change_id, ProvisioningChange.state == "pending")
        .values(state="applied", open_slot=None, secret=None, error=None, finished_at=utcnow(), updated_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise Invalid(_in_progress())
    APPLY[change.kind](change, secret)
    audit.record(AUDIT_ACTIONS[change.kind], user, object_type="contract", object_id=str(change.contract_id),
                 details=_details(change))
    if change.kind in NOTIFIED_KINDS:
        notify_portal_admins(change, user)
    db.session.commit()
    db.session.refresh(change)
    return Outcome(change, True, secret)


def _finish_failed(change_id: int, error: str, user) -> Outcome:
    db.session.execute(
        update(ProvisioningChange).where(ProvisioningChange.id == change_id, ProvisioningChange.state == "pending")
        .values(state="failed", open_slot=None, secret=None, error=error[:200], finished_at=utcnow(),
                updated_at=utcnow())
        .execution_options(synchronize_session=False))
    change = db.session.get(ProvisioningChange, change_id)
    db.session.refresh(change)
    audit.record(AUDIT_FAILED, user, object_type="contract", object_id=str(change.contract_id),
                 details=f"{change.contract.contract_number}: {change.kind} ({error})")
    db.session.commit()
    return Outcome(change, False)


def _details(change: ProvisioningChange) -> str:
    """The audit text: contract, old → new; a password change names no password (S14)."""
    return f"{change.contract.contract_number}: {change.old_summary or '-'} → {change.new_summary or '-'}"[:2000]


# --- the database side of each kind ----------------------------------------------
def _apply_sip_password(change, secret) -> None:
    change.contract.sip_password = secret


def _apply_dsl_password(change, secret) -> None:
    account = db.session.scalar(select(DslAccount).where(
        DslAccount.id == change.payload.get("account_id"), DslAccount.contract_id == change.contract_id,
        DslAccount.customer_id == change.customer_id))
    if account is None:
        raise LookupError("the DSL account is gone")
    account.password = secret


def _apply_forwardings(change, secret) -> None:
    kind = ForwardingKind(change.kind)
    db.session.execute(delete(CallForwarding).where(
        CallForwarding.contract_id == change.contract_id, CallForwarding.customer_id == change.customer_id,
        CallForwarding.kind == kind))
    for row in change.payload.get("rows", []):
        db.session.add(CallForwarding(
            customer_id=change.customer_id, contract_id=change.contract_id, kind=kind,
            scope=ForwardingScope(row["scope"]), phone_number_id=row["phone_number_id"],
            extension=row.get("extension") or None, target=row["target"]))
    db.session.flush()


def _apply_trunk_ips(change, secret) -> None:
    db.session.execute(delete(TrunkRegistration).where(
        TrunkRegistration.contract_id == change.contract_id, TrunkRegistration.customer_id == change.customer_id))
    for position, ip in enumerate(change.payload.get("ips", []), start=1):
        db.session.add(TrunkRegistration(customer_id=change.customer_id, contract_id=change.contract_id,
                                         ip_address=ip, position=position))
    change.contract.registration_mode = RegistrationMode(change.payload["mode"])
    db.session.flush()


APPLY = {
    "sip_password": _apply_sip_password,
    "dsl_password": _apply_dsl_password,
    "failover": _apply_forwardings,
    "permanent": _apply_forwardings,
    "trunk_ips": _apply_trunk_ips,
}


# --- notice ------------------------------------------------------------------------
def portal_admins(customer_id: int) -> list:
    return db.session.scalars(select(EServiceUser).where(
        EServiceUser.customer_id == customer_id, EServiceUser.status == UserStatus.ACTIVE,
        EServiceUser.roles.any(Role.name == PORTAL_ADMIN)).order_by(EServiceUser.id)).all()


def notify_portal_admins(change: ProvisioningChange, user) -> None:
    """Forwarding and IP changes: an email to every active Portal Admin of the company (no secret in it)."""
    for admin in portal_admins(change.customer_id):
        if not admin.email:
            continue
        locale = recipient_locale(admin)
        subject, body = render_message(
            "email/self_care_change.txt", locale, name=admin.full_name, what=KIND_LABELS[change.kind],
            contract=change.contract.contract_number, old=change.old_summary or "-", new=change.new_summary or "-",
            actor=getattr(user, "username", None) or "-")
        queue(Channel.EMAIL, admin.email, subject, body, locale=locale, sensitive=False, user=admin)


# --- reading -----------------------------------------------------------------------
def changes_of(contract_id: int, customer_id: int, limit: int = 10) -> list[ProvisioningChange]:
    """The contract's latest changes, newest first."""
    return db.session.scalars(_CHANGES_OF, {"contract_id": contract_id, "customer_id": customer_id,
                                            "limit": limit}).all()


# Built once per process (issue 20).
_CHANGES_OF = select(ProvisioningChange).where(
    ProvisioningChange.contract_id == bindparam("contract_id"),
    ProvisioningChange.customer_id == bindparam("customer_id"),
).order_by(ProvisioningChange.id.desc()).limit(bindparam("limit"))


def retryable_ids(changes: list[ProvisioningChange]) -> set[int]:
    """Of `changes` (newest first), the ids a retry is offered for: the latest of each kind, failed or lost."""
    seen, ids = set(), set()
    cutoff = stale_before()
    for change in changes:
        if change.kind in seen:
            continue
        seen.add(change.kind)
        if change.state == "failed" or (change.state == "pending" and change.updated_at < cutoff):
            ids.add(change.id)
    return ids
