"""Self-care actions on the contract page (issue 14, SPEC §6 R-SIP-1..7, R-CON-5, QUALITY R2/R3/R7/S1/S14).

A real database and the simulated network (latency 0 in tests); PROVISIONING_FAILURE_RATE=1 makes
the network refuse every change. Each test builds one customer whose SIP trunk has every option
booked, one trunk without options, and another customer with a forwarding of its own.
"""
from __future__ import annotations

import logging
import re
from datetime import datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text

from app.extensions import db
from app.models import (
    AuditLog, CallForwarding, Contract, Cpe, DslAccount, OutboxMessage, PhoneNumber, ProvisioningChange, Shipment,
    TrunkRegistration,
)
from app.models.enums import (
    AreaCodeKind, ContractStatus, ForwardingKind, ForwardingScope, NumberKind, OptionFeature, ProductKind,
    RegistrationMode, ShipmentStatus,
)
from app.roles import PBX_ADMIN, PORTAL_ADMIN
from app.services.self_care import changes
from tests.factories import make_contract, make_customer, make_option, make_option_type, make_product, make_user
from tests.portal.conftest import page_token
from tests.portal.world import PASSWORD
from tests.races import race

OLD_SIP = "Alt#SipPasswort1"
OLD_DSL = "Alt#DslPasswort1"
FEATURES = (OptionFeature.FAILOVER_FORWARDING, OptionFeature.PERMANENT_FORWARDING, OptionFeature.MULTI_REGISTRATION,
            OptionFeature.ROUTER, OptionFeature.DSL_ACCESS)


def _number(customer, contract, subscriber, kind=NumberKind.SINGLE, ext=None):
    number = PhoneNumber(customer=customer, contract=contract, kind=kind, area_code_kind=AreaCodeKind.LOCAL,
                         area_code="211", subscriber_number=subscriber,
                         extension_from=ext[0] if ext else None, extension_to=ext[1] if ext else None)
    db.session.add(number)
    return number


@pytest.fixture
def shop(app):
    with app.app_context():
        product = make_product(ProductKind.SIP_TRUNK, name="SIP-Trunk")
        options = [make_option_type(feature) for feature in FEATURES]
        customer = make_customer()
        trunk = make_contract(customer, product, sip_password=OLD_SIP, registration_mode=RegistrationMode.LOAD_SHARING)
        for option_type in options:
            make_option(trunk, option_type)
        block = _number(customer, trunk, f"55{trunk.id:04d}", NumberKind.BLOCK, ("0", "99"))
        single = _number(customer, trunk, f"66{trunk.id:04d}")
        db.session.flush()
        db.session.add(CallForwarding(customer=customer, contract=trunk, kind=ForwardingKind.FAILOVER,
                                      scope=ForwardingScope.BLOCK, phone_number=block, target="+4917155501001"))
        db.session.add(TrunkRegistration(customer=customer, contract=trunk, ip_address="203.0.113.10", position=1))
        db.session.add(DslAccount(customer=customer, contract=trunk, username=f"dsl{trunk.id}@dsl.example",
                                  password=OLD_DSL))
        cpe = Cpe(customer=customer, contract=trunk, model="LANCOM 1793VA", serial_number=f"SN{trunk.id}")
        db.session.add(cpe)
        db.session.flush()
        for status, tracking in ((ShipmentStatus.RETURNED, "TRACK-1"), (ShipmentStatus.DELIVERED, "TRACK-2")):
            db.session.add(Shipment(customer=customer, cpe=cpe, carrier="DHL", tracking_number=f"{tracking}-{cpe.id}",
                                    status=status, shipped_at=datetime(2026, 1, 2)))
        bare = make_contract(customer, product, sip_password="Bare#Passwort1")
        admin = make_user(PORTAL_ADMIN, customer=customer, password=PASSWORD, mobile="+4917012345678")
        second_admin = make_user(PORTAL_ADMIN, customer=customer, password=PASSWORD, mobile="+4917012345679")
        pbx = make_user(PBX_ADMIN, customer=customer, password=PASSWORD, mobile="+4917012345670")
        other = make_customer()
        other_trunk = make_contract(other, product, sip_password="Fremd#Passwort1")
        make_option(other_trunk, options[0])
        other_number = _number(other, other_trunk, f"77{other_trunk.id:04d}")
        db.session.flush()
        other_forwarding = CallForwarding(customer=other, contract=other_trunk, kind=ForwardingKind.FAILOVER,
                                          scope=ForwardingScope.SINGLE, phone_number=other_number,
                                          target="+4930123456")
        other_change = ProvisioningChange(customer=other, contract=other_trunk, kind="failover", state="failed",
                                          payload={"rows": []}, attempts=1)
        db.session.add_all([other_forwarding, other_change])
        db.session.commit()
        return SimpleNamespace(trunk=trunk.id, bare=bare.id, block=block.id, single=single.id, admin=admin.username,
                               second_admin=second_admin, pbx=pbx.username, other_trunk=other_trunk.id,
                               other_number=other_number.id, other_change=other_change.id, customer=customer.id,
                               admin_email=admin.email, second_email=second_admin.email)


@pytest.fixture
def network(app):
    """network(failure_rate=…): the simulated network for one test (a fresh adapter)."""
    saved = app.config.get("PROVISIONING_FAILURE_RATE")

    def _set(failure_rate: float = 0):
        app.config["PROVISIONING_FAILURE_RATE"] = failure_rate
        app.extensions.pop("eservice_provisioning", None)

    yield _set
    app.config["PROVISIONING_FAILURE_RATE"] = saved
    app.extensions.pop("eservice_provisioning", None)


_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _form_tokens(html: str) -> dict:
    found = _CSRF.search(html)
    csrf = found.group(1) if found else page_token(html)
    token = re.search(r'name="token"[^>]*value="([^"]+)"', html) or re.search(r'value="([^"]+)"[^>]*name="token"', html)
    return {"csrf_token": csrf, "token": token.group(1) if token else ""}


def _contract(app, contract_id):
    with app.app_context():
        return db.session.get(Contract, contract_id)


def _sip_password(app, contract_id):
    with app.app_context():
        return db.session.get(Contract, contract_id).sip_password


def _forwardings(app, contract_id, kind=ForwardingKind.FAILOVER):
    with app.app_context():
        return sorted((f.scope.value, f.phone_number_id, f.extension or "", f.target) for f in db.session.scalars(
            select(CallForwarding).where(CallForwarding.contract_id == contract_id, CallForwarding.kind == kind)))


def _ips(app, contract_id):
    with app.app_context():
        return list(db.session.scalars(select(TrunkRegistration.ip_address).where(
            TrunkRegistration.contract_id == contract_id).order_by(TrunkRegistration.position)))


def _shown_secret(html: str) -> str:
    return re.search(r'id="secret-value" value="([^"]+)"', html).group(1)


def _secret_nowhere(app, secret: str, caplog):
    """S14: the new password is in no audit entry, no outbox message and no log line."""
    assert secret not in caplog.text
    with app.app_context():
        for details in db.session.scalars(select(AuditLog.details)):
            assert secret not in (details or "")
        for subject, body in db.session.execute(select(OutboxMessage.subject, OutboxMessage.body)):
            assert secret not in subject and secret not in body
        for row in db.session.scalars(select(ProvisioningChange)):
            assert secret not in (row.old_summary or "") + (row.new_summary or "") + str(row.payload)
            assert row.secret is None or row.state == "pending"


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


# --- R-SIP-2 / R-SIP-3: forwardings ---------------------------------------------------------
def _rows_data(html: str, rows: list[dict]) -> dict:
    data = _form_tokens(html)
    for i, row in enumerate(rows):
        for key, value in row.items():
            if key == "remove":
                if value:
                    data[f"rows-{i}-remove"] = "y"
            else:
                data[f"rows-{i}-{key}"] = value
    return data


@pytest.mark.rule("R-SIP-2")
@pytest.mark.rule("R7")
@pytest.mark.parametrize("row, field, text", [
    ({"scope": "single", "phone_number_id": "SINGLE", "extension": "", "target": "0211 1234567"}, "target", "+"),
    ({"scope": "single", "phone_number_id": "SINGLE", "extension": "", "target": "+49 211"}, "target", "+"),
    ({"scope": "extension", "phone_number_id": "BLOCK", "extension": "1a", "target": "+4930123456"}, "extension", ""),
    ({"scope": "extension", "phone_number_id": "BLOCK", "extension": "100", "target": "+4930123456"}, "extension", ""),
    ({"scope": "block", "phone_number_id": "SINGLE", "extension": "", "target": "+4930123456"}, "phone_number_id", ""),
    ({"scope": "single", "phone_number_id": "OTHER", "extension": "", "target": "+4930123456"}, "phone_number_id", ""),
    ({"scope": "nonsense", "phone_number_id": "SINGLE", "extension": "", "target": "+4930123456"}, "scope", ""),
])
def test_bad_forwardings_are_refused_at_their_field(app, shop, signed_in, row, field, text):
    client = signed_in(shop.admin)
    url = f"/portal/contracts/{shop.trunk}/failover"
    html = client.get(url).get_data(as_text=True)
    ids = {"SINGLE": str(shop.single), "BLOCK": str(shop.block), "OTHER": str(shop.other_number)}
    row = {**row, "phone_number_id": ids[row["phone_number_id"]]}
    existing = {"scope": "block", "phone_number_id": str(shop.block), "extension": "", "target": "+4917155501001"}
    response = client.post(url, data={**_rows_data(html, [existing, row]), "step": "check"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="rows-1-{field}-error"' in page, page[page.find("form-errors") - 200:][:600]
    assert 'id="forwarding-confirm"' not in page
    assert _forwardings(app, shop.trunk) == [("block", shop.block, "", "+4917155501001")]


@pytest.mark.rule("R-SIP-2")
def test_a_forwarding_given_twice_is_refused(app, shop, signed_in):
    client = signed_in(shop.admin)
    url = f"/portal/contracts/{shop.trunk}/failover"
    html = client.get(url).get_data(as_text=True)
    row = {"scope": "extension", "phone_number_id": str(shop.block), "extension": "11", "target": "+4930123456"}
    response = client.post(url, data={**_rows_data(html, [row, {**row, "target": "+4930999999"}]), "step": "check"})
    assert 'id="rows-1-extension-error"' in response.get_data(as_text=True)


@pytest.mark.rule("R-SIP-2")
@pytest.mark.rule("R-SIP-3")
def test_add_replace_remove_after_confirmation_and_admins_are_told(app, shop, signed_in, network):
    network(0)
    client = signed_in(shop.admin)
    url = f"/portal/contracts/{shop.trunk}/failover"
    html = client.get(url).get_data(as_text=True)
    rows = [{"scope": "block", "phone_number_id": str(shop.block), "extension": "", "target": "+4917155501001",
             "remove": True},
            {"scope": "extension", "phone_number_id": str(shop.block), "extension": "11", "target": "+49 30 123456"},
            {"scope": "single", "phone_number_id": str(shop.single), "extension": "", "target": "+4940 654321"}]
    checked = client.post(url, data={**_rows_data(html, rows), "step": "check"})
    page = checked.get_data(as_text=True)
    assert 'id="forwarding-confirm"' in page
    assert _forwardings(app, shop.trunk) == [("block", shop.block, "", "+4917155501001")], "nothing before OK"
    data = {k: v for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)}
    data.update(_form_tokens(page))
    done = client.post(url, data={**data, "step": "confirm"})
    assert 'id="change-applied"' in done.get_data(as_text=True)
    assert _forwardings(app, shop.trunk) == sorted([("extension", shop.block, "11", "+4930123456"),
                                                   ("single", shop.single, "", "+4940654321")])
    with app.app_context():
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "self_care_failover"))
        assert "+4917155501001" in entry.details and "+4930123456" in entry.details
        recipients = set(db.session.scalars(select(OutboxMessage.recipient)))
        assert {shop.admin_email, shop.second_email} <= recipients
    # Removing the last one is allowed for forwardings (none must remain).
    html = client.get(url).get_data(as_text=True)
    rows = [{"scope": "extension", "phone_number_id": str(shop.block), "extension": "11", "target": "+4930123456",
             "remove": True},
            {"scope": "single", "phone_number_id": str(shop.single), "extension": "", "target": "+4940654321",
             "remove": True}]
    page = client.post(url, data={**_rows_data(html, rows), "step": "check"}).get_data(as_text=True)
    assert 'id="forwarding-confirm"' in page


# --- R-SIP-4: registration IPs ------------------------------------------------------------------
def _ips_data(html, addresses, mode="redundant"):
    data = _form_tokens(html)
    for i, address in enumerate(addresses):
        data[f"ips-{i}-address"] = address
    data["mode"] = mode
    return data


@pytest.mark.rule("R-SIP-4")
@pytest.mark.rule("R7")
@pytest.mark.parametrize("address", ["10.0.0.1", "192.168.1.1", "127.0.0.1", "224.0.0.1", "240.0.0.1", "0.0.0.0",
                                     "::1", "fe80::1", "fc00::1", "ff02::1", "172.16.0.1", "999.1.1.1", "abc", "203.0.113.10"])
def test_bad_private_and_duplicate_ips_are_refused(app, shop, signed_in, address):
    client = signed_in(shop.admin)
    url = f"/portal/contracts/{shop.trunk}/registration-ips"
    html = client.get(url).get_data(as_text=True)
    page = client.post(url, data={**_ips_data(html, ["203.0.113.10", address]), "step": "check"}).get_data(as_text=True)
    assert 'id="ips-1-address-error"' in page
    assert _ips(app, shop.trunk) == ["203.0.113.10"]


@pytest.mark.rule("R-SIP-4")
def test_the_last_ip_cannot_be_removed(app, shop, signed_in):
    client = signed_in(shop.admin)
    url = f"/portal/contracts/{shop.trunk}/registration-ips"
    html = client.get(url).get_data(as_text=True)
    data = {**_ips_data(html, ["203.0.113.10"]), "ips-0-remove": "y", "step": "check"}
    page = client.post(url, data=data).get_data(as_text=True)
    assert 'id="form-errors"' in page and 'id="ips-confirm"' not in page


@pytest.mark.rule("R-SIP-4")
def test_ips_and_mode_are_set_after_confirmation(app, shop, signed_in, network):
    network(0)
    client = signed_in(shop.admin)
    url = f"/portal/contracts/{shop.trunk}/registration-ips"
    html = client.get(url).get_data(as_text=True)
    page = client.post(url, data={**_ips_data(html, ["203.0.113.10", "2A00:1450:4001:0::10"]), "step": "check"}
                       ).get_data(as_text=True)
    assert 'id="ips-confirm"' in page
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    data.update(_form_tokens(page))
    done = client.post(url, data={**data, "step": "confirm"})
    assert 'id="change-applied"' in done.get_data(as_text=True)
    assert _ips(app, shop.trunk) == ["203.0.113.10", "2a00:1450:4001::10"]
    assert _contract(app, shop.trunk).registration_mode is RegistrationMode.REDUNDANT


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
    assert "SIP-Passwort zurückgesetzt" in html or "SIP password reset" in html
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
