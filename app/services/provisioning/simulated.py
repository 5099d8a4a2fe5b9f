"""A simulated network back end: plausible, stable answers after a realistic delay.

Used in development, tests and the benchmark. The answers depend only on the
contract (same input, same answer), so pages and tests are reproducible.
PROVISIONING_LATENCY_SECONDS: "2" or "1-3" (default); PROVISIONING_FAILURE_RATE:
share of calls that fail (default 0) to try the "unavailable, retry" state.
"""
from __future__ import annotations

import hashlib
import random
import time

from sqlalchemy import select

from app.extensions import db
from app.models import Cpe, SipAccount, TrunkRegistration
from app.models.enums import ContractStatus
from app.services.provisioning.base import CpeStatus, ProvisioningUnavailable, SipStatus, TechnicalStatus


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

    def _wait(self) -> None:
        low, high = self.latency
        time.sleep(random.uniform(low, high) if high > low else low)

    def technical_status(self, contract) -> TechnicalStatus:
        # Read the rows first: the request's database connection is not held while we wait.
        # The contract's own customer too: rows are never read across tenants, even by an adapter.
        owner = contract.customer_id
        accounts = db.session.scalars(select(SipAccount).where(
            SipAccount.customer_id == owner, SipAccount.contract_id == contract.id).order_by(SipAccount.username)).all()
        devices = db.session.scalars(select(Cpe).where(
            Cpe.customer_id == owner, Cpe.contract_id == contract.id).order_by(Cpe.id)).all()
        ips = db.session.scalars(select(TrunkRegistration.ip_address).where(
            TrunkRegistration.customer_id == owner, TrunkRegistration.contract_id == contract.id,
        ).order_by(TrunkRegistration.position)).all()
        locked = contract.status == ContractStatus.BLOCKED
        number, proxy = contract.contract_number, contract.sip_proxy or "sip.ecotel.de"
        db.session.commit()
        self._wait()
        if self.failure_rate and random.random() < self.failure_rate:
            raise ProvisioningUnavailable()
        if not accounts and contract.sip_password:
            names = [f"{number.lower()}@{proxy}"]
        else:
            names = [a.username for a in accounts]
        return TechnicalStatus(
            contract_number=number,
            locked=locked,
            sip_accounts=[SipStatus(username=name, registered=not locked and not _flag(name, 0.2), proxy=proxy,
                                    locked=locked) for name in names],
            cpes=[CpeStatus(model=d.model, serial_number=d.serial_number, online=not _flag(d.serial_number, 0.25),
                            firmware="10.80.0" if "LANCOM" in d.model else "8.02") for d in devices],
            registered_ips=list(ips),
        )
