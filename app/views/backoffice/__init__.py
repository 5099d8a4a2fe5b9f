"""Back-office CRUD views (R-BO-1..4), grouped in a German-reading menu.

Menu names (the first string of each entry) are the permission names FAB
stores for `menu_access`; they carry a "(back office)" suffix so that they
never collide with portal menu entries. What users read is the label,
translated through Babel.
"""
from __future__ import annotations

from flask_appbuilder.menu import MenuItem
from flask_babel import lazy_gettext as _l

from app.views.backoffice.contracts import ContractOptionView, ContractView, OptionTypeView, ProductView
from app.views.backoffice.customers import ContactPersonView, CustomerView, LocationView
from app.views.backoffice.documents import CallRecordView, DocumentView, InvoiceView
from app.views.backoffice.list_rows import PageSearchWidget
from app.views.backoffice.lookups import BackofficeLookupView
from app.views.backoffice.orders import OrderItemView, OrderStepView, OrderView
from app.views.backoffice.porting import PortingView
from app.views.backoffice.self_care import ProvisioningChangeView
from app.views.backoffice.system import AuditLogView, OutboxMessageView
from app.views.backoffice.telephony import (
    CallForwardingView, CpeView, DslAccountView, PhoneNumberView, ShipmentView, SipAccountView,
    TrunkRegistrationView,
)
from app.views.backoffice.tickets import TicketCommentView, TicketView

# Five areas and FAB's Security menu fit the navbar on one row at 1280 px (issue 17); inside an area,
# a titled section keeps related records together: lines and hardware stay apart from telephony.
MENU = [
    ("Customers & contracts (back office)", _l("Customers & contracts"), "fa-building", [(None, [
        (CustomerView, "Customers (back office)", _l("Customers"), "fa-building"),
        (ContactPersonView, "Contact persons (back office)", _l("Contact persons"), "fa-address-book"),
        (ContractView, "Contracts (back office)", _l("Contracts"), "fa-file-signature"),
        (ContractOptionView, "Booked options (back office)", _l("Booked options"), "fa-puzzle-piece"),
        (LocationView, "Locations (back office)", _l("Locations"), "fa-location-dot"),
        (ProductView, "Products (back office)", _l("Products"), "fa-box"),
        (OptionTypeView, "Option types (back office)", _l("Option catalogue"), "fa-list-check"),
    ])]),
    ("Technology (back office)", _l("Technology"), "fa-phone", [
        (_l("Telephony"), [
            (PhoneNumberView, "Phone numbers (back office)", _l("Phone numbers"), "fa-hashtag"),
            (SipAccountView, "SIP accounts (back office)", _l("SIP accounts"), "fa-phone-volume"),
            (CallForwardingView, "Call forwardings (back office)", _l("Call forwardings"), "fa-share"),
            (TrunkRegistrationView, "Trunk registrations (back office)", _l("Registration IPs"), "fa-network-wired"),
            (ProvisioningChangeView, "Self-care changes (back office)", _l("Self-care changes"), "fa-rotate"),
        ]),
        # DSL access, routers and their shipments are lines and hardware, not telephony.
        (_l("Connections & equipment"), [
            (DslAccountView, "DSL accounts (back office)", _l("DSL accounts"), "fa-globe"),
            (CpeView, "CPE (back office)", _l("CPE devices"), "fa-server"),
            (ShipmentView, "Shipments (back office)", _l("Shipments"), "fa-truck"),
        ]),
    ]),
    ("Orders & support (back office)", _l("Orders & support"), "fa-cart-shopping", [
        (_l("Orders"), [
            (OrderView, "Orders and offers (back office)", _l("Orders and offers"), "fa-cart-shopping"),
            (OrderItemView, "Order items (back office)", _l("Order items"), "fa-list"),
            (OrderStepView, "Work steps (back office)", _l("Work steps"), "fa-list-ol"),
            (PortingView, "Portings (back office)", _l("Portings"), "fa-right-left"),
        ]),
        (_l("Support"), [
            (TicketView, "Tickets (back office)", _l("Tickets"), "fa-ticket"),
            (TicketCommentView, "Ticket comments (back office)", _l("Ticket comments"), "fa-comments"),
        ]),
    ]),
    ("Billing & documents (back office)", _l("Billing & documents"), "fa-file-invoice", [(None, [
        (InvoiceView, "Invoices (back office)", _l("Invoices"), "fa-file-invoice"),
        (DocumentView, "Documents (back office)", _l("Documents"), "fa-folder-open"),
        (CallRecordView, "Call records (back office)", _l("Call records"), "fa-phone"),
    ])]),
    ("System (back office)", _l("System"), "fa-gears", [(None, [
        (OutboxMessageView, "Outbox (back office)", _l("Outbox"), "fa-envelope"),
        (AuditLogView, "Audit log (back office)", _l("Audit log"), "fa-clipboard-list"),
    ])]),
]


def _wire_related_views(appbuilder) -> None:
    """Related lists on show/edit pages; each paginates and honours permissions."""
    user_view = type(appbuilder.sm.user_view) if getattr(appbuilder.sm, "user_view", None) else None
    CustomerView.related_views = [
        ContractView, ContactPersonView, OrderView, TicketView, InvoiceView, DocumentView,
    ] + ([user_view] if user_view else [])
    ContractView.related_views = [
        ContractOptionView, LocationView, PhoneNumberView, SipAccountView, CallForwardingView,
        TrunkRegistrationView, DslAccountView, CpeView, OrderView, TicketView, DocumentView, ProvisioningChangeView,
    ]
    OrderView.related_views = [OrderItemView, OrderStepView, PortingView, CpeView, DocumentView]
    TicketView.related_views = [TicketCommentView]
    CpeView.related_views = [ShipmentView]
    InvoiceView.related_views = [DocumentView]


def _security_menu_last(appbuilder) -> None:
    """FAB's own Security menu (staff accounts, roles; R-BO-4) after the back-office menus.

    Its label reads "Sicherheit" through FAB's German catalog.
    """
    menu = appbuilder.menu.menu
    security = next((item for item in menu if item.name == "Security"), None)
    if security is not None:
        menu.remove(security)
        menu.append(security)


def _stock_security_lists(appbuilder) -> None:
    """FAB's own lists of permission names, view names and permissions on views get the back office's
    search widget, which keeps their filter inputs' markup per language (issue 20, P10): their selects
    list FAB's permission and view names, written by FAB's start-up sync only (list_rows.py)."""
    for view in appbuilder.baseviews:
        if type(view).__module__ == "flask_appbuilder.security.views" and type(view).__name__ in (
                "PermissionModelView", "ViewMenuModelView", "PermissionViewModelView"):
            view.search_widget = PageSearchWidget


def register_backoffice_views(appbuilder) -> None:
    """Add the back-office views to the menu, grouped by area."""
    _wire_related_views(appbuilder)
    appbuilder.add_view_no_menu(BackofficeLookupView())
    for category, category_label, category_icon, sections in MENU:
        for section_label, entries in sections:
            existing = appbuilder.menu.find(category)
            start = len(existing.childs) if existing else 0
            for view, name, label, icon in entries:
                appbuilder.add_view(
                    view, name, label=label, icon=icon, category=category, category_label=category_label,
                    category_icon=category_icon,
                )
            if section_label is not None:
                # A separator with a title: the navbar shows it as the heading of the entries after it.
                appbuilder.menu.find(category).childs.insert(start, MenuItem("-", label=section_label))
    _security_menu_last(appbuilder)
    _stock_security_lists(appbuilder)
