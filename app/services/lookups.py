"""What the back office's select fields search, and how (QUALITY P4).

A select field names a lookup kind ("customer", "contract", …); each kind says which
rows match a typed text, how they are ordered and what the select shows for a row.
At most `PAGE` rows per request, searched and ordered by the database. The JSON
route is `app/views/backoffice/lookups.py`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    ContactPerson, Contract, ContractOption, Cpe, Customer, Document, Invoice, Location, OptionType,
    Order, PhoneNumber, Product, Ticket,
)
from app.services.errors import NotFound

PAGE = 20
MAX_PAGE = 500


@dataclass(frozen=True)
class Lookup:
    """How one kind of row is searched, ordered and labelled."""

    model: type
    search: Callable[[str], object]
    order: Callable[[], tuple]
    label: Callable[[object], str]
    load: tuple = ()


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _customer_search(q: str):
    return or_(Customer.customer_number.startswith(q, autoescape=True),
               Customer.company_name.icontains(q, autoescape=True))


def _with_customer(text: str, item) -> str:
    customer = item.customer
    return f"{text} · {customer.customer_number} {customer.company_name}" if customer else text


def _phone_search(q: str):
    digits = _digits(q)
    if not digits:
        return PhoneNumber.id.is_(None)
    if digits.startswith("49"):
        digits = digits[2:]
    if digits.startswith("0"):
        digits = digits[1:]
    return or_(PhoneNumber.subscriber_number.startswith(digits),
               (PhoneNumber.area_code + PhoneNumber.subscriber_number).startswith(digits))


LOOKUPS: dict[str, Lookup] = {
    "customer": Lookup(
        Customer, _customer_search, lambda: (Customer.customer_number,), str,
    ),
    "contract": Lookup(
        Contract,
        lambda q: or_(Contract.contract_number.startswith(q, autoescape=True),
                      Contract.customer_id.in_(select(Customer.id).where(_customer_search(q)))),
        lambda: (Contract.contract_number,),
        lambda c: _with_customer(f"{c.contract_number} {c.product.name}", c),
        (Contract.customer,),
    ),
    "location": Lookup(
        Location,
        lambda q: or_(Location.name.icontains(q, autoescape=True),
                      Location.contract_id.in_(
                          select(Contract.id).where(Contract.contract_number.startswith(q, autoescape=True)))),
        lambda: (Location.name, Location.id),
        lambda loc: f"{loc} ({loc.contract.contract_number})",
        (Location.contract,),
    ),
    "contact_person": Lookup(
        ContactPerson,
        lambda q: or_(ContactPerson.last_name.icontains(q, autoescape=True),
                      ContactPerson.first_name.icontains(q, autoescape=True),
                      ContactPerson.customer_id.in_(select(Customer.id).where(_customer_search(q)))),
        lambda: (ContactPerson.last_name, ContactPerson.first_name, ContactPerson.id),
        lambda p: _with_customer(str(p), p),
        (ContactPerson.customer,),
    ),
    "order": Lookup(
        Order,
        lambda q: or_(Order.order_number.startswith(q, autoescape=True),
                      Order.customer_id.in_(select(Customer.id).where(_customer_search(q)))),
        lambda: (Order.order_number,),
        lambda o: _with_customer(o.order_number, o),
        (Order.customer,),
    ),
    "ticket": Lookup(
        Ticket,
        lambda q: or_(Ticket.ticket_number.startswith(q, autoescape=True),
                      Ticket.title.icontains(q, autoescape=True)),
        lambda: (Ticket.ticket_number,),
        str,
    ),
    "invoice": Lookup(
        Invoice,
        lambda q: or_(Invoice.invoice_number.startswith(q, autoescape=True),
                      Invoice.customer_id.in_(select(Customer.id).where(_customer_search(q)))),
        lambda: (Invoice.invoice_number,),
        lambda i: _with_customer(i.invoice_number, i),
        (Invoice.customer,),
    ),
    "phone_number": Lookup(
        PhoneNumber, _phone_search, lambda: (PhoneNumber.area_code, PhoneNumber.subscriber_number), str,
    ),
    "cpe": Lookup(
        Cpe,
        lambda q: or_(Cpe.serial_number.startswith(q, autoescape=True), Cpe.model.icontains(q, autoescape=True)),
        lambda: (Cpe.serial_number,),
        str,
    ),
    "product": Lookup(
        Product,
        lambda q: or_(Product.name.icontains(q, autoescape=True), Product.code.startswith(q, autoescape=True)),
        lambda: (Product.name, Product.id),
        str,
    ),
    "option_type": Lookup(
        OptionType,
        lambda q: or_(OptionType.name.icontains(q, autoescape=True),
                      OptionType.code.startswith(q, autoescape=True)),
        lambda: (OptionType.name, OptionType.id),
        str,
    ),
    "contract_option": Lookup(
        ContractOption,
        lambda q: ContractOption.contract_id.in_(
            select(Contract.id).where(Contract.contract_number.startswith(q, autoescape=True))),
        lambda: (ContractOption.contract_id, ContractOption.id),
        lambda o: f"{o.contract.contract_number}: {o}",
        (ContractOption.contract,),
    ),
    "document": Lookup(
        Document,
        lambda q: Document.title.icontains(q, autoescape=True),
        lambda: (Document.id,),
        lambda d: f"{d.title} ({d.document_date:%d.%m.%Y})",
    ),
}


def label_for(kind: str, item) -> str:
    """The text a select shows for `item` of lookup `kind`."""
    return LOOKUPS[kind].label(item)


def search(kind: str, text: str, page: int) -> tuple[list[dict], bool]:
    """One page of matches for `text`, and whether more follow; NotFound for an unknown kind."""
    lookup = LOOKUPS.get(kind)
    if lookup is None:
        raise NotFound()
    stmt = select(lookup.model)
    text = (text or "").strip()[:100]
    if text:
        stmt = stmt.where(lookup.search(text))
    stmt = stmt.order_by(*lookup.order()).offset((page - 1) * PAGE).limit(PAGE + 1)
    if lookup.load:
        stmt = stmt.options(*(selectinload(rel) for rel in lookup.load))
    rows = db.session.scalars(stmt).all()
    return [{"id": row.id, "text": lookup.label(row)} for row in rows[:PAGE]], len(rows) > PAGE
