"""Telephony input rules: forwarding targets, scopes, extensions, registration IPs (R-SIP-2/3/4, R7).

One place for the rules, used by the back office's forms now and by the
portal's SIP actions later: each `check_*` validates a row in place (collecting
every broken rule), normalises what it stores (E.164 `+49…`, the canonical IP
spelling) and raises `Invalid` with translated messages; nothing is written here.
"""
from __future__ import annotations

import ipaddress

import phonenumbers
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.models import CallForwarding, PhoneNumber, TrunkRegistration
from app.models.enums import ForwardingScope, NumberKind, ProductKind
from app.services.errors import Invalid

TARGET_EXAMPLE = "+49 211 1234567"


# --- numbers ---------------------------------------------------------------
def normalise_e164(text: str | None) -> str:
    """A full international number in E.164 (`+492111234567`); Invalid for anything else (R-SIP-2)."""
    raw = (text or "").strip()
    message = _l("Please enter the target as a full international number starting with +, e.g. %(example)s.",
                 example=TARGET_EXAMPLE)
    if not raw.startswith("+"):
        raise Invalid(message)
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        raise Invalid(message) from None
    if not phonenumbers.is_valid_number(number):
        raise Invalid(message)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def extension_in_range(extension: str, first: str | None, last: str | None) -> bool:
    """Whether `extension` (digits) lies in a block's range `first`…`last`.

    Extensions are dialled digits: "5" and "05" differ, so the length must lie
    between the lengths of the range ends (range 000…999 takes "011", not "11").
    """
    if not (extension and extension.isdigit() and first and last and first.isdigit() and last.isdigit()):
        return False
    return len(first) <= len(extension) <= len(last) and int(first) <= int(extension) <= int(last)


def phone_number_errors(number: PhoneNumber) -> list[str]:
    """Every rule a phone number row breaks: digits only, a block has a sound extension range."""
    errors: list[str] = []
    for value, label in ((number.country_code, _l("Country code")), (number.area_code, _l("Area code")),
                         (number.subscriber_number, _l("Number"))):
        if not (value or "").isdigit():
            errors.append(str(_l("%(field)s: please enter digits only.", field=label)))
    if number.kind is NumberKind.BLOCK:
        first, last = (number.extension_from or "").strip(), (number.extension_to or "").strip()
        if not (first.isdigit() and last.isdigit()):
            errors.append(str(_l("A number block needs its extension range as digits, e.g. 0 to 99.")))
        elif int(first) > int(last) or len(first) > len(last):
            errors.append(str(_l("The extension range must run from the lower to the higher extension.")))
        number.extension_from, number.extension_to = first or None, last or None
    elif number.extension_from or number.extension_to:
        errors.append(str(_l("A single number has no extension range: leave it empty or choose a number block.")))
    return errors


def _refuse(errors: list[str]) -> None:
    """Raise Invalid naming every broken rule, if there is any."""
    if errors:
        raise Invalid(*errors)


def check_phone_number(number: PhoneNumber) -> None:
    """Raise Invalid listing every broken rule of `number`."""
    _refuse(phone_number_errors(number))


# --- call forwarding (R-SIP-2, R-SIP-3) ---------------------------------------
def forwarding_errors(forwarding: CallForwarding) -> list[str]:
    """Every rule the forwarding breaks; normalises the target to E.164 when it is valid."""
    errors: list[str] = []
    try:
        forwarding.target = normalise_e164(forwarding.target)
    except Invalid as exc:
        errors += exc.messages
    number = forwarding.phone_number
    if forwarding.extension is not None:
        forwarding.extension = forwarding.extension.strip() or None
    scope = forwarding.scope
    if number is None:
        errors.append(str(_l("Please choose the phone number the forwarding applies to.")))
    elif forwarding.contract is not None and number.contract_id != forwarding.contract.id:
        errors.append(str(_l("The phone number does not belong to this contract.")))
    elif scope is ForwardingScope.BLOCK and number.kind is not NumberKind.BLOCK:
        errors.append(str(_l("A forwarding of the whole connection needs a number block.")))
    elif scope is ForwardingScope.SINGLE and number.kind is not NumberKind.SINGLE:
        errors.append(str(_l("A forwarding of a single number needs a single number, not a number block.")))
    elif scope is ForwardingScope.EXTENSION:
        if number.kind is not NumberKind.BLOCK:
            errors.append(str(_l("A forwarding of an extension needs the number block the extension belongs to.")))
        elif not forwarding.extension or not forwarding.extension.isdigit():
            errors.append(str(_l("Please enter the extension as its digits, e.g. 11.")))
        elif not extension_in_range(forwarding.extension, number.extension_from, number.extension_to):
            errors.append(str(_l(
                "The extension %(extension)s is not in the block's range %(first)s to %(last)s.",
                extension=forwarding.extension, first=number.extension_from, last=number.extension_to,
            )))
    if scope is not ForwardingScope.EXTENSION and forwarding.extension:
        errors.append(str(_l("An extension is only given for the scope extension; leave it empty.")))
    return errors


def check_forwarding(forwarding: CallForwarding) -> None:
    """Raise Invalid listing every broken rule of `forwarding` (its target stored as E.164)."""
    _refuse(forwarding_errors(forwarding))


# --- trunk registration IPs (R-SIP-4) -----------------------------------------
def normalise_ip(text: str | None) -> str:
    """An IPv4 or IPv6 address in its canonical spelling; Invalid for anything else."""
    try:
        return str(ipaddress.ip_address((text or "").strip()))
    except ValueError:
        raise Invalid(_l("Please enter a valid IPv4 or IPv6 address, e.g. 203.0.113.10 or 2001:db8::10.")) from None


def registration_errors(registration: TrunkRegistration) -> list[str]:
    """Every rule the registration breaks; normalises the IP address when it is valid."""
    errors: list[str] = []
    try:
        registration.ip_address = normalise_ip(registration.ip_address)
    except Invalid as exc:
        errors += exc.messages
    contract = registration.contract
    if contract is not None and contract.product.kind is not ProductKind.SIP_TRUNK:
        errors.append(str(_l("Registration IPs are only kept for SIP trunk contracts.")))
    if registration.position is not None and registration.position < 1:
        errors.append(str(_l("The position starts at 1.")))
    if not errors and contract is not None:
        with db.session.no_autoflush:
            clash = db.session.scalar(select(func.count(TrunkRegistration.id)).where(
                TrunkRegistration.contract_id == contract.id,
                TrunkRegistration.ip_address == registration.ip_address,
                TrunkRegistration.id != (registration.id or 0),
            ))
        if clash:
            errors.append(str(_l("The IP address %(ip)s is already registered for this contract.",
                                 ip=registration.ip_address)))
    return errors


def check_registration(registration: TrunkRegistration) -> None:
    """Raise Invalid listing every broken rule of `registration` (its IP stored canonically)."""
    _refuse(registration_errors(registration))
