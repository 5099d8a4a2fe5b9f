"""Tenant isolation, done once (QUALITY S1-S3): every portal query goes through here.

A portal user belongs to exactly one customer. Portal views never build queries
on customer-owned models themselves; they ask this module, which adds the
signed-in user's `customer_id` to every statement:

- `tenant_id()`             the customer of the acting user, NotFound (404) for anyone without one
- `scoped(Model)`           `select(Model)` restricted to that customer
- `get_owned_or_404(Model, id)`  one row of that customer, else NotFound (404, never 403: the
                             answer must not tell whether another customer's id exists)
- `scoped_update(Model)`    `update(Model)` restricted to that customer
- `current_customer()`      the customer row itself
- `scoped_template(Model)`  like `scoped`, for a statement built once per process and reused: the
                             customer is a bound parameter that `tenant_params()` fills in at each
                             execution (a statement run without it fails; it never reads all customers)

The acting user is the one the web layer bound for the request (`app.context`); this
module never reads the request itself. Portal views subclass `app.views.portal.base.PortalView` and call services in
`app/services/portal/`; `tests/portal/test_tenancy_guard.py` walks the url_map and the
sources so that no portal route or service can bypass this module.

Ids from the client are only ever looked up through `get_owned_or_404`, so an id of
another customer behaves exactly like an id that does not exist.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import bindparam, select, update

from app import context
from app.extensions import db
from app.models import Customer
from app.services.errors import NotFound

INT32_MAX = 2**31 - 1


def tenant_id() -> int:
    """The acting portal user's customer id; NotFound for anonymous users, staff and the system."""
    customer_id = context.current().customer_id
    if customer_id is None:
        raise NotFound()
    return customer_id


def _owned(model):
    if not getattr(model, "__customer_owned__", False):
        raise TypeError(f"{model.__name__} is not customer-owned; it cannot be scoped to a tenant")
    return model


def scoped(model, *columns):
    """`select(model)` (or the given columns) limited to the signed-in user's customer."""
    return _select(model, columns).where(_owned(model).customer_id == tenant_id())


def _select(model, columns):
    return select(*columns) if columns else select(_owned(model))


# The bound parameter of `scoped_template` statements; `tenant_params()` supplies it.
TENANT_PARAM = "tenant_id_"


def scoped_template(model, *columns):
    """`scoped(model, *columns)` with the customer as the bound parameter `TENANT_PARAM`, for a statement
    built once per process (issue 20: SQLAlchemy builds and keys a fresh statement on every call, some 0.1
    ms each; a kept statement skips both). Holds no customer's id; run it with `tenant_params()`."""
    return _select(model, columns).where(_owned(model).customer_id == bindparam(TENANT_PARAM))


def own_customer_template(*columns):
    """`select(*columns)` of the acting user's own customer row, as a statement built once per process
    (run with `tenant_params()`, like `scoped_template`)."""
    return select(*columns).where(Customer.id == bindparam(TENANT_PARAM))


def tenant_params(**params) -> dict:
    """The execution parameters of a `scoped_template` statement: the acting customer, plus `params`."""
    return {**params, TENANT_PARAM: tenant_id()}


def scoped_update(model):
    """`update(model)` limited to the signed-in user's customer (for compare-and-set changes)."""
    return update(_owned(model)).where(model.customer_id == tenant_id())


def current_customer():
    """The signed-in portal user's customer (NotFound for staff and anonymous users)."""
    customer = db.session.get(Customer, tenant_id())
    if customer is None:
        raise NotFound()
    return customer


def parse_id(raw) -> int:
    """A positive 32-bit id from the URL, else NotFound (404).

    ASCII digits only: `str.isdigit()` also accepts "²" and "١", which `int()` then
    refuses or reads as another number (R7: no 500 for a malformed id).
    """
    text = str(raw or "")
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        raise NotFound()
    value = int(text)
    if not 1 <= value <= INT32_MAX:
        raise NotFound()
    return value


@lru_cache(maxsize=None)
def _owned_by_id(model):
    """`get_owned_or_404`'s statement for `model`, built once per process (issue 20)."""
    return scoped_template(model).where(model.id == bindparam("owned_id_"))


def get_owned_or_404(model, raw_id, *options):
    """The row `raw_id` of `model` when it belongs to the signed-in user's customer, else NotFound (404)."""
    if options:
        row = db.session.scalar(scoped(model).where(model.id == parse_id(raw_id)).options(*options))
    else:
        row = db.session.scalar(_owned_by_id(model), tenant_params(owned_id_=parse_id(raw_id)))
    if row is None:
        raise NotFound()
    return row
