"""Issue 13's done-when in Debian's Chromium, on the demo data as `make run` loads it (R-WIZ-1..7, R-CON-5).

As the demo Portal Admin of Rheinland Logistik, from the SIP trunk's contract page: order a
local-area-code block for a site whose address is not verified (with a PDF proof), port a single
number (with the signed form), add 3 voice channels (8 → 11), cancel the failover forwarding
(its one-month minimum term is over), be refused with the date for the router at Lager Neuss
(24 months, booked 6 months ago), place the order with the customer password, and find it under
Aufträge with its items. Then the four steps once in English. Screenshots go to
tests/browser/artifacts/option_order/.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from tests.auth_helpers import browser_login
from tests.browser.a11y import Report, check_loaded, install_axe, resize
from tests.browser.auth_server import chromium  # noqa: F401  - fixture

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent / "artifacts" / "option_order"
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 375, "height": 740}
PDF = b"%PDF-1.4\n% Nachweis\n1 0 obj <<>> endobj\n%%EOF\n"


def _shot(page, name, report: Report | None = None):
    """A screenshot; with `report`, the page's accessibility checks (axe, structure) at 1280 and 375 px too."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if report is not None:
        report.add(f"1280 {name}", check_loaded(page, phone=False, portal=True))
        resize(page, PHONE)  # and wait for the resize handler (scroll regions) to have run
        report.add(f"375 {name}", check_loaded(page, phone=True, portal=True))
        page.screenshot(path=str(SHOTS / f"{name}-375.png"), full_page=True)
        page.set_viewport_size(DESKTOP)


def _login(chromium, site, language="de-DE"):
    from app.services.demo.logins import DEMO_LOGINS

    login = next(item for item in DEMO_LOGINS if item.username == "customer9000001")
    context = chromium.new_context(locale=language, viewport=DESKTOP)
    install_axe(context)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    browser_login(page, site.url, login.username, login.password, app=site.app)
    return context, page


def _go(page, selector):
    """Click what sends a form or follows a link, and wait for the next page."""
    with page.expect_navigation():
        page.click(selector)


def _file(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def _hotline_password(site) -> str:
    from app.models import Customer

    with site.app.app_context():
        value = db.session.scalar(select(Customer.hotline_password).where(Customer.customer_number == "9000001"))
        db.session.remove()
    return value


def test_the_demo_portal_admin_changes_options_of_the_sip_trunk(chromium, smoke_site):
    assert smoke_site.seeded_by == "demo"
    context, page = _login(chromium, smoke_site)
    report = Report()  # QUALITY: every step passes axe at both widths, also with errors shown
    try:
        site = smoke_site.url
        # R-CON-5: from the trunk's contract page.
        page.goto(f"{site}/portal/contracts/")
        _go(page, "text=V2100101")
        _go(page, "#change-options")
        assert page.is_checked("input[name=contract]:checked")
        _shot(page, "1-contract", report)
        _go(page, "#wizard-next")
        assert "/numbers" in page.url and "Schritt 2: Rufnummern" in page.content()

        # A local-area-code block for Zentrale Düsseldorf (address not verified): the proof is needed.
        page.select_option("#kind", "new_block_local")
        page.select_option("#location_id", label=page.locator("#location_id option", has_text="Zentrale").inner_text())
        _go(page, "#number-add-submit")
        assert page.locator("#file-error").is_visible()  # without the proof: refused at the field
        _shot(page, "2-numbers-refused", report)
        page.select_option("#kind", "new_block_local")
        page.set_input_files("#file", _file("adressnachweis.pdf"))
        _go(page, "#number-add-submit")
        assert "adressnachweis.pdf" in page.inner_text("#number-additions")

        # One single number ported from another provider, with the signed form.
        page.select_option("#kind", "port_single")
        page.fill("#carrier", "Telekom Deutschland")
        page.fill("#number", "0211 5550123")
        page.fill("#desired_date", (date.today() + timedelta(days=30)).isoformat())
        page.fill("#owner", "Rheinland Logistik GmbH")
        page.set_input_files("#file", _file("anbieterwechsel.pdf"))
        _go(page, "#number-add-submit")
        additions = page.inner_text("#number-additions")
        assert "anbieterwechsel.pdf" in additions and "Telekom Deutschland" in additions
        _shot(page, "2-numbers", report)
        _go(page, "#wizard-next")

        # Step 3: 8 → 11 channels, failover cancelled, the router at Lager Neuss refused with its date.
        assert "/options" in page.url
        channels = page.locator("tr", has_text="Zusätzlicher Sprachkanal").locator("input")
        assert channels.input_value() == "8"
        channels.fill("11")
        page.locator("tr", has_text="Failover-Rufumleitung").locator("input[type=checkbox]").uncheck()
        router = page.locator("tr", has_text="Lager Neuss").filter(has_text="Business-Router").locator("input")
        router.uncheck()
        _go(page, "#wizard-next")
        refusal = page.locator("tr", has_text="Lager Neuss").filter(has_text="Business-Router").locator(".field-error")
        assert re.search(r"\d{2}\.\d{2}\.\d{4}", refusal.inner_text()), refusal.inner_text()  # from when
        assert page.locator("tr", has_text="Zusätzlicher Sprachkanal").locator("input").input_value() == "11"
        _shot(page, "3-options-refused", report)
        page.locator("tr", has_text="Lager Neuss").filter(has_text="Business-Router").locator("input").check()
        _go(page, "#wizard-next")

        # Step 4: the summary with its markers, then the customer password.
        assert "/summary" in page.url
        changes = page.inner_text("#summary-changes")
        for text in ("Hinzugefügt", "Geändert", "Reduziert (gekündigt)", "8 → 11", "Failover-Rufumleitung",
                     "Portierung"):
            assert text in changes, text
        assert "s.kraemer@rheinland-logistik.example" in page.inner_text("#confirmation-recipient")
        _shot(page, "4-summary", report)
        page.fill("#hotline_password", "falsch")
        _go(page, "#wizard-submit")
        assert page.locator("#hotline_password-error").is_visible()
        _shot(page, "4-summary-wrong-password", report)
        page.fill("#hotline_password", _hotline_password(smoke_site))
        _go(page, "#wizard-submit")
        assert "/portal/orders/" in page.url
        assert "Die Auftragsbestätigung wurde an Sabine Krämer" in page.content()
        order_text = page.inner_text("main") if page.locator("main").count() else page.content()
        assert "Optionsänderung" in order_text
        _shot(page, "5-order")
        page.goto(f"{site}/portal/orders/")
        assert "Optionsänderung" in page.content()
        assert not page.errors, page.errors
        assert not report.problems, report.summary()
    finally:
        context.close()


def test_the_steps_in_english(chromium, smoke_site):
    context, page = _login(chromium, smoke_site, "en-US")
    try:
        site = smoke_site.url
        page.goto(f"{site}/lang/en")
        page.goto(f"{site}/portal/option-order/")
        assert "Change options" in page.inner_text("h1")
        page.locator("input[name=contract]").first.check()
        _go(page, "#wizard-next")
        assert "Step 2: phone numbers" in page.content() or "Step 3: options" in page.content()
        if "/numbers" in page.url:
            _go(page, "#wizard-next")
        assert "New total" in page.content()
        _go(page, "#wizard-next")
        assert "Step 4: summary" in page.content()
        _go(page, "#wizard-abandon button")
        assert "discarded" in page.content()
        assert not page.errors, page.errors
    finally:
        context.close()
