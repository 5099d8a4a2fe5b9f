"""Issue 14's done-when in Chromium, on the demo data (`make run`): the demo Portal Admin performs each
self-care action on the demo SIP trunk V2100101 (which has every option booked), sees no button on the
cloud.phone contract V2100102 (no option), and with PROVISIONING_FAILURE_RATE=1 gets a clear message
and unchanged settings. Screenshots go to tests/browser/artifacts/actions/.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CallForwarding, Contract, DslAccount, TrunkRegistration
from app.models.enums import ForwardingKind, RegistrationMode
from tests.auth_helpers import browser_login

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent / "artifacts" / "actions"


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _contract_id(app, number):
    with app.app_context():
        return db.session.scalar(select(Contract.id).where(Contract.contract_number == number))


def _set_failure_rate(app, rate):
    app.config["PROVISIONING_FAILURE_RATE"] = rate
    app.extensions.pop("eservice_provisioning", None)


@pytest.mark.rule("R-SIP-1", "R-SIP-2", "R-SIP-3", "R-SIP-4", "R-SIP-5", "R-SIP-6", "R-SIP-7", "R-CON-5")
def test_demo_portal_admin_performs_every_action(chromium_browser, smoke_site):
    app, base = smoke_site.app, smoke_site.url
    assert smoke_site.seeded_by == "demo"
    trunk, cloud = _contract_id(app, "V2100101"), _contract_id(app, "V2100102")
    context = chromium_browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        _set_failure_rate(app, 0)
        browser_login(page, base, "customer9000001", "Rhein#Portal2026", app=app)

        # No option, no button (R-SIP-7).
        page.goto(f"{base}/portal/contracts/{cloud}")
        for button in ("failover", "permanent", "trunk-ips", "dsl-password", "router", "sip-password"):
            assert page.locator(f"#action-{button}").count() == 0, button

        # SIP password (R-SIP-1): confirm, shown once.
        page.goto(f"{base}/portal/contracts/{trunk}")
        _shot(page, "contract-with-actions")
        page.click("#action-sip-password")
        page.click("#confirm-reset")
        secret = page.input_value("#secret-value")
        assert len(secret) >= 12
        with app.app_context():
            assert db.session.get(Contract, trunk).sip_password == secret
        _shot(page, "sip-password-shown-once")

        # Failover (R-SIP-2): add an extension forwarding in the first empty row, Next, OK.
        page.goto(f"{base}/portal/contracts/{trunk}")
        page.click("#action-failover")
        page.wait_for_selector("#forwarding-rows")
        empty = page.locator("#forwarding-rows tbody tr").count() - 2
        page.select_option(f"#rows-{empty}-scope", "extension")
        page.select_option(f"#rows-{empty}-phone_number_id", index=1)
        page.fill(f"#rows-{empty}-extension", "11")
        page.fill(f"#rows-{empty}-target", "+49 30 1234567")
        page.click("#forwarding-next")
        page.wait_for_selector("#forwarding-confirm")
        page.click("#confirm-ok")
        page.wait_for_selector("#change-applied")
        with app.app_context():
            targets = db.session.scalars(select(CallForwarding.target).where(
                CallForwarding.contract_id == trunk, CallForwarding.kind == ForwardingKind.FAILOVER)).all()
            assert "+49301234567" in targets

        # A bad target is refused at its field.
        page.goto(f"{base}/portal/contracts/{trunk}/failover")
        page.fill("#rows-0-target", "0211 12345")
        page.click("#forwarding-next")
        page.wait_for_selector("#rows-0-target-error")

        # Permanent forwarding (R-SIP-3): remove the extension 20 forwarding.
        page.goto(f"{base}/portal/contracts/{trunk}")
        page.click("#action-permanent")
        page.wait_for_selector("#forwarding-rows")
        page.check("#rows-0-remove")
        page.click("#forwarding-next")
        page.click("#confirm-ok")
        page.wait_for_selector("#change-applied")
        with app.app_context():
            assert db.session.scalars(select(CallForwarding).where(
                CallForwarding.contract_id == trunk, CallForwarding.kind == ForwardingKind.PERMANENT)).all() == []

        # Multi-registration (R-SIP-4): a private address is refused, a public one added, mode redundant.
        page.goto(f"{base}/portal/contracts/{trunk}")
        page.click("#action-trunk-ips")
        page.wait_for_selector("#ip-rows")
        page.fill("#ips-2-address", "192.168.0.10")
        page.click("#ips-next")
        page.wait_for_selector("#ips-2-address-error")
        page.fill("#ips-2-address", "198.51.100.7")
        page.check("input[name=mode][value=redundant]")
        page.click("#ips-next")
        page.click("#confirm-ok")
        page.wait_for_selector("#change-applied")
        with app.app_context():
            ips = db.session.scalars(select(TrunkRegistration.ip_address).where(
                TrunkRegistration.contract_id == trunk).order_by(TrunkRegistration.position)).all()
            assert ips == ["203.0.113.10", "203.0.113.11", "198.51.100.7"]
            assert db.session.get(Contract, trunk).registration_mode is RegistrationMode.REDUNDANT

        # DSL password (R-SIP-5): the router is booked, so it is pushed there.
        page.goto(f"{base}/portal/contracts/{trunk}")
        page.click("#action-dsl-password")
        page.wait_for_selector("#confirm-reset")
        assert "automatisch" in page.inner_text("#contract-action")
        page.click("#confirm-reset")
        dsl_secret = page.input_value("#secret-value")
        with app.app_context():
            assert db.session.scalar(select(DslAccount.password).where(DslAccount.contract_id == trunk)) == dsl_secret

        # Router status (R-SIP-6).
        page.goto(f"{base}/portal/contracts/{trunk}")
        page.click("#action-router")
        page.wait_for_selector("#cpe-status")
        page.wait_for_selector("#shipments")
        _shot(page, "router-status")

        # The network refuses: a clear message, the previous password stays, a retry is offered.
        _set_failure_rate(app, 1)
        page.goto(f"{base}/portal/contracts/{trunk}")
        page.click("#action-sip-password")
        page.click("#confirm-reset")
        page.wait_for_selector("#change-failed")
        assert "bisherigen Einstellungen bleiben gültig" in page.inner_text("#change-failed")
        assert page.locator("#secret-value").count() == 0
        with app.app_context():
            assert db.session.get(Contract, trunk).sip_password == secret
        _shot(page, "network-refused")
        page.goto(f"{base}/portal/contracts/{trunk}")
        assert page.locator("#provisioning-changes tr[data-change-state=failed]").count() >= 1
        _set_failure_rate(app, 0)
        page.locator("#provisioning-changes button").first.click()
        page.wait_for_selector("#change-applied")
        assert page.input_value("#secret-value") != secret
        assert errors == []
    finally:
        _set_failure_rate(app, 0)
        context.close()
