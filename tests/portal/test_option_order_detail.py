"""The customer's side of an option order (issue 13 part 6/7, R-ORD-1, R-DOC-2): the order page under Aufträge
shows items with before → after, prices, porting data, uploads, work steps and the porting status; the
contract page shows the porting status too; another customer's order, upload or contract is 404."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Document
from app.models.porting_state import PortingState as S
from app.roles import SERVICE
from app.services import porting
from tests import option_order_world as world
from tests.auth_helpers import complete_login_with_pin
from tests.factories import make_user
from tests.integration.test_porting_tracker import ported_order
from tests.security.auth_fixtures import new_client

PASSWORD = "Sicher#Kennwort42"


def _customer(app, prefix):
    with app.test_request_context():
        w = world.build(prefix=prefix)
        order, (item,) = ported_order(w, numbers=(f"0211 {prefix}550123",))
        document = db.session.scalar(select(Document).where(Document.order_id == order.id))
        return dict(username=w.user.username, order=order.id, number=order.order_number, item=item.id,
                    document=document.id, contract=w.trunk.id)


def _signed_in(app, username):
    client = new_client(app)
    assert complete_login_with_pin(client, username, PASSWORD, app=app).status_code == 302
    return client


@pytest.mark.rule("R-ORD-1", "R-DOC-2", "R-PORT-4")
def test_the_order_page_shows_items_porting_uploads_and_steps_and_the_contract_page_the_porting(app):
    mine = _customer(app, "5")
    client = _signed_in(app, mine["username"])
    page = client.get(f"/portal/orders/{mine['order']}").get_data(as_text=True)
    assert mine["number"] in page and 'id="order-items"' in page and 'id="order-steps"' in page
    assert "+49 211 5550123" in page and "Telekom" in page and "Rheinland Logistik GmbH" in page
    assert 'id="porting-status"' in page and "porting-form_received" in page
    assert f"/portal/documents/{mine['document']}/download" in page
    download = client.get(f"/portal/documents/{mine['document']}/download")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    contract = client.get(f"/portal/contracts/{mine['contract']}").get_data(as_text=True)
    assert 'id="porting-status"' in contract and f"/portal/orders/{mine['order']}" in contract
    # Service moves it on: both pages show the new state and its date.
    with app.test_request_context():
        staff = make_user(SERVICE)
        porting.change_state(mine["item"], S.SUBMITTED, staff)
        day = date.today() + timedelta(days=21)
        porting.change_state(mine["item"], S.DATE_CONFIRMED, staff, confirmed_date=day)
    for url in (f"/portal/orders/{mine['order']}", f"/portal/contracts/{mine['contract']}"):
        page = client.get(url).get_data(as_text=True)
        assert "porting-date_confirmed" in page and f"{day:%d.%m.%Y}" in page, url


@pytest.mark.rule("R-PORT-4", "S1")
def test_another_customers_order_upload_and_porting_are_404(app):
    mine, theirs = _customer(app, "5"), _customer(app, "6")
    client = _signed_in(app, mine["username"])
    for url in (f"/portal/orders/{theirs['order']}", f"/portal/documents/{theirs['document']}/download",
                f"/portal/contracts/{theirs['contract']}"):
        assert client.get(url).status_code == 404, url
    page = client.get(f"/portal/contracts/{mine['contract']}").get_data(as_text=True)
    assert "6550123" not in page and theirs["number"] not in page
