"""A record never changes its customer (QUALITY S1/S3).

Moving a contract, order, ticket or invoice to another customer would leave its
options, numbers, documents, … with the old customer id, so the old customer
would keep seeing them. The rule holds below the views (a flush rule in
app/services/integrity.py) and the back-office edit forms show the customer read
only; an attempt gets the translated message and changes nothing.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Contract, ContractOption, Invoice, Order, Ticket
from app.models.enums import OrderKind, OrderStatus, TicketKind, TicketSubject
from app.security.roles import ADMIN
from app.services.errors import Invalid
from tests.factories import make_contract, make_customer, make_location, make_option
from tests.integration.backoffice_forms import flashes, form_data, read_form, staff_client

REFUSED_DE = "Ein Datensatz kann nicht zu einem anderen Kunden verschoben werden"


@pytest.fixture
def admin_client(app, client, login):
    return staff_client(app, client, login, ADMIN, "bo-admin-fixed")


@pytest.fixture
def two_customers(app):
    """Customer A with a contract, an option, an order, a ticket and an invoice; customer B with a contract."""
    from datetime import date

    with app.app_context():
        a, b = make_customer(), make_customer()
        contract = make_contract(a)
        option = make_option(contract, location=make_location(contract))
        other_contract = make_contract(b)
        order = Order(customer_id=a.id, order_number="A7000001", contract=contract, kind=OrderKind.OPTION_CHANGE,
                      status=OrderStatus.PROVISIONING)
        ticket = Ticket(customer_id=a.id, ticket_number="T7000001", kind=TicketKind.FAULT,
                        subject=TicketSubject.CONTRACT, contract=contract, title="Störung", description="Kein Ton")
        invoice = Invoice(customer_id=a.id, invoice_number="R7000001", invoice_date=date(2024, 2, 1),
                          period_start=date(2024, 1, 1), period_end=date(2024, 1, 31), net_amount=10,
                          tax_amount=1.9, gross_amount=11.9, due_date=date(2024, 2, 15))
        db.session.add_all([order, ticket, invoice])
        db.session.commit()
        return {"a": a.id, "b": b.id, "contract": contract.id, "option": option.id,
                "other_contract": other_contract.id, "order": order.id, "ticket": ticket.id, "invoice": invoice.id}


@pytest.mark.rule("S3")
def test_flush_refuses_a_changed_customer_id(app_ctx, two_customers):
    """S3: below every view and service: customer_id or the customer relation changed → Invalid, nothing written."""
    from app.models import Customer

    option = db.session.get(ContractOption, two_customers["option"])
    option.customer_id = two_customers["b"]
    with pytest.raises(Invalid) as refused:
        db.session.flush()
    assert REFUSED_DE in str(refused.value)  # translated (German is the default locale)
    db.session.rollback()

    contract = db.session.get(Contract, two_customers["contract"])
    contract.customer = db.session.get(Customer, two_customers["b"])
    with pytest.raises(Invalid):
        db.session.commit()
    db.session.rollback()

    db.session.expire_all()
    assert db.session.get(Contract, two_customers["contract"]).customer_id == two_customers["a"]
    assert db.session.get(ContractOption, two_customers["option"]).customer_id == two_customers["a"]


@pytest.mark.rule("S3")
def test_other_changes_and_the_same_customer_still_flush(app_ctx, two_customers):
    from app.models import Customer

    contract = db.session.get(Contract, two_customers["contract"])
    contract.customer = db.session.get(Customer, two_customers["a"])  # same customer again
    contract.customer_id = two_customers["a"]
    contract.notice_period_months = 6
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Contract, two_customers["contract"]).notice_period_months == 6


@pytest.mark.rule("S3")
@pytest.mark.parametrize("route, key", [
    ("/contracts", "contract"), ("/orders", "order"), ("/tickets", "ticket"), ("/invoices", "invoice"),
])
def test_edit_forms_show_the_customer_read_only(app, admin_client, two_customers, route, key):
    """S3: the customer is on the edit page as text; no field sends it."""
    url = f"{route}/edit/{two_customers[key]}"
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    _fields, names = read_form(html)
    assert "customer" not in names, url
    with app.app_context():
        from app.models import Customer

        label = str(db.session.get(Customer, two_customers["a"]))
    assert label in html, "the customer is still shown"


@pytest.mark.rule("S3")
@pytest.mark.parametrize("route, key, model", [
    ("/contracts", "contract", Contract), ("/orders", "order", Order), ("/tickets", "ticket", Ticket),
    ("/invoices", "invoice", Invoice),
])
def test_a_posted_customer_is_ignored(app, admin_client, two_customers, route, key, model):
    """S3: ids sent by the client are ignored: a forged customer field leaves the record with its customer."""
    url = f"{route}/edit/{two_customers[key]}"
    response = admin_client.post(url, data=form_data(admin_client, url, customer=str(two_customers["b"])))
    assert response.status_code == 302, flashes(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(model, two_customers[key]).customer_id == two_customers["a"]


@pytest.mark.rule("S3")
def test_moving_an_option_to_another_customers_contract_is_refused(app, admin_client, two_customers):
    """S1/S3: the option's customer follows its contract, so another customer's contract is refused."""
    url = f"/contract-options/edit/{two_customers['option']}"
    data = form_data(admin_client, url, contract=str(two_customers["other_contract"]), location="")
    response = admin_client.post(url, data=data)
    assert response.status_code == 422
    assert any(REFUSED_DE in text for text in flashes(response.get_data(as_text=True)))
    with app.app_context():
        option = db.session.get(ContractOption, two_customers["option"])
        assert (option.contract_id, option.customer_id) == (two_customers["contract"], two_customers["a"])
        assert option.location_id is not None


@pytest.mark.rule("S3")
def test_an_order_cannot_take_another_customers_contract(app, admin_client, two_customers):
    url = f"/orders/edit/{two_customers['order']}"
    response = admin_client.post(url, data=form_data(admin_client, url, contract=str(two_customers["other_contract"])))
    assert response.status_code == 422
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.id == two_customers["order"]))
        assert (order.contract_id, order.customer_id) == (two_customers["contract"], two_customers["a"])


@pytest.mark.rule("S3")
def test_a_portal_account_stays_with_its_company(app, admin_client, two_customers):
    """S1/S3: a portal account moved to another customer would see that customer's data: the flush rule
    refuses it, and the back-office user form shows the company as text and ignores a posted one."""
    from app.models import EServiceUser
    from app.security.roles import PORTAL_ADMIN
    from tests.factories import make_user

    with app.app_context():
        from app.models import Customer

        user = make_user(PORTAL_ADMIN, db.session.get(Customer, two_customers["a"]), username="pa.fixed")
        db.session.commit()
        user_id = user.id
        user.customer_id = two_customers["b"]
        with pytest.raises(Invalid):
            db.session.flush()
        db.session.rollback()

    url = f"/users/edit/{user_id}"
    _fields, names = read_form(admin_client.get(url).get_data(as_text=True))
    assert "customer" not in names
    response = admin_client.post(url, data=form_data(admin_client, url, customer=str(two_customers["b"])))
    assert response.status_code == 302, flashes(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(EServiceUser, user_id).customer_id == two_customers["a"]
