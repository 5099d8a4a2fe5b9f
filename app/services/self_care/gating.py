"""Which self-care actions a contract offers (R-SIP-7, R-CON-5).

An action is offered only when the contract has its option booked (the option
catalogue's `feature` says which option enables which action), and — for every
action that changes something — only in status Aktiv. The CPE status only reads,
so it is offered whenever a router is booked.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, exists, select

from app.extensions import db
from app.models import ContractOption, DslAccount, OptionType, SipAccount
from app.models.enums import OptionFeature, ProductKind

SIP_KINDS = frozenset({ProductKind.SIP_TRUNK, ProductKind.SIP_ACCOUNT})


@dataclass(frozen=True)
class Actions:
    """What the contract page offers; `any` is whether the actions block appears at all."""

    changeable: bool
    sip_password: bool = False
    failover: bool = False
    permanent: bool = False
    # cloud.phone with a forwarding option: no form, the manual's "set it in the PBX" instead.
    forwarding_in_pbx: bool = False
    trunk_ips: bool = False
    dsl_password: bool = False
    router: bool = False

    @property
    def any(self) -> bool:
        return any((self.sip_password, self.failover, self.permanent, self.forwarding_in_pbx, self.trunk_ips,
                    self.dsl_password, self.router))

    def allows(self, kind: str) -> bool:
        """Whether the change `kind` ("sip_password", "failover", …) may be made now."""
        return bool(getattr(self, kind, False))


def booked_features(contract, today: date | None = None, options=None) -> set[OptionFeature]:
    """The features of the options booked on `contract` that have not ended (from `options`, all the
    contract's options with their types, when the caller has read them already)."""
    today = today or date.today()
    if options is not None:
        rows = [(option.option_type.feature, option.end_date) for option in options]
    else:
        rows = db.session.execute(_FEATURES, _contract_params(contract)).all()
    return {feature for feature, end in rows if end is None or end >= today}


def _contract_params(contract) -> dict:
    return {"customer_id": contract.customer_id, "contract_id": contract.id}


def _has(model):
    return exists().where(model.customer_id == bindparam("customer_id"), model.contract_id == bindparam("contract_id"))


# Built once per process (issue 20); run with _contract_params(contract) of a contract looked up for its customer.
_FEATURES = select(OptionType.feature, ContractOption.end_date).join(OptionType, ContractOption.option_type).where(
    ContractOption.customer_id == bindparam("customer_id"), ContractOption.contract_id == bindparam("contract_id"))
_ACCOUNTS = select(_has(SipAccount), _has(DslAccount))


def _accounts(contract) -> tuple[bool, bool]:
    """(has a SIP account, has a DSL account): one statement whatever the contract books, so the
    contract page costs the same number of statements for every contract (P5)."""
    return tuple(db.session.execute(_ACCOUNTS, _contract_params(contract)).one())


def _sip_password_set(contract, known: bool | None) -> bool:
    return (contract.sip_password is not None) if known is None else known


def actions_for(contract, today: date | None = None, options=None, sip_password_set: bool | None = None,
                accounts: tuple[bool, bool] | None = None) -> Actions:
    """The actions `contract` offers now (R-SIP-7: no option, no button; R-CON-5: changes only when Aktiv).
    `options`: all the contract's options, when the caller has read them (saves their statement);
    `sip_password_set`: whether a SIP password is stored, when the caller has read that (saves a decrypt);
    `accounts`: (has a SIP account, has a DSL account) of the contract, when the caller has read them
    for the same customer (saves their statement)."""
    features = booked_features(contract, today, options)
    kind = contract.product.kind
    active = contract.allows_changes
    sip = kind in SIP_KINDS
    forwarding_option = bool(features & {OptionFeature.FAILOVER_FORWARDING, OptionFeature.PERMANENT_FORWARDING})
    dsl = OptionFeature.DSL_ACCESS in features or kind is ProductKind.DSL
    has_sip_account, has_dsl_account = _accounts(contract) if accounts is None else accounts
    return Actions(
        changeable=active,
        sip_password=active and sip and (_sip_password_set(contract, sip_password_set) or has_sip_account),
        failover=active and sip and OptionFeature.FAILOVER_FORWARDING in features,
        permanent=active and sip and OptionFeature.PERMANENT_FORWARDING in features,
        forwarding_in_pbx=active and kind is ProductKind.CLOUD_PHONE and forwarding_option,
        trunk_ips=active and kind is ProductKind.SIP_TRUNK and OptionFeature.MULTI_REGISTRATION in features,
        dsl_password=active and dsl and has_dsl_account,
        router=OptionFeature.ROUTER in features,
    )
