"""The portal's self-care entry points: the signed-in customer's own contract only (QUALITY S1).

Every id from the client is looked up through `app.services.tenancy`; another customer's
contract or change answers 404 like a missing one. An action the contract does not offer
(no option booked, not Aktiv, wrong product) is refused with a message (R-SIP-7, R-CON-5).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Contract, Cpe, DslAccount, ProvisioningChange, Shipment
from app.services import provisioning
from app.services.errors import Forbidden, NotFound
from app.services.self_care import changes, forwardings, gating, trunk_ips
from app.services.tenancy import get_owned_or_404, scoped


@dataclass
class ActionsBlock:
    """What the contract page shows of the actions: buttons, recent changes, retry offers."""

    contract: Contract
    actions: gating.Actions
    changes: list[ProvisioningChange] = field(default_factory=list)
    retryable: set[int] = field(default_factory=set)


def actions_block(contract: Contract, options=None, sip_password_set: bool | None = None,
                  accounts: tuple[bool, bool] | None = None, has_changes: bool = True) -> ActionsBlock:
    """For the contract page (the contract was looked up through the tenancy module); `options`: all the
    contract's options, `sip_password_set`: whether it has a SIP password, `accounts`: whether it has a SIP
    and a DSL account, `has_changes`: whether it has any changes, when the page has read them already."""
    recent = changes.changes_of(contract.id, contract.customer_id) if has_changes else []
    actions = gating.actions_for(contract, options=options, sip_password_set=sip_password_set, accounts=accounts)
    return ActionsBlock(contract, actions, recent, changes.retryable_ids(recent))


def contract_for(raw_id, kind: str) -> Contract:
    """The customer's contract, if it offers the action `kind` now; Forbidden with the reason otherwise."""
    contract = get_owned_or_404(Contract, raw_id)
    if not gating.actions_for(contract).allows(kind):
        if not contract.allows_changes and kind != "router":
            raise Forbidden(_l("In this status the contract cannot be changed."))
        raise Forbidden(_l("This action is not available for this contract: the option is not booked."))
    return contract


def reset_sip_password(raw_id, user, token: str | None) -> changes.Outcome:
    """R-SIP-1: a new password for all SIP accounts of the contract."""
    contract = contract_for(raw_id, "sip_password")
    return changes.submit(contract, "sip_password", user, token=token, payload={}, old_summary=changes.HIDDEN,
                          new_summary=changes.HIDDEN)


def forwarding_state(raw_id, kind: str):
    """(contract, its numbers, the current rows) for the forwarding form."""
    contract = contract_for(raw_id, kind)
    return contract, forwardings.numbers_of(contract), forwardings.as_rows(forwardings.current(contract, kind))


def check_forwardings(contract, kind: str, entered) -> tuple[list[dict], str, str]:
    """The new rows and the (old, new) summaries; Invalid at the fields."""
    rows = forwardings.check(contract, kind, entered)
    numbers = {n.id: n for n in forwardings.numbers_of(contract)}
    old = forwardings.summary(forwardings.as_rows(forwardings.current(contract, kind)), numbers)
    return rows, old, forwardings.summary(rows, numbers)


def change_forwardings(raw_id, kind: str, user, token: str | None, entered) -> changes.Outcome:
    """R-SIP-2/3: the whole set of forwardings of a kind, after the confirmation step."""
    contract = contract_for(raw_id, kind)
    rows, old, new = check_forwardings(contract, kind, entered)
    return changes.submit(contract, kind, user, token=token, payload={"rows": rows}, old_summary=old,
                          new_summary=new)


def check_trunk_ips(contract, entered, mode: str) -> tuple[dict, str, str]:
    payload = trunk_ips.check(contract, entered, mode)
    old_mode = contract.registration_mode.value if contract.registration_mode else None
    return payload, trunk_ips.summary(trunk_ips.current(contract), old_mode), trunk_ips.summary(
        payload["ips"], payload["mode"])


def change_trunk_ips(raw_id, user, token: str | None, entered, mode: str) -> changes.Outcome:
    """R-SIP-4: the registration IPs and the mode, after the confirmation step."""
    contract = contract_for(raw_id, "trunk_ips")
    payload, old, new = check_trunk_ips(contract, entered, mode)
    return changes.submit(contract, "trunk_ips", user, token=token, payload=payload, old_summary=old,
                          new_summary=new)


def dsl_accounts(contract) -> list[DslAccount]:
    return db.session.scalars(scoped(DslAccount).where(DslAccount.contract_id == contract.id)
                              .order_by(DslAccount.id)).all()


def reset_dsl_password(raw_id, user, token: str | None) -> changes.Outcome:
    """R-SIP-5: a new password for the contract's internet access."""
    contract = contract_for(raw_id, "dsl_password")
    account = dsl_accounts(contract)[0]
    router = gating.actions_for(contract).router  # R-SIP-5: pushed to the carrier's router when one is booked
    return changes.submit(contract, "dsl_password", user, token=token,
                          payload={"account_id": account.id, "router": router},
                          old_summary=f"{account.username}: {changes.HIDDEN}",
                          new_summary=f"{account.username}: {changes.HIDDEN}")


def retry(raw_contract_id, raw_change_id, user) -> changes.Outcome:
    """Send a failed change of the customer's contract again."""
    contract = get_owned_or_404(Contract, raw_contract_id)
    change = get_owned_or_404(ProvisioningChange, raw_change_id)
    if change.contract_id != contract.id:
        raise NotFound()
    contract_for(contract.id, change.kind)
    return changes.retry(change, user)


@dataclass
class RouterStatus:
    """R-SIP-6: what the network says about the routers, and every shipment of their orders."""

    contract: Contract
    devices: list = field(default_factory=list)
    shipments: list[Shipment] = field(default_factory=list)
    unavailable: bool = False


def router_status(raw_id) -> RouterStatus:
    contract = contract_for(raw_id, "router")
    cpes = db.session.scalars(scoped(Cpe).where(Cpe.contract_id == contract.id).order_by(Cpe.id)).all()
    order_ids = {c.order_id for c in cpes if c.order_id is not None}
    cpe_ids = select(Cpe.id).where(Cpe.customer_id == contract.customer_id, (Cpe.contract_id == contract.id)
                                   | Cpe.order_id.in_(order_ids or {0}))
    shipments = db.session.scalars(scoped(Shipment).where(Shipment.cpe_id.in_(cpe_ids))
                                   .order_by(Shipment.shipped_at.desc().nulls_last(), Shipment.id.desc())).all()
    for shipment in shipments:
        shipment.cpe  # noqa: B018 - loaded before the network call ends the transaction
    result = RouterStatus(contract, shipments=list(shipments))
    try:
        result.devices = provisioning.technical_status(contract).cpes
    except Exception:  # noqa: BLE001 - a failing network shows "unavailable, try again", never a 500
        result.unavailable = True
    return result
