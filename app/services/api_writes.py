"""What the REST API writes (issue 19): an option order through the wizard's own service, audited.

The order goes the wizard's way (`app.services.option_order`): a draft for the contract,
the new totals, then the submit that checks the customer password (R-WIZ) and places
the order in one transaction. A refused request leaves no draft behind. Every write
names the API key in the audit log.
"""
from __future__ import annotations

import hashlib

from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Order
from app.services import audit, option_order
from app.services.errors import Invalid, ServiceError
from app.services.tenancy import scoped

API_WRITE = "api_write"


def submission_key(grant_id: int, idempotency_key: str) -> str:
    """The order's submission key for a client's `Idempotency-Key` (per API key)."""
    return hashlib.sha256(f"api:{grant_id}:{idempotency_key}".encode()).hexdigest()


def replayed_order(token: str | None) -> Order | None:
    """The company's order placed earlier under the same idempotency key, if any."""
    if token is None:
        return None
    return db.session.scalar(scoped(Order).where(Order.submission_key == token))


def order_options(customer, user, key_name: str, contract_id, choices: dict, customer_password: str | None,
                  token: str | None = None):
    """Place an option order for `contract_id` with the new totals `choices` {line key: total}.

    With `token` (from `submission_key`) a repeated request places nothing and the caller
    answers with the first order (`replayed_order`); a parallel one loses at the unique key.
    """
    draft = option_order.start(customer, user, contract_id)
    if token is not None:
        draft.token = token  # the order's submission key: unique, so one order per idempotency key
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            _drop_draft(customer, user, draft.id)
            raise Invalid("a request with this Idempotency-Key is being processed") from None
    try:
        option_order.choose_options(customer, user, draft.id, choices)
        order = option_order.submit(customer, user, draft.id, customer_password)
    except ServiceError:
        db.session.rollback()
        _drop_draft(customer, user, draft.id)
        raise
    audit.record(API_WRITE, user, object_type="order", object_id=str(order.id),
                 details=f"API key “{key_name}”: option order {order.order_number}")
    db.session.commit()
    return order


def _drop_draft(customer, user, draft_id) -> None:
    try:
        option_order.discard(customer, user, draft_id)
    except ServiceError:
        db.session.rollback()  # already gone (submitted by a parallel request)


def ticket_token(grant_id: int, idempotency_key: str | None) -> str:
    """The ticket form's single-use token for an API request: from the client's Idempotency-Key, else new."""
    import base64

    if not idempotency_key:
        from app.services.portal.ticket_create import new_token

        return new_token()
    digest = hashlib.sha256(f"api:{grant_id}:{idempotency_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:32]


def create_ticket(user, key_name: str, data, token: str):
    """A ticket as the portal's form makes it (R-TIC-1..3, one per token), audited with the key's name."""
    from app.models import Ticket
    from app.services.portal.ticket_create import create, submission_key
    from app.services.tenancy import current_customer

    data.token = token
    earlier = db.session.scalar(scoped(Ticket, Ticket.id).where(
        Ticket.submission_key == submission_key(current_customer(), token)))
    ticket = create(user, data, [])
    if earlier is not None:
        return ticket  # the same Idempotency-Key again: the first ticket, written and audited once
    audit.record(API_WRITE, user, object_type="ticket", object_id=str(ticket.id),
                 details=f"API key “{key_name}”: ticket {ticket.ticket_number}")
    db.session.commit()
    return ticket


def reply_ticket(user, key_name: str, ticket_id, body: str | None):
    """A reply on one of the company's tickets as the portal writes it (R-TIC-5), audited with the key's name."""
    from app.services.portal.tickets import reply

    comment = reply(ticket_id, user, body, [])
    audit.record(API_WRITE, user, object_type="ticket", object_id=str(comment.ticket_id),
                 details=f"API key “{key_name}”: reply on ticket {comment.ticket_id}")
    db.session.commit()
    return comment
