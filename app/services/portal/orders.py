"""Orders and offers of the signed-in customer (R-ORD-1..4)."""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import bindparam
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Contract, Document, Order, OrderItem
from app.models.enums import CONTRACT_DOCUMENT_TYPES, OrderStatus
from app.models.mixins import utcnow
from app.services import audit, order_mail
from app.services.errors import Invalid
from app.services.portal.paging import KeptPages, Page, Sort, order_by, parse_sort, with_contract
from app.services.tenancy import get_owned_or_404, scoped, scoped_template, scoped_update, tenant_params

ORDER_ACCEPTED = "offer_accepted"
# R-ORD-1: the list sorts by number, kind, status and its dates; newest first by default.
SORT_COLUMNS = {"number": Order.order_number, "kind": Order.kind, "status": Order.status,
                "created": Order.created_at, "completed": Order.completed_at}
DEFAULT_SORT = "-created"


def parse_order_sort(raw) -> Sort:
    return parse_sort(raw, SORT_COLUMNS, DEFAULT_SORT)


def list_orders(page: int, status: OrderStatus | None = None, sort: Sort | None = None) -> Page:
    """One page of the customer's orders and offers, optionally of one status: rows of `LIST_COLUMNS`."""
    sort = sort or parse_order_sort(None)
    params = tenant_params() if status is None else tenant_params(status=status)
    return _list_pages(sort.key, sort.descending, status is not None).page(params, page)


# What the list shows of an order (no order or contract objects built; issue 20, P10).
LIST_COLUMNS = (Order.id, Order.order_number, Order.kind, Order.status, Contract.contract_number, Order.created_at,
                Order.completed_at)


@lru_cache(maxsize=32)
def _list_pages(sort_key: str, descending: bool, by_status: bool) -> KeptPages:
    """The list's count and page statements for one sort order and filter, built once per process
    (run with tenant_params(), plus status= when filtered)."""
    rows = scoped_template(Order, *LIST_COLUMNS).outerjoin(Contract, Contract.id == Order.contract_id)
    counted = scoped_template(Order, Order.id)
    if by_status:
        rows, counted = (statement.where(Order.status == bindparam("status")) for statement in (rows, counted))
    return KeptPages(order_by(rows, Sort(sort_key, descending), SORT_COLUMNS, Order.id), counted=counted, rows=True)


def order_detail(raw_id) -> Order:
    """The order with its items (and their options) and work steps, in three queries."""
    return get_owned_or_404(
        Order, raw_id, selectinload(Order.items).selectinload(OrderItem.option_type), selectinload(Order.steps),
        with_contract(Order.contract),
    )


def order_documents(order: Order) -> list[Document]:
    """The order's released contract documents (the wizard's uploads: porting form, address proof; R-DOC-2)."""
    return db.session.scalars(
        scoped(Document).where(Document.order_id == order.id, Document.released.is_(True),
                               Document.doc_type.in_(CONTRACT_DOCUMENT_TYPES))
        .order_by(Document.id)
    ).all()


def accept_offer(raw_id, user) -> Order:
    """R-ORD-4: offer_created → offer_accepted, once, in one transaction (audited)."""
    order = get_owned_or_404(Order, raw_id)
    if order.status != OrderStatus.OFFER_CREATED:
        raise Invalid(_not_an_open_offer())
    if order.offer_valid_until is not None and order.offer_valid_until < utcnow().date():
        raise Invalid(_offer_expired())
    # Compare-and-set: two clicks at once change the order exactly once (QUALITY R3).
    result = db.session.execute(
        scoped_update(Order).where(Order.id == order.id, Order.status == OrderStatus.OFFER_CREATED)
        .values(status=OrderStatus.OFFER_ACCEPTED, accepted_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Invalid(_not_an_open_offer())
    audit.record(ORDER_ACCEPTED, user, object_type="order", object_id=str(order.id), details=order.order_number)
    order_mail.queue_offer_accepted(order, user)  # its sales advisor and the Sales team (R-ORD-4)
    db.session.commit()
    db.session.refresh(order)
    return order


def _not_an_open_offer():
    from flask_babel import gettext as _

    return _("This order is not an open offer (any more) and cannot be accepted.")


def _offer_expired():
    from flask_babel import gettext as _

    return _("This offer has expired. Please ask your sales advisor for a new one.")
