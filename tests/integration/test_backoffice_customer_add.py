"""Creating a customer in the back office creates its Portal Admin (R-BO-2, R-AUTH-4).

The account gets the default username customer<number> when none is chosen and
the activation email is queued in the same transaction; a refused form writes
nothing at all.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Customer, EServiceUser, OutboxMessage
from app.security.roles import PORTAL_ADMIN, SALES
from tests.conftest import csrf_token_from
from tests.factories import make_user

PASSWORD = "Sicher#Kennwort42"


@pytest.fixture
def sales_client(app, client, login):
    with app.app_context():
        make_user(SALES, username="vertrieb.test", password=PASSWORD)
        db.session.commit()
    assert login("vertrieb.test", PASSWORD).status_code == 302
    return client


def _form(client, **overrides):
    page = client.get("/customers/add")
    assert page.status_code == 200
    data = {
        "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        "customer_number": "9123456", "company_name": "Rheinhafen Spedition GmbH",
        "email": "info@rheinhafen.example", "main_phone": "+49 203 123456",
        "street": "Hafenstraße 12", "zip_code": "47119", "city": "Duisburg",
        "invoice_delivery": "portal", "contact_consent": "none",
        "admin_first_name": "Jörg", "admin_last_name": "Weiß", "admin_email": "j.weiss@rheinhafen.example",
        "admin_mobile": "+49 171 5550123", "admin_username": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _counts(app):
    with app.app_context():
        return (db.session.scalar(select(func.count(Customer.id))),
                db.session.scalar(select(func.count(EServiceUser.id))),
                db.session.scalar(select(func.count(OutboxMessage.id))))


@pytest.mark.rule("R-BO-2", "R-AUTH-4")
def test_new_customer_gets_its_portal_admin_with_the_default_username(app, sales_client):
    response = sales_client.post("/customers/add", data=_form(sales_client))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        customer = db.session.scalar(select(Customer).where(Customer.customer_number == "9123456"))
        assert customer is not None and customer.hotline_password
        admin = db.session.scalar(select(EServiceUser).where(EServiceUser.customer_id == customer.id))
        assert admin.username == "customer9123456"
        assert [role.name for role in admin.roles] == [PORTAL_ADMIN]
        assert admin.email == "j.weiss@rheinhafen.example"
        mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == admin.email))
        assert mail is not None, "the activation email is queued with the account"


@pytest.mark.rule("R-AUTH-1", "R-AUTH-4")
def test_chosen_username_is_checked_against_the_rules(app, sales_client):
    before = _counts(app)
    response = sales_client.post("/customers/add", data=_form(sales_client, admin_username="a b"))
    assert response.status_code == 422
    assert _counts(app) == before


@pytest.mark.rule("R-BO-2", "R7")
@pytest.mark.parametrize("field, value", [
    ("customer_number", "12"), ("company_name", ""), ("admin_email", "kein-email"), ("admin_last_name", ""),
    ("invoice_delivery", "by_pigeon"),
])
def test_bad_input_is_refused_and_nothing_is_written(app, sales_client, field, value):
    before = _counts(app)
    response = sales_client.post("/customers/add", data=_form(sales_client, **{field: value}))
    assert response.status_code == 422
    assert _counts(app) == before


@pytest.mark.rule("R7")
def test_taken_customer_number_is_refused(app, sales_client):
    assert sales_client.post("/customers/add", data=_form(sales_client)).status_code == 302
    before = _counts(app)
    again = _form(sales_client, admin_email="other@rheinhafen.example")
    response = sales_client.post("/customers/add", data=again)
    assert response.status_code == 422
    assert "9123456" in response.get_data(as_text=True)
    assert _counts(app) == before
