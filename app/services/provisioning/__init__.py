"""Technical data of a contract from the network systems (R-CON-3, R-CON-4).

The network systems are slow (the carrier's own page waits ~10 s), so the
contract page never waits for them: it renders the commercial data at once and
fetches `technical_status()` afterwards from its own endpoint (QUALITY P1).

The adapter is chosen by configuration: PROVISIONING_ADAPTER names a class
("package.module.Class") implementing `ProvisioningAdapter`; the default is the
simulated back end, whose latency PROVISIONING_LATENCY_SECONDS sets ("2" or a
range "1-3"; the default is 1-3 s, like a real network system; "inf" hangs).

Every adapter gets at most PROVISIONING_TIMEOUT_SECONDS (default 8): the call runs
in a thread of its own and the request stops waiting at the deadline, whether or
not the adapter honours the timeout it is given. A back end that hangs therefore
costs a request the timeout, never a worker; at most `MAX_WAITING_CALLS` calls per
process may be left waiting on it, further calls are "unavailable" at once.
"""
from __future__ import annotations

import math
import threading

from flask import current_app
from werkzeug.utils import import_string

from app.extensions import db
from app.services.provisioning.base import (  # noqa: F401  - the public interface
    DEFAULT_SIP_PROXY, ChangeRequest, ContractRef, CpeStatus, ProvisioningAdapter, ProvisioningUnavailable, SipStatus,
    TechnicalStatus,
)

DEFAULT_ADAPTER = "app.services.provisioning.simulated.SimulatedProvisioning"
DEFAULT_TIMEOUT_SECONDS = 8.0
MAX_WAITING_CALLS = 8


class DeadlineCaller:
    """Runs an adapter's calls in threads of their own and waits for each at most its timeout."""

    def __init__(self, adapter: ProvisioningAdapter, max_waiting: int = MAX_WAITING_CALLS):
        self.adapter = adapter
        self._slots = threading.BoundedSemaphore(max_waiting)

    def technical_status(self, app, contract: ContractRef, timeout: float) -> TechnicalStatus:
        return self.call(app, contract, timeout, self.adapter.technical_status, contract, timeout)

    def apply_change(self, app, contract: ContractRef, change: ChangeRequest, timeout: float) -> None:
        self.call(app, contract, timeout, self.adapter.apply_change, contract, change, timeout)

    def call(self, app, contract: ContractRef, timeout: float, method, *args):
        """`method(*args)` in a thread of its own; its result, or ProvisioningUnavailable at the deadline."""
        if not self._slots.acquire(blocking=False):
            raise ProvisioningUnavailable("too many calls are still waiting for the network systems")
        outcome: dict = {}
        finished = threading.Event()

        def call() -> None:
            try:
                with app.app_context():
                    outcome["status"] = method(*args)
            except Exception as exc:  # noqa: BLE001 - handed to the waiting request
                outcome["error"] = exc
            finally:
                self._slots.release()
                finished.set()

        threading.Thread(target=call, name=f"provisioning-{contract.id}", daemon=True).start()
        if not finished.wait(timeout):
            raise ProvisioningUnavailable(f"no answer within {timeout:g} s")
        if "error" in outcome:
            raise outcome["error"]
        return outcome["status"]


def _caller() -> DeadlineCaller:
    """The configured adapter behind its deadline (one per app)."""
    cached = current_app.extensions.get("eservice_provisioning")
    if cached is None:
        cls = import_string(current_app.config.get("PROVISIONING_ADAPTER") or DEFAULT_ADAPTER)
        cached = DeadlineCaller(cls(current_app.config))
        current_app.extensions["eservice_provisioning"] = cached
    return cached


def adapter() -> ProvisioningAdapter:
    """The configured adapter (one instance per app)."""
    return _caller().adapter


def timeout_seconds() -> float:
    """PROVISIONING_TIMEOUT_SECONDS, the longest a request waits for the network systems."""
    raw = current_app.config.get("PROVISIONING_TIMEOUT_SECONDS")
    try:
        value = float(raw) if raw is not None else DEFAULT_TIMEOUT_SECONDS
    except (TypeError, ValueError):
        value = DEFAULT_TIMEOUT_SECONDS
    return value if value > 0 and math.isfinite(value) else DEFAULT_TIMEOUT_SECONDS


def technical_status(contract) -> TechnicalStatus:
    """What the network says about `contract` now; ProvisioningUnavailable when it cannot say in time.

    The request's transaction ends first, so no database connection is held while we wait.
    """
    ref = ContractRef.of(contract)
    db.session.commit()
    return _caller().technical_status(current_app._get_current_object(), ref, timeout_seconds())


def apply_change(contract, change: ChangeRequest) -> None:
    """Set `change` in the network for `contract` within the deadline (R-SIP-1..5).

    Raises ProvisioningUnavailable (or the adapter's error) when the network has not taken it.
    The request's transaction ends first, so no database connection is held while we wait.
    """
    ref = ContractRef.of(contract)
    db.session.commit()
    _caller().apply_change(current_app._get_current_object(), ref, change, timeout_seconds())
