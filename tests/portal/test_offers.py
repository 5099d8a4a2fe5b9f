"""R-ORD-4: a customer accepts an offer in status offer_created — only that status, only their own,
only by POST with CSRF and a role allowed to, in one transaction (QUALITY R2, R3)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import context
from app.extensions import db
from app.models import AuditLog, EServiceUser, Order
from app.models.enums import OrderStatus
from app.roles import ACCOUNTING, PBX_ADMIN, PORTAL_ADMIN
from app.services.errors import Invalid
from app.services.portal import orders as orders_service
from tests.conftest import csrf_token_from
from tests.portal.conftest import page_token


def _state(app, order_id):
    with app.app_context():
        order = db.session.get(Order, order_id)
        audits = db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "offer_accepted"))
        return order.status, order.accepted_at, audits


def _set(app, order_id, **values):
    with app.app_context():
        order = db.session.get(Order, order_id)
        for key, value in values.items():
            setattr(order, key, value)
        db.session.commit()


def _accept(client, order_id, token):
    return client.post(f"/portal/orders/{order_id}/accept", data={"csrf_token": token}, follow_redirects=True)


@pytest.mark.rule("R-ORD-4")
@pytest.mark.parametrize("status", [s for s in OrderStatus if s != OrderStatus.OFFER_CREATED], ids=lambda s: s.value)
def test_only_an_open_offer_can_be_accepted(app, world, signed_in, status):
    a = world["a"]
    offer_id = a.ids["order"][0]
    _set(app, offer_id, status=status)
    client = signed_in(a.users[PORTAL_ADMIN])
    page = client.get(f"/portal/orders/{offer_id}").get_data(as_text=True)
    assert 'id="accept-offer"' not in page
    response = _accept(client, offer_id, page_token(page))
    assert response.status_code == 200
    assert "kann nicht angenommen werden" in response.get_data(as_text=True)
    assert _state(app, offer_id) == (status, None, 0)


@pytest.mark.rule("R-ORD-4", "R7")
def test_an_expired_offer_is_refused_with_a_reason(app, world, signed_in):
    a = world["a"]
    offer_id = a.ids["order"][0]
    _set(app, offer_id, offer_valid_until=date.today() - timedelta(days=1))
    client = signed_in(a.users[PORTAL_ADMIN])
    token = csrf_token_from(client.get(f"/portal/orders/{offer_id}").get_data(as_text=True))
    body = _accept(client, offer_id, token).get_data(as_text=True)
    assert "abgelaufen" in body or "expired" in body
    assert _state(app, offer_id) == (OrderStatus.OFFER_CREATED, None, 0)


@pytest.mark.rule("S11")
def test_accepting_needs_post_and_a_csrf_token(app, world, signed_in):
    a = world["a"]
    offer_id = a.ids["order"][0]
    client = signed_in(a.users[PORTAL_ADMIN])
    assert client.get(f"/portal/orders/{offer_id}/accept").status_code == 405
    assert client.post(f"/portal/orders/{offer_id}/accept").status_code == 400
    assert client.post(f"/portal/orders/{offer_id}/accept", data={"csrf_token": "forged"}).status_code == 400
    assert _state(app, offer_id) == (OrderStatus.OFFER_CREATED, None, 0)


@pytest.mark.rule("R-ORD-4")
@pytest.mark.parametrize("role", [PBX_ADMIN, ACCOUNTING])
def test_roles_without_orders_cannot_accept(app, world, signed_in, role):
    a = world["a"]
    offer_id = a.ids["order"][0]
    client = signed_in(a.users[role])
    token = csrf_token_from(client.get("/account/profile").get_data(as_text=True))
    assert client.post(f"/portal/orders/{offer_id}/accept", data={"csrf_token": token}).status_code == 403
    assert _state(app, offer_id) == (OrderStatus.OFFER_CREATED, None, 0)


@pytest.mark.rule("R-ORD-4")
def test_the_owner_accepts_once_with_a_message_and_an_audit_entry(app, world, signed_in):
    a = world["a"]
    offer_id = a.ids["order"][0]
    client = signed_in(a.users[PORTAL_ADMIN])
    token = csrf_token_from(client.get(f"/portal/orders/{offer_id}").get_data(as_text=True))
    body = _accept(client, offer_id, token).get_data(as_text=True)
    assert "alert-success" in body
    status, accepted_at, audits = _state(app, offer_id)
    assert status == OrderStatus.OFFER_ACCEPTED and accepted_at is not None and audits == 1
    assert "alert-success" not in _accept(client, offer_id, token).get_data(as_text=True)
    assert _state(app, offer_id)[2] == 1


@pytest.mark.rule("R2")
def test_acceptance_is_one_transaction(app, world, monkeypatch):
    """A failure after the status change (here: the audit entry) leaves the offer open."""
    a = world["a"]
    offer_id = a.ids["order"][0]

    def broken(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(orders_service.audit, "record", broken)
    with app.test_request_context():
        user = context.bind(db.session.scalar(
            select(EServiceUser).where(EServiceUser.username == a.users[PORTAL_ADMIN])), "127.0.0.1").user
        with pytest.raises(RuntimeError):
            orders_service.accept_offer(str(offer_id), user)
        db.session.rollback()
    assert _state(app, offer_id) == (OrderStatus.OFFER_CREATED, None, 0)


@pytest.mark.rule("R3")
def test_a_second_concurrent_acceptance_changes_nothing(app, world):
    """Compare-and-set: when the offer changed after it was read, the second click is refused."""
    a = world["a"]
    offer_id = a.ids["order"][0]
    with app.test_request_context():
        user = context.bind(db.session.scalar(
            select(EServiceUser).where(EServiceUser.username == a.users[PORTAL_ADMIN])), "127.0.0.1").user
        order = db.session.get(Order, offer_id)
        assert order.status == OrderStatus.OFFER_CREATED  # read by the first request …
        with db.engine.begin() as other:  # … while another request accepts it
            other.execute(Order.__table__.update().where(Order.__table__.c.id == offer_id)
                          .values(status=OrderStatus.OFFER_ACCEPTED.value))
        with pytest.raises(Invalid):
            orders_service.accept_offer(str(offer_id), user)
    assert _state(app, offer_id)[::2] == (OrderStatus.OFFER_ACCEPTED, 0)
