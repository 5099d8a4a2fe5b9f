"""QUALITY S14: hotline, SIP and DSL passwords are stored encrypted, never as written."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from app.extensions import db
from app.models import Contract, Customer, DslAccount
from tests.factories import make_contract, make_customer


@pytest.mark.rule("S14")
def test_hotline_sip_and_dsl_passwords_are_encrypted_at_rest(app_ctx):
    customer = make_customer(hotline_password="Hotline#4711")
    contract = make_contract(customer, sip_password="Sip#Geheim42")
    db.session.add(DslAccount(customer=customer, contract=contract, username="dsl-4711", password="Dsl#Geheim42"))
    db.session.commit()

    stored = {
        "Hotline#4711": db.session.execute(
            text("SELECT hotline_password FROM customer WHERE id = :id"), {"id": customer.id}).scalar_one(),
        "Sip#Geheim42": db.session.execute(
            text("SELECT sip_password FROM contract WHERE id = :id"), {"id": contract.id}).scalar_one(),
        "Dsl#Geheim42": db.session.execute(
            text("SELECT password FROM dsl_account WHERE contract_id = :id"), {"id": contract.id}).scalar_one(),
    }
    for secret, raw in stored.items():
        assert secret not in raw and raw.startswith("gAAAAA"), raw  # a Fernet token, not the secret

    # The product reads them back as written (they are shown on request, so not hashed).
    db.session.expire_all()
    assert db.session.get(Customer, customer.id).hotline_password == "Hotline#4711"
    assert db.session.get(Contract, contract.id).sip_password == "Sip#Geheim42"
    assert db.session.query(DslAccount).filter_by(contract_id=contract.id).one().password == "Dsl#Geheim42"
