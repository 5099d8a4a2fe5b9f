"""The provisioning adapter interface and the data it returns."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class ProvisioningUnavailable(Exception):
    """The network systems did not answer (in time)."""


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


class ProvisioningAdapter(Protocol):
    def __init__(self, config) -> None: ...

    def technical_status(self, contract) -> TechnicalStatus:
        """Ask the network systems; raise ProvisioningUnavailable when they do not answer."""
        ...
