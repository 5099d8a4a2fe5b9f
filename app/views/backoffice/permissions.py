"""Back-office permissions per role: {role: {view permission name: (permissions…)}}.

Sales enter customers, offers and orders (R-BO-2); Service works orders,
contracts, tickets, documents and invoices (R-BO-3) and reads the other
business records. Admin holds everything and is not listed (roles.sync_roles
grants it all). The System menu (outbox, audit log) and the account views
stay with Admin, except that Service may read the outbox to answer "was the
email sent?" (sensitive bodies are never shown). Portal roles get nothing here.
"""
from __future__ import annotations

from app.security.roles_base import FULL, READ, SALES, SERVICE, WRITE
from app.views.backoffice.contracts import ContractOptionView, ContractView, OptionTypeView, ProductView
from app.views.backoffice.customers import ContactPersonView, CustomerView, LocationView
from app.views.backoffice.documents import CallRecordView, DocumentView, InvoiceView
from app.views.backoffice.lookups import LOOKUP_VIEW
from app.views.backoffice.orders import OrderItemView, OrderStepView, OrderView
from app.views.backoffice.system import OutboxMessageView
from app.views.backoffice.telephony import (
    CallForwardingView, CpeView, DslAccountView, PhoneNumberView, ShipmentView, SipAccountView,
    TrunkRegistrationView,
)
from app.views.backoffice.tickets import TicketCommentView, TicketView

LOOKUP = ("can_lookup",)


def _grant(*pairs) -> dict[str, tuple[str, ...]]:
    """{view permission name: permissions}, limited to what each view offers."""
    table: dict[str, tuple[str, ...]] = {}
    for view, perms in pairs:
        offered = view.base_permissions
        table[view.class_permission_name or view.__name__] = tuple(p for p in perms if p in offered)
    return table


SALES_PERMISSIONS = {
    **_grant(
        (CustomerView, WRITE),
        (ContactPersonView, FULL),
        (LocationView, FULL),
        (ContractView, WRITE),
        (ContractOptionView, FULL),
        (OrderView, WRITE),
        (OrderItemView, FULL),
        (OrderStepView, WRITE),
        (ProductView, READ),
        (OptionTypeView, READ),
    ),
    LOOKUP_VIEW: LOOKUP,
}

SERVICE_PERMISSIONS = {
    **_grant(
        # R-BO-3: order status and work steps, contract status.
        (OrderView, READ + ("can_edit",)),
        (OrderStepView, FULL),
        (OrderItemView, READ),
        (ContractView, READ + ("can_edit",)),
        # Tickets and replies.
        (TicketView, WRITE),
        (TicketCommentView, FULL),
        # Documents and invoices.
        (DocumentView, FULL),
        (InvoiceView, WRITE),
        # Numbers, SIP, forwardings, registrations, DSL, CPE, shipments.
        (PhoneNumberView, WRITE),
        (SipAccountView, FULL),
        (CallForwardingView, FULL),
        (TrunkRegistrationView, FULL),
        (DslAccountView, WRITE),
        (CpeView, WRITE),
        (ShipmentView, WRITE),
        # Read the rest of the business records.
        (CustomerView, READ),
        (ContactPersonView, READ),
        (LocationView, READ),
        (ContractOptionView, READ),
        (ProductView, READ),
        (OptionTypeView, READ),
        (CallRecordView, READ),
        (OutboxMessageView, READ),
    ),
    LOOKUP_VIEW: LOOKUP,
}

BACKOFFICE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    SALES: SALES_PERMISSIONS,
    SERVICE: SERVICE_PERMISSIONS,
}
