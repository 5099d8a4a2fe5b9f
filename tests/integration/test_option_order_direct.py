"""One option booked outside the wizard goes the wizard's order path (R-WIZ-5, R-WIZ-6, QUALITY R2, R3):
the same checks, one order of kind Optionsänderung with its item, steps, audit entry and confirmation,
written into the caller's transaction."""
from __future__ import annotations

import pytest
from flask_babel import format_date
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import AuditLog, Order, OrderDraft, OrderItem, OutboxMessage
from app.models.enums import ItemChange, OrderKind
from app.services.contract_terms import option_reduction_date
from app.services.errors import Invalid, NotFound
from app.services.option_order import book_option
from tests import option_order_world as world


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


@pytest.mark.rule("R-WIZ-6")
def test_booking_one_option_makes_an_option_change_order_in_the_callers_transaction(app_ctx):
    w = world.build()
    order = book_option(w.customer, w.user, w.trunk.id, w.failover_type.id, 1, key="ticket:1")
    db.session.commit()
    assert (order.kind, order.contract_id, order.submission_key) == (OrderKind.OPTION_CHANGE, w.trunk.id, "ticket:1")
    item = db.session.scalars(select(OrderItem).where(OrderItem.order_id == order.id)).one()
    assert (item.change, item.quantity_before, item.quantity_after) == (ItemChange.ADDED, 0, 1)
    assert str(item.one_time_price) == "10.00" and [s.position for s in order.steps][0] == 1
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "option_booked")) == 1
    message = db.session.scalars(select(OutboxMessage)).one()
    assert order.order_number in message.subject
    # No draft is ever stored for it.
    assert _count(OrderDraft) == 0


@pytest.mark.rule("R-WIZ-5")
def test_the_wizards_rules_hold_a_running_minimum_term_is_refused_with_its_date(app_ctx):
    w = world.build()
    with pytest.raises(Invalid) as refused:
        book_option(w.customer, w.user, w.trunk.id, w.router.option_type_id, 0, key="x")
    assert format_date(option_reduction_date(w.router)) in str(refused.value)
    db.session.rollback()
    # Quantities within the catalogue's limits; a change to the same total is no order.
    with pytest.raises(Invalid):
        book_option(w.customer, w.user, w.trunk.id, w.channel_type.id, 500, key="y")
    db.session.rollback()
    with pytest.raises(Invalid):
        book_option(w.customer, w.user, w.trunk.id, w.channel_type.id, 8, key="z")
    db.session.rollback()
    order = book_option(w.customer, w.user, w.trunk.id, w.channel_type.id, 0, key="cancel")
    db.session.commit()
    item = db.session.scalars(select(OrderItem).where(OrderItem.order_id == order.id)).one()
    assert (item.change, item.quantity_before, item.quantity_after) == (ItemChange.REDUCED, 8, 0)


@pytest.mark.rule("R-WIZ-1")
def test_another_customers_contract_or_an_option_not_offered_is_not_found_and_nothing_is_written(app_ctx):
    w = world.build()
    other = world.build(prefix="6")
    audits = _count(AuditLog)
    for contract_id, option_type_id in ((other.trunk.id, other.failover_type.id), (w.trunk.id, 999_999),
                                        (w.trunk.id, w.legacy.option_type_id)):
        with pytest.raises(NotFound):
            book_option(w.customer, w.user, contract_id, option_type_id, 1, key=f"k{contract_id}{option_type_id}")
        db.session.rollback()
    assert (_count(Order), _count(OutboxMessage), _count(AuditLog)) == (0, 0, audits)


@pytest.mark.rule("R-WIZ-6")
def test_the_same_key_twice_is_one_order(app_ctx):
    w = world.build()
    book_option(w.customer, w.user, w.trunk.id, w.failover_type.id, 1, key="once")
    db.session.commit()
    with pytest.raises(IntegrityError):
        book_option(w.customer, w.user, w.trunk.id, w.channel_type.id, 9, key="once")
    db.session.rollback()
    assert _count(Order) == 1 and _count(OutboxMessage) == 1
