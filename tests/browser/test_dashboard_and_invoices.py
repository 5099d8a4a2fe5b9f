"""The demo Portal Admin's start page as a dashboard, in German and English, and the invoice list on a phone.

Issue 17 done-when: after `make run` (the demo data, `app/services/demo`) the start page shows the
dashboard for the demo Portal Admin in both languages (R-HOME), and the invoice list shows each
invoice's amount and download on a 375 px phone without scrolling sideways (R-INV-2).
Screenshots go to tests/browser/artifacts/dashboard/.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from app.services.demo.logins import DEMO_LOGINS
from app.roles import ACCOUNTING, PORTAL_ADMIN
from tests.auth_helpers import browser_login

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent / "artifacts" / "dashboard"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def _demo_login(role: str, customer: str = "9000001"):
    return next(login for login in DEMO_LOGINS if login.role == role and login.customer_number == customer)


@pytest.fixture
def signed_in_page(chromium_browser, smoke_site):
    contexts = []

    def _page(role: str, viewport: dict):
        context = chromium_browser.new_context(locale="de-DE", viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        login = _demo_login(role)
        browser_login(page, smoke_site.url, login.username, login.password, app=smoke_site.app)
        return page

    yield _page
    for context in contexts:
        context.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_the_demo_portal_admin_lands_on_the_dashboard(signed_in_page, smoke_site, viewport):
    page = signed_in_page(PORTAL_ADMIN, viewport)
    page.goto(f"{smoke_site.url}/lang/de?next=/")  # the user's language choice is remembered across tests
    contracts = page.locator("#overview-contracts")
    assert contracts.is_visible()
    assert "Deine Verträge auf einen Blick" in contracts.inner_text()
    # The demo customer has a blocked contract, dates within 90 days, a flagged ticket and an open invoice.
    assert "V2100104" in page.locator("#overview-blocked").inner_text()
    assert page.locator("#overview-upcoming tbody tr").count() >= 2
    assert "Mindestlaufzeit endet" in page.locator("#overview-upcoming").inner_text()
    assert "T2100001" in page.locator("#overview-contact-support").inner_text()
    invoice = page.locator("#overview-latest-invoice")
    assert "€" in invoice.inner_text() and "Offen" in invoice.inner_text()
    assert page.locator("#cloud-phone-contracts").is_visible()
    _no_sideways_scroll(page)
    _shot(page, f"start-de-{viewport['width']}")

    page.goto(f"{smoke_site.url}/lang/en?next=/")
    assert "Your contracts at a glance" in page.locator("#overview-contracts").inner_text()
    assert "Minimum term ends" in page.locator("#overview-upcoming").inner_text()
    assert "Open" in page.locator("#overview-latest-invoice").inner_text()
    _shot(page, f"start-en-{viewport['width']}")


@pytest.mark.parametrize("role", [PORTAL_ADMIN, ACCOUNTING])
def test_invoice_amounts_and_downloads_show_on_a_phone(signed_in_page, smoke_site, role):
    page = signed_in_page(role, PHONE)
    page.goto(f"{smoke_site.url}/lang/de?next=/portal/invoices/")
    rows = page.locator("#invoice-list tbody tr")
    assert rows.count() >= 3
    for index in range(rows.count()):
        row = rows.nth(index)
        row.scroll_into_view_if_needed()
        for cell in (row.locator(".invoice-amount"), row.locator("a.invoice-download")):
            assert cell.is_visible(), (index, cell)
            box = cell.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (index, box)
        assert "€" in row.locator(".invoice-amount").inner_text()
    _no_sideways_scroll(page)
    _shot(page, f"invoices-{role.split()[0].lower()}-375")
    # The download really is the invoice's PDF.
    with page.expect_download() as download:
        rows.first.locator("a.invoice-download").click()
    assert download.value.suggested_filename.startswith("invoice_")
