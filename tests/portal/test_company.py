"""Deine Kundendaten (R-CUS-1..3): Portal Admin only, unlock-to-edit, every change audited, invoice delivery
as an order through the wizard's path, the customer password encrypted and never in the audit log."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from app.extensions import db
from app.models import AuditLog, AuthFailure, ContactPerson, Customer, Order, OrderItem
from app.models.enums import ContactConsent, InvoiceDelivery, OptionFeature, OrderKind
from app.roles import ACCOUNTING, PBX_ADMIN, PORTAL_ADMIN
from tests.factories import make_option_type
from tests.portal.conftest import page_token
from tests.portal.world import PASSWORD


def _admin(world, signed_in, tag="a"):
    client = signed_in(world[tag].users[PORTAL_ADMIN])
    return client, page_token(client.get("/portal/company/").get_data(as_text=True))


def _unlock(client, token, password=PASSWORD):
    return client.post("/portal/company/unlock", data={"csrf_token": token, "password": password})


def _actions(customer_id) -> list[str]:
    return list(db.session.scalars(select(AuditLog.action).where(AuditLog.customer_id == customer_id)))


@pytest.mark.rule("R-CUS-1")
def test_overview_shows_the_company_data_to_the_portal_admin_only(app, world, signed_in):
    client, _ = _admin(world, signed_in)
    page = client.get("/portal/company/").get_data(as_text=True)
    assert world["a"].company in page and "Kim" in page
    assert world["b"].company not in page
    for role in (PBX_ADMIN, ACCOUNTING):
        other = signed_in(world["a"].users[role])
        for path in ("/portal/company/", "/portal/company/edit", "/portal/company/customer-password",
                     f"/portal/company/contacts/{world['a'].named['contact']}"):
            assert other.get(path).status_code in (403, 404) or "/login" in other.get(path).headers.get("Location", "")


@pytest.mark.rule("R-CUS-3")
def test_editing_needs_unlocking_with_the_own_password_and_wrong_ones_count_as_failures(app, world, signed_in):
    client, token = _admin(world, signed_in)
    response = client.get("/portal/company/edit")
    assert response.status_code == 302 and "/portal/company/unlock" in response.headers["Location"]
    assert _unlock(client, token, "wrong-password").status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(AuthFailure.id)).where(AuthFailure.step == "password")) == 1
        assert "unlock_failed" in _actions(world["a"].customer_id)
    assert _unlock(client, token).status_code == 302
    assert client.get("/portal/company/edit").status_code == 200


@pytest.mark.rule("R-CUS-3")
def test_company_data_change_is_validated_saved_and_audited_without_values(app, world, signed_in):
    client, token = _admin(world, signed_in)
    _unlock(client, token)
    bad = client.post("/portal/company/edit", data={
        "csrf_token": token, "key": "k1", "email": "not-an-email", "main_phone": "12",
        "invoice_delivery": "portal", "contact_consent": "none"})
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert 'id="email-error"' in page and 'id="main_phone-error"' in page
    ok = client.post("/portal/company/edit", data={
        "csrf_token": token, "key": "k2", "email": "zentrale@firma-a.example", "main_phone": "089 1234567",
        "show_term_on_invoice": "y", "invoice_delivery": "portal", "contact_consent": "email_phone"})
    assert ok.status_code == 302
    with app.app_context():
        customer = db.session.get(Customer, world["a"].customer_id)
        assert customer.email == "zentrale@firma-a.example" and customer.main_phone == "+49 89 1234567"
        assert customer.contact_consent is ContactConsent.EMAIL_AND_PHONE and customer.show_term_on_invoice
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "company_data_changed"))
        assert "email" in entry.details and "zentrale" not in entry.details


@pytest.mark.rule("R-CUS-3")
def test_switching_invoice_delivery_books_the_paid_option_as_an_order(app, world, signed_in):
    with app.app_context():
        paper = make_option_type(OptionFeature.PAPER_INVOICE, name="Rechnungsversand per Post", monthly_price=1.90)
        customer = db.session.get(Customer, world["a"].customer_id)
        for contract in customer_contracts(customer.id):
            contract.product.option_types.append(paper)
        db.session.commit()
        paper_id = paper.id
    client, token = _admin(world, signed_in)
    _unlock(client, token)
    form = {"csrf_token": token, "key": "switch-1", "email": "a@firma.example", "main_phone": "",
            "invoice_delivery": "portal_post", "contact_consent": "none"}
    assert client.post("/portal/company/edit", data=form).status_code == 302
    # The same form sent twice is one change, one order (QUALITY R3).
    client.post("/portal/company/edit", data=form)
    with app.app_context():
        orders = db.session.scalars(select(Order).where(Order.customer_id == world["a"].customer_id,
                                                        Order.kind == OrderKind.OPTION_CHANGE,
                                                        Order.submission_key.like("invoice-delivery:%"))).all()
        assert len(orders) == 1
        item = db.session.scalars(select(OrderItem).where(OrderItem.order_id == orders[0].id)).one()
        assert item.option_type_id == paper_id and item.quantity_after == 1
        assert db.session.get(Customer, world["a"].customer_id).invoice_delivery is InvoiceDelivery.PORTAL_AND_POST
        number = orders[0].order_number
    assert number in client.get("/portal/orders/").get_data(as_text=True)


def customer_contracts(customer_id):
    from app.models import Contract

    return db.session.scalars(select(Contract).where(Contract.customer_id == customer_id)).all()


@pytest.mark.rule("R-CUS-2")
def test_customer_password_rules_encrypted_at_rest_effective_and_audited_without_value(app, world, signed_in):
    client, token = _admin(world, signed_in)
    _unlock(client, token)
    refused = client.post("/portal/company/customer-password",
                          data={"csrf_token": token, "new_password": "kurz", "confirm": "anders"})
    assert refused.status_code == 422
    assert client.post("/portal/company/customer-password", data={
        "csrf_token": token, "new_password": "Hotline2026", "confirm": "Hotline2026"}).status_code == 302
    with app.app_context():
        assert db.session.get(Customer, world["a"].customer_id).hotline_password == "Hotline2026"
        raw = db.session.execute(text("SELECT hotline_password FROM customer WHERE id = :id"),
                                 {"id": world["a"].customer_id}).scalar()
        assert "Hotline2026" not in raw
        entries = db.session.scalars(select(AuditLog).where(AuditLog.action == "hotline_password_changed")).all()
        assert len(entries) == 1 and "Hotline2026" not in (entries[0].details or "")


@pytest.mark.rule("R-CUS-3")
def test_contact_persons_add_edit_remove_scoped_and_audited(app, world, signed_in):
    client, token = _admin(world, signed_in)
    _unlock(client, token)
    added = client.post("/portal/company/contacts/new", data={
        "csrf_token": token, "role": "accounting", "first_name": "Berta", "last_name": "Buchhaltung",
        "email": "berta@firma-a.example"})
    assert added.status_code == 302
    with app.app_context():
        person = db.session.scalar(select(ContactPerson).where(ContactPerson.last_name == "Buchhaltung"))
        assert person.customer_id == world["a"].customer_id
        pid = person.id
    assert client.post(f"/portal/company/contacts/{pid}", data={
        "csrf_token": token, "role": "accounting", "first_name": "Berta", "last_name": "Buchhaltung",
        "email": "berta@firma-a.example", "phone": "0211 123456"}).status_code == 302
    # Another company's contact: 404 whether unlocked or not.
    foreign = world["b"].named["contact"]
    assert client.get(f"/portal/company/contacts/{foreign}").status_code == 404
    assert client.post(f"/portal/company/contacts/{foreign}/delete", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/portal/company/contacts/{pid}/delete", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(ContactPerson, pid) is None
        actions = _actions(world["a"].customer_id)
        assert {"contact_added", "contact_changed", "contact_removed"} <= set(actions)
