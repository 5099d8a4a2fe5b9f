"""The provisioning adapter interface and the data it takes and returns."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from app.models.enums import ContractStatus

# The SIP proxy of a contract that names none (R-CON-3).
DEFAULT_SIP_PROXY = "sip.ecotel.de"


class ProvisioningUnavailable(Exception):
    """The network systems did not answer (in time)."""


@dataclass(frozen=True)
class ContractRef:
    """What an adapter learns about a contract: plain values, safe to hand to another thread.

    Adapters run outside the request's database session (see `technical_status`), so they
    never get the ORM row itself.
    """

    id: int
    customer_id: int
    contract_number: str
    status: ContractStatus
    sip_proxy: str
    has_sip_password: bool

    @property
    def locked(self) -> bool:
        return self.status == ContractStatus.BLOCKED

    @classmethod
    def of(cls, contract) -> "ContractRef":
        return cls(id=contract.id, customer_id=contract.customer_id, contract_number=contract.contract_number,
                   status=contract.status, sip_proxy=contract.sip_proxy or DEFAULT_SIP_PROXY,
                   has_sip_password=bool(contract.sip_password))


@dataclass(frozen=True)
class SipStatus:
    """R-CON-3: one row per SIP account."""

    username: str
    registered: bool
    proxy: str
    locked: bool


@dataclass(frozen=True)
class CpeStatus:
    model: str
    serial_number: str
    online: bool
    firmware: str


@dataclass(frozen=True)
class TechnicalStatus:
    contract_number: str
    locked: bool
    sip_accounts: list[SipStatus] = field(default_factory=list)
    cpes: list[CpeStatus] = field(default_factory=list)
    registered_ips: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ChangeRequest:
    """A write to the network systems (R-SIP-1..5): what to set, as plain values.

    `kind` is one of "sip_password", "failover", "permanent", "trunk_ips", "dsl_password";
    `settings` the complete new settings of that kind (the network replaces, never merges,
    so a retry sets the same state again); `secret` a new password, never logged.
    """

    change_id: int
    kind: str
    settings: dict = field(default_factory=dict)
    secret: str | None = field(default=None, repr=False)


class ProvisioningAdapter(Protocol):
    def __init__(self, config) -> None: ...

    def technical_status(self, contract: ContractRef, timeout: float) -> TechnicalStatus:
        """Ask the network systems, giving up after `timeout` seconds with ProvisioningUnavailable.

        Runs in a thread of its own inside an application context (its own database session).
        The caller enforces the same deadline whatever the adapter does: an answer that comes
        later is dropped, and the request has long been answered "unavailable".
        """
        ...

    def apply_change(self, contract: ContractRef, change: ChangeRequest, timeout: float) -> None:
        """Set `change` in the network, giving up after `timeout` with ProvisioningUnavailable.

        Returns only once the network has taken the change; any exception means it has not.
        Setting the same change twice is harmless (a retry after a lost answer).
        """
        ...
