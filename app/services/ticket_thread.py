"""The back office's side of a ticket's conversation (R-TIC-5, R-BO-3).

Staff read the whole thread (internal notes included, marked), reply with files
(the ticket's creator is emailed) or write internal notes (nobody is emailed, the
portal never shows them or their files), and set status, the "contact support" flag
and the assignee in the same step. Each write is one transaction.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import EServiceUser, Ticket, TicketAttachment, TicketComment
from app.models.enums import TicketStatus
from app.models.mixins import utcnow
from app.services import ticket_files, ticket_mail
from app.services.errors import Invalid, NotFound

REPLY_MAX = 10000


def load(raw_id) -> Ticket:
    """The ticket (any customer's: staff work every ticket); NotFound for a malformed or unknown id."""
    try:
        ident = int(str(raw_id))
    except ValueError:
        raise NotFound() from None
    ticket = db.session.get(Ticket, ident) if 1 <= ident <= 2**31 - 1 else None
    if ticket is None:
        raise NotFound()
    return ticket


def thread(ticket: Ticket) -> tuple[list[TicketComment], dict[int | None, list[TicketAttachment]]]:
    """Every comment (internal ones too) and the files by comment (None: the ticket's own)."""
    comments = db.session.scalars(select(TicketComment).where(TicketComment.ticket_id == ticket.id)
                                  .order_by(TicketComment.created_at, TicketComment.id)).all()
    files: dict[int | None, list[TicketAttachment]] = {}
    for row in db.session.scalars(select(TicketAttachment).where(TicketAttachment.ticket_id == ticket.id)
                                  .order_by(TicketAttachment.id)):
        files.setdefault(row.comment_id, []).append(row)
    return list(comments), files


def staff_members() -> list[EServiceUser]:
    """Who a ticket can be assigned to: the active staff accounts (no customer)."""
    return list(db.session.scalars(select(EServiceUser).where(EServiceUser.customer_id.is_(None),
                                                              EServiceUser.active.is_(True))
                                   .order_by(EServiceUser.first_name, EServiceUser.last_name)))


def attachment(ticket: Ticket, raw_file_id) -> TicketAttachment:
    try:
        row = db.session.get(TicketAttachment, int(str(raw_file_id)))
    except (ValueError, OverflowError):
        row = None
    if row is None or row.ticket_id != ticket.id:
        raise NotFound()
    return row


def work(ticket: Ticket, user, *, body: str | None, internal: bool, files, status: str | None,
         contact_support: bool, assignee_id: str | None) -> TicketComment | None:
    """Set status, flag and assignee; add the reply or internal note when there is text. One transaction."""
    errors: dict[str, list] = {}
    new_status = next((s for s in TicketStatus if s.value == status), None)
    if new_status is None:
        errors["status"] = [_l("Please choose the status.")]
    assignee = None
    if assignee_id:
        assignee = next((m for m in staff_members() if str(m.id) == str(assignee_id)), None)
        if assignee is None:
            errors["assignee"] = [_l("Please choose a member of staff.")]
    body = (body or "").strip()
    if len(body) > REPLY_MAX:
        errors["body"] = [_l("The reply may have at most %(count)d characters.", count=REPLY_MAX)]
    checked = []
    try:
        checked = ticket_files.checked(files)
    except Invalid as exc:
        errors["attachments"] = exc.messages
    if checked and not body:
        errors["body"] = [_l("Please write the text that goes with the files.")]
    if errors:
        db.session.rollback()
        raise Invalid(fields=errors)
    ticket.status = new_status
    ticket.closed_at = (ticket.closed_at or utcnow()) if new_status is TicketStatus.CLOSED else None
    ticket.contact_support = bool(contact_support)
    ticket.assignee = assignee
    if not body:
        db.session.commit()
        return None
    comment = TicketComment(customer_id=ticket.customer_id, ticket=ticket, author_id=user.id, body=body,
                            internal=bool(internal))

    def notify(stored):
        if not comment.internal:
            ticket_mail.queue_staff_reply(ticket, comment, stored)

    ticket_files.save_with_files(ticket, comment, checked, notify)
    return comment
