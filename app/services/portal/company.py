"""Deine Kundendaten (R-CUS-1..3): the company's master data, its customer password and settings.

Every change is one transaction with an audit entry that names the changed fields, never
a value (QUALITY S14). Switching the invoice delivery between "portal" (free) and "portal
and post" (1.90 €/month) books or cancels the paid option "Rechnungsversand per Post"
through the wizard's one order path (`option_order.book_option`), flushed into the same
transaction, so the change appears under Aufträge as an Optionsänderung.

Which contract carries the option: on cancelling, the contract that has it booked; on
booking, the customer's first contract (by contract number) that the option order may
change (Aktiv or Aktiv – Schwebend) and whose product offers the option.
"""
from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import date

import phonenumbers
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Contract, ContractOption, OptionType
from app.models.enums import ContactConsent, InvoiceDelivery, OptionFeature
from app.services import audit
from app.services.customers import normalise_email
from app.services.errors import Invalid, NotFound
from app.services.phones import parse_valid
from app.services.option_order import book_option
from app.services.option_order.drafts import OFFERED_STATUSES
from app.services.tenancy import scoped

COMPANY_CHANGED = "company_data_changed"
HOTLINE_PASSWORD_CHANGED = "hotline_password_changed"  # nosec B105  # an audit action's name
HOTLINE_MIN, HOTLINE_MAX = 8, 32
HOTLINE_HINT = _l("8 to 32 characters, letters A-Z and digits 0-9, at least one letter and one digit. "
                  "You give it on the phone to our hotline, so choose one that is easy to spell.")
_HOTLINE_RE = re.compile(r"^[A-Za-z0-9]+$")
ALREADY_SAVED = _l("This change was already saved.")
NO_CONTRACT_FOR_POST = _l("None of your contracts can carry the invoice delivery by post. Please call our hotline.")


@dataclass
class CompanyChange:
    """What the unlocked company data form sends (R-CUS-3)."""

    email: str
    main_phone: str | None
    show_term_on_invoice: bool
    invoice_delivery: InvoiceDelivery
    contact_consent: ContactConsent


def normalise_phone(value: str | None, *, required: bool = False) -> str | None:
    """A phone number in international format ("+49 89 123456"); Invalid when it is no valid number."""
    value = (value or "").strip()
    if not value:
        if required:
            raise Invalid(_l("Please enter a phone number."))
        return None
    number = parse_valid(value, _l("Please enter a valid phone number, for example +49 89 1234567."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _paper_type() -> OptionType | None:
    return db.session.scalar(select(OptionType).where(OptionType.feature == OptionFeature.PAPER_INVOICE,
                                                      OptionType.active.is_(True)).order_by(OptionType.id).limit(1))


def _booked_paper(customer, today: date) -> ContractOption | None:
    return db.session.scalar(
        scoped(ContractOption).join(OptionType, OptionType.id == ContractOption.option_type_id)
        .where(OptionType.feature == OptionFeature.PAPER_INVOICE,
               or_(ContractOption.end_date.is_(None), ContractOption.end_date > today))
        .order_by(ContractOption.id).limit(1))


def paper_contract(customer, today: date | None = None) -> Contract | None:
    """The contract that carries (or would carry) the paid invoice delivery by post (see the module doc)."""
    today = today or date.today()
    booked = _booked_paper(customer, today)
    if booked is not None:
        return booked.contract
    paper = _paper_type()
    if paper is None:
        return None
    contracts = db.session.scalars(
        scoped(Contract).where(Contract.status.in_(OFFERED_STATUSES))
        .order_by(Contract.contract_number, Contract.id)).all()
    return next((c for c in contracts if any(t.id == paper.id for t in c.product.option_types)), None)


def _switch_invoice_delivery(customer, user, target: InvoiceDelivery, key: str):
    """Book (portal + post) or cancel (portal) the paid option as an order; Invalid at `invoice_delivery`."""
    today = date.today()
    booked = _booked_paper(customer, today)
    contract = booked.contract if booked is not None else paper_contract(customer, today)
    paper = booked.option_type if booked is not None else _paper_type()
    want = 1 if target is InvoiceDelivery.PORTAL_AND_POST else 0
    if booked is None and want == 0:
        return None  # nothing booked to cancel (e.g. set by the back office without the option)
    if booked is not None and want == 1:
        return None
    if contract is None or paper is None:
        raise Invalid(fields={"invoice_delivery": [NO_CONTRACT_FOR_POST]})
    try:
        return book_option(customer, user, contract.id, paper.id, want, key=f"invoice-delivery:{key}"[:64],
                           today=today)
    except (Invalid, NotFound) as exc:
        raise Invalid(fields={"invoice_delivery": list(dict.fromkeys(exc.messages)) or [NO_CONTRACT_FOR_POST]}) from None


def update_company(customer, user, change: CompanyChange, *, key: str):
    """R-CUS-3: company email, main phone, §5 TKTransparenzV, invoice delivery, contact consent.

    Returns (changed field names, the order of a switched invoice delivery or None).
    `key` (one per form shown) makes a double submit one change (QUALITY R3).
    """
    fields: dict[str, list] = {}
    try:
        email = normalise_email(change.email)
    except Invalid as exc:
        fields["email"] = exc.messages
        email = customer.email
    try:
        phone = normalise_phone(change.main_phone)
    except Invalid as exc:
        fields["main_phone"] = exc.messages
        phone = customer.main_phone
    if fields:
        db.session.rollback()
        raise Invalid(fields=fields)
    new = {"email": email, "main_phone": phone, "show_term_on_invoice": bool(change.show_term_on_invoice),
           "invoice_delivery": change.invoice_delivery, "contact_consent": change.contact_consent}
    changed = [name for name, value in new.items() if getattr(customer, name) != value]
    if not changed:
        raise Invalid(_l("Nothing was changed."))
    order = None
    try:
        if "invoice_delivery" in changed:
            order = _switch_invoice_delivery(customer, user, change.invoice_delivery, key)
        for name in changed:
            setattr(customer, name, new[name])
        audit.record(COMPANY_CHANGED, user, object_type="customer", object_id=str(customer.id),
                     details="changed: " + ", ".join(changed))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Invalid(ALREADY_SAVED) from None
    except Invalid:
        db.session.rollback()
        raise
    return changed, order


def hotline_password_errors(new: str, confirm: str, current: str | None) -> dict[str, list]:
    """The rules a new customer password breaks, by form field."""
    new = new or ""
    errors: dict[str, list] = {}
    rules = []
    if not HOTLINE_MIN <= len(new) <= HOTLINE_MAX:
        rules.append(_l("The customer password must be 8 to 32 characters long."))
    if new and not _HOTLINE_RE.match(new):
        rules.append(_l("The customer password may only hold letters A-Z and digits 0-9."))
    elif new and not (any(c.isalpha() for c in new) and any(c.isdigit() for c in new)):
        rules.append(_l("The customer password needs at least one letter and one digit."))
    if not rules and current and hmac.compare_digest(new.encode(), current.encode()):
        rules.append(_l("The new customer password must differ from the current one."))
    if rules:
        errors["new_password"] = rules
    if new != (confirm or ""):
        errors["confirm"] = [_l("The two passwords do not match.")]
    return errors


def change_hotline_password(customer, user, new: str, confirm: str) -> None:
    """R-CUS-2: a new customer password, effective on save; encrypted at rest; audited without the value."""
    errors = hotline_password_errors(new, confirm, customer.hotline_password)
    if errors:
        raise Invalid(fields=errors)
    customer.hotline_password = new
    audit.record(HOTLINE_PASSWORD_CHANGED, user, object_type="customer", object_id=str(customer.id))
    db.session.commit()
