"""Technical data of a contract from the network systems (R-CON-3, R-CON-4).

The network systems are slow (the carrier's own page waits ~10 s), so the
contract page never waits for them: it renders the commercial data at once and
fetches `technical_status()` afterwards from its own endpoint (QUALITY P1).

The adapter is chosen by configuration: PROVISIONING_ADAPTER names a class
("package.module.Class") implementing `ProvisioningAdapter`; the default is the
simulated back end, whose latency PROVISIONING_LATENCY_SECONDS sets ("2" or a
range "1-3"; the default is 1-3 s, like a real network system).
"""
from __future__ import annotations

from flask import current_app
from werkzeug.utils import import_string

from app.services.provisioning.base import (  # noqa: F401  - the public interface
    CpeStatus, ProvisioningAdapter, ProvisioningUnavailable, SipStatus, TechnicalStatus,
)

DEFAULT_ADAPTER = "app.services.provisioning.simulated.SimulatedProvisioning"


def adapter() -> ProvisioningAdapter:
    """The configured adapter (one instance per app)."""
    cached = current_app.extensions.get("eservice_provisioning")
    if cached is None:
        cls = import_string(current_app.config.get("PROVISIONING_ADAPTER") or DEFAULT_ADAPTER)
        cached = cls(current_app.config)
        current_app.extensions["eservice_provisioning"] = cached
    return cached


def technical_status(contract) -> TechnicalStatus:
    """What the network says about `contract` now; ProvisioningUnavailable when it cannot say."""
    return adapter().technical_status(contract)
