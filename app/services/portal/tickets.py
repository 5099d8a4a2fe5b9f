"""Support tickets of the signed-in customer, read side (R-TIC-4)."""
from __future__ import annotations

from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Ticket, TicketComment
from app.models.enums import TicketStatus
from app.services.portal.paging import Page, paginate, with_contract
from app.services.tenancy import get_owned_or_404, scoped

CLOSED_SHOWN = 10


def ticket_lists(page: int) -> tuple[Page, list[Ticket]]:
    """R-TIC-4: every open ticket (a page at a time), plus the last ten closed ones."""
    base = scoped(Ticket).options(with_contract(Ticket.contract), joinedload(Ticket.invoice))
    open_tickets = paginate(
        base.where(Ticket.status != TicketStatus.CLOSED).order_by(Ticket.created_at.desc(), Ticket.id.desc()), page)
    closed = db.session.scalars(
        base.where(Ticket.status == TicketStatus.CLOSED).order_by(Ticket.closed_at.desc(), Ticket.id.desc())
        .limit(CLOSED_SHOWN)
    ).unique().all()
    return open_tickets, list(closed)


def ticket_detail(raw_id) -> tuple[Ticket, list[TicketComment]]:
    """The ticket and the replies the customer may read (internal notes stay in the back office)."""
    ticket = get_owned_or_404(Ticket, raw_id, with_contract(Ticket.contract), joinedload(Ticket.invoice))
    comments = db.session.scalars(
        scoped(TicketComment).where(TicketComment.ticket_id == ticket.id, TicketComment.internal.is_(False))
        .order_by(TicketComment.created_at, TicketComment.id)
    ).all()
    return ticket, list(comments)
