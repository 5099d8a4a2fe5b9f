"""Step 4, the summary (R-WIZ-6): every change of the draft, checked again, with prices and totals.

`plan(draft, today)` re-checks everything the draft holds against the database as it
is now (the contract may have changed status, a number or option may be gone, a
minimum term may not have ended), so the summary and the submit use one verdict.
Each change is marked Hinzugefügt / Geändert / Reduziert (gekündigt) with before →
after; monthly prices are per unit, the totals per month before and after.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_appbuilder.security.sqla.models import Role
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import bindparam, select

from app.extensions import db
from app.models import ContactPerson, EServiceUser, Location, PhoneNumber
from app.models.enums import ContactRole, ContractStatus, ItemChange, NumberOrderKind, UserStatus
from app.roles import PORTAL_ADMIN
from app.services.portal.plain import current_rows

from . import drafts, numbers, options, uploads
from .catalogue_rows import BookedOption, CatalogueType, Site

ZERO = Decimal("0.00")


@dataclass
class Change:
    """One line of the order to be: what changes, before → after, and its prices."""

    change: ItemChange
    option_name: str | None
    before: int
    after: int
    unit_monthly: Decimal | None = None
    one_time: Decimal | None = None
    option_type: CatalogueType | None = None  # plain values (catalogue_rows): the submit names them by id
    contract_option: BookedOption | None = None
    location: Location | Site | None = None
    number_kind: NumberOrderKind | None = None
    number_count: int | None = None
    phone_number: PhoneNumber | None = None
    upload: object | None = None
    porting: dict | None = None

    @property
    def name(self) -> str:
        """What changes, in the language of the moment (the user's page, or the product's for stored texts)."""
        if self.phone_number is not None:
            return gettext("Remove number %(number)s", number=str(self.phone_number))
        if self.number_kind is not None:
            text = str(self.number_kind.label)
            if self.number_kind in numbers.COUNTED_KINDS:
                text += f" × {self.number_count}"
            if self.porting:
                text += ": " + numbers.porting_numbers_text(self.porting)
            if self.location is not None:
                text += f" ({self.location.name})"
            return text
        return self.option_name or ""

    @property
    def monthly_before(self) -> Decimal | None:
        return None if self.unit_monthly is None else self.unit_monthly * self.before

    @property
    def monthly_after(self) -> Decimal | None:
        return None if self.unit_monthly is None else self.unit_monthly * self.after


@dataclass
class Recipient:
    """Who gets the order confirmation; `fallback` when no telecom contact exists (R-WIZ-6)."""

    email: str
    name: str
    fallback: bool


@dataclass
class Summary:
    contract: object
    changes: list[Change]
    monthly_before: Decimal
    monthly_after: Decimal
    one_time_total: Decimal
    recipient: Recipient | None
    notes: list[str] = field(default_factory=list)
    warning: str | None = None


def recipient(customer) -> Recipient | None:
    """The contact with role "Ansprechpartner Telekommunikation", else the Portal Admin (first by id)."""
    return recipient_of(customer.id)


def recipient_of(customer_id: int) -> Recipient | None:
    """`recipient` by the customer's id (the summary has the draft's, and needs no customer row)."""
    params = {"customer_id_": customer_id}
    contact = current_rows(_TELECOM_CONTACT, params).first()
    if contact is not None:
        email, first_name, last_name = contact
        return Recipient(email, f"{first_name} {last_name}", fallback=False)  # as ContactPerson.full_name
    admin = current_rows(_PORTAL_ADMIN, params).first()
    if admin is not None and admin.email:
        email, first_name, last_name = admin
        return Recipient(email, f"{first_name} {last_name}".strip(), fallback=True)  # as EServiceUser.full_name
    return None


# The recipient's reads, built once per process with the customer as a bound parameter; only the columns the
# confirmation needs (issue 20, P10: step 4 built and keyed both statements and loaded entities on every view).
_TELECOM_CONTACT = select(ContactPerson.email, ContactPerson.first_name, ContactPerson.last_name).where(
    ContactPerson.customer_id == bindparam("customer_id_"), ContactPerson.role == ContactRole.TELECOM,
    ContactPerson.email.isnot(None), ContactPerson.email != "").order_by(ContactPerson.id).limit(1)
_PORTAL_ADMIN = select(EServiceUser.email, EServiceUser.first_name, EServiceUser.last_name).where(
    EServiceUser.customer_id == bindparam("customer_id_"), EServiceUser.status == UserStatus.ACTIVE,
    EServiceUser.roles.any(Role.name == PORTAL_ADMIN)).order_by(EServiceUser.id).limit(1)


def _price(value) -> Decimal:
    return Decimal(value or 0).quantize(ZERO)


def _number_changes(draft, data: dict, today: date, errors: dict, files=None) -> list[Change]:
    changes = []
    if (data["additions"] or data["removals"]) and not numbers.applies(draft.contract):
        errors.setdefault("numbers", []).append(_l("This product has no phone numbers to change."))
        return changes
    # The draft's uploads, read once for all additions that name one (`files`: already read by the caller).
    if files is None:
        named = any(a.get("upload_id") not in (None, "") for a in data["additions"])
        files = uploads.draft_uploads(draft) if named else []
    for entry in data["additions"]:
        clean, problems = numbers.check_addition(draft, entry, today, files)
        for name, texts in problems.items():
            errors.setdefault(name, []).extend(texts)
        if problems:
            continue
        kind = NumberOrderKind(clean["kind"])
        location = db.session.get(Location, clean["location_id"]) if clean["location_id"] else None
        upload = None
        if clean["upload_id"]:
            upload = next(u for u in files if u.id == clean["upload_id"])
        changes.append(Change(ItemChange.ADDED, None, 0, clean["count"], option_type=None, location=location,
                              number_kind=kind, number_count=clean["count"], upload=upload,
                              porting=clean["porting"]))
    by_id = numbers.contract_numbers(draft.contract) if data["removals"] else {}
    removal_problems = numbers.removal_errors(draft, data["removals"], by_id)
    if removal_problems:
        errors.setdefault("removals", []).extend(removal_problems)
    else:
        for ident in sorted(data["removals"]):
            number = by_id[ident]
            changes.append(Change(ItemChange.REDUCED, None, 1, 0, location=number.location, phone_number=number))
    return changes


def _option_changes(draft, today: date, errors: dict, booked: list) -> list[Change]:
    changes = []
    for line in options.lines(draft, today, booked):
        if line.chosen == line.current:
            continue
        problems = options.line_errors(line, line.chosen, today)
        if problems:
            errors.setdefault(line.key, []).extend(problems)
            continue
        if line.contract_option is not None:
            booked = line.contract_option
            kind = ItemChange.CHANGED if line.chosen > line.current else ItemChange.REDUCED
            unit, one_time_unit = _price(booked.monthly_price), _price(line.option_type.one_time_price)
        else:
            kind = ItemChange.ADDED
            unit, one_time_unit = _price(line.option_type.monthly_price), _price(line.option_type.one_time_price)
        added_units = max(0, line.chosen - line.current)
        changes.append(Change(kind, line.name, line.current, line.chosen, unit_monthly=unit,
                              one_time=one_time_unit * added_units, option_type=line.option_type,
                              contract_option=line.contract_option, location=line.location))
    return changes


def plan(draft, today: date, files=None) -> Summary:
    """Every change of the draft, checked against the database now; Invalid listing every problem.
    `files`: the draft's uploads (`uploads.draft_uploads`) when the caller has read them (the submit)."""
    contract = draft.contract
    errors: dict[str, list] = {}
    if contract.status not in drafts.OFFERED_STATUSES:
        raise drafts.invalid({"contract": [_l("Contract %(number)s cannot be changed any more: it is %(status)s.",
                                              number=contract.contract_number, status=contract.status.label)]})
    data = drafts.read_data(draft)
    booked = options.booked_options(contract, today)
    changes = _number_changes(draft, data, today, errors, files) + _option_changes(draft, today, errors, booked)
    if errors:
        raise drafts.invalid(errors)
    monthly_before = _price(contract.product.monthly_price) + sum(
        (_price(o.monthly_price) * o.quantity for o in booked), ZERO)
    monthly_after = monthly_before + sum(
        ((c.monthly_after - c.monthly_before) for c in changes if c.unit_monthly is not None), ZERO)
    notes = []
    if any(c.number_kind is not None for c in changes):
        notes.append(str(_l("The catalogue holds no prices for phone numbers: new and ported numbers are charged "
                            "as your contract's price list says.")))
    who = recipient_of(draft.customer_id)
    if who is None:
        notes.append(str(_l("Your company has no telecommunications contact and no portal administrator with an "
                            "email address: no order confirmation can be sent.")))
    elif who.fallback:
        notes.append(str(_l("Your company has no contact with the role \"Telecommunications contact\": the order "
                            "confirmation goes to the portal administrator %(name)s.", name=who.name)))
    warning = drafts.PENDING_WARNING if contract.status is ContractStatus.ACTIVE_PENDING else None
    return Summary(contract=contract, changes=changes, monthly_before=monthly_before, monthly_after=monthly_after,
                   one_time_total=sum((c.one_time or ZERO for c in changes), ZERO), recipient=who, notes=notes,
                   warning=str(warning) if warning else None)


def summary(customer, user, draft_id, today: date | None = None) -> Summary:
    """Step 4 of the user's draft (nothing is written)."""
    return plan(drafts.load(customer, user, draft_id), today or date.today())


__all__ = ["Change", "Recipient", "Summary", "plan", "recipient", "summary"]
