"""Support tickets of the signed-in customer: the list (R-TIC-4), the thread and replies (R-TIC-5)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Contract, Invoice, Ticket, TicketAttachment, TicketComment
from app.models.enums import TicketStatus
from app.services import ticket_files, ticket_mail
from app.services.errors import Invalid, NotFound
from app.services.portal.paging import KeptPages, Page, with_contract
from app.services.portal.plain import plain_rows
from app.services.tenancy import get_owned_or_404, scoped, scoped_template, tenant_params

CLOSED_SHOWN = 10
REPLY_MAX = 10000


def ticket_lists(page: int) -> tuple[Page, list]:
    """R-TIC-4: every open ticket (a page at a time), plus the last ten closed ones; rows of the columns the
    list shows (`LIST_COLUMNS`: no ticket, contract or invoice objects built; issue 20, P10)."""
    params = tenant_params()
    open_tickets = _OPEN_TICKETS.page(params, page)
    closed = plain_rows(_CLOSED_TICKETS, params).all()
    return open_tickets, list(closed)


# What the list shows of a ticket: what it concerns is its contract's number, else its invoice's number.
LIST_COLUMNS = (Ticket.id, Ticket.ticket_number, Ticket.title, Ticket.kind, Ticket.status, Ticket.created_at,
                Ticket.contact_support, Contract.contract_number, Invoice.invoice_number)


def _list_statement(*where):
    """The list's rows (built once per process, run with tenant_params()); contract and invoice are the
    ticket's own, joined by its keys."""
    return (scoped_template(Ticket, *LIST_COLUMNS).outerjoin(Contract, Contract.id == Ticket.contract_id)
            .outerjoin(Invoice, Invoice.id == Ticket.invoice_id).where(*where))


_OPEN_TICKETS = KeptPages(
    _list_statement(Ticket.status != TicketStatus.CLOSED).order_by(Ticket.created_at.desc(), Ticket.id.desc()),
    counted=scoped_template(Ticket, Ticket.id).where(Ticket.status != TicketStatus.CLOSED), rows=True)
_CLOSED_TICKETS = _list_statement(Ticket.status == TicketStatus.CLOSED) \
    .order_by(Ticket.closed_at.desc(), Ticket.id.desc()).limit(CLOSED_SHOWN)


def ticket_detail(raw_id) -> tuple[Ticket, list[TicketComment]]:
    """The ticket and the replies the customer may read (internal notes stay in the back office)."""
    ticket = get_owned_or_404(Ticket, raw_id, with_contract(Ticket.contract), joinedload(Ticket.invoice))
    comments = db.session.scalars(
        scoped(TicketComment).where(TicketComment.ticket_id == ticket.id, TicketComment.internal.is_(False))
        .order_by(TicketComment.created_at, TicketComment.id)
    ).all()
    return ticket, list(comments)


def visible_attachments(ticket: Ticket) -> dict[int | None, list[TicketAttachment]]:
    """{comment id (None: the ticket's own): files} the customer may see: never those of an internal note."""
    rows = db.session.execute(
        scoped(TicketAttachment, TicketAttachment, TicketComment.internal)
        .outerjoin(TicketComment, TicketAttachment.comment_id == TicketComment.id)
        .where(TicketAttachment.ticket_id == ticket.id).order_by(TicketAttachment.id)
    ).all()
    shown: dict[int | None, list[TicketAttachment]] = {}
    for attachment, internal in rows:
        if not internal:
            shown.setdefault(attachment.comment_id, []).append(attachment)
    return shown


def attachment(raw_file_id) -> TicketAttachment:
    """One file of the customer's tickets, NotFound for another customer's or one of an internal note."""
    row = get_owned_or_404(TicketAttachment, raw_file_id)
    if row.comment is not None and row.comment.internal:
        raise NotFound()
    return row


def reply(raw_id, user, body: str | None, files) -> TicketComment:
    """R-TIC-5: a customer user's reply with files; the team is emailed; one transaction."""
    ticket = get_owned_or_404(Ticket, raw_id)
    body = (body or "").strip()
    errors: dict[str, list] = {}
    if not body:
        errors["body"] = [_l("Please write your reply.")]
    elif len(body) > REPLY_MAX:
        errors["body"] = [_l("The reply may have at most %(count)d characters.", count=REPLY_MAX)]
    if ticket.status is TicketStatus.CLOSED:
        errors["body"] = [_l("This ticket is closed. Please create a new ticket.")]
    try:
        checked = ticket_files.checked(files)
    except Invalid as exc:
        errors["attachments"] = exc.messages
    if errors:
        db.session.rollback()
        raise Invalid(fields=errors)
    comment = TicketComment(customer_id=ticket.customer_id, ticket=ticket, author_id=user.id, body=body,
                            internal=False)
    if ticket.status is TicketStatus.WAITING_FOR_CUSTOMER:
        ticket.status = TicketStatus.IN_PROGRESS
    ticket_files.save_with_files(ticket, comment, checked,
                                 lambda stored: ticket_mail.queue_customer_reply(ticket, comment, user, stored))
    return comment
