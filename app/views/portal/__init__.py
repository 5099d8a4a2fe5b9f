"""Customer portal views (SPEC §3-§13), scoped to the signed-in user's customer.

Menu names carry a "(portal)" suffix: they are FAB's permission names for
`menu_access` and must never collide with back-office entries. Users read the
translated label.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.views.portal.api_keys import PortalApiKeyView
from app.views.portal.cloud_phone import PortalCloudPhoneView
from app.views.portal.contract_actions import PortalContractActionView
from app.views.portal.contracts import PortalContractView
from app.views.portal.documents import PortalDocumentView, PortalInvoiceView
from app.views.portal.option_order import PortalOptionOrderView
from app.views.portal.orders import PortalOrderView
from app.views.portal.tickets import PortalTicketView

PORTAL_MENU = [
    (PortalContractView, "Contracts (portal)", _l("Contracts"), "fa-file-signature"),
    (PortalOptionOrderView, "Change options (portal)", _l("Change options"), "fa-sliders"),
    (PortalCloudPhoneView, "cloud.phone (portal)", _l("cloud.phone"), "fa-cloud"),
    (PortalOrderView, "Orders (portal)", _l("Orders"), "fa-cart-shopping"),
    (PortalInvoiceView, "Invoices (portal)", _l("Invoices & call records"), "fa-file-invoice"),
    (PortalDocumentView, "Documents (portal)", _l("Contract documents"), "fa-folder-open"),
    (PortalTicketView, "Tickets (portal)", _l("Support tickets"), "fa-life-ring"),
]
PORTAL_VIEWS = tuple(view for view, *_ in PORTAL_MENU)


def register_portal_views(appbuilder) -> None:
    """Add the portal views as top-level menu entries (only roles holding them see them)."""
    for view, name, label, icon in PORTAL_MENU:
        appbuilder.add_view(view, name, label=label, icon=icon)
    appbuilder.add_view_no_menu(PortalContractActionView)  # self-care actions (issue 14)
    appbuilder.add_view_no_menu(PortalApiKeyView)  # issue 19: in the user menu (the navbar has no room left)
