"""The start page's overview at a glance (R-HOME): open orders, open tickets, latest invoice."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func

from app.extensions import db
from app.models import Invoice, Order, Ticket
from app.models.enums import OrderStatus, TicketStatus
from app.services import audit
from app.services.tenancy import current_customer, scoped

OPEN_ORDER_STATUSES = (OrderStatus.OFFER_CREATED, OrderStatus.OFFER_ACCEPTED, OrderStatus.PROVISIONING,
                       OrderStatus.PARTIALLY_PROVISIONED)
HOTLINE_PASSWORD_SHOWN = "hotline_password_shown"


@dataclass
class Overview:
    open_orders: int | None = None
    open_offers: int | None = None
    open_tickets: int | None = None
    latest_invoice: Invoice | None = None


def overview(orders: bool, tickets: bool, invoices: bool) -> Overview:
    """Only the figures the user may see are read."""
    result = Overview()
    if orders:
        result.open_orders = db.session.scalar(
            scoped(Order, func.count(Order.id)).where(Order.status.in_(OPEN_ORDER_STATUSES)))
        result.open_offers = db.session.scalar(
            scoped(Order, func.count(Order.id)).where(Order.status == OrderStatus.OFFER_CREATED))
    if tickets:
        result.open_tickets = db.session.scalar(
            scoped(Ticket, func.count(Ticket.id)).where(Ticket.status != TicketStatus.CLOSED))
    if invoices:
        result.latest_invoice = db.session.scalar(
            scoped(Invoice).order_by(Invoice.invoice_date.desc(), Invoice.id.desc()).limit(1))
    return result


def reveal_hotline_password(user) -> str:
    """R-HOME-3: the customer password, shown on request and logged in the audit trail."""
    customer = current_customer()
    audit.record(HOTLINE_PASSWORD_SHOWN, user, object_type="customer", object_id=str(customer.id))
    db.session.commit()
    return customer.hotline_password
