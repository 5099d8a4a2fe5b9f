"""The start page as a dashboard (R-HOME, issue 17 point 4): each role sees its part, figures are aggregates.

Service figures are checked on a real database with a fixed day; the page tests check what each
portal role sees, in German and in English, and that another customer's rows never count.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from app import context
from app.extensions import db
from app.models import Contract, Customer, EServiceUser, Invoice, Product, Ticket
from app.models.enums import ContractStatus, TicketKind, TicketStatus, TicketSubject
from app.roles import ACCOUNTING, PBX_ADMIN, PORTAL_ADMIN
from app.services.portal import overview
from tests.factories import make_contract

TODAY = date(2026, 12, 2)


def _customer(tenant) -> Customer:
    return db.session.get(Customer, tenant.customer_id)


def _figures(app, username, **kw):
    """The overview as the signed-in `username` gets it (tenancy reads the acting user from app.context)."""
    with app.test_request_context("/"):
        context.bind(db.session.scalar(select(EServiceUser).where(EServiceUser.username == username)), "127.0.0.1")
        return overview.overview(**{"orders": True, "tickets": True, "invoices": True, "contracts": True,
                                    "today": TODAY, **kw})


def test_contracts_by_status_blocked_and_the_dates_of_the_next_90_days(app, world):
    a, b = world["a"], world["b"]
    with app.app_context():
        mine, theirs = _customer(a), _customer(b)
        # Minimum term (24 months) ends 14 Jan 2027, 43 days ahead; its notice deadline lies a year later.
        ending = make_contract(mine, start_date=date(2025, 1, 15), minimum_term_months=24,
                               notice_period_months=3, renewal_period_months=12)
        # Minimum term over; the next end it can reach is 31 Mar 2027, notice by 31 Dec 2026.
        renewing = make_contract(mine, start_date=date(2024, 4, 1), minimum_term_months=24,
                                 notice_period_months=3, renewal_period_months=12)
        blocked = make_contract(mine, status=ContractStatus.BLOCKED, start_date=date(2020, 1, 1))
        make_contract(mine, status=ContractStatus.INACTIVE, start_date=date(2024, 4, 1))  # no dates for it
        make_contract(mine, status=ContractStatus.ACTIVE_PENDING, start_date=None)
        # Far ahead (min end in 2028) and another customer's contract with the same dates: neither shows.
        make_contract(mine, start_date=date(2026, 6, 1), minimum_term_months=24)
        make_contract(theirs, start_date=date(2024, 4, 1), minimum_term_months=24)
        make_contract(theirs, status=ContractStatus.BLOCKED)
        db.session.commit()
        ids = (ending.id, renewing.id, blocked.id)
    result = _figures(app, a.users[PORTAL_ADMIN]).contracts
    assert result.by_status == {
        ContractStatus.ACTIVE: 5,  # the world's trunk and cloud.phone, and three above
        ContractStatus.BLOCKED: 1, ContractStatus.INACTIVE: 1, ContractStatus.ACTIVE_PENDING: 1,
        ContractStatus.INACTIVE_PENDING: 0,
    }
    assert [ref.id for ref in result.blocked] == [ids[2]] and result.blocked_total == 1
    assert [(item.when, item.kind, item.contract.id, item.ends_on) for item in result.upcoming] == [
        (date(2026, 12, 31), "notice_deadline", ids[1], date(2027, 3, 31)),
        (date(2027, 1, 14), "minimum_term_end", ids[0], None),
    ]
    assert result.upcoming_total == 2
    assert result.upcoming[0].contract.product  # the product's name comes with the row


def test_the_upcoming_list_is_short_and_says_how_many_more(app, world):
    a = world["a"]
    with app.app_context():
        mine = _customer(a)
        for day in range(8):
            make_contract(mine, start_date=date(2025, 1, 3 + day), minimum_term_months=24)
        db.session.commit()
    result = _figures(app, a.users[PORTAL_ADMIN]).contracts
    assert len(result.upcoming) == overview.SHOWN == 5 and result.upcoming_total == 8
    assert [item.when for item in result.upcoming] == [date(2027, 1, 2 + day) for day in range(5)]


def test_orders_tickets_and_the_latest_invoice(app, world):
    a, b = world["a"], world["b"]
    with app.app_context():
        for tenant in (a, b):  # both customers' tickets get the flag; only a's count for a
            db.session.execute(Ticket.__table__.update().where(Ticket.customer_id == tenant.customer_id)
                               .values(contact_support=True))
        db.session.add(Ticket(customer_id=a.customer_id, ticket_number="T-closed", kind=TicketKind.FAULT,
                              subject=TicketSubject.CONTRACT, contract_id=a.named["trunk"], title="alt",
                              description="alt", status=TicketStatus.CLOSED, contact_support=True))
        db.session.commit()
    result = _figures(app, a.users[PORTAL_ADMIN])
    assert (result.open_orders, result.open_offers) == (1, 1)
    assert (result.tickets.open, result.tickets.flagged) == (1, 1)
    assert [t.id for t in result.tickets.flagged_tickets] == [a.named["ticket"]]
    assert result.latest_invoice.customer_id == a.customer_id
    assert result.latest_invoice.state(TODAY).value == "overdue"  # due 15 Oct 2026, not paid


def test_each_role_reads_only_its_part(app, world):
    a = world["a"]
    # The view passes what the role may list; the service then reads nothing else.
    pbx = _figures(app, a.users[PBX_ADMIN], orders=False, invoices=False, contracts=False)
    assert pbx.contracts is None and pbx.open_orders is None and pbx.latest_invoice is None
    assert pbx.tickets.open == 1


def _section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return " ".join(re.sub(r"<[^>]+>", " ", html[start:start + 6000]).split())


def _soon(app, tenant, **kw):
    """An active contract of `tenant` whose minimum term (24 months) ends 30 days from today."""
    with app.app_context():
        start = date.today() + timedelta(days=31) - relativedelta(months=24)
        contract = make_contract(_customer(tenant), start_date=start, minimum_term_months=24, **kw)
        db.session.commit()
        return contract.contract_number, date.today() + timedelta(days=30)


def test_the_portal_admin_sees_the_whole_dashboard_in_german_and_english(app, world, signed_in):
    a = world["a"]
    number, ends = _soon(app, a)
    with app.app_context():
        make_contract(_customer(a), status=ContractStatus.BLOCKED, contract_number="V-GESPERRT")
        db.session.commit()
    client = signed_in(a.users[PORTAL_ADMIN])
    html = client.get("/").get_data(as_text=True)
    contracts = _section(html, "overview-contracts")
    assert "Deine Verträge auf einen Blick" in contracts
    assert "Aktiv 3" in contracts and "Gesperrt 1" in contracts
    assert "1 Vertrag ist gesperrt." in contracts and "V-GESPERRT" in contracts
    assert app.config["ACCOUNTING_PHONE"] in contracts
    assert f"{ends:%d.%m.%Y} Mindestlaufzeit endet {number}" in contracts
    invoice = _section(html, "overview-latest-invoice")
    assert "119,00 €" in invoice and "15.10.2026" in invoice and "Überfällig" in invoice
    assert 'id="cloud-phone-contracts"' in html  # the world's customers have cloud.phone

    client.get("/lang/en")
    html = client.get("/").get_data(as_text=True)
    contracts = _section(html, "overview-contracts")
    assert "Your contracts at a glance" in contracts and "Active 3" in contracts
    assert "1 contract is blocked." in contracts
    assert f"{ends:%b} {ends.day}, {ends.year} Minimum term ends {number}" in contracts
    invoice = _section(html, "overview-latest-invoice")
    assert "€119.00" in invoice and "Oct 15, 2026" in invoice and "Overdue" in invoice


def test_the_pbx_admin_and_accounting_see_their_parts_only(app, world, signed_in):
    a = world["a"]
    pbx = signed_in(a.users[PBX_ADMIN]).get("/").get_data(as_text=True)
    assert 'id="cloud-phone-contracts"' in pbx and 'id="overview-open-tickets"' in pbx
    for hidden in ("overview-contracts", "overview-open-orders", "overview-latest-invoice"):
        assert f'id="{hidden}"' not in pbx, hidden
    accounting = signed_in(a.users[ACCOUNTING]).get("/").get_data(as_text=True)
    assert 'id="overview-latest-invoice"' in accounting and 'id="overview-open-tickets"' in accounting
    for hidden in ("overview-contracts", "overview-open-orders", "cloud-phone-contracts"):
        assert f'id="{hidden}"' not in accounting, hidden


def test_the_cloud_phone_box_only_for_customers_with_cloud_phone(app, world, signed_in):
    a = world["a"]
    with app.app_context():
        db.session.get(Contract, a.named["cloud"]).status = ContractStatus.INACTIVE  # no cloud.phone left
        db.session.commit()
    admin = signed_in(a.users[PORTAL_ADMIN]).get("/").get_data(as_text=True)
    assert 'id="cloud-phone-contracts"' not in admin and "cloud.phone" not in _section(admin, "overview-contracts")
    assert "keinen aktiven cloud.phone-Vertrag" not in admin
    pbx = signed_in(a.users[PBX_ADMIN]).get("/").get_data(as_text=True)
    assert 'id="cloud-phone-contracts"' not in pbx


def test_flagged_tickets_are_named_on_the_start_page(app, world, signed_in):
    a, b = world["a"], world["b"]
    with app.app_context():
        for tenant in (a, b):
            db.session.get(Ticket, tenant.named["ticket"]).contact_support = True
        db.session.commit()
        mine = db.session.get(Ticket, a.named["ticket"]).ticket_number
        theirs = db.session.get(Ticket, b.named["ticket"]).ticket_number
    html = signed_in(a.users[ACCOUNTING]).get("/").get_data(as_text=True)
    flagged = _section(html, "overview-contact-support")
    assert "Bitte melde dich bei unserem Support zu 1 Ticket:" in flagged and mine in flagged
    assert theirs not in html


def test_a_paid_invoice_says_so(app, world, signed_in):
    a = world["a"]
    with app.app_context():
        invoice = db.session.scalar(select(Invoice).where(Invoice.customer_id == a.customer_id))
        invoice.paid_on = date(2026, 10, 10)
        db.session.commit()
    html = signed_in(a.users[PORTAL_ADMIN]).get("/").get_data(as_text=True)
    assert "Bezahlt" in _section(html, "overview-latest-invoice")


def test_product_names_on_the_dashboard_follow_the_page_language(app, world, signed_in):
    a = world["a"]
    number, _ = _soon(app, a)
    with app.app_context():
        contract = db.session.scalar(select(Contract).where(Contract.contract_number == number))
        product = db.session.get(Product, contract.product_id)
        product.name, product.name_en = "Sprachpaket", "Voice bundle"
        db.session.commit()
    client = signed_in(a.users[PORTAL_ADMIN])
    assert "Sprachpaket" in _section(client.get("/").get_data(as_text=True), "overview-upcoming")
    client.get("/lang/en")
    upcoming = _section(client.get("/").get_data(as_text=True), "overview-upcoming")
    assert "Voice bundle" in upcoming and "Sprachpaket" not in upcoming
