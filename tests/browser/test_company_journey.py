"""Issue 16's done-when in Chromium: the Portal Admin changes the company data and the customer password,
adds a contact person, switches the invoice delivery (and sees the order), creates an Accounting user who
activates from the email and signs in with a PIN, locks (their open session ends at once) and deactivates
that user, ends one of their own sessions from another browser, and exports the audit log.
Screenshots go to tests/browser/artifacts/company/."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Contract
from app.models.enums import OptionFeature
from app.roles import PORTAL_ADMIN
from tests.auth_helpers import browser_login, link_from_outbox
from tests.browser.auth_server import chromium, live_url  # noqa: F401  - fixtures
from tests.factories import make_option_type
from tests.portal.world import PASSWORD, build_world

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent / "artifacts" / "company"
NEW_PASSWORD = "Buchhaltung#2026"


@pytest.fixture
def world(app):
    with app.app_context():
        made = build_world()
        paper = make_option_type(OptionFeature.PAPER_INVOICE, name="Rechnungsversand per Post", monthly_price=1.90)
        for contract in db.session.scalars(select(Contract).where(Contract.customer_id == made["a"].customer_id)):
            contract.product.option_types.append(paper)
        db.session.commit()
        return made


@pytest.fixture
def new_page(chromium):
    contexts = []

    def _page():
        context = chromium.new_context(locale="de-DE", viewport={"width": 1280, "height": 900}, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield _page
    for context in contexts:
        context.close()


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _unlock(page):
    page.wait_for_url("**/portal/company/unlock**")
    page.fill("#password", PASSWORD)
    page.click("#unlock-submit")
    page.wait_for_load_state()


def test_company_admin_journey(app, live_url, world, new_page):
    admin = world["a"].users[PORTAL_ADMIN]
    page = new_page()
    browser_login(page, live_url, admin, PASSWORD, app=app)

    # Company data: unlock with the own password, change email, phone, consent.
    page.goto(f"{live_url}/portal/company/")
    _shot(page, "01-company")
    page.click("#company-unlock")
    _unlock(page)
    page.fill("#email", "zentrale@firma-a.example")
    page.fill("#main_phone", "0211 9876543")
    page.check("input[name=contact_consent][value=email]")
    page.check("input[name=invoice_delivery][value=portal_post]")
    _shot(page, "02-company-edit")
    page.click("#company-save")
    page.wait_for_url("**/portal/company/")
    assert "zentrale@firma-a.example" in page.inner_text("#company-email")
    assert "+49 211 9876543" in page.inner_text("#company-phone")

    # The invoice delivery by post is an order under Aufträge.
    page.goto(f"{live_url}/portal/orders/")
    assert "Rechnungsversand per Post" in page.content() or "Optionsänderung" in page.content()
    _shot(page, "03-orders")

    # Customer password.
    page.goto(f"{live_url}/portal/company/")
    page.click("#company-hotline-password")
    page.fill("#new_password", "Hotline2026")
    page.fill("#confirm", "Hotline2026")
    page.click("#hotline-save")
    page.wait_for_url("**/portal/company/")
    page.goto(f"{live_url}/")
    page.click("#show-customer-password")
    page.wait_for_selector("#customer-password:not([hidden])")
    assert page.inner_text("#customer-password").strip() == "Hotline2026"  # effective on save (R-CUS-2)
    page.goto(f"{live_url}/portal/company/")

    # A contact person.
    page.click("#company-contact-add")
    page.select_option("#role", "accounting")
    page.fill("#first_name", "Berta")
    page.fill("#last_name", "Beleg")
    page.fill("#email", "berta.beleg@firma-a.example")
    page.click("#contact-save")
    page.wait_for_url("**/portal/company/")
    assert "Berta" in page.inner_text("#company-contacts")
    # ... and is offered as the contact of a new ticket at once (manual: "bei der Erstellung von Tickets").
    page.goto(f"{live_url}/portal/tickets/new")
    assert "Berta Beleg" in page.inner_text("#contact")

    # User management: an Accounting user, activated by the emailed link, signs in with a PIN.
    page.goto(f"{live_url}/portal/users/")
    page.click("#user-add")
    page.check("input[name=role][value=Accounting]")
    page.fill("#username", "berta.buchhaltung")
    page.fill("#first_name", "Berta")
    page.fill("#last_name", "Beleg")
    page.fill("#email", "berta.login@firma-a.example")
    page.fill("#mobile", "+49 171 5550123")
    page.click("#user-save")
    page.wait_for_url("**/portal/users/*")
    _shot(page, "04-user-created")
    user_url = page.url
    link = link_from_outbox(app, "berta.buchhaltung")
    accounting = new_page()
    accounting.goto(f"{live_url}/" + link.split("/", 3)[3])
    accounting.fill("#password", NEW_PASSWORD)
    accounting.fill("#confirm", NEW_PASSWORD)
    accounting.click("#password-save")
    accounting.wait_for_url("**/login/")
    browser_login(accounting, live_url, "berta.buchhaltung", NEW_PASSWORD, app=app)
    accounting.goto(f"{live_url}/portal/invoices/")
    assert "/login" not in accounting.url

    # Lock: the user's open session ends at once. Then deactivate for good.
    page.goto(user_url)
    page.check("input[name=status][value=locked]")
    page.click("#user-status-save")
    page.wait_for_url(user_url)
    accounting.goto(f"{live_url}/portal/invoices/")
    assert "/login" in accounting.url
    page.check("input[name=status][value=inactive]")
    page.click("#user-status-save")
    page.wait_for_url(user_url)
    assert "deleted-user-" in page.content()
    _shot(page, "05-user-deactivated")

    # Sessions: from a second browser, end the first one.
    second = new_page()
    browser_login(second, live_url, admin, PASSWORD, app=app)
    second.goto(f"{live_url}/account/profile")
    _shot(second, "06-sessions")
    second.click("#session-list .session-end")
    second.wait_for_url("**/account/profile*")
    page.goto(f"{live_url}/portal/company/")
    assert "/login" in page.url

    # The audit log and its CSV export.
    second.goto(f"{live_url}/portal/audit-log/")
    _shot(second, "07-audit-log")
    assert "Kundendaten geändert" in second.content()
    with second.expect_download() as download:
        second.click("#audit-export")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "company_data_changed" in text and "hotline_password_changed" in text
