"""Portal permissions per portal role (SPEC roles; issue: customer portal).

- Portal Admin: the whole portal of their company; sees the cloud.phone contracts but does not
  sign on to the PBX (manual: only the "Administrator Telefonanlage" signs on by SSO, R-PBX-1).
- PBX Admin: cloud.phone (landing page and sign-on), tickets, profile.
- Accounting: invoices and call records, tickets, profile (R-INV-1).
- Every portal role: the start page's "Show customer password" (R-HOME-3).
"""
from app.security.roles_base import ACCOUNTING, PBX_ADMIN, PORTAL_ADMIN

_HOME = {"PortalHome": ("can_customer_password",)}
_CONTRACTS = {"PortalContracts": ("can_list", "can_show")}
_CLOUD_PHONE_LIST = {"PortalCloudPhone": ("can_list",)}
_CLOUD_PHONE_SIGN_ON = {"PortalCloudPhone": ("can_list", "can_sign_on")}
_ORDERS = {"PortalOrders": ("can_list", "can_show", "can_accept")}
_INVOICES = {"PortalInvoices": ("can_list", "can_download")}
_DOCUMENTS = {"PortalDocuments": ("can_list", "can_download")}
_TICKETS = {"PortalTickets": ("can_list", "can_show")}

PORTAL_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    PORTAL_ADMIN: {**_HOME, **_CONTRACTS, **_CLOUD_PHONE_LIST, **_ORDERS, **_INVOICES, **_DOCUMENTS, **_TICKETS},
    PBX_ADMIN: {**_HOME, **_CLOUD_PHONE_SIGN_ON, **_TICKETS},
    ACCOUNTING: {**_HOME, **_INVOICES, **_TICKETS},
}
