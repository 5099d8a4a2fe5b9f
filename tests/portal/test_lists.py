"""Portal lists: only the own customer's rows (S1 for lists), sorting and filters (R-ORD-1, R-CON-1),
the provisioning adapter chosen by configuration (R-CON-4), and the staff landing page."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Contract, Document, Invoice, Order, Ticket
from app.models.enums import OrderStatus
from app.roles import ACCOUNTING, ADMIN, PBX_ADMIN, PORTAL_ADMIN, SALES
from app.services.provisioning import ProvisioningUnavailable, TechnicalStatus

from tests.leaks import leaked

LIST_URLS = ["/", "/portal/contracts/", "/portal/cloud-phone/", "/portal/orders/", "/portal/invoices/",
             "/portal/invoices/?type=evn_csv", "/portal/documents/", "/portal/tickets/"]


def _markers(app, customer_id):
    """Every number and link of one customer that a list could show."""
    with app.app_context():
        markers = set()
        for model, column in ((Contract, Contract.contract_number), (Order, Order.order_number),
                              (Ticket, Ticket.ticket_number), (Invoice, Invoice.invoice_number)):
            markers |= set(db.session.scalars(select(column).where(model.customer_id == customer_id)))
        for doc_id in db.session.scalars(select(Document.id).where(Document.customer_id == customer_id)):
            markers.add(f"/{doc_id}/download")
    return markers


@pytest.mark.rule("R-ORD-1", "R-CON-1", "S1")
@pytest.mark.parametrize("role", [PORTAL_ADMIN, PBX_ADMIN, ACCOUNTING])
def test_lists_show_only_the_own_customer(app, world, signed_in, role):
    a, b = world["a"], world["b"]
    own, foreign = _markers(app, a.customer_id), _markers(app, b.customer_id)
    client = signed_in(a.users[role])
    seen_own = set()
    for url in LIST_URLS:
        response = client.get(url)
        if response.status_code != 200:
            continue
        html = response.get_data(as_text=True)
        assert not leaked(foreign, html), (role, url, leaked(foreign, html))
        seen_own |= {m for m in own if m in html}
    assert seen_own, "the lists showed nothing of the own customer"


def _order_numbers(html):
    return re.findall(r'href="/portal/orders/\d+">([^<]+)</a>', html)


@pytest.mark.rule("R-ORD-1")
def test_orders_sort_by_every_column_and_keep_the_filter(app, world, signed_in):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    ascending = _order_numbers(client.get("/portal/orders/?sort=number").get_data(as_text=True))
    descending = _order_numbers(client.get("/portal/orders/?sort=-number").get_data(as_text=True))
    assert ascending == sorted(ascending) and descending == ascending[::-1] and len(ascending) == 2
    for key in ("kind", "-kind", "status", "created", "-completed", "bogus", "-", "", "--number"):
        assert client.get(f"/portal/orders/?sort={key}").status_code == 200, key
    html = client.get("/portal/orders/?sort=-number&status=offer_created").get_data(as_text=True)
    assert _order_numbers(html) == [n for n in ascending if n.startswith("A")]
    assert 'aria-sort="descending"' in html
    assert 'href="/portal/orders/?sort=number&amp;status=offer_created"' in html  # reverses, keeps the filter
    assert 'name="sort" value="-number"' in html  # the filter keeps the order


@pytest.mark.rule("R-CON-1")
def test_contracts_sort_and_filter(app, world, signed_in):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    numbers = re.findall(r'href="/portal/contracts/\d+">([^<]+)</a>',
                         client.get("/portal/contracts/?sort=-number").get_data(as_text=True))
    assert numbers == sorted(numbers, reverse=True) and len(numbers) == 2
    for key in ("status", "-start", "bogus"):
        assert client.get(f"/portal/contracts/?sort={key}&status=active").status_code == 200


@pytest.mark.rule("R-ORD-1")
def test_order_status_filter(app, world, signed_in):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    html = client.get(f"/portal/orders/?status={OrderStatus.COMPLETED.value}").get_data(as_text=True)
    assert [n[0] for n in _order_numbers(html)] == ["B"]


class _Broken:
    def __init__(self, config):
        pass

    def technical_status(self, contract, timeout):
        raise ConnectionResetError("network system hung up")


class _Fixed:
    def __init__(self, config):
        self.proxy = config.get("TEST_PROXY", "proxy.test")

    def technical_status(self, contract, timeout):
        return TechnicalStatus(contract_number=contract.contract_number, locked=True)


class _Unavailable(_Broken):
    def technical_status(self, contract, timeout):
        raise ProvisioningUnavailable()


@pytest.fixture
def adapter(app):
    def _use(dotted):
        app.config["PROVISIONING_ADAPTER"] = dotted
        app.extensions.pop("eservice_provisioning", None)

    yield _use
    app.config["PROVISIONING_ADAPTER"] = None
    app.extensions.pop("eservice_provisioning", None)


def test_the_adapter_is_chosen_by_configuration(app, world, signed_in, adapter):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    url = f"/portal/contracts/{world['a'].ids['contract'][0]}/technical"
    adapter(f"{__name__}._Fixed")
    response = client.get(url)
    assert response.status_code == 200 and 'id="technical-locked"' in response.get_data(as_text=True)
    for failing in ("_Broken", "_Unavailable"):
        adapter(f"{__name__}.{failing}")
        response = client.get(url)
        assert response.status_code == 503 and response.get_json()["error"], failing
    # The commercial page never asks the adapter.
    assert client.get(f"/portal/contracts/{world['a'].ids['contract'][0]}").status_code == 200


def test_staff_land_on_their_back_office_shortcuts(app, world, signed_in):
    for role in (SALES, ADMIN):
        html = signed_in(world["staff"][role]).get("/").get_data(as_text=True)
        assert 'id="backoffice-shortcuts"' in html and 'href="/customers/list/"' in html, role
        assert "show-customer-password" not in html
