"""The porting tracker in Chromium (issue 13 part 6/7) on the demo data: Service moves the demo porting
(order A2100006, +49 211 5550199 of Rheinland) on in the back office; the Portal Admin reads the new state on
the order's page and on the contract's page, which pass axe and the product's page bars at 1280 and 390 px."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Order, OrderItem
from app.roles import SERVICE
from tests.auth_helpers import browser_login
from tests.browser.a11y import check_loaded, install_axe
from tests.factories import make_user

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _demo_porting(app):
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.order_number == "A2100006"))
        item = db.session.scalar(select(OrderItem).where(OrderItem.order_id == order.id))
        make_user(SERVICE, username="browser.service", password="Sicher#Kennwort42")
        db.session.commit()
        ids = order.id, item.id, order.contract_id
        db.session.remove()
        return ids


@pytest.mark.rule("R-PORT-2", "R-PORT-4")
def test_service_sets_the_porting_state_and_the_portal_admin_sees_it(smoke_site, chromium_browser, artifacts_dir):
    if smoke_site.seeded_by != "demo":
        pytest.skip("needs the demo data")
    order_id, item_id, contract_id = _demo_porting(smoke_site.app)
    base = smoke_site.url

    context = chromium_browser.new_context(locale="de-DE", viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    browser_login(page, base, "browser.service", "Sicher#Kennwort42", app=smoke_site.app)
    page.goto(f"{base}/portings/list/")
    assert "+49 211 5550199" in page.content()
    page.goto(f"{base}/portings/show/{item_id}")
    page.click("#change-porting-state")
    page.select_option("#state", "ported")
    page.screenshot(path=str(artifacts_dir / "porting-state-form.png"), full_page=True)
    page.click("#porting-state-form button[type=submit]")
    page.wait_for_load_state()
    assert "Portiert" in page.content() and "benachrichtigt" in page.content()
    context.close()

    context = chromium_browser.new_context(locale="de-DE", viewport=DESKTOP)
    install_axe(context)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    browser_login(page, base, "customer9000001", "Rhein#Portal2026", app=smoke_site.app)
    problems = []
    for url in (f"{base}/portal/orders/{order_id}", f"{base}/portal/contracts/{contract_id}"):
        for size, phone in ((DESKTOP, False), (PHONE, True)):
            page.set_viewport_size(size)
            page.goto(url)
            assert page.locator("#porting-status .porting-ported").count() == 1, url
            problems += [f"{url} @{size['width']}: {p}" for p in check_loaded(page, phone=phone, portal=True)]
            name = "order" if "/orders/" in url else "contract"
            page.screenshot(path=str(artifacts_dir / f"porting-{name}-{size['width']}.png"), full_page=True)
    context.close()
    assert not problems, "\n".join(problems)
    assert not errors, errors
