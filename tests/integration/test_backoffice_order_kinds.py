"""Sales enter only new provisions and product changes (R-ORD-3, R-BO-2).

Option changes come from the portal's wizard, terminations are entered by the
carrier's service: the Sales add/edit form offers only their two kinds, and a
forged kind is refused in pre_add/pre_update; Service and Admin may set any kind.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Order
from app.models.enums import OrderKind, OrderStatus
from app.security.roles import ADMIN, SALES, SERVICE
from app.services.errors import Invalid
from app.services.order_kinds import check_order_kind, kinds_for
from tests.factories import make_contract, make_customer
from tests.integration.backoffice_forms import flashes, form_data, staff_client


@pytest.mark.rule("R-ORD-3")
def test_kinds_by_role():
    assert kinds_for([SALES]) == (OrderKind.NEW_PROVISION, OrderKind.PRODUCT_CHANGE)
    assert kinds_for([SERVICE]) == tuple(OrderKind) == kinds_for([ADMIN]) == kinds_for([SALES, SERVICE])
    assert kinds_for(["Some custom role"]) == kinds_for([SALES])


@pytest.mark.rule("R-ORD-3")
def test_check_order_kind(app_ctx):
    check_order_kind([SALES], OrderKind.PRODUCT_CHANGE)
    check_order_kind([SALES], OrderKind.OPTION_CHANGE, previous=OrderKind.OPTION_CHANGE)  # kept as it was
    check_order_kind([SERVICE], OrderKind.TERMINATION)
    with pytest.raises(Invalid) as refused:
        check_order_kind([SALES], OrderKind.TERMINATION, previous=OrderKind.NEW_PROVISION)
    assert "Neubereitstellung" in str(refused.value) and "Produktwechsel" in str(refused.value)


@pytest.fixture
def orders(app):
    with app.app_context():
        customer = make_customer()
        contract = make_contract(customer)
        wizard = Order(customer_id=customer.id, order_number="A8000001", contract=contract,
                       kind=OrderKind.OPTION_CHANGE, status=OrderStatus.PROVISIONING)
        sales = Order(customer_id=customer.id, order_number="A8000002", contract=contract,
                      kind=OrderKind.NEW_PROVISION, status=OrderStatus.OFFER_CREATED)
        db.session.add_all([wizard, sales])
        db.session.commit()
        return {"customer": customer.id, "contract": contract.id, "wizard": wizard.id, "sales": sales.id}


def _kind_options(html: str) -> set[str]:
    select_html = re.search(r'<select[^>]*name="kind".*?</select>', html, re.S).group(0)
    return set(re.findall(r'<option[^>]*value="([^"]+)"', select_html))


def _new_order(client, orders, kind, number="A8000099"):
    return form_data(client, "/orders/add", order_number=number, customer=str(orders["customer"]),
                     contract=str(orders["contract"]), kind=kind, status="offer_created")


def _count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Order.id)))


@pytest.mark.rule("R-ORD-3", "R-BO-2")
def test_sales_form_offers_only_their_kinds(app, client, login, orders):
    """R-ORD-3: the add form lists new provision and product change, the edit form also the order's own kind."""
    sales = staff_client(app, client, login, SALES, "sales-kinds")
    assert _kind_options(sales.get("/orders/add").get_data(as_text=True)) == {"new_provision", "product_change"}
    edit = sales.get(f"/orders/edit/{orders['wizard']}").get_data(as_text=True)
    assert _kind_options(edit) == {"new_provision", "product_change", "option_change"}


@pytest.mark.rule("R-ORD-3", "R-BO-2")
@pytest.mark.parametrize("kind, status", [
    ("new_provision", 302), ("product_change", 302), ("termination", 422), ("option_change", 422),
])
def test_sales_may_add_only_their_kinds(app, client, login, orders, kind, status):
    sales = staff_client(app, client, login, SALES, "sales-add")
    before = _count(app)
    response = sales.post("/orders/add", data=_new_order(sales, orders, kind))
    assert response.status_code == status, flashes(response.get_data(as_text=True))
    assert _count(app) == before + (status == 302)


@pytest.mark.rule("R-ORD-3")
def test_sales_keep_a_wizard_order_kind_but_cannot_turn_one_into_a_termination(app, client, login, orders):
    sales = staff_client(app, client, login, SALES, "sales-edit")
    url = f"/orders/edit/{orders['wizard']}"
    response = sales.post(url, data=form_data(sales, url, note="Rückruf vereinbart"))
    assert response.status_code == 302, flashes(response.get_data(as_text=True))
    url = f"/orders/edit/{orders['sales']}"
    response = sales.post(url, data=form_data(sales, url, kind="termination"))
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Order, orders["wizard"]).note == "Rückruf vereinbart"
        assert db.session.get(Order, orders["sales"]).kind is OrderKind.NEW_PROVISION


@pytest.mark.rule("R-ORD-3", "R-BO-3")
def test_service_and_admin_set_any_kind(app, client, login, orders):
    """R-ORD-3: terminations are entered by the carrier (Service edits, Admin also adds)."""
    service = staff_client(app, client, login, SERVICE, "service-kinds")
    url = f"/orders/edit/{orders['sales']}"
    assert _kind_options(service.get(url).get_data(as_text=True)) == {k.value for k in OrderKind}
    response = service.post(url, data=form_data(service, url, kind="termination"))
    assert response.status_code == 302, flashes(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(Order, orders["sales"]).kind is OrderKind.TERMINATION


@pytest.mark.rule("R-ORD-3")
def test_admin_adds_a_termination(app, client, login, orders):
    admin = staff_client(app, client, login, ADMIN, "admin-kinds")
    response = admin.post("/orders/add", data=_new_order(admin, orders, "termination"))
    assert response.status_code == 302, flashes(response.get_data(as_text=True))
