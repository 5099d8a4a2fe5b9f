"""Write endpoints of the REST API (issue 19): option orders (read-write keys of a Portal Admin)."""
from __future__ import annotations

from flask import current_app, g, request

from app.services import api_writes
from app.services.api_keys import key_user
from app.services.errors import Forbidden, Invalid
from app.services.tenancy import current_customer
from app.views.api.base import api
from app.views.portal.base import object_ids


def _json() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid("the body must be a JSON object")
    return body


@api.post("/option-orders")
@object_ids()
def option_order():
    """Place an option order: {"contract_id", "options": {line key: new total}, "customer_password"}."""
    grant = g.api_grant
    user = key_user(grant)
    if not current_app.appbuilder.sm._has_view_access(user, "can_order", "PortalOptionOrder"):
        raise Forbidden()
    body = _json()
    contract_id, choices, password = body.get("contract_id"), body.get("options"), body.get("customer_password")
    if not isinstance(contract_id, int) or isinstance(contract_id, bool) or not isinstance(choices, dict) \
            or not choices or not isinstance(password, str) or len(choices) > 200:
        raise Invalid("contract_id (integer), options (object: line key → new total) and customer_password "
                      "(string) are required")
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 100000 for v in choices.values()):
        raise Invalid("every new total is a whole number from 0")
    raw_key = request.headers.get("Idempotency-Key", "").strip()
    if len(raw_key) > 200:
        raise Invalid("Idempotency-Key: at most 200 characters")
    token = api_writes.submission_key(grant.id, raw_key) if raw_key else None
    earlier = api_writes.replayed_order(token)
    if earlier is not None:
        return _order_body(earlier), 200
    order = api_writes.order_options(current_customer(), user, grant.api_key.name, str(contract_id),
                                     {str(k)[:60]: v for k, v in choices.items()}, password, token)
    return _order_body(order), 201


def _order_body(order) -> dict:
    return {"id": order.id, "order_number": order.order_number, "status": order.status.value,
            "url": f"/api/v1/orders/{order.id}"}


def _may_write_tickets(user) -> None:
    if not current_app.appbuilder.sm._has_view_access(user, "can_add", "PortalTickets"):
        raise Forbidden()


def _text(body: dict, name: str, limit: int = 20000) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool) or len(str(value)) > limit:
        raise Invalid(f"{name}: a string of at most {limit} characters")
    return str(value)


@api.post("/tickets")
@object_ids()
def create_ticket():
    """Create a ticket as the portal's form does: {kind, subject, contract_number | invoice_number, option_id,
    title, description, express}; attachments only in the portal."""
    from app.services.portal.ticket_create import TicketInput

    grant = g.api_grant
    user = key_user(grant)
    _may_write_tickets(user)
    body = _json()
    express = body.get("express", False)
    if not isinstance(express, bool):
        raise Invalid("express: true or false")
    raw_key = request.headers.get("Idempotency-Key", "").strip()
    if len(raw_key) > 200:
        raise Invalid("Idempotency-Key: at most 200 characters")
    data = TicketInput(kind=_text(body, "kind", 40), subject=_text(body, "subject", 40),
                       contract=_text(body, "contract_number", 40), option=_text(body, "option_id", 20),
                       invoice=_text(body, "invoice_number", 40), title=_text(body, "title", 500),
                       description=_text(body, "description"), express=express)
    ticket = api_writes.create_ticket(user, grant.api_key.name, data, api_writes.ticket_token(grant.id, raw_key))
    return {"id": ticket.id, "ticket_number": ticket.ticket_number, "status": ticket.status.value,
            "order_id": ticket.order_id, "url": f"/api/v1/tickets/{ticket.id}"}, 201


@api.post("/tickets/<pk>/replies")
@object_ids(pk="Ticket")
def reply_ticket(pk):
    """Reply on one of the company's tickets: {body}; the carrier's team is emailed as for a portal reply."""
    grant = g.api_grant
    user = key_user(grant)
    _may_write_tickets(user)
    body = _json()
    comment = api_writes.reply_ticket(user, grant.api_key.name, pk, _text(body, "body"))
    return {"id": comment.id, "ticket_id": comment.ticket_id, "url": f"/api/v1/tickets/{comment.ticket_id}"}, 201
