"""What staff read in the back office besides each view's own labels: shared column labels, values."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.i18n import day, timestamp
from app.views.backoffice.filters import coerce_enum, enum_class

# Column labels shared by many views; each view adds or overrides its own.
COMMON_LABELS = {
    "id": _l("ID"),
    "customer": _l("Customer"),
    "customer_id": _l("Customer"),
    "contract": _l("Contract"),
    "contract_id": _l("Contract"),
    "order": _l("Order"),
    "order_id": _l("Order"),
    "ticket": _l("Ticket"),
    "ticket_id": _l("Ticket"),
    "invoice": _l("Invoice"),
    "invoice_id": _l("Invoice"),
    "cpe": _l("CPE device"),
    "cpe_id": _l("CPE device"),
    "product": _l("Product"),
    "location": _l("Location"),
    "option_type": _l("Option"),
    "contract_option": _l("Booked option"),
    "phone_number": _l("Phone number"),
    "document": _l("Document"),
    "contact_person": _l("Contact person"),
    "created_by": _l("Created by"),
    "author": _l("Author"),
    "status": _l("Status"),
    "kind": _l("Kind"),
    "name": _l("Name"),
    "code": _l("Code"),
    "title": _l("Title"),
    "description": _l("Description"),
    "note": _l("Note"),
    "email": _l("Email"),
    "phone": _l("Phone"),
    "mobile": _l("Mobile"),
    "street": _l("Street"),
    "zip_code": _l("Postcode"),
    "city": _l("City"),
    "customer_number": _l("Customer number"),
    "company_name": _l("Company"),
    "contract_number": _l("Contract number"),
    "order_number": _l("Order number"),
    "ticket_number": _l("Ticket number"),
    "invoice_number": _l("Invoice number"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "quantity": _l("Quantity"),
    "monthly_price": _l("Monthly price (€)"),
    "one_time_price": _l("One-time price (€)"),
    "setup_price": _l("Setup price (€)"),
    "minimum_term_months": _l("Minimum term (months)"),
    "active": _l("Active"),
    "position": _l("Position"),
    "username": _l("Username"),
    "label": _l("Label"),
    "created_at": _l("Created"),
    "updated_at": _l("Changed"),
}

_YES = _l("Yes")
_NO = _l("No")


def enum_formatter(enum_cls):
    def _format(value):
        member = coerce_enum(enum_cls, value) if value not in (None, "") else None
        return member.label if member is not None else ""

    return _format


def bool_formatter(value):
    if value is None:
        return ""
    return _YES if value else _NO


def type_formatter(datamodel, column: str):
    """How a column shows by its type, or None: enum labels, yes/no, and dates and times in the page's
    language ("02.12.2026, 14:58" / "Dec 2, 2026, 2:58 PM", in the portal's time zone)."""
    enum_cls = enum_class(datamodel, column)
    if enum_cls is not None:
        return enum_formatter(enum_cls)
    if datamodel.is_boolean(column):
        return bool_formatter
    if datamodel.is_datetime(column):
        return timestamp
    if datamodel.is_date(column):
        return day
    return None
