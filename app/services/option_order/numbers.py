"""Step 2, phone numbers (R-WIZ-2, R-WIZ-3): add in one of six ways, mark numbers for removal.

Voice products only; adding only for SIP-Trunk and SIP-Account/Centrex. Single numbers
come 1–10 at a time; a local-area-code kind needs a site whose address is verified, or
an uploaded address proof; a porting kind needs the signed porting form uploaded plus
the losing carrier, the numbers, the desired date and the owner's name. A removal is
only noted here and carried out with the submitted order; at least one number stays.
Numbers are parsed and checked with `phonenumbers`.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

import phonenumbers
from flask_babel import format_date, lazy_gettext as _l
from sqlalchemy import bindparam, select

from app.extensions import db
from app.models import Location, PhoneNumber
from app.models.enums import DocumentType, NumberKind, NumberOrderKind as K, NumberStatus

from . import drafts, options, uploads

SINGLE_COUNT = (1, 10)
COUNTED_KINDS = frozenset({K.NEW_SINGLE_032, K.NEW_SINGLE_LOCAL})
LOCAL_KINDS = frozenset({K.NEW_BLOCK_LOCAL, K.NEW_SINGLE_LOCAL})
PORTING_KINDS = frozenset({K.PORT_BLOCK, K.PORT_SINGLE})
REMOVABLE = (NumberStatus.ACTIVE,)
# Numbers that count as the contract's while an order is open (at least one must remain, R-WIZ-3).
KEPT_STATUSES = (NumberStatus.ACTIVE, NumberStatus.PENDING, NumberStatus.PORTING)
PORT_AWAY_WARNING = _l(
    "Numbers you want to take to another provider must not be removed here: ask the new provider, who "
    "arranges the termination and the transfer with ecotel. Removing them yourself can lose you the "
    "right to the number."
)


@dataclass
class NumberStep:
    """What step 2 shows: whether it applies, the kinds, the numbers with their removal marks."""

    applies: bool
    can_add: bool
    kinds: list[tuple[str, str]]
    numbers: list[PhoneNumber]
    removals: set[int]
    additions: list[dict]
    locations: list  # the contract's sites (options.locations: plain values with Location's names)
    warning: str = field(default_factory=lambda: str(PORT_AWAY_WARNING))


def applies(contract) -> bool:
    """R-WIZ-2: the numbers step exists for voice products; every other product skips it."""
    return contract.product.kind.is_voice


# The contract's numbers, built once per process (issue 20, P10; parameters: `options.contract_params`).
_NUMBERS = (select(PhoneNumber).where(PhoneNumber.customer_id == bindparam("customer_id_"),
                                      PhoneNumber.contract_id == bindparam("contract_id_"))
            .order_by(PhoneNumber.area_code, PhoneNumber.subscriber_number, PhoneNumber.id))


def _numbers(contract) -> list[PhoneNumber]:
    return db.session.scalars(_NUMBERS, options.contract_params(contract)).all()


def step(customer, user, draft_id) -> NumberStep:
    """Step 2 of the user's draft."""
    draft = drafts.load(customer, user, draft_id)
    contract = draft.contract
    data = drafts.read_data(draft)
    return NumberStep(
        applies=applies(contract), can_add=contract.product.kind.takes_new_numbers,
        kinds=[(k.value, str(k.label)) for k in K], numbers=_numbers(contract) if applies(contract) else [],
        removals=set(data["removals"]), additions=data["additions"], locations=options.locations(contract),
    )


def format_number(e164: str) -> str:
    """A number as people read it (+49 211 1234567)."""
    return phonenumbers.format_number(phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _parse_german(raw: str | None, *, block: bool):
    """The E.164 form of a German number typed in any usual way; None when it is not one."""
    try:
        number = phonenumbers.parse((raw or "").strip(), "DE")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 49:
        return None
    # A block's base number is shorter than a full number, so only its form is checked.
    ok = phonenumbers.is_possible_number(number) if block else phonenumbers.is_valid_number(number)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if ok else None


def _parse_date(raw) -> date | None:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw or "").strip())
    except ValueError:
        return None


def check_addition(draft, entry: dict, today: date, files=None) -> tuple[dict, dict[str, list]]:
    """One number addition, normalised, and its broken rules by field (empty when all is well).

    `files`: the draft's uploads (`uploads.draft_uploads`) when the caller has read them for several additions."""
    contract = draft.contract
    errors: dict[str, list] = {}

    def refuse(name, message):
        errors.setdefault(name, []).append(message)

    try:
        kind = K(entry.get("kind"))
    except ValueError:
        return {}, {"kind": [_l("Please choose one of the six ways to add numbers.")]}
    if not contract.product.kind.takes_new_numbers:
        return {}, {"kind": [_l("Numbers can be added to SIP-Trunk and SIP-Account (Centrex) contracts only.")]}
    clean: dict = {"key": entry.get("key") or uuid.uuid4().hex, "kind": kind.value, "count": 1,
                   "location_id": None, "upload_id": None, "porting": None}
    if kind in COUNTED_KINDS:
        try:
            count = int(entry.get("count"))
        except (TypeError, ValueError):
            count = 0
        if not SINGLE_COUNT[0] <= count <= SINGLE_COUNT[1]:
            refuse("count", _l("Single numbers can be added %(low)s to %(high)s at a time.",
                               low=SINGLE_COUNT[0], high=SINGLE_COUNT[1]))
        clean["count"] = count
    location = None
    if entry.get("location_id") not in (None, ""):
        location = drafts._owned(Location, drafts.CustomerRef(draft.customer_id), entry.get("location_id"))
        if location is None or location.contract_id != contract.id:
            raise drafts.NotFound(_l("This location does not belong to the contract."))
        clean["location_id"] = location.id
    if kind in LOCAL_KINDS and location is None:
        refuse("location_id", _l("Numbers with a local area code need the location they are for."))
    needs_proof = kind in LOCAL_KINDS and location is not None and not location.address_verified
    needs_form = kind in PORTING_KINDS
    if needs_proof or needs_form:
        doc_type = DocumentType.SIGNED_PORTING_FORM if needs_form else DocumentType.ADDRESS_PROOF
        upload = None
        if entry.get("upload_id") not in (None, ""):
            upload = uploads.owned_upload(draft, entry.get("upload_id"), doc_type, files)
            if upload is None:
                raise drafts.NotFound(_l("This upload does not exist in your option order."))
            clean["upload_id"] = upload.id
        elif needs_form:
            refuse("upload_id", _l("Please upload the signed porting form."))
        else:
            refuse("upload_id", _l("The address of this location is not verified yet: please upload an "
                                   "address proof."))
    if needs_form:
        clean["porting"], porting_errors = _check_porting(kind, entry.get("porting") or {}, today)
        for name, texts in porting_errors.items():
            errors.setdefault(name, []).extend(texts)
    return clean, errors


def _check_porting(kind, raw: dict, today: date) -> tuple[dict, dict[str, list]]:
    """The data a porting order needs: carrier, numbers, desired date, owner (R-WIZ-2)."""
    errors: dict[str, list] = {}
    carrier = " ".join(str(raw.get("carrier") or "").split())
    owner = " ".join(str(raw.get("owner") or "").split())
    if not 2 <= len(carrier) <= 100:
        errors["carrier"] = [_l("Please enter the current provider of the numbers (2 to 100 characters).")]
    if not 2 <= len(owner) <= 120:
        errors["owner"] = [_l("Please enter the name of the numbers' owner as the current provider has it "
                              "(2 to 120 characters).")]
    block = kind is K.PORT_BLOCK
    number = _parse_german(raw.get("number"), block=block)
    if number is None:
        errors["number"] = [_l("Please enter a German phone number, e.g. 0211 1234567 or +49 211 1234567.")]
    extension_from = str(raw.get("extension_from") or "").strip()
    extension_to = str(raw.get("extension_to") or "").strip()
    if block and not (extension_from.isascii() and extension_from.isdigit() and extension_to.isascii()
                      and extension_to.isdigit() and len(extension_from) == len(extension_to) <= 5
                      and int(extension_from) < int(extension_to)):
        errors["extension_from"] = [_l("Please enter the block's extension range with digits of the same "
                                       "length, e.g. 0 to 9 or 00 to 99.")]
    desired = _parse_date(raw.get("desired_date"))
    if desired is None or desired <= today:
        errors["desired_date"] = [_l("Please enter the desired porting date, a day after %(today)s.",
                                     today=format_date(today))]
    clean = {"carrier": carrier, "owner": owner, "number": number,
             "extension_from": extension_from if block else None, "extension_to": extension_to if block else None,
             "desired_date": desired.isoformat() if desired else None}
    return clean, errors


def porting_numbers_text(porting: dict) -> str:
    """The ported numbers as people read them: one number, or a base number with its extension range."""
    text = format_number(porting["number"])
    if porting.get("extension_from") is not None:
        text += f" ({porting['extension_from']}–{porting['extension_to']})"
    return text


def add(customer, user, draft_id, entry: dict, today: date | None = None) -> dict:
    """Add one number addition to the draft (committed); Invalid with every broken rule by field."""
    draft = drafts.load(customer, user, draft_id)
    clean, errors = check_addition(draft, dict(entry, key=None), today or date.today())
    if errors:
        raise drafts.invalid(errors)
    data = drafts.data_of(draft)
    data["additions"].append(clean)
    drafts.save(draft, data)
    return clean


def drop(customer, user, draft_id, key: str) -> None:
    """Take an addition out of the draft again (its upload stays for another try until the draft ends)."""
    draft = drafts.load(customer, user, draft_id)
    data = drafts.data_of(draft)
    kept = [a for a in data["additions"] if a["key"] != key]
    if len(kept) == len(data["additions"]):
        raise drafts.not_found()
    data["additions"] = kept
    drafts.save(draft, data)


def _owned_number(draft, phone_number_id) -> PhoneNumber:
    number = drafts._owned(PhoneNumber, draft.customer, phone_number_id)
    if number is None or number.contract_id != draft.contract_id:
        raise drafts.NotFound(_l("This number does not belong to the contract."))
    return number


def contract_numbers(contract) -> dict[int, PhoneNumber]:
    """The contract's numbers by id (one statement, for checking removals and naming them)."""
    return {n.id: n for n in _numbers(contract)}


def removal_errors(draft, removals, numbers: dict[int, PhoneNumber] | None = None) -> list:
    """R-WIZ-3: each number can be removed, and at least one of the contract's numbers stays."""
    if not removals:
        return []
    if not applies(draft.contract):
        return [_l("This product has no phone numbers to change.")]
    numbers = contract_numbers(draft.contract) if numbers is None else numbers
    errors = []
    for ident in removals:
        number = numbers.get(ident)
        if number is None:
            raise drafts.NotFound(_l("This number does not belong to the contract."))
        if number.status not in REMOVABLE:
            errors.append(_l("%(number)s cannot be removed: it is %(status)s.", number=str(number),
                             status=number.status.label))
    kept = [n for n in numbers.values() if n.status in KEPT_STATUSES and n.id not in set(removals)]
    if not kept:
        errors.append(_l("At least one number must remain in the contract."))
    return errors


def mark_removal(customer, user, draft_id, phone_number_id) -> None:
    """Note a number for removal; carried out only with the submitted order (R-WIZ-3)."""
    draft = drafts.load(customer, user, draft_id)
    number = _owned_number(draft, phone_number_id)
    data = drafts.data_of(draft)
    removals = sorted(set(data["removals"]) | {number.id})
    errors = removal_errors(draft, removals)
    if errors:
        raise drafts.invalid({"removals": errors})
    data["removals"] = removals
    drafts.save(draft, data)


def unmark_removal(customer, user, draft_id, phone_number_id) -> None:
    """Keep a number after all."""
    draft = drafts.load(customer, user, draft_id)
    number = _owned_number(draft, phone_number_id)
    data = drafts.data_of(draft)
    data["removals"] = [i for i in data["removals"] if i != number.id]
    drafts.save(draft, data)
