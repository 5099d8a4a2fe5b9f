"""A back-office list over millions of rows stops counting past its limit (issue 20, P10 at dataset L).

The call records list counted 2,000,000 rows on every page (16 ms at dataset L, more than the whole
page may take). Past `count_limit` it says "mehr als …" and pages up to the limit; a filter still
counts exactly below it.
"""
from __future__ import annotations

from datetime import datetime

import pytest

from app.extensions import db
from app.models import CallRecord
from app.security.roles import ADMIN
from app.views.backoffice.contracts import ContractOptionView
from app.views.backoffice.documents import CallRecordView
from tests.factories import make_contract, make_customer, make_option, make_product
from tests.integration.backoffice_forms import staff_client


@pytest.fixture
def calls(app):
    """Five calls of one customer and two of another; their customer numbers."""
    with app.app_context():
        product = make_product()
        ids = []
        for customer, count in ((make_customer(), 5), (make_customer(), 2)):
            contract = make_contract(customer, product)
            for n in range(count):
                db.session.add(CallRecord(customer_id=customer.id, contract=contract,
                                          started_at=datetime(2026, 11, 2, 9, n), caller="+49211550070",
                                          callee=f"+4930123456{n}", duration_seconds=60, zone="Festnetz",
                                          charge=0.02, created_at=datetime(2026, 11, 3)))
            ids.append(customer.customer_number)
        db.session.commit()
        return ids


def _view(app, kind=CallRecordView):
    return next(v for v in app.appbuilder.baseviews if isinstance(v, kind))


@pytest.mark.rule("P10")
def test_call_record_count_stops_past_the_limit(app, client, login, calls, monkeypatch):
    assert CallRecordView.count_limit == 10_000
    monkeypatch.setattr(_view(app).datamodel, "count_limit", 4)
    admin = staff_client(app, client, login, ADMIN, "bo-counter")

    page = admin.get("/call-records/list/").get_data(as_text=True)
    assert "mehr als 4" in page
    assert page.count("+4930123456") == 7, "the rows themselves are all listed"

    small = admin.get(f"/call-records/list/?_flt_0_customer_id={calls[1]}").get_data(as_text=True)  # number starts with
    assert "mehr als" not in small
    assert "<strong>Anzahl Datensätze:</strong> 2" in " ".join(small.split())

    monkeypatch.setattr(_view(app).datamodel, "count_limit", 7)
    exact = admin.get("/call-records/list/").get_data(as_text=True)
    assert "mehr als" not in exact and "<strong>Anzahl Datensätze:</strong> 7" in " ".join(exact.split())


@pytest.mark.rule("P10")
def test_booked_options_count_stops_past_the_limit(app, client, login, monkeypatch):
    """The booked options list (600,000 rows at dataset L) is capped as the call records are."""
    assert ContractOptionView.count_limit == 10_000
    with app.app_context():
        customer = make_customer()
        contract = make_contract(customer, make_product())
        for _ in range(3):
            make_option(contract)
        db.session.commit()
        contract_number = contract.contract_number
    monkeypatch.setattr(_view(app, ContractOptionView).datamodel, "count_limit", 2)
    admin = staff_client(app, client, login, ADMIN, "bo-option-counter")

    page = admin.get("/contract-options/list/").get_data(as_text=True)
    assert "mehr als 2" in page
    assert page.count(contract_number) >= 3, "the rows themselves are all listed"

    monkeypatch.setattr(_view(app, ContractOptionView).datamodel, "count_limit", 3)
    exact = admin.get("/contract-options/list/").get_data(as_text=True)
    assert "mehr als" not in exact and "<strong>Anzahl Datensätze:</strong> 3" in " ".join(exact.split())
