"""Order emails beyond the wizard's own confirmation (R-ORD-4, R-ORD-2): an accepted offer tells its sales
advisor and the Sales team; an order entered in the back office sends the order confirmation, an offer none."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app import context
from app.extensions import db
from app.models import ContactPerson, EServiceUser, Order, OutboxMessage
from app.models.enums import ContactRole, OrderKind, OrderStatus
from app.roles import ADMIN, PORTAL_ADMIN, SALES
from app.services.portal import orders as orders_service
from tests.factories import make_contract, make_customer, make_user
from tests.integration.backoffice_forms import flashes, form_data, staff_client


def _outbox(since=0):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.id > since).order_by(OutboxMessage.id)).all()


def _last():
    return db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1)) or 0


@pytest.mark.rule("R-ORD-4")
def test_an_accepted_offer_notifies_its_sales_advisor_and_the_sales_team(app):
    with app.test_request_context():
        customer = make_customer()
        contract = make_contract(customer)
        advisor = make_user(SALES, email="berater@ecotel.example")
        buyer = make_user(PORTAL_ADMIN, customer=customer)
        offer = Order(customer_id=customer.id, order_number="A7100001", contract=contract,
                      kind=OrderKind.NEW_PROVISION, status=OrderStatus.OFFER_CREATED, created_by_id=advisor.id)
        db.session.add(offer)
        db.session.commit()
        start = _last()
        context.bind(db.session.get(EServiceUser, buyer.id), "127.0.0.1")
        orders_service.accept_offer(offer.id, buyer)
        sent = _outbox(start)
        assert sorted(m.recipient for m in sent) == sorted(["berater@ecotel.example", app.config["SALES_TEAM_EMAIL"]])
        assert all("A7100001" in m.subject and customer.company_name in m.body for m in sent)


@pytest.mark.rule("R-ORD-2")
@pytest.mark.parametrize("status, confirmed", [("provisioning", True), ("offer_created", False)])
def test_an_order_entered_in_the_back_office_sends_the_confirmation(app, client, login, status, confirmed):
    with app.app_context():
        customer = make_customer()
        contract = make_contract(customer)
        db.session.add(ContactPerson(customer_id=customer.id, role=ContactRole.TELECOM, first_name="Tina",
                                     last_name="Technik", email="tk@kunde.example"))
        db.session.commit()
        ids = customer.id, contract.id
        start = _last()
    service = staff_client(app, client, login, ADMIN, f"admin-confirm-{status}")
    data = form_data(service, "/orders/add", order_number="A7100099", customer=str(ids[0]), contract=str(ids[1]),
                     kind="new_provision", status=status)
    response = service.post("/orders/add", data=data)
    assert response.status_code == 302, flashes(response.get_data(as_text=True))
    with app.app_context():
        sent = [m for m in _outbox(start) if m.recipient == "tk@kunde.example"]
        assert bool(sent) == confirmed
        if confirmed:
            assert "A7100099" in sent[0].subject and "Neubereitstellung" in sent[0].body
