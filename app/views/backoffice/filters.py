"""Text filters on foreign keys, used instead of FAB's whole-table relation dropdowns (QUALITY P4)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models import Contract, Cpe, Customer, Invoice, Order, Ticket
from app.views.backoffice.base import related_text_filter

CUSTOMER_FILTERS = [
    related_text_filter(Customer, "customer_number", _l("Customer number starts with"), "bo_customer_number"),
    related_text_filter(Customer, "company_name", _l("Company contains"), "bo_company_name", "contains"),
]
CONTRACT_FILTERS = [
    related_text_filter(Contract, "contract_number", _l("Contract number starts with"), "bo_contract_number"),
]
ORDER_FILTERS = [
    related_text_filter(Order, "order_number", _l("Order number starts with"), "bo_order_number"),
]
TICKET_FILTERS = [
    related_text_filter(Ticket, "ticket_number", _l("Ticket number starts with"), "bo_ticket_number"),
]
INVOICE_FILTERS = [
    related_text_filter(Invoice, "invoice_number", _l("Invoice number starts with"), "bo_invoice_number"),
]
CPE_FILTERS = [
    related_text_filter(Cpe, "serial_number", _l("Serial number starts with"), "bo_cpe_serial"),
]
