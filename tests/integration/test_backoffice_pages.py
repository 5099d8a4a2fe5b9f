"""Back-office pages: every list renders small and fast, ids are checked, secrets stay hidden.

R-BO-1, QUALITY P4 (≤ 150 KB, no whole-table dropdowns), P5 (statements do not
grow with rows), S13/R7 (no 500 for malformed ids or actions), S14 (secrets).
The list of pages is discovered from the registered views, so a new view is
covered without editing this file.
"""
from __future__ import annotations

import re

import pytest
from flask import url_for
from flask_appbuilder.baseviews import BaseCRUDView

from app.extensions import db
from app.models import OutboxMessage
from app.security.roles import ADMIN
from app.views.backoffice.safe_view import SafeViewMixin
from tests.factories import (
    make_contract, make_customer, make_location, make_option, make_option_type, make_product, make_user,
)
from tests.integration.backoffice_forms import staff_client
from tests.sql_counting import count_statements

MAX_PAGE_BYTES = 150 * 1024
# Secret values planted in the dataset; none may appear on any back-office page (S14).
SECRET_VALUES = ("HotlineGeheim77", "SipGeheim#9911", "DslGeheim#5522", "JBSWY3DPEHPK3PXPTOTPSECRET")


def make_full_dataset() -> dict:
    """One row of every back-office model, linked the way production data is."""
    from datetime import date, datetime

    from app.models import (
        AuditLog, CallForwarding, CallRecord, Cpe, Document, DslAccount, Invoice, Order, OrderItem, OrderStep,
        PhoneNumber, ProvisioningChange, Shipment, SipAccount, Ticket, TicketComment, TrunkRegistration,
        ContactPerson,
    )
    from app.models.enums import (
        AreaCodeKind, Channel, ContactRole, DocumentType, ForwardingKind, ForwardingScope, ItemChange,
        NumberKind, OrderKind, OrderStatus, ShipmentStatus, StepStatus, TicketKind, TicketSubject,
    )

    customer = make_customer(hotline_password=SECRET_VALUES[0])
    product = make_product()
    contract = make_contract(customer, product, sip_password=SECRET_VALUES[1])
    location = make_location(contract)
    option = make_option(contract, make_option_type(), location=location)
    product.option_types.append(option.option_type)
    owned = dict(customer_id=customer.id)
    contact = ContactPerson(role=ContactRole.TELECOM, first_name="Erika", last_name="Muster", **owned)
    number = PhoneNumber(contract=contract, location=location, kind=NumberKind.BLOCK,
                         area_code_kind=AreaCodeKind.LOCAL, area_code="211", subscriber_number=f"55{contract.id:05d}",
                         extension_from="0", extension_to="99", **owned)
    sip = SipAccount(contract=contract, username=f"sip{contract.id}", label="Zentrale", **owned)
    forwarding = CallForwarding(contract=contract, kind=ForwardingKind.FAILOVER, scope=ForwardingScope.BLOCK,
                                phone_number=number, target="+492111234567", **owned)
    registration = TrunkRegistration(contract=contract, ip_address="192.0.2.10", position=1, **owned)
    dsl = DslAccount(contract=contract, username=f"dsl{contract.id}", password=SECRET_VALUES[2], **owned)
    order = Order(order_number=f"A{contract.id:06d}", contract=contract, kind=OrderKind.NEW_PROVISION,
                  status=OrderStatus.PROVISIONING, **owned)
    item = OrderItem(order=order, change=ItemChange.ADDED, description="Sprachkanäle +2", quantity_after=2,
                     option_type=option.option_type, porting_state="form_received", porting_numbers="+49 211 5550123",
                     porting_carrier="Telekom", **owned)
    step = OrderStep(order=order, position=1, name="Auftrag geprüft", status=StepStatus.DONE, **owned)
    cpe = Cpe(contract=contract, order=order, model="Router X", serial_number=f"SN{contract.id:08d}", **owned)
    shipment = Shipment(cpe=cpe, carrier="DHL", tracking_number="00340434", status=ShipmentStatus.SHIPPED,
                        **owned)
    invoice = Invoice(invoice_number=f"R{contract.id:07d}", invoice_date=date(2024, 2, 1),
                      period_start=date(2024, 1, 1), period_end=date(2024, 1, 31), net_amount=100,
                      tax_amount=19, gross_amount=119, due_date=date(2024, 2, 15), **owned)
    document = Document(doc_type=DocumentType.INVOICE, title="Rechnung Januar", filename="rechnung.pdf",
                        storage_key=f"k-{contract.id}", mime_type="application/pdf", size_bytes=1234,
                        sha256="0" * 64, document_date=date(2024, 2, 1), invoice=invoice, **owned)
    ticket = Ticket(ticket_number=f"T{contract.id:06d}", kind=TicketKind.FAULT, subject=TicketSubject.CONTRACT,
                    contract=contract, title="Kein Freizeichen", description="Seit heute früh.", **owned)
    comment = TicketComment(ticket=ticket, body="Wir prüfen das.", **owned)
    call = CallRecord(contract=contract, started_at=datetime(2024, 1, 5, 10, 0), caller="+49211550070",
                      callee="+49301234567", duration_seconds=61, zone="Festnetz", charge=0.02,
                      created_at=datetime(2024, 1, 6), **owned)
    sensitive = OutboxMessage(channel=Channel.SMS, recipient="+491701234567", subject="PIN",
                              body="Ihre PIN: 12345678", sensitive=True, customer_id=customer.id)
    plain = OutboxMessage(channel=Channel.EMAIL, recipient="a@example.com", subject="Auftragsbestätigung",
                          body="Vielen Dank für Ihren Auftrag.", sensitive=False, customer_id=customer.id)
    audit = AuditLog(action="login", username="someone", customer_id=customer.id, client_ip="127.0.0.1")
    change = ProvisioningChange(contract=contract, kind="failover", state="failed", payload={"rows": []},
                                old_summary="+492111234567-* → +4930123456", new_summary="-", attempts=1, **owned)
    db.session.add_all([contact, number, sip, forwarding, registration, dsl, order, item, step, cpe, shipment,
                        invoice, document, ticket, comment, call, sensitive, plain, audit, change])
    portal_admin = make_user("Portal Admin", customer=customer, totp_secret=SECRET_VALUES[3])
    from flask_appbuilder.security.sqla.models import Group

    db.session.add(Group(name=f"Gruppe {contract.id}", label="Demo"))
    from flask import current_app
    from flask_appbuilder.security.sqla.models import Role

    from app.services.staff_roles import choosable_by_pair, save_role

    save_role(current_app.appbuilder, Role(), f"Rolle {contract.id}",
              choosable_by_pair([("can_list", "CustomerView"), ("can_edit", "LocationView")]))
    db.session.flush()
    return {
        "customer": customer.id, "contract": contract.id, "contract_number": contract.contract_number,
        "order": order.id, "ticket": ticket.id, "cpe": cpe.id, "product": product.id,
        "outbox_sensitive": sensitive.id, "outbox_plain": plain.id, "portal_admin": portal_admin.id,
    }


def make_more_rows(dataset: dict, count: int) -> None:
    """`count` more rows in every model, each with its own customer, so relations differ per row."""
    for _ in range(count):
        make_full_dataset()


def _list_views(app):
    """Every registered CRUD view that is reachable from the menu."""
    menu_views = set()
    for item in app.appbuilder.menu.get_list():
        for child in [item] + list(item.childs):
            view = getattr(child, "baseview", None)
            if view is not None:
                menu_views.add(view)
    views = [v for v in app.appbuilder.baseviews if isinstance(v, BaseCRUDView) and v in menu_views]
    assert len(views) >= 25
    return views


def _backoffice_views(app):
    return [v for v in _list_views(app) if isinstance(v, SafeViewMixin)]


def _url(app, endpoint, **values):
    with app.test_request_context():
        return url_for(endpoint, **values)


@pytest.fixture
def admin_client(app, client, login):
    return staff_client(app, client, login, ADMIN, "bo-admin")


@pytest.fixture
def dataset(app):
    with app.app_context():
        ids = make_full_dataset()
        db.session.commit()
        return ids


@pytest.mark.rule("R-BO-1", "P4")
def test_every_list_page_renders_small(app, admin_client, dataset):
    for view in _list_views(app):
        url = _url(app, f"{view.endpoint}.list")
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert len(response.data) < MAX_PAGE_BYTES, (url, len(response.data))
        assert b"Traceback" not in response.data


@pytest.mark.rule("R-BO-1")
def test_show_and_edit_pages_open_for_a_row(app, admin_client, dataset):
    for view in _backoffice_views(app):
        with app.app_context():
            # The newest row: for roles the dataset's composed one (the product's own open read-only).
            pk = db.session.query(view.datamodel.obj.id).order_by(view.datamodel.obj.id.desc()).limit(1).scalar()
        assert pk is not None, f"dataset has no row for {type(view).__name__}"
        url = _url(app, f"{view.endpoint}.show", pk=pk)
        response = admin_client.get(url)
        assert response.status_code == 200, url
        if "can_edit" in view.base_permissions:
            url = _url(app, f"{view.endpoint}.edit", pk=pk)
            response = admin_client.get(url)
            assert response.status_code == 200, url
            assert len(response.data) < MAX_PAGE_BYTES, url


@pytest.mark.rule("R7", "S13")
@pytest.mark.parametrize("pk", ["99999999999999999999", "2147483648", "0", "-1", "abc", "1.5", "%20"])
def test_malformed_or_huge_ids_are_404(app, admin_client, pk):
    for view in _backoffice_views(app):
        for endpoint in ("show", "edit", "delete"):
            if f"can_{endpoint}" not in view.base_permissions:
                continue
            url = f"{view.route_base}/{endpoint}/{pk}"
            response = admin_client.get(url)
            assert response.status_code == 404, (url, response.status_code)


@pytest.mark.rule("R7", "S13")
def test_unknown_action_is_404(app, admin_client, dataset):
    from tests.conftest import csrf_token_from

    token = csrf_token_from(admin_client.get("/contracts/add").get_data(as_text=True))
    for view in _backoffice_views(app):
        response = admin_client.get(f"{view.route_base}/action/no_such_action/1")
        assert response.status_code == 404, view.route_base
        response = admin_client.post(f"{view.route_base}/action_post",
                                     data={"action": "no_such_action", "csrf_token": token})
        assert response.status_code in (400, 404), view.route_base


@pytest.mark.rule("R7")
def test_bad_filter_and_order_arguments_do_not_fail(app, admin_client, dataset):
    for view in _backoffice_views(app):
        name = type(view).__name__
        base = f"{view.route_base}/list/"
        for query in (
            f"_flt_9_{view.search_columns[0]}=x",
            f"_flt_0_status=bogus&_flt_1_status=bogus",
            f"_flt_0_id=99999999999999999999999",
            f"_oc_{name}=no_such_column&_od_{name}=asc",
            f"psize_{name}=100000&page_{name}=abc",
        ):
            response = admin_client.get(f"{base}?{query}")
            assert response.status_code in (200, 404), (base, query, response.status_code)


@pytest.mark.rule("P5")
def test_list_statements_do_not_grow_with_rows(app, admin_client, dataset):
    """25 rows cost no more statements than 5 (no N+1 through relations; P5)."""
    with app.app_context():
        make_more_rows(dataset, count=30)
        db.session.commit()

    def _count(url):
        return count_statements(app, admin_client, url)

    for view in _list_views(app):
        name = type(view).__name__
        url = _url(app, f"{view.endpoint}.list")
        small = _count(f"{url}?psize_{name}=5")
        large = _count(f"{url}?psize_{name}=25")
        assert large <= small, (name, small, large)


@pytest.mark.rule("S14")
def test_secrets_never_appear_on_back_office_pages(app, admin_client, dataset):
    for view in _backoffice_views(app):
        with app.app_context():
            pk = db.session.query(view.datamodel.obj.id).order_by(view.datamodel.obj.id).limit(1).scalar()
        pages = [_url(app, f"{view.endpoint}.list"), _url(app, f"{view.endpoint}.show", pk=pk)]
        if "can_edit" in view.base_permissions:
            pages.append(_url(app, f"{view.endpoint}.edit", pk=pk))
        for url in pages:
            body = admin_client.get(url).get_data(as_text=True)
            for secret in SECRET_VALUES:
                assert secret not in body, (url, secret)


@pytest.mark.rule("S14")
def test_outbox_never_shows_a_sensitive_body(app, admin_client, dataset):
    with app.app_context():
        sensitive = db.session.get(OutboxMessage, dataset["outbox_sensitive"])
        plain = db.session.get(OutboxMessage, dataset["outbox_plain"])
        sensitive_body, plain_body = sensitive.body, plain.body
    listing = admin_client.get("/outbox/list/").get_data(as_text=True)
    assert sensitive_body not in listing
    shown = admin_client.get(f"/outbox/show/{dataset['outbox_sensitive']}").get_data(as_text=True)
    assert sensitive_body not in shown
    assert "12345678" not in shown
    assert admin_client.get(f"/outbox/show/{dataset['outbox_plain']}").get_data(as_text=True).count(plain_body) == 1
    # Read only: no add, edit or delete.
    assert admin_client.get("/outbox/add").status_code in (403, 404)
    assert admin_client.get(f"/outbox/edit/{dataset['outbox_plain']}").status_code in (403, 404)


@pytest.mark.rule("P4")
def test_contract_form_does_not_list_every_customer(app, admin_client, dataset):
    with app.app_context():
        for _ in range(300):
            make_customer()
        db.session.commit()
    for url in ("/contracts/add", f"/contracts/edit/{dataset['contract']}", "/contracts/list/"):
        response = admin_client.get(url)
        assert response.status_code == 200
        options = re.findall(r"<option\b", response.get_data(as_text=True))
        assert len(options) < 60, (url, len(options))
        assert len(response.data) < MAX_PAGE_BYTES


@pytest.mark.rule("R-BO-1")
def test_lookup_endpoint_searches_and_pages(app, admin_client, dataset):
    with app.app_context():
        for n in range(30):
            make_customer(company_name=f"Suchfirma {n:02d} AG")
        db.session.commit()
    first = admin_client.get("/backoffice/lookup/customer?q=Suchfirma").get_json()
    assert len(first["results"]) == 20 and first["pagination"]["more"] is True
    second = admin_client.get("/backoffice/lookup/customer?q=Suchfirma&page=2").get_json()
    assert len(second["results"]) == 10 and second["pagination"]["more"] is False
    assert {r["id"] for r in first["results"]}.isdisjoint({r["id"] for r in second["results"]})
    assert admin_client.get("/backoffice/lookup/customer?q=%25&page=x").status_code == 200
    assert admin_client.get("/backoffice/lookup/no-such-kind").status_code == 404
    contract = admin_client.get(f"/backoffice/lookup/contract?q={dataset['contract_number']}").get_json()
    assert [r["id"] for r in contract["results"]] == [dataset["contract"]]


@pytest.mark.rule("R-BO-1", "R7")
def test_every_text_filter_answers(app, admin_client, dataset):
    """R7, P4: each text filter that replaces a relation dropdown filters the list (200), for every
    filter index a column offers, with a value that matches and one that cannot."""
    checked = 0
    for view in _backoffice_views(app):
        name = type(view).__name__
        for column, filters in (getattr(view, "text_filters", None) or {}).items():
            for index in range(len(filters)):
                for value in ("9", "zz-no-such-value"):
                    url = f"{view.route_base}/list/?_flt_{index}_{column}={value}"
                    response = admin_client.get(url)
                    assert response.status_code == 200, (name, url, response.status_code)
                    checked += 1
    assert checked > 20
