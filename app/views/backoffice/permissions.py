"""Back-office permissions per role: {role: {view permission name: (permissions…)}}.

Sales enter customers, offers and orders (R-BO-2); Service works orders,
contracts, tickets, documents and invoices (R-BO-3). Admin holds everything
and is not listed (roles.sync_roles grants it all).
"""
from app.security.roles_base import FULL, READ, SALES, SERVICE, WRITE  # noqa: F401

BACKOFFICE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    SALES: {},
    SERVICE: {},
}
