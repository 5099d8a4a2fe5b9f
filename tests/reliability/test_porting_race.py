"""Two Service staff change one porting at once (QUALITY R3): it changes once, one email round, one audit entry."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditLog, EServiceUser, OrderItem, OutboxMessage
from app.models.porting_state import PortingState as S
from app.roles import SERVICE
from app.services import porting
from app.services.errors import Invalid
from tests import option_order_world as world
from tests.factories import make_user
from tests.integration.test_porting_tracker import ported_order
from tests.races import race


@pytest.mark.rule("R-PORT-2")
def test_two_changes_of_one_porting_at_once_change_it_once(app, monkeypatch):
    with app.test_request_context():
        w = world.build()
        staff_id = make_user(SERVICE).id
        db.session.commit()
        _order, (item,) = ported_order(w)
        item_id, customer_id = item.id, w.customer.id
        mails_before = db.session.scalar(select(func.count(OutboxMessage.id)))
        db.session.remove()
    barrier = threading.Barrier(2, timeout=20)
    original = porting._check

    def held(*args, **kwargs):
        result = original(*args, **kwargs)
        barrier.wait()  # both have checked the old state before either writes
        return result

    monkeypatch.setattr(porting, "_check", held)

    def work(i):
        staff = db.session.get(EServiceUser, staff_id)
        state = S.SUBMITTED if i == 0 else S.REJECTED
        return porting.change_state(item_id, state, staff, reason="Rufnummer unbekannt").after

    results = race(app, work, in_request=True)
    winners = [r for r in results if isinstance(r, S)]
    losers = [r for r in results if not isinstance(r, S)]
    assert len(winners) == 1 and len(losers) == 1 and isinstance(losers[0], Invalid), results
    with app.app_context():
        assert db.session.get(OrderItem, item_id).porting_state is winners[0]
        assert db.session.scalar(select(func.count(AuditLog.id)).where(
            AuditLog.action == porting.STATE_CHANGED)) == 1
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == mails_before + 1
        assert customer_id
        db.session.remove()
