"""What each declared role may open: {role: {view permission name: (permissions…)}} (DESIGN rule 8).

Views are named by their FAB permission name (the class name unless the view sets
`class_permission_name`), so these declarations need no view module: views, security
and services all read them from here. `flask --app run roles sync` keeps of each grant
only the permissions the registered view offers (a bundle such as WRITE on a view
without an add form grants list, show and edit) and refuses a view name that no
registered view has. Admin holds everything of the back office and is not listed.

- Portal Admin: the whole portal of their company; sees the cloud.phone contracts but does not
  sign on to the PBX (manual: only the "Administrator Telefonanlage" signs on by SSO, R-PBX-1).
- PBX Admin: cloud.phone (landing page and sign-on), tickets, profile.
- Accounting: invoices and call records, tickets, profile (R-INV-1).
- Only the Portal Admin: the start page's "Show customer password" (R-HOME-3). The manual has the
  customer password release orders (at the hotline and in the option wizard); PBX Admin and
  Accounting may not order, so they do not get the password that would let them order by phone.
- Sales enter customers, offers and orders (R-BO-2); Service works orders, contracts,
  tickets, documents and invoices (R-BO-3) and reads the other business records. The
  System menu (outbox, audit log) and the account views stay with Admin, except that
  Service may read the outbox to answer "was the email sent?" (sensitive bodies are never shown).
- Every role has the user menu: My profile, Change password, authenticator app (R-AUTH-7..9).
"""
from __future__ import annotations

from typing import Iterable

from app.roles import ACCOUNTING, ALL_ROLES, FULL, PBX_ADMIN, PORTAL_ADMIN, READ, SALES, SERVICE, WRITE

ACCOUNT_VIEW = "Account"  # the user menu (app/views/account)
LOOKUP_VIEW = "BackofficeLookup"  # the select fields' search (app/views/backoffice/lookups.py)
LOOKUP = ("can_lookup",)

ACCOUNT_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    role: {ACCOUNT_VIEW: ("can_access",)} for role in ALL_ROLES
}

_HOME = {"PortalHome": ("can_customer_password",)}
_CONTRACTS = {"PortalContracts": ("can_list", "can_show")}
_CONTRACT_ACTIONS = {"PortalContractActions": ("can_manage",)}  # R-SIP-1..6: Portal Admin only (README)
_CLOUD_PHONE_LIST = {"PortalCloudPhone": ("can_list",)}
_CLOUD_PHONE_SIGN_ON = {"PortalCloudPhone": ("can_list", "can_sign_on")}
_ORDERS = {"PortalOrders": ("can_list", "can_show", "can_accept")}
_INVOICES = {"PortalInvoices": ("can_list", "can_download")}
_DOCUMENTS = {"PortalDocuments": ("can_list", "can_download")}
_TICKETS = {"PortalTickets": ("can_list", "can_show", "can_add")}
_OPTION_ORDER = {"PortalOptionOrder": ("can_order",)}  # R-WIZ: the wizard, the Portal Admin's alone
# R-CUS-1..3, R-USR-1..3: the Portal Admin only.
_COMPANY = {"PortalCompany": ("can_list", "can_edit"), "PortalUsers": ("can_list", "can_edit"),
            "PortalAuditLog": ("can_list",)}
_API_KEYS = {"PortalApiKeys": ("can_list", "can_create", "can_revoke")}  # issue 19: the Portal Admin's alone

PORTAL_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    PORTAL_ADMIN: {**_HOME, **_CONTRACTS, **_CONTRACT_ACTIONS, **_CLOUD_PHONE_LIST, **_ORDERS, **_INVOICES, **_DOCUMENTS,
                   **_TICKETS, **_OPTION_ORDER, **_COMPANY, **_API_KEYS},
    PBX_ADMIN: {**_CLOUD_PHONE_SIGN_ON, **_TICKETS},
    ACCOUNTING: {**_INVOICES, **_TICKETS},
}

SALES_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "CustomerView": WRITE,
    "ContactPersonView": FULL,
    "LocationView": FULL,
    "ContractView": WRITE,
    "ContractOptionView": FULL,
    "OrderView": WRITE,
    "OrderItemView": FULL,
    "OrderStepView": WRITE,
    # Issue 13 part 6/7: the option order's uploads (download) and where its portings stand.
    "DocumentView": READ + ("can_download",),
    "PortingView": READ,
    "ProductView": READ,
    "OptionTypeView": READ,
    LOOKUP_VIEW: LOOKUP,
}

SERVICE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    # R-BO-3: order status and work steps, contract status.
    "OrderView": READ + ("can_edit",),
    "OrderStepView": FULL,
    "OrderItemView": READ,
    "PortingView": READ + ("can_set_state",),
    "ContractView": READ + ("can_edit",),
    # Tickets and replies.
    "TicketView": WRITE,
    "TicketCommentView": FULL,
    # Documents and invoices.
    "DocumentView": FULL + ("can_download",),
    "InvoiceView": WRITE,
    # Numbers, SIP, forwardings, registrations, DSL, CPE, shipments.
    "PhoneNumberView": WRITE,
    "SipAccountView": FULL,
    "CallForwardingView": FULL,
    "TrunkRegistrationView": FULL,
    "ProvisioningChangeView": READ + ("can_retry",),  # self-care changes: see and retry (issue 14)
    "DslAccountView": WRITE,
    "CpeView": WRITE,
    "ShipmentView": WRITE,
    # Read the rest of the business records.
    "CustomerView": READ,
    "ContactPersonView": READ,
    "LocationView": READ,
    "ContractOptionView": READ,
    "ProductView": READ,
    "OptionTypeView": READ,
    "CallRecordView": READ,
    "OutboxMessageView": READ,
    LOOKUP_VIEW: LOOKUP,
}

BACKOFFICE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    SALES: SALES_PERMISSIONS,
    SERVICE: SERVICE_PERMISSIONS,
}


def declared_views(role: str) -> dict[str, set[str]]:
    """{view permission name: permissions} declared for `role`, over every area."""
    merged: dict[str, set[str]] = {}
    for table in (BACKOFFICE_PERMISSIONS, PORTAL_PERMISSIONS, ACCOUNT_PERMISSIONS):
        for view, perms in table.get(role, {}).items():
            merged.setdefault(view, set()).update(perms)
    return merged


def declared_pairs(role: str, offered: dict[str, Iterable[str]] | None = None) -> set[tuple[str, str]]:
    """The (permission, view) pairs declared for a role, menu access excluded.

    With `offered` ({view permission name: the permissions the view offers}) a bundle
    keeps only what its view offers; a view missing from `offered` raises KeyError.
    """
    pairs = set()
    for view, perms in declared_views(role).items():
        allowed = set(offered[view]) if offered is not None else perms
        pairs |= {(perm, view) for perm in perms if perm in allowed}
    return pairs


def menu_pairs(menu_items: Iterable, granted_views: set[str]) -> set[tuple[str, str]]:
    """menu_access for every entry whose view the role may open, and its category."""
    pairs: set[tuple[str, str]] = set()
    for item in menu_items:
        children = [c for c in item.childs if c.name != "-"]
        for child in children:
            view = getattr(child, "baseview", None)
            if view is not None and view.class_permission_name in granted_views:
                pairs.add(("menu_access", child.name))
                pairs.add(("menu_access", item.name))
        view = getattr(item, "baseview", None)
        if not children and view is not None and view.class_permission_name in granted_views:
            pairs.add(("menu_access", item.name))
    return pairs
