"""The forwarding and registration-IP forms of the contract page (issue 14, R-SIP-2/3/4, R7): every rule at
its field, the confirmation step, the whole set saved as one change, the Portal Admins told.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, OutboxMessage
from app.models.enums import RegistrationMode
from tests.portal.actions_world import (  # noqa: F401  - fixtures
    _contract, _form_tokens, _forwardings, _ips, network, shop,
)


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
