"""Tenant isolation, done once (QUALITY S1-S3): every portal query goes through here.

A portal user belongs to exactly one customer. Portal views never build queries
on customer-owned models themselves; they ask this module, which adds the
signed-in user's `customer_id` to every statement:

- `tenant_id()`             the customer of the signed-in user, 404 for anyone without one
- `scoped(Model)`           `select(Model)` restricted to that customer
- `get_owned_or_404(Model, id)`  one row of that customer, else 404 (never 403: the
                             answer must not tell whether another customer's id exists)
- `scoped_update(Model)`    `update(Model)` restricted to that customer
- `current_customer()`      the customer row itself

Portal views subclass `app.views.portal.base.PortalView` and call services in
`app/services/portal/`; `tests/portal/test_tenancy_guard.py` walks the url_map and the
sources so that no portal route or service can bypass this module.

Ids from the client are only ever looked up through `get_owned_or_404`, so an id of
another customer behaves exactly like an id that does not exist.
"""
from __future__ import annotations

from flask import abort, g

from app.extensions import db

INT32_MAX = 2**31 - 1


def tenant_id() -> int:
    """The signed-in portal user's customer id; 404 for anonymous users and staff."""
    user = getattr(g, "user", None)
    customer_id = getattr(user, "customer_id", None) if getattr(user, "is_authenticated", False) else None
    if customer_id is None:
        abort(404)
    return customer_id


def _owned(model):
    if not getattr(model, "__customer_owned__", False):
        raise TypeError(f"{model.__name__} is not customer-owned; it cannot be scoped to a tenant")
    return model


def scoped(model, *columns):
    """`select(model)` (or the given columns) limited to the signed-in user's customer."""
    from sqlalchemy import select

    statement = select(*columns) if columns else select(_owned(model))
    return statement.where(_owned(model).customer_id == tenant_id())


def scoped_update(model):
    """`update(model)` limited to the signed-in user's customer (for compare-and-set changes)."""
    from sqlalchemy import update

    return update(_owned(model)).where(model.customer_id == tenant_id())


def current_customer():
    """The signed-in portal user's customer (404 for staff and anonymous users)."""
    from app.models import Customer

    customer = db.session.get(Customer, tenant_id())
    if customer is None:
        abort(404)
    return customer


def parse_id(raw) -> int:
    """A positive 32-bit id from the URL, else 404.

    ASCII digits only: `str.isdigit()` also accepts "²" and "١", which `int()` then
    refuses or reads as another number (R7: no 500 for a malformed id).
    """
    text = str(raw or "")
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        abort(404)
    value = int(text)
    if not 1 <= value <= INT32_MAX:
        abort(404)
    return value


def get_owned_or_404(model, raw_id, *options):
    """The row `raw_id` of `model` when it belongs to the signed-in user's customer, else 404."""
    statement = scoped(model).where(model.id == parse_id(raw_id))
    if options:
        statement = statement.options(*options)
    row = db.session.scalar(statement)
    if row is None:
        abort(404)
    return row
