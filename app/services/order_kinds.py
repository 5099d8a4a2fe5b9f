"""Who may enter which kind of order (R-ORD-3, R-BO-2).

Sales enter new provisions and product changes; option changes come from the
portal's wizard and terminations are entered by the carrier's service after a
written notice, so Service and Admin may set any kind. Any other role that is
given the order views gets the Sales set: the narrow one.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models.enums import OrderKind
from app.roles import ADMIN, SERVICE
from app.services.errors import Invalid

SALES_KINDS = (OrderKind.NEW_PROVISION, OrderKind.PRODUCT_CHANGE)
ALL_KINDS_ROLES = frozenset({SERVICE, ADMIN})


def kinds_for(role_names) -> tuple[OrderKind, ...]:
    """The order kinds a user with these roles may set, in the enum's order."""
    if ALL_KINDS_ROLES & set(role_names):
        return tuple(OrderKind)
    return SALES_KINDS


def check_order_kind(role_names, kind, previous=None) -> None:
    """Refuse setting `kind` unless the roles allow it; an unchanged kind (`previous`) is always kept."""
    if kind is None or kind == previous or kind in kinds_for(role_names):
        return
    allowed = ", ".join(str(k.label) for k in kinds_for(role_names))
    raise Invalid(_l("You may enter orders of these kinds only: %(kinds)s. Option changes come from the "
                     "portal, terminations are entered by the service team.", kinds=allowed))
