"""SIP trunk multi-registration: the allowed IP addresses and the mode (R-SIP-4).

Public addresses only (no private, loopback, link-local, multicast, reserved or
unspecified ranges; the documentation ranges count as public), each once, at least one; the order is the position (the first
registered IP gets priority 1 in Redundant mode when the PBX sets none).
"""
from __future__ import annotations

import ipaddress

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import TrunkRegistration
from app.models.enums import RegistrationMode
from app.services import telephony
from app.services.errors import Invalid

MAX_IPS = 8
# RFC 5737 / RFC 3849 documentation ranges: Python counts them as private, but they are the
# addresses examples, the demo and the tests use (the real network never sees them).
DOCUMENTATION = tuple(ipaddress.ip_network(n) for n in
                      ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"))


def current(contract) -> list[str]:
    return list(db.session.scalars(select(TrunkRegistration.ip_address).where(
        TrunkRegistration.customer_id == contract.customer_id, TrunkRegistration.contract_id == contract.id)
        .order_by(TrunkRegistration.position, TrunkRegistration.id)).all())


def public_ip_error(text: str):
    """Why `text` (a canonical address) may not register a trunk, or None."""
    address = ipaddress.ip_address(text)
    if any(address.version == net.version and address in net for net in DOCUMENTATION):
        return None
    if (address.is_private or address.is_loopback or address.is_link_local or address.is_multicast
            or address.is_reserved or address.is_unspecified):
        return _l("%(ip)s is not a public address (private, loopback, multicast and reserved ranges cannot "
                  "register a trunk).", ip=text)
    return None


def summary(ips: list[str], mode: str | None) -> str:
    return f"{mode or '-'}: {', '.join(ips) or '-'}"


def check(contract, entered: list[tuple[int, str, bool]], mode: str) -> dict:
    """The new IPs and mode as the change's payload; Invalid naming each bad field ("ips-<i>-address")."""
    errors: dict[str, list] = {}
    ips: list[str] = []
    for index, raw, remove in entered:
        if remove or not (raw or "").strip():
            continue
        name = f"ips-{index}-address"
        try:
            address = telephony.normalise_ip(raw)
        except Invalid as exc:
            errors.setdefault(name, []).extend(exc.messages)
            continue
        problem = public_ip_error(address)
        if problem:
            errors.setdefault(name, []).append(problem)
        elif address in ips:
            errors.setdefault(name, []).append(_l("The IP address %(ip)s is given twice.", ip=address))
        else:
            ips.append(address)
    try:
        mode_value = RegistrationMode(mode).value
    except ValueError:
        errors.setdefault("mode", []).append(_l("Please choose the mode."))
        mode_value = None
    if errors:
        raise Invalid(fields=errors)
    if not ips:
        raise Invalid(_l("At least one IP address must remain: the trunk could not register otherwise."))
    if len(ips) > MAX_IPS:
        raise Invalid(_l("At most %(num)d IP addresses can be registered.", num=MAX_IPS))
    old_mode = contract.registration_mode.value if contract.registration_mode else None
    if ips == current(contract) and mode_value == old_mode:
        raise Invalid(_l("Nothing has changed: the addresses and the mode are as before."))
    return {"ips": ips, "mode": mode_value}
