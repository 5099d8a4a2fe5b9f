"""A simulated network back end: plausible, stable answers after a realistic delay.

Used in development, tests and the benchmark. The answers depend only on the
contract (same input, same answer), so pages and tests are reproducible.
PROVISIONING_LATENCY_SECONDS: "2" or "1-3" (default), "inf" for a back end that hangs;
PROVISIONING_FAILURE_RATE: share of calls that fail (default 0) to try the
"unavailable, retry" state. A call that would take longer than its timeout gives up
at the timeout, as a real adapter's socket timeout would.
"""
from __future__ import annotations

import hashlib
import random
import time

from sqlalchemy import select

from app.extensions import db
from app.models import Cpe, SipAccount, TrunkRegistration
from app.services.provisioning.base import (
    ChangeRequest, ContractRef, CpeStatus, ProvisioningUnavailable, SipStatus, TechnicalStatus,
)


def _latency_range(raw) -> tuple[float, float]:
    text = str(raw if raw is not None else "1-3").strip()
    try:
        if "-" in text:
            low, high = (float(part) for part in text.split("-", 1))
        else:
            low = high = float(text)
    except ValueError:
        low, high = 1.0, 3.0
    return max(0.0, min(low, high)), max(0.0, low, high)


def _flag(seed: str, share: float) -> bool:
    digest = hashlib.sha256(seed.encode()).digest()
    return digest[0] / 255 < share


class SimulatedProvisioning:
    """Stands in for the carrier's network systems."""

    def __init__(self, config) -> None:
        self.latency = _latency_range(config.get("PROVISIONING_LATENCY_SECONDS"))
        self.failure_rate = float(config.get("PROVISIONING_FAILURE_RATE", 0) or 0)

    def _wait(self, timeout: float) -> None:
        low, high = self.latency
        delay = random.uniform(low, high) if high > low else low  # nosec B311  # simulated latency, no security use
        if delay >= timeout:
            time.sleep(timeout)
            raise ProvisioningUnavailable(f"no answer within {timeout:g} s")
        time.sleep(delay)

    def technical_status(self, contract: ContractRef, timeout: float) -> TechnicalStatus:
        # Read the rows first (this thread's own session), then let the "network" take its time.
        # The contract's own customer too: rows are never read across tenants, even by an adapter.
        owner = contract.customer_id
        accounts = db.session.scalars(select(SipAccount.username).where(
            SipAccount.customer_id == owner, SipAccount.contract_id == contract.id).order_by(SipAccount.username)).all()
        devices = db.session.execute(select(Cpe.model, Cpe.serial_number).where(
            Cpe.customer_id == owner, Cpe.contract_id == contract.id).order_by(Cpe.id)).all()
        ips = db.session.scalars(select(TrunkRegistration.ip_address).where(
            TrunkRegistration.customer_id == owner, TrunkRegistration.contract_id == contract.id,
        ).order_by(TrunkRegistration.position)).all()
        db.session.commit()
        self._wait(timeout)
        if self.failure_rate and random.random() < self.failure_rate:  # nosec B311  # simulated failures
            raise ProvisioningUnavailable()
        locked, number, proxy = contract.locked, contract.contract_number, contract.sip_proxy
        names = list(accounts) or ([f"{number.lower()}@{proxy}"] if contract.has_sip_password else [])
        return TechnicalStatus(
            contract_number=number,
            locked=locked,
            sip_accounts=[SipStatus(username=name, registered=not locked and not _flag(name, 0.2), proxy=proxy,
                                    locked=locked) for name in names],
            cpes=[CpeStatus(model=model, serial_number=serial, online=not _flag(serial, 0.25),
                            firmware="10.80.0" if "LANCOM" in model else "8.02") for model, serial in devices],
            registered_ips=list(ips),
        )

    def apply_change(self, contract: ContractRef, change: ChangeRequest, timeout: float) -> None:
        """Takes the change after the configured latency, or fails at PROVISIONING_FAILURE_RATE."""
        self._wait(timeout)
        if self.failure_rate and random.random() < self.failure_rate:  # nosec B311  # simulated failures
            raise ProvisioningUnavailable("the network refused the change")
