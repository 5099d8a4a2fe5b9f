"""The emails of a ticket's conversation, through the outbox (R-TIC-5, R-JOB-3).

A customer's new ticket or reply goes to the team's address (TICKET_TEAM_EMAIL, else
SERVICE_EMAIL); a staff reply goes to the ticket's creator (a portal user) in their
language. Internal notes never send anything: no function here takes one.
"""
from __future__ import annotations

from flask import current_app

from app.models.enums import Channel
from app.services.notifications import queue
from app.services.notifications.messages import recipient_locale, render_message


def team_address() -> str:
    """Where customers' tickets and replies go: TICKET_TEAM_EMAIL, else the service address."""
    return current_app.config.get("TICKET_TEAM_EMAIL") or current_app.config["SERVICE_EMAIL"]


def _staff_locale() -> str:
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "de")


def regarding(ticket) -> str:
    """The ticket's subject as a line of text: contract (and option) or invoice number."""
    if ticket.invoice is not None:
        return ticket.invoice.invoice_number
    text = ticket.contract.contract_number if ticket.contract is not None else "–"
    if ticket.contract_option is not None:
        text += f" / {ticket.contract_option.option_type.name}"
    return text


def _author(user) -> str:
    return getattr(user, "full_name", None) or getattr(user, "username", "")


def _send_to_team(ticket, template: str, **values):
    from flask_babel import force_locale, gettext as _

    locale = _staff_locale()
    customer = ticket.customer
    with force_locale(locale):
        team = _("customer service team")
    subject, body = render_message(template, locale, name=team, number=ticket.ticket_number, title=ticket.title,
                                   company=customer.company_name, customer_number=customer.customer_number,
                                   **values)
    message = queue(Channel.EMAIL, team_address(), subject, body, locale=locale, sensitive=False)
    message.customer_id = ticket.customer_id
    return message


def queue_new_ticket(ticket, user):
    """A new ticket from the portal, to the team (no commit)."""
    from flask_babel import force_locale

    with force_locale(_staff_locale()):
        kind = str(ticket.kind.label)
    return _send_to_team(ticket, "email/ticket_new_staff.txt", author=_author(user), kind=kind,
                         regarding=regarding(ticket), description=ticket.description,
                         express=ticket.order.order_number if ticket.order is not None else "")


def queue_customer_reply(ticket, comment, user, files):
    """A customer user's reply, to the team (no commit)."""
    return _send_to_team(ticket, "email/ticket_reply_staff.txt", author=_author(user), body=comment.body,
                         files=", ".join(f.filename for f in files))


def queue_staff_reply(ticket, comment, files):
    """A staff reply, to the ticket's creator when that is a portal user with an address (no commit)."""
    if comment.internal:
        return None
    creator = ticket.created_by
    if creator is None or creator.customer_id != ticket.customer_id or not creator.email:
        return None
    locale = recipient_locale(creator)
    subject, body = render_message("email/ticket_reply_customer.txt", locale, name=creator.full_name,
                                   number=ticket.ticket_number, title=ticket.title, body=comment.body,
                                   files=", ".join(f.filename for f in files))
    return queue(Channel.EMAIL, creator.email, subject, body, locale=locale, sensitive=False, user=creator)
