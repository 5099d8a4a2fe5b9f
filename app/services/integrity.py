"""Rules every flush obeys, whoever writes: a customer-owned row never changes its customer.

A contract, order, ticket, invoice, … and every row under it carry the
customer's id (QUALITY S3). Moving one row to another customer would leave its
children (options, numbers, documents, …) with the old id, so the old customer
would keep seeing them and the new one would see a half. The rule is enforced
once, below every view and service, by a flush guard (registered in
app/services/listeners.py): a flush that changes `customer_id` (or
the `customer` relation) of a persistent customer-owned row raises `Invalid`
with a translated message and writes nothing. Accounts (`__customer_fixed__`) obey
the same rule: a portal account moved to another company would see its data.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.services.errors import Invalid

CUSTOMER_CHANGE_REFUSED = _l(
    "A record cannot be moved to another customer: its customer stays as it is. "
    "Enter the record anew for the other customer."
)

_UNKNOWN = object()  # nothing in this flush sets the customer
_NOT_YET_STORED = object()  # set to a customer that has no id yet: certainly another one


def _stored_customer_id(session: Session, state):
    """The customer id the row has in the database (the value before this flush)."""
    history = state.attrs.customer_id.history
    if history.deleted:
        return history.deleted[0]
    if history.unchanged:
        return history.unchanged[0]
    # Not loaded (expired): ask the database, without an autoflush (we are inside one).
    table = state.mapper.local_table
    condition = [column == value for column, value in zip(state.mapper.primary_key, state.identity)]
    return session.connection().scalar(select(table.c.customer_id).where(*condition))


def _new_customer_id(state):
    """The customer id the row would get from this flush, or _UNKNOWN when nothing set it."""
    relation = state.attrs.customer.history
    if relation.added:
        customer = relation.added[0]
        if customer is None:
            return None
        identity = inspect(customer).identity
        return identity[0] if identity else _NOT_YET_STORED
    column = state.attrs.customer_id.history
    if column.added:
        return column.added[0]
    return _UNKNOWN


def customer_changes(session: Session) -> list[object]:
    """The persistent customer-owned rows of `session` whose customer this flush would change."""
    moved = []
    for obj in session.dirty:
        model = type(obj)
        if not (getattr(model, "__customer_owned__", False) or getattr(model, "__customer_fixed__", False)):
            continue
        state = inspect(obj)
        if not state.persistent:
            continue
        new = _new_customer_id(state)
        if new is _UNKNOWN:
            continue
        if new is _NOT_YET_STORED or new != _stored_customer_id(session, state):
            moved.append(obj)
    return moved


def refuse_customer_change(session: Session, flush_context, instances) -> None:
    """Refuse the whole flush when it would move a row to another customer."""
    if customer_changes(session):
        raise Invalid(CUSTOMER_CHANGE_REFUSED)
