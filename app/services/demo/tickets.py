"""The demo tickets were opened by their company's Portal Admin, so staff replies reach someone (R-TIC-5)."""
from __future__ import annotations

from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import select

from app.extensions import db
from app.models import EServiceUser, Ticket
from app.roles import PORTAL_ADMIN


def link_ticket_creators(customers: dict) -> int:
    """Give every demo ticket without a creator its company's Portal Admin; the number of tickets changed."""
    changed = 0
    for customer in customers.values():
        admin = db.session.scalar(select(EServiceUser).where(
            EServiceUser.customer_id == customer.id, EServiceUser.roles.any(Role.name == PORTAL_ADMIN))
            .order_by(EServiceUser.id).limit(1))
        if admin is None:
            continue
        for ticket in db.session.scalars(select(Ticket).where(Ticket.customer_id == customer.id,
                                                              Ticket.created_by_id.is_(None))):
            ticket.created_by_id = admin.id
            changed += 1
    return changed
