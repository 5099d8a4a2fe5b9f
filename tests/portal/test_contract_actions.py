"""Self-care actions on the contract page (issue 14, SPEC §6 R-SIP-1..7, R-CON-5, QUALITY R2/R3/S1/S14).

A real database and the simulated network (latency 0 in tests); PROVISIONING_FAILURE_RATE=1 makes
the network refuse every change. The forwarding and IP forms are in test_contract_action_forms.py.
"""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select, text

from app.extensions import db
from app.models import AuditLog, Contract, DslAccount, ProvisioningChange
from app.models.enums import ContractStatus
from app.services.self_care import changes
from tests.portal.actions_world import (  # noqa: F401  - fixtures
    OLD_SIP, _form_tokens, _forwardings, _secret_nowhere, _shown_secret, _sip_password, network, shop,
)
from tests.races import race


# --- R-SIP-7 / R-CON-5: option gate, status gate, role gate ---------------------------------
@pytest.mark.rule("R-SIP-7")
@pytest.mark.rule("R-CON-5")
def test_buttons_only_for_booked_options(app, shop, signed_in):
    client = signed_in(shop.admin)
    page = client.get(f"/portal/contracts/{shop.trunk}").get_data(as_text=True)
    for button in ("action-sip-password", "action-failover", "action-permanent", "action-trunk-ips",
                   "action-dsl-password", "action-router"):
        assert f'id="{button}"' in page, button
    bare = client.get(f"/portal/contracts/{shop.bare}").get_data(as_text=True)
    for button in ("action-failover", "action-permanent", "action-trunk-ips", "action-dsl-password", "action-router"):
        assert f'id="{button}"' not in bare, button
    # A hand-typed URL of an action the contract lacks: refused with a message, nothing written.
    response = client.get(f"/portal/contracts/{shop.bare}/failover")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(ProvisioningChange.id)).where(
            ProvisioningChange.contract_id == shop.bare)) == 0


@pytest.mark.rule("R-CON-5")
def test_only_an_active_contract_can_be_changed(app, shop, signed_in):
    with app.app_context():
        db.session.get(Contract, shop.trunk).status = ContractStatus.BLOCKED
        db.session.commit()
    client = signed_in(shop.admin)
    page = client.get(f"/portal/contracts/{shop.trunk}").get_data(as_text=True)
    assert 'id="action-sip-password"' not in page and 'id="action-failover"' not in page
    assert 'id="action-router"' in page  # reading the router's status changes nothing
    html = client.get(f"/portal/contracts/{shop.bare}/sip-password").get_data(as_text=True)
    response = client.post(f"/portal/contracts/{shop.trunk}/sip-password", data=_form_tokens(html))
    assert response.status_code == 302 and _sip_password(app, shop.trunk) == OLD_SIP


@pytest.mark.rule("R-SIP-7")
def test_pbx_admin_has_no_actions(app, shop, signed_in):
    client = signed_in(shop.pbx)
    response = client.get(f"/portal/contracts/{shop.trunk}/sip-password")
    assert response.status_code in (302, 403, 404)
    assert _sip_password(app, shop.trunk) == OLD_SIP


# --- R-SIP-1: SIP password ------------------------------------------------------------------
@pytest.mark.rule("R-SIP-1")
@pytest.mark.rule("S14")
def test_sip_password_reset_shows_a_new_password_once(app, shop, signed_in, network, caplog):
    caplog.set_level(logging.DEBUG)
    network(0)
    client = signed_in(shop.admin)
    url = f"/portal/contracts/{shop.trunk}/sip-password"
    confirm = client.get(url)
    assert confirm.status_code == 200
    response = client.post(url, data=_form_tokens(confirm.get_data(as_text=True)))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="change-applied"' in html
    assert response.headers["Cache-Control"] == "no-store"
    secret = _shown_secret(html)
    assert secret != OLD_SIP and _sip_password(app, shop.trunk) == secret
    # Every click a new one.
    again = client.post(url, data=_form_tokens(client.get(url).get_data(as_text=True)))
    second = _shown_secret(again.get_data(as_text=True))
    assert second != secret and _sip_password(app, shop.trunk) == second
    # Shown once: the contract page does not show it.
    assert second not in client.get(f"/portal/contracts/{shop.trunk}").get_data(as_text=True)
    with app.app_context():
        entries = db.session.scalars(select(AuditLog).where(AuditLog.action == "self_care_sip_password")).all()
        assert len(entries) == 2 and all(e.object_id == str(shop.trunk) for e in entries)
        stored = db.session.execute(text("SELECT sip_password FROM contract WHERE id = :id"), {"id": shop.trunk}).scalar()
        assert second not in stored, "encrypted at rest"
    _secret_nowhere(app, secret, caplog)
    _secret_nowhere(app, second, caplog)


@pytest.mark.rule("R3")
@pytest.mark.rule("R-SIP-1")
def test_the_same_form_sent_twice_is_one_change(app, shop, signed_in, network):
    network(0)
    client = signed_in(shop.admin)
    url = f"/portal/contracts/{shop.trunk}/sip-password"
    data = _form_tokens(client.get(url).get_data(as_text=True))
    first = client.post(url, data=data)
    password = _sip_password(app, shop.trunk)
    again = client.post(url, data=data)
    assert first.status_code == 200 and again.status_code == 302
    assert _sip_password(app, shop.trunk) == password
    with app.app_context():
        assert db.session.scalar(select(func.count(ProvisioningChange.id)).where(
            ProvisioningChange.contract_id == shop.trunk)) == 1


@pytest.mark.rule("R3")
def test_two_clicks_at_once_give_one_change(app, shop, network):
    network(0)

    def work(i):
        contract = db.session.get(Contract, shop.trunk)
        return changes.submit(contract, "failover", None, token=f"race-{shop.trunk}", payload={"rows": []},
                              old_summary="a", new_summary="b")

    results = race(app, work, parties=2)
    applied = [r for r in results if isinstance(r, changes.Outcome)]
    assert len(applied) == 1, results
    with app.app_context():
        assert db.session.scalar(select(func.count(ProvisioningChange.id)).where(
            ProvisioningChange.contract_id == shop.trunk)) == 1
        assert _forwardings(app, shop.trunk) == []


# --- provisioning writes: failure leaves the previous settings, retry ---------------------------
@pytest.mark.rule("R-SIP-1")
@pytest.mark.rule("R2")
def test_a_refused_change_keeps_the_old_password_and_can_be_retried(app, shop, signed_in, network, caplog):
    caplog.set_level(logging.DEBUG)
    network(1)
    client = signed_in(shop.admin)
    url = f"/portal/contracts/{shop.trunk}/sip-password"
    response = client.post(url, data=_form_tokens(client.get(url).get_data(as_text=True)))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="change-failed"' in html and 'id="secret-value"' not in html
    assert "Deine bisherigen Einstellungen bleiben gültig" in html or "previous settings stay in force" in html
    assert _sip_password(app, shop.trunk) == OLD_SIP
    with app.app_context():
        change = db.session.scalar(select(ProvisioningChange).where(ProvisioningChange.contract_id == shop.trunk))
        assert change.state == "failed" and change.secret is None and change.open_slot is None
        change_id = change.id
    page = client.get(f"/portal/contracts/{shop.trunk}").get_data(as_text=True)
    assert 'data-change-state="failed"' in page
    network(0)
    retry_url = f"/portal/contracts/{shop.trunk}/changes/{change_id}/retry"
    retried = client.post(retry_url, data={"csrf_token": _form_tokens(page)["csrf_token"]})
    secret = _shown_secret(retried.get_data(as_text=True))
    assert _sip_password(app, shop.trunk) == secret != OLD_SIP
    # Applied: no second retry.
    assert client.post(retry_url, data={"csrf_token": _form_tokens(page)["csrf_token"]}).status_code == 302
    _secret_nowhere(app, secret, caplog)


@pytest.mark.rule("R2")
def test_a_fault_midway_leaves_no_partial_rows(app, shop, network):
    """The database write fails after the old rows were deleted: nothing of it stays, the change is failed."""
    network(0)
    before = _forwardings(app, shop.trunk)
    with app.app_context():
        contract = db.session.get(Contract, shop.trunk)
        bad = [{"scope": "single", "phone_number_id": shop.single, "extension": "", "target": "+4930123456"},
               {"scope": "single", "phone_number_id": shop.single, "extension": "", "target": "not a number"}]
        outcome = changes.submit(contract, "failover", None, token=None, payload={"rows": bad}, old_summary="a",
                                 new_summary="b")
        assert not outcome.applied and outcome.change.state == "failed"
    assert _forwardings(app, shop.trunk) == before


# --- R-SIP-5 / R-SIP-6 --------------------------------------------------------------------------
@pytest.mark.rule("R-SIP-5")
def test_dsl_password_reset_is_shown_once_and_pushed_to_the_router(app, shop, signed_in, network, caplog):
    caplog.set_level(logging.DEBUG)
    network(0)
    client = signed_in(shop.admin)
    url = f"/portal/contracts/{shop.trunk}/dsl-password"
    confirm = client.get(url).get_data(as_text=True)
    assert "automatisch" in confirm or "automatically" in confirm
    html = client.post(url, data=_form_tokens(confirm)).get_data(as_text=True)
    secret = _shown_secret(html)
    with app.app_context():
        assert db.session.scalar(select(DslAccount).where(DslAccount.contract_id == shop.trunk)).password == secret
    _secret_nowhere(app, secret, caplog)


@pytest.mark.rule("R-SIP-6")
def test_router_status_shows_the_device_and_every_shipment(app, shop, signed_in, network):
    network(0)
    client = signed_in(shop.admin)
    page = client.get(f"/portal/contracts/{shop.trunk}/router-status").get_data(as_text=True)
    assert f"SN{shop.trunk}" in page and "TRACK-1" in page and "TRACK-2" in page


# --- S1: another customer's ids -----------------------------------------------------------------
@pytest.mark.rule("S1")
def test_another_customers_contract_and_change_are_404(app, shop, signed_in):
    client = signed_in(shop.admin)
    for path in ("sip-password", "failover", "registration-ips", "dsl-password", "router-status"):
        assert client.get(f"/portal/contracts/{shop.other_trunk}/{path}").status_code == 404, path
    token = _form_tokens(client.get(f"/portal/contracts/{shop.trunk}/sip-password").get_data(as_text=True))
    assert client.post(f"/portal/contracts/{shop.trunk}/changes/{shop.other_change}/retry",
                       data={"csrf_token": token["csrf_token"]}).status_code == 404
    assert client.post(f"/portal/contracts/{shop.other_trunk}/changes/{shop.other_change}/retry",
                       data={"csrf_token": token["csrf_token"]}).status_code == 404
    with app.app_context():
        assert db.session.get(ProvisioningChange, shop.other_change).state == "failed"


# --- back office: Service sees the changes and retries them ------------------------------------
@pytest.mark.rule("R-SIP-1")
def test_service_sees_and_retries_a_failed_change(app, shop, client, login, network):
    from tests.integration.backoffice_forms import staff_client

    network(1)
    with app.app_context():
        outcome = changes.submit(db.session.get(Contract, shop.trunk), "sip_password", None, token=None, payload={},
                                 old_summary=changes.HIDDEN, new_summary=changes.HIDDEN)
        assert not outcome.applied
        change_id = outcome.change.id
    network(0)
    service = staff_client(app, client, login, "Service", f"service.actions.{shop.trunk}")
    listing = service.get("/self-care-changes/list/")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    assert "SIP-Passwort" in html
    from tests.conftest import csrf_token_from

    show = service.get(f"/self-care-changes/show/{change_id}").get_data(as_text=True)
    assert "••••••" in show and OLD_SIP not in show
    token = csrf_token_from(service.get("/contracts/edit/%d" % shop.trunk).get_data(as_text=True))
    response = service.post("/self-care-changes/action_post", data={
        "action": "retry", "rowid": [str(change_id)], "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(ProvisioningChange, change_id).state == "applied"
        assert db.session.get(Contract, shop.trunk).sip_password != OLD_SIP
        assert db.session.get(ProvisioningChange, change_id).secret is None


@pytest.mark.rule("R-CON-4")
@pytest.mark.rule("R2")
def test_a_write_the_network_never_answers_fails_at_the_deadline(app, shop, signed_in):
    """A hanging network costs the request the deadline: the change is failed, the old password stays."""
    import time

    saved = {k: app.config.get(k) for k in ("PROVISIONING_LATENCY_SECONDS", "PROVISIONING_TIMEOUT_SECONDS")}
    app.config.update(PROVISIONING_LATENCY_SECONDS="inf", PROVISIONING_TIMEOUT_SECONDS=0.4)
    app.extensions.pop("eservice_provisioning", None)
    try:
        client = signed_in(shop.admin)
        url = f"/portal/contracts/{shop.trunk}/sip-password"
        data = _form_tokens(client.get(url).get_data(as_text=True))
        started = time.monotonic()
        html = client.post(url, data=data).get_data(as_text=True)
        assert time.monotonic() - started < 3
        assert 'id="change-failed"' in html and _sip_password(app, shop.trunk) == OLD_SIP
    finally:
        app.config.update(saved)
        app.extensions.pop("eservice_provisioning", None)


class _OneUnregistered:
    """A network that knows one SIP account of the contract, not registered."""

    def __init__(self, config):
        pass

    def technical_status(self, contract, timeout):
        from app.services.provisioning import SipStatus, TechnicalStatus

        return TechnicalStatus(contract_number=contract.contract_number, locked=False, sip_accounts=[
            SipStatus(username="x@sip.example", registered=False, proxy=contract.sip_proxy, locked=False)])


@pytest.mark.rule("R-CON-3")
def test_the_sip_table_tells_an_unregistered_account_to_call_the_hotline(app, shop, signed_in):
    saved = app.config.get("PROVISIONING_ADAPTER")
    app.config["PROVISIONING_ADAPTER"] = f"{__name__}._OneUnregistered"
    app.extensions.pop("eservice_provisioning", None)
    try:
        client = signed_in(shop.admin)
        html = client.get(f"/portal/contracts/{shop.trunk}/technical",
                          headers={"X-Requested-With": "XMLHttpRequest"}).get_data(as_text=True)
        assert 'id="sip-not-registered"' in html and app.config["HOTLINE_PHONE"] in html
    finally:
        app.config["PROVISIONING_ADAPTER"] = saved
        app.extensions.pop("eservice_provisioning", None)
