"""Back office of option orders (issue 13 part 6/7, R-BO-2, R-BO-3): Sales and Service see the order with its
items, uploads (downloadable) and portings; Service sets the porting state; other roles do not."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Document, Order, OrderItem, OrderStep, OutboxMessage
from app.models.enums import OrderStatus, StepStatus
from app.models.porting_state import PortingState as S
from app.roles import ACCOUNTING, PBX_ADMIN, SALES, SERVICE
from tests import option_order_world as world
from tests.conftest import csrf_token_from
from tests.factories import make_user
from tests.integration.backoffice_forms import PASSWORD, flashes, form_data, staff_client
from tests.integration.test_porting_tracker import ported_order


def _order(app):
    with app.test_request_context():
        w = world.build()
        order, (item,) = ported_order(w)
        document = db.session.scalar(select(Document).where(Document.order_id == order.id))
        return order.id, order.order_number, item.id, document.id, w.customer.id


@pytest.mark.rule("R-BO-3")
@pytest.mark.parametrize("role", [SALES, SERVICE])
def test_sales_and_service_see_the_order_its_items_uploads_and_portings(app, client, login, role):
    order_id, number, item_id, document_id, _customer = _order(app)
    staff = staff_client(app, client, login, role, f"bo.{role.lower()}")
    page = staff.get(f"/orders/show/{order_id}").get_data(as_text=True)
    assert number in page and "OrderItemView" in page and "PortingView" in page and "DocumentView" in page
    item = staff.get(f"/order-items/show/{item_id}").get_data(as_text=True)
    assert "+49 211 5550123" in item and "Telekom" in item
    assert staff.get(f"/portings/show/{item_id}").status_code == 200
    assert "+49 211 5550123" in staff.get("/portings/list/").get_data(as_text=True)
    shown = staff.get(f"/documents/show/{document_id}").get_data(as_text=True)
    assert f"/documents/download/{document_id}" in shown
    download = staff.get(f"/documents/download/{document_id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download.headers["Content-Disposition"]
    assert staff.get("/documents/download/99999999").status_code == 404


@pytest.mark.rule("R-PORT-2")
def test_service_sets_the_porting_state_and_the_portal_admin_is_emailed(app, client, login):
    _order_id, _number, item_id, _doc, customer_id = _order(app)
    staff = staff_client(app, client, login, SERVICE, "bo.porting")
    url = f"/portings/state/{item_id}"
    form = staff.get(url).get_data(as_text=True)
    assert 'value="submitted"' in form and 'value="ported"' not in form
    response = staff.post(url, data={"csrf_token": csrf_token_from(form), "state": "submitted"})
    assert response.status_code == 302
    form = staff.get(url).get_data(as_text=True)
    # A confirmation without its date stays on the form with the message at the field.
    refused = staff.post(url, data={"csrf_token": csrf_token_from(form), "state": "date_confirmed"})
    assert refused.status_code == 200 and "confirmed_date-error" in refused.get_data(as_text=True)
    day = date.today() + timedelta(days=14)
    staff.post(url, data={"csrf_token": csrf_token_from(form), "state": "date_confirmed",
                          "confirmed_date": day.isoformat()})
    # A state the current one does not allow, and nonsense, are refused without a 500.
    for bad in ("form_received", "teleported", ""):
        answer = staff.post(url, data={"csrf_token": csrf_token_from(form), "state": bad})
        assert answer.status_code == 200
    with app.app_context():
        item = db.session.get(OrderItem, item_id)
        assert (item.porting_state, item.porting_confirmed_date) == (S.DATE_CONFIRMED, day)
        mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.customer_id == customer_id,
                                                               OutboxMessage.user_id.isnot(None))).all()
        assert len(mails) == 2
    assert staff.get("/portings/state/99999999").status_code == 404
    assert staff.get("/portings/state/abc").status_code == 404


@pytest.mark.rule("R-PORT-2")
def test_sales_see_portings_but_do_not_set_their_state(app, client, login):
    _order_id, _number, item_id, _doc, _customer = _order(app)
    staff = staff_client(app, client, login, SALES, "bo.sales.porting")
    show = staff.get(f"/portings/show/{item_id}").get_data(as_text=True)
    assert "change-porting-state" not in show
    answer = staff.get(f"/portings/state/{item_id}")
    assert answer.status_code in (302, 403, 404)
    with app.app_context():
        assert db.session.get(OrderItem, item_id).porting_state is S.FORM_RECEIVED


@pytest.mark.rule("R-BO-3")
@pytest.mark.parametrize("role", [ACCOUNTING, PBX_ADMIN])
def test_customer_roles_see_nothing_of_the_back_office_orders(app, client, login, role):
    order_id, _number, item_id, document_id, customer_id = _order(app)
    with app.app_context():
        from app.models import Customer

        user = make_user(role, customer=db.session.get(Customer, customer_id), username=f"cust.{role[:3].lower()}",
                         password=PASSWORD)
        db.session.commit()
        username = user.username
    assert login(username, PASSWORD).status_code == 302
    for url in (f"/orders/show/{order_id}", f"/portings/show/{item_id}", f"/portings/state/{item_id}",
                f"/documents/download/{document_id}", "/portings/list/"):
        assert client.get(url).status_code in (302, 403, 404), url


@pytest.mark.rule("R-BO-3", "R-ORD-1")
def test_service_moves_the_option_order_through_its_status_and_work_steps(app, client, login):
    order_id, _number, _item, _doc, _customer = _order(app)
    with app.app_context():
        step_id = db.session.scalar(select(OrderStep.id).where(OrderStep.order_id == order_id,
                                                               OrderStep.position == 2))
    staff = staff_client(app, client, login, SERVICE, "bo.service.steps")
    url = f"/orders/edit/{order_id}"
    response = staff.post(url, data=form_data(staff, url, status="partially_provisioned"))
    assert response.status_code == 302, flashes(response.get_data(as_text=True))
    url = f"/order-steps/edit/{step_id}"
    response = staff.post(url, data=form_data(staff, url, status="done", note="Kundenservice hat geprüft"))
    assert response.status_code == 302, flashes(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(Order, order_id).status is OrderStatus.PARTIALLY_PROVISIONED
        step = db.session.get(OrderStep, step_id)
        assert (step.status, step.note) == (StepStatus.DONE, "Kundenservice hat geprüft")
