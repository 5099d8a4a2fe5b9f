"""QUALITY P5: statements per portal page do not grow with the rows shown (≤ 15 per page)."""
from __future__ import annotations


from app.extensions import db
from app.models import Contract, Order, OrderStep
from app.models.enums import OrderKind, OrderStatus, StepStatus
from app.security.roles_base import PORTAL_ADMIN
from tests.sql_counting import count_statements
from tests.factories import make_contract, make_location, make_option, make_option_type

LIMIT = 15


def _count(app, client, url):
    return count_statements(app, client, url)


def test_contract_detail_with_1_or_50_options(app, world, signed_in):
    a = world["a"]
    with app.app_context():
        from app.models import Customer

        customer = db.session.get(Customer, a.customer_id)
        small = make_contract(customer)
        make_option(small, make_option_type())
        big = make_contract(customer)
        sites = [make_location(big, name=f"Standort {n}") for n in range(5)]
        for n in range(50):
            make_option(big, make_option_type(), location=sites[n % 5] if n % 2 else None)
        db.session.commit()
        small_id, big_id = small.id, big.id
    client = signed_in(a.users[PORTAL_ADMIN])
    one = _count(app, client, f"/portal/contracts/{small_id}")
    fifty = _count(app, client, f"/portal/contracts/{big_id}")
    assert fifty <= one <= LIMIT, (one, fifty)


def test_lists_of_10_or_100_rows(app, world, signed_in):
    a = world["a"]
    client = signed_in(a.users[PORTAL_ADMIN])
    urls = ["/", "/portal/contracts/", "/portal/orders/", "/portal/tickets/", "/portal/invoices/",
            "/portal/documents/", "/portal/cloud-phone/"]
    few = {url: _count(app, client, url) for url in urls}
    with app.app_context():
        from app.models import Customer

        customer = db.session.get(Customer, a.customer_id)
        contract = db.session.get(Contract, a.ids["contract"][0])
        for n in range(100):
            extra = make_contract(customer)
            order = Order(customer=customer, contract=extra, order_number=f"P{extra.id}", kind=OrderKind.NEW_PROVISION,
                          status=OrderStatus.PROVISIONING)
            db.session.add(order)
            db.session.add(OrderStep(customer=customer, order=order, position=1, name="x", status=StepStatus.DONE))
        assert contract is not None
        db.session.commit()
    many = {url: _count(app, client, url) for url in urls}
    for url in urls:
        assert many[url] <= few[url] <= LIMIT, (url, few[url], many[url])
