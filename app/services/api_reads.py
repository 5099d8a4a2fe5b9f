"""What the REST API reads (issue 19): the acting key's company only, through `app.services.tenancy`.

The API acts as the key's portal user (bound in `app.context` by the API's request hook),
so every statement here starts from `scoped(...)` or `get_owned_or_404(...)`, exactly as
the portal pages' services do; there is no second copy of the tenant filter.
"""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import (
    CallRecord, Contract, ContractOption, Document, Invoice, Order, PhoneNumber, Ticket, TicketComment,
)
from app.models.enums import BILLING_DOCUMENT_TYPES, CONTRACT_DOCUMENT_TYPES
from app.services.errors import Invalid, NotFound
from app.services.option_order.options import bookable_types
from app.services.portal.paging import Page, paginate
from app.services.portal.tickets import ticket_detail as portal_ticket_detail
from app.services.portal.orders import order_detail as portal_order_detail
from app.services.tenancy import get_owned_or_404, scoped

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25
DOCUMENT_TYPES = tuple(BILLING_DOCUMENT_TYPES) + tuple(CONTRACT_DOCUMENT_TYPES)


def parse_enum(enum_cls, raw):
    """A status filter value, None when absent; 400 for a value the API does not know."""
    if raw in (None, ""):
        return None
    try:
        return enum_cls(raw)
    except ValueError:
        raise Invalid(f"unknown value {str(raw)[:40]!r}; allowed: " + ", ".join(m.value for m in enum_cls))


def parse_day(raw, name: str) -> date | None:
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(str(raw)[:10]) if len(str(raw)) == 10 else _bad_day(name)
    except ValueError:
        return _bad_day(name)


def _bad_day(name: str):
    raise Invalid(f"{name}: a date as YYYY-MM-DD")


def _between(statement, column, date_from: date | None, date_to: date | None, is_datetime: bool):
    if date_from is not None:
        statement = statement.where(column >= (datetime.combine(date_from, time.min) if is_datetime else date_from))
    if date_to is not None:
        end = datetime.combine(date_to, time.max) if is_datetime else date_to
        statement = statement.where(column <= end)
    return statement


def contracts(page: int, per_page: int, status=None) -> Page:
    statement = scoped(Contract).order_by(Contract.contract_number, Contract.id)
    if status is not None:
        statement = statement.where(Contract.status == status)
    return paginate(statement, page, per_page)


def contract(raw_id) -> tuple[Contract, list[ContractOption], list[PhoneNumber], list]:
    """One contract of the company with its options, phone numbers and the option types it may book."""
    row = get_owned_or_404(Contract, raw_id)
    options = db.session.scalars(scoped(ContractOption).where(ContractOption.contract_id == row.id)
                                 .order_by(ContractOption.id)).all()
    numbers = db.session.scalars(scoped(PhoneNumber).where(PhoneNumber.contract_id == row.id)
                                 .order_by(PhoneNumber.id)).all()
    return row, list(options), list(numbers), bookable_types(row)


def orders(page: int, per_page: int, status=None, date_from=None, date_to=None) -> Page:
    statement = scoped(Order).options(joinedload(Order.contract)).order_by(Order.created_at.desc(), Order.id.desc())
    if status is not None:
        statement = statement.where(Order.status == status)
    return paginate(_between(statement, Order.created_at, date_from, date_to, True), page, per_page)


def order(raw_id) -> Order:
    return portal_order_detail(raw_id)


def tickets(page: int, per_page: int, status=None, date_from=None, date_to=None) -> Page:
    statement = scoped(Ticket).options(joinedload(Ticket.contract)).order_by(Ticket.created_at.desc(),
                                                                             Ticket.id.desc())
    if status is not None:
        statement = statement.where(Ticket.status == status)
    return paginate(_between(statement, Ticket.created_at, date_from, date_to, True), page, per_page)


def ticket(raw_id) -> tuple[Ticket, list[TicketComment]]:
    """The ticket and its replies the customer may read (internal notes stay in the back office)."""
    return portal_ticket_detail(raw_id)


def invoices(page: int, per_page: int, date_from=None, date_to=None) -> Page:
    statement = scoped(Invoice).order_by(Invoice.invoice_date.desc(), Invoice.id.desc())
    return paginate(_between(statement, Invoice.invoice_date, date_from, date_to, False), page, per_page)


def documents(page: int, per_page: int, doc_type=None, date_from=None, date_to=None) -> Page:
    statement = (scoped(Document).where(Document.released.is_(True), Document.doc_type.in_(DOCUMENT_TYPES))
                 .order_by(Document.document_date.desc(), Document.id.desc()))
    if doc_type is not None:
        statement = statement.where(Document.doc_type == doc_type)
    return paginate(_between(statement, Document.document_date, date_from, date_to, False), page, per_page)


def document(raw_id) -> Document:
    """A released document of the company (billing or contract document), else 404."""
    row = get_owned_or_404(Document, raw_id)
    if not row.released or row.doc_type not in DOCUMENT_TYPES:
        raise NotFound()
    return row


def call_records(page: int, per_page: int, date_from: date, date_to: date, contract_id=None) -> Page:
    """Itemised calls of one period (at most 31 days per request), optionally of one contract."""
    if date_to < date_from or (date_to - date_from).days > 31:
        raise Invalid("the period runs from date_from to date_to, at most 31 days")
    statement = scoped(CallRecord).order_by(CallRecord.started_at, CallRecord.id)
    if contract_id is not None:
        statement = statement.where(CallRecord.contract_id == get_owned_or_404(Contract, contract_id).id)
    return paginate(_between(statement, CallRecord.started_at, date_from, date_to, True), page, per_page)


