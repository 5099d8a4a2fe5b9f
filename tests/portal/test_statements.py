"""QUALITY P5: statements per portal page do not grow with the rows shown (≤ 15 per page)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Order, OrderStep
from app.models.enums import OrderKind, OrderStatus, StepStatus
from app.roles import PORTAL_ADMIN
from tests.sql_counting import count_statements
from tests.factories import make_contract, make_location, make_option, make_option_type

LIMIT = 15


def _count(app, client, url):
    return count_statements(app, client, url)


@pytest.mark.rule("P5")
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


def _grow(app, customer_id, count, products):
    """Add `count` rows to every portal list of the customer (contracts, orders, tickets, documents)."""
    from datetime import date
    from secrets import token_hex

    from app.models import Customer, Document, Invoice, Ticket
    from app.models.enums import DocumentType, TicketKind, TicketStatus, TicketSubject

    with app.app_context():
        customer = db.session.get(Customer, customer_id)
        for n in range(count):
            contract = make_contract(customer, products[n % len(products)])
            make_option(contract, make_option_type(), location=make_location(contract))
            order = Order(customer=customer, contract=contract, order_number=f"P{contract.id}",
                          kind=OrderKind.NEW_PROVISION, status=OrderStatus.PROVISIONING)
            db.session.add(order)
            db.session.add(OrderStep(customer=customer, order=order, position=1, name="x", status=StepStatus.DONE))
            invoice = Invoice(customer=customer, invoice_number=f"R{contract.id}", invoice_date=date(2026, 10, 1),
                              period_start=date(2026, 9, 1), period_end=date(2026, 9, 30), net_amount=1,
                              tax_amount=0, gross_amount=1, due_date=date(2026, 10, 15))
            db.session.add(invoice)
            closed = n % 3 == 0
            db.session.add(Ticket(customer=customer, ticket_number=f"T{contract.id}", kind=TicketKind.FAULT,
                                  subject=TicketSubject.CONTRACT, contract=contract, title="x", description="x",
                                  status=TicketStatus.CLOSED if closed else TicketStatus.OPEN))
            for doc_type, link in ((DocumentType.INVOICE, {"invoice": invoice}),
                                   (DocumentType.EVN_CSV, {"contract": contract}),
                                   (DocumentType.ORDER_CONFIRMATION, {"contract": contract})):
                db.session.add(Document(customer=customer, doc_type=doc_type, title="x", filename="x",
                                        storage_key=token_hex(16), mime_type="application/pdf", size_bytes=1,
                                        sha256="0" * 64, document_date=date(2026, 10, 1), **link))
        db.session.commit()


@pytest.mark.rule("P5")
def test_lists_of_10_or_100_rows(app, world, signed_in, monkeypatch):
    """Every portal list page runs the same statements showing 10 and 100 rows of each kind."""
    from app.models import Product
    from app.services.portal import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 200)  # show every row, not a page of 25

    a = world["a"]
    client = signed_in(a.users[PORTAL_ADMIN])
    with app.app_context():
        products = list(db.session.scalars(select(Product).order_by(Product.id)))
    urls = ["/", "/portal/contracts/", "/portal/contracts/?sort=-start", "/portal/orders/",
            "/portal/orders/?sort=status", "/portal/tickets/", "/portal/invoices/", "/portal/invoices/?type=evn_csv",
            "/portal/documents/", "/portal/cloud-phone/"]
    _grow(app, a.customer_id, 10, products)
    client.get("/")  # the worker's permission cache filled once (app/security/permission_cache.py), as in production
    ten = {url: _count(app, client, url) for url in urls}
    _grow(app, a.customer_id, 90, products)
    hundred = {url: _count(app, client, url) for url in urls}
    for url in urls:
        assert hundred[url] == ten[url] <= LIMIT, (url, ten[url], hundred[url])
    shown = client.get("/portal/orders/").get_data(as_text=True).count('href="/portal/orders/')
    assert shown >= 100


def _dashboard_rows(app, customer_id, count):
    """`count` contracts each with a date in the next 90 days, a blocked one, a flagged open ticket each."""
    from datetime import date, timedelta

    from dateutil.relativedelta import relativedelta

    from app.models import Customer, Ticket
    from app.models.enums import ContractStatus, TicketKind, TicketSubject

    with app.app_context():
        customer = db.session.get(Customer, customer_id)
        start = date.today() + timedelta(days=20) - relativedelta(months=24)
        for n in range(count):
            contract = make_contract(customer, start_date=start, minimum_term_months=24,
                                     status=ContractStatus.BLOCKED if n % 10 == 0 else ContractStatus.ACTIVE)
            db.session.add(Ticket(customer=customer, ticket_number=f"F{contract.id}", kind=TicketKind.FAULT,
                                  subject=TicketSubject.CONTRACT, contract=contract, title="x", description="x",
                                  contact_support=True))
        db.session.commit()


def test_the_start_page_dashboard_with_1_or_60_contracts(app, world, signed_in):
    """R-HOME: counts by status, blocked contracts, dates ahead and flagged tickets are aggregates or short
    lists: the start page runs the same statements whatever the customer holds (P5)."""
    a = world["a"]
    client = signed_in(a.users[PORTAL_ADMIN])
    _dashboard_rows(app, a.customer_id, 1)
    # The world's users were just given their roles, which moves the permission counter: the first page
    # after that reads the user's roles and permission set into the worker's cache (two statements, once).
    client.get("/")
    one = _count(app, client, "/")
    html = client.get("/").get_data(as_text=True)
    assert 'id="overview-upcoming"' in html and 'id="overview-blocked"' in html
    _dashboard_rows(app, a.customer_id, 59)
    sixty = _count(app, client, "/")
    html = client.get("/").get_data(as_text=True)
    assert "weitere Termine" in html and "7 Verträge sind gesperrt." in html
    assert sixty == one <= LIMIT, (one, sixty)


@pytest.mark.rule("P5", "P8")
def test_the_wizard_steps_with_a_full_draft(app):
    """The four steps of the option order stay within P5 with numbers, a porting and option changes."""
    from tests import option_order_world as world
    from tests.auth_helpers import complete_login_with_pin
    from tests.security.auth_fixtures import new_client
    from tests.sql_counting import statements_of
    from app.models.enums import DocumentType
    from app.services import option_order as wizard

    with app.app_context():
        w = world.build()
        draft = wizard.start(w.customer, w.user, w.trunk.id)
        form = wizard.attach_upload(w.customer, w.user, draft.id, DocumentType.SIGNED_PORTING_FORM, *world.pdf())
        wizard.add_numbers(w.customer, w.user, draft.id, {"kind": "port_single", "upload_id": form.id,
                                                          "porting": world.porting()})
        wizard.mark_removal(w.customer, w.user, draft.id, w.numbers[0].id)
        wizard.choose_options(w.customer, w.user, draft.id, {f"booked:{w.channels.id}": 11,
                                                             f"new:{w.failover_type.id}:": 1})
        username, draft_id = w.user.username, draft.id
    client = new_client(app)
    assert complete_login_with_pin(client, username, "Sicher#Kennwort42", app=app).status_code == 302
    client.get("/")
    for step in ("numbers", "options", "summary"):
        url = f"/portal/option-order/{draft_id}/{step}"
        statements, response = statements_of(app, lambda: client.get(url))
        assert response.status_code == 200, url
        assert len(statements) <= LIMIT, (url, len(statements), "\n".join(s[:160] for s in statements))
