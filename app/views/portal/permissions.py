"""Portal permissions per portal role (SPEC roles; issue: customer portal).

- Portal Admin: the whole portal of their company.
- PBX Admin: cloud.phone (landing page and sign-on), tickets, profile.
- Accounting: invoices and call records, tickets, profile (R-INV-1).
"""
from app.security.roles_base import ACCOUNTING, PBX_ADMIN, PORTAL_ADMIN

_CONTRACTS = {"PortalContracts": ("can_list", "can_show")}
_CLOUD_PHONE = {"PortalCloudPhone": ("can_list", "can_sign_on")}
_ORDERS = {"PortalOrders": ("can_list", "can_show", "can_accept")}
_INVOICES = {"PortalInvoices": ("can_list", "can_download")}
_DOCUMENTS = {"PortalDocuments": ("can_list", "can_download")}
_TICKETS = {"PortalTickets": ("can_list", "can_show")}

PORTAL_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    PORTAL_ADMIN: {**_CONTRACTS, **_CLOUD_PHONE, **_ORDERS, **_INVOICES, **_DOCUMENTS, **_TICKETS},
    PBX_ADMIN: {**_CLOUD_PHONE, **_TICKETS},
    ACCOUNTING: {**_INVOICES, **_TICKETS},
}
