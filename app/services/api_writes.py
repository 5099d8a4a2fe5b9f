"""What the REST API writes (issue 19): an option order through the wizard's own service, audited.

The order goes the wizard's way (`app.services.option_order`): a draft for the contract,
the new totals, then the submit that checks the customer password (R-WIZ) and places
the order in one transaction. A refused request leaves no draft behind. Every write
names the API key in the audit log.
"""
from __future__ import annotations

from app.extensions import db
from app.services import audit, option_order
from app.services.errors import ServiceError

API_WRITE = "api_write"


def order_options(customer, user, key_name: str, contract_id, choices: dict, customer_password: str | None):
    """Place an option order for `contract_id` with the new totals `choices` {line key: total}."""
    draft = option_order.start(customer, user, contract_id)
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
