"""Creating a support ticket from the portal (R-TIC-1..3, R-TIC-5, R-HOME-4, QUALITY S1, S12, R3).

All three portal roles create tickets. The subject is one of the company's own
contracts (optionally one of its options) or one of its invoices, named by its
number; every lookup goes through `tenancy`, so another customer's contract, option
or invoice answers exactly like one that does not exist. The type-ahead (`suggest`)
returns at most `SUGGESTIONS` matches by number prefix, never a whole table.

R-TIC-3: when the contract's line has no express fault clearing booked, the form
offers the one-time paid express fault clearing; choosing it books the option through
the one order path of the wizard (`option_order.book_option`) in the ticket's own
transaction, so the ticket and its order commit together or not at all.

One submission, one ticket (R3): the form carries a single-use token; the ticket's
unique `submission_key` turns a second submit of the same form into the first ticket.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import ContactPerson, Contract, ContractOption, Invoice, Order, OrderDraft, OrderItem, Ticket
from app.models.enums import ItemChange, OptionFeature, OrderStatus, TicketKind, TicketStatus, TicketSubject
from app.models.mixins import utcnow
from app.services import option_order, ticket_files, ticket_mail
from app.services.errors import Invalid, NotFound
from app.services.option_order import drafts, options
from app.services.tenancy import current_customer, get_owned_or_404, scoped

SUGGESTIONS = 10
OPEN_ORDER_STATUSES = (OrderStatus.OFFER_ACCEPTED, OrderStatus.PROVISIONING, OrderStatus.PARTIALLY_PROVISIONED)
TITLE_MAX = 200
DESCRIPTION_MAX = 10000


@dataclass(frozen=True)
class ExpressOffer:
    """R-TIC-3: the express fault clearing the form offers for a contract (and where it applies)."""

    option_type_id: int
    location_id: int | None
    location_name: str | None
    name: str
    monthly: Decimal
    one_time: Decimal


@dataclass
class TicketInput:
    kind: str | None = None
    subject: str | None = None
    contract: str | None = None  # the contract number (type-ahead fills it; typed by hand without JS)
    option: str | None = None  # the id of one of the contract's options
    invoice: str | None = None  # the invoice number
    title: str | None = None
    description: str | None = None
    contact: str | None = None  # the id of one of the company's contact persons (R-CUS-3)
    express: bool = False
    token: str | None = None


def new_token() -> str:
    """The single-use token of one ticket form."""
    return secrets.token_urlsafe(24)


def submission_key(customer, token: str) -> str:
    """The ticket's unique key for one form's token: one ticket per form (QUALITY R3)."""
    return f"{customer.id}:{token}"[:64]


def _ticket_number() -> str:
    return f"T{utcnow():%y%m%d}{secrets.randbelow(10**6):06d}"


def _prefix(text: str | None) -> str:
    cleaned = (text or "").strip()[:20]
    return cleaned.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def suggest(kind: str | None, text: str | None) -> list[dict]:
    """Type-ahead: the company's own contracts or invoices whose number starts with `text` (at most 10)."""
    prefix = _prefix(text)
    if kind == TicketSubject.INVOICE.value:
        rows = db.session.scalars(
            scoped(Invoice).where(Invoice.invoice_number.like(prefix + "%", escape="\\"))
            .order_by(Invoice.invoice_date.desc(), Invoice.id.desc()).limit(SUGGESTIONS)).all()
        return [{"number": i.invoice_number, "label": f"{i.invoice_number} · {i.invoice_date:%d.%m.%Y}"}
                for i in rows]
    rows = db.session.scalars(
        scoped(Contract).where(Contract.contract_number.like(prefix + "%", escape="\\"))
        .order_by(Contract.contract_number).limit(SUGGESTIONS)).all()
    return [{"number": c.contract_number, "label": f"{c.contract_number} · {c.product.name}"} for c in rows]


def contract_by_number(number: str | None) -> Contract:
    """One of the company's contracts by its number; NotFound for any other (or no) number."""
    number = (number or "").strip()
    contract = db.session.scalar(scoped(Contract).where(Contract.contract_number == number)) if number else None
    if contract is None:
        raise NotFound()
    return contract


def contact_choices() -> list[tuple[str, str]]:
    """The company's contact persons a ticket may name (R-CUS-3: added ones are offered here)."""
    from app.services.portal.contacts import contacts

    return [(str(c.id), f"{c.full_name} ({c.role.label})") for c in contacts()]


def option_choices(contract: Contract) -> list[tuple[str, str]]:
    """(id, label) of the contract's booked options, for the optional option picker."""
    rows = db.session.scalars(
        scoped(ContractOption).where(ContractOption.contract_id == contract.id)
        .order_by(ContractOption.id)).all()
    return [(str(o.id), _option_label(o)) for o in rows]


def _option_label(option: ContractOption) -> str:
    label = option.option_type.name
    if option.location is not None:
        label += f" – {option.location.name}"
    if option.quantity and option.quantity > 1:
        label += f" ({option.quantity})"
    return label


def express_offer(contract: Contract | None, option: ContractOption | None = None,
                  today: date | None = None) -> ExpressOffer | None:
    """R-TIC-3: the express fault clearing bookable for the contract's line, None when booked or not offered."""
    if contract is None:
        return None
    customer = current_customer()
    try:
        contract = drafts.offered_contract(customer, contract.id)
    except NotFound:
        return None
    draft = OrderDraft(customer_id=customer.id, user_id=0, contract_id=contract.id, token="",  # nosec B106  # never stored
                       data=drafts.empty_data(), expires_at=utcnow())
    draft.contract, draft.customer = contract, customer
    today = today or date.today()
    lines = [line for line in options.lines(draft, today)
             if line.option_type.feature is OptionFeature.EXPRESS_FAULT_CLEARING]
    if option is not None and option.location_id is not None:
        # The option names the line (site) the ticket is about: only that site's express counts.
        lines = [line for line in lines if line.location is None or line.location.id == option.location_id]
    if any(line.current > 0 for line in lines if line.location is None):
        return None
    ordered = _ordered_sites(contract)
    for line in lines:
        site = line.location.id if line.location else None
        if (line.option_type.id, site) in ordered:
            continue  # booked already and not yet switched on: not a second time
        if line.current == 0 and not options.line_errors(line, 1, today):
            t = line.option_type
            return ExpressOffer(t.id, line.location.id if line.location else None,
                                line.location.name if line.location else None, t.name,
                                Decimal(t.monthly_price or 0), Decimal(t.one_time_price or 0))
    return None


def _ordered_sites(contract: Contract) -> set[tuple[int, int | None]]:
    """(option type, site) of options added by the contract's orders still being provisioned."""
    rows = db.session.execute(
        scoped(OrderItem, OrderItem.option_type_id, OrderItem.location_id)
        .join(Order, Order.id == OrderItem.order_id)
        .where(Order.contract_id == contract.id, Order.status.in_(OPEN_ORDER_STATUSES),
               OrderItem.option_type_id.isnot(None), OrderItem.change == ItemChange.ADDED)
    ).all()
    return {(type_id, location_id) for type_id, location_id in rows}


def _resolve(data: TicketInput) -> tuple[dict, dict[str, list]]:
    """The subject rows named by the form, and the messages per field (R-TIC-1, R-TIC-2)."""
    errors: dict[str, list] = {}
    found: dict = {"contract": None, "option": None, "invoice": None, "contact": None}
    kind = next((k for k in TicketKind if k.value == data.kind), None)
    if kind is None:
        errors["kind"] = [_l("Please choose the kind of ticket.")]
    subject = next((s for s in TicketSubject if s.value == data.subject), None)
    if subject is None:
        errors["subject"] = [_l("Please choose whether the ticket is about a contract or an invoice.")]
    elif subject is TicketSubject.CONTRACT:
        try:
            found["contract"] = contract_by_number(data.contract)
        except NotFound:
            errors["contract"] = [_l("Please choose one of your contracts by its number.")]
        if data.option and found["contract"] is not None:
            option = None
            try:
                option = get_owned_or_404(ContractOption, data.option)
            except NotFound:
                pass
            if option is None or option.contract_id != found["contract"].id:
                errors["option"] = [_l("Please choose an option of this contract.")]
            found["option"] = option
    else:
        number = (data.invoice or "").strip()
        invoice = db.session.scalar(scoped(Invoice).where(Invoice.invoice_number == number)) if number else None
        if invoice is None:
            errors["invoice"] = [_l("Please choose one of your invoices by its number.")]
        found["invoice"] = invoice
    if data.contact:
        try:
            found["contact"] = get_owned_or_404(ContactPerson, data.contact)
        except NotFound:
            errors["contact"] = [_l("Please choose one of your company's contact persons.")]
    title = (data.title or "").strip()
    if not title:
        errors["title"] = [_l("Please enter a title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_l("The title may have at most %(count)d characters.", count=TITLE_MAX)]
    description = (data.description or "").strip()
    if not description:
        errors["description"] = [_l("Please describe your concern.")]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [_l("The description may have at most %(count)d characters.",
                                    count=DESCRIPTION_MAX)]
    found.update(kind=kind, subject=subject, title=title, description=description)
    return found, errors


def create(user, data: TicketInput, files, today: date | None = None) -> Ticket:
    """Check everything, then write the ticket (its files, its express order, its email) in one transaction."""
    customer = current_customer()
    token = (data.token or "").strip()
    if not (8 <= len(token) <= 43):
        raise Invalid(_l("The form has expired. Please open it again."))
    key = submission_key(customer, token)
    existing = db.session.scalar(scoped(Ticket).where(Ticket.submission_key == key))
    if existing is not None:
        return existing
    found, errors = _resolve(data)
    offer = None
    if data.express and not errors:
        offer = express_offer(found["contract"], found["option"], today)
        if offer is None:
            errors["express"] = [_l("Express fault clearing cannot be booked for this contract.")]
    try:
        checked_files = ticket_files.checked(files)
    except Invalid as exc:
        errors["attachments"] = exc.messages
    if errors:
        db.session.rollback()
        raise Invalid(fields=errors)
    ticket = Ticket(customer_id=customer.id, ticket_number=_ticket_number(), kind=found["kind"],
                    subject=found["subject"], contract=found["contract"], contract_option=found["option"],
                    invoice=found["invoice"], title=found["title"], description=found["description"],
                    contact_person=found["contact"],
                    status=TicketStatus.OPEN, created_by_id=user.id, submission_key=key)
    stored = []
    try:
        db.session.add(ticket)
        db.session.flush()
        if offer is not None:
            ticket.order = option_order.book_option(customer, user, found["contract"].id, offer.option_type_id, 1,
                                                    key=f"ticket:{key}"[:64], location_id=offer.location_id,
                                                    today=today)
            ticket.express_clearing = True
        stored = ticket_files.store(ticket, None, checked_files)
        ticket_mail.queue_new_ticket(ticket, user)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        ticket_files.discard(stored)
        existing = db.session.scalar(scoped(Ticket).where(Ticket.submission_key == key))
        if existing is None:
            raise
        return existing
    except Invalid as exc:
        db.session.rollback()
        ticket_files.discard(stored)
        raise Invalid(fields={"express": exc.messages}) from None
    except Exception:
        db.session.rollback()
        ticket_files.discard(stored)
        raise
    return ticket

