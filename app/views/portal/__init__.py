"""Customer portal views (SPEC §3-§13), scoped to the signed-in user's customer.

Menu names carry a "(portal)" suffix: they are FAB's permission names for
`menu_access` and must never collide with back-office entries. Users read the
translated label.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.views.portal.api_keys import PortalApiKeyView
from app.views.portal.audit_log import PortalAuditLogView
from app.views.portal.cloud_phone import PortalCloudPhoneView
from app.views.portal.contract_actions import PortalContractActionView
from app.views.portal.company import PortalCompanyView
from app.views.portal.contracts import PortalContractView
from app.views.portal.documents import PortalDocumentView, PortalInvoiceView
from app.views.portal.option_order import PortalOptionOrderView
from app.views.portal.orders import PortalOrderView
from app.views.portal.tickets import PortalTicketView
from app.views.portal.users import PortalUserView

# The navbar stays one row at 1280 px (axe crawl): the contract pages share one menu, as do the Portal
# Admin's administration pages; cloud.phone stays on top, it is the PBX Admin's whole area.
CONTRACT_CATEGORY = ("Contract pages (portal)", _l("Contracts"), "fa-file-signature")
PORTAL_CONTRACT_MENU = [
    (PortalContractView, "Contracts (portal)", _l("All contracts"), "fa-file-signature"),
    (PortalOptionOrderView, "Change options (portal)", _l("Change options"), "fa-sliders"),
    (PortalDocumentView, "Documents (portal)", _l("Contract documents"), "fa-folder-open"),
]
PORTAL_MENU = [
    (PortalCloudPhoneView, "cloud.phone (portal)", _l("cloud.phone"), "fa-cloud"),
    (PortalOrderView, "Orders (portal)", _l("Orders"), "fa-cart-shopping"),
    (PortalInvoiceView, "Invoices (portal)", _l("Invoices & call records"), "fa-file-invoice"),
    (PortalTicketView, "Tickets (portal)", _l("Support tickets"), "fa-life-ring"),
]
ADMIN_CATEGORY = ("Administration (portal)", _l("Administration"), "fa-building")
PORTAL_ADMIN_MENU = [
    (PortalCompanyView, "Company data (portal)", _l("Your company data"), "fa-building"),
    (PortalUserView, "Users (portal)", _l("User management"), "fa-users"),
    (PortalAuditLogView, "Audit log (portal)", _l("Audit log"), "fa-clipboard-list"),
    (PortalApiKeyView, "API keys (portal)", _l("API keys"), "fa-key"),
]
PORTAL_VIEWS = tuple(view for view, *_ in PORTAL_CONTRACT_MENU + PORTAL_MENU + PORTAL_ADMIN_MENU)


def register_portal_views(appbuilder) -> None:
    """Add the portal views to the navbar (only roles holding a view see its entry, a menu only with one)."""
    _add_category(appbuilder, CONTRACT_CATEGORY, PORTAL_CONTRACT_MENU)
    for view, name, label, icon in PORTAL_MENU:
        appbuilder.add_view(view, name, label=label, icon=icon)
    appbuilder.add_view_no_menu(PortalContractActionView)  # self-care actions (issue 14)
    _add_category(appbuilder, ADMIN_CATEGORY, PORTAL_ADMIN_MENU)


def _add_category(appbuilder, category_entry, entries) -> None:
    category, category_label, category_icon = category_entry
    for view, name, label, icon in entries:
        appbuilder.add_view(view, name, label=label, icon=icon, category=category, category_label=category_label,
                            category_icon=category_icon)
