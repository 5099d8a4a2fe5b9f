"""Telephony input is validated (R-SIP-2, R-SIP-3, R-SIP-4, R7).

Forwarding targets are full international numbers stored as E.164; scope
block/single takes a number of that kind, scope extension an extension inside
the block's range; a trunk registration IP is a valid IPv4/IPv6 address, once
per contract. The rules live in app/services/telephony.py (shared with the
portal's SIP actions); the back office calls them, refused input gets the
translated message and nothing is written.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import CallForwarding, PhoneNumber, TrunkRegistration
from app.models.enums import AreaCodeKind, ForwardingKind, ForwardingScope, NumberKind, ProductKind
from app.security.roles import SERVICE
from app.services import telephony
from app.services.errors import Invalid
from tests.factories import make_contract, make_customer, make_product
from tests.integration.backoffice_forms import flashes, form_data, staff_client


def _numbers(contract):
    block = PhoneNumber(customer_id=contract.customer_id, contract=contract, kind=NumberKind.BLOCK,
                        area_code_kind=AreaCodeKind.LOCAL, area_code="211", subscriber_number=f"77{contract.id:04d}",
                        extension_from="10", extension_to="59")
    single = PhoneNumber(customer_id=contract.customer_id, contract=contract, kind=NumberKind.SINGLE,
                         area_code_kind=AreaCodeKind.LOCAL, area_code="211", subscriber_number=f"88{contract.id:04d}")
    db.session.add_all([block, single])
    db.session.flush()
    return block, single


@pytest.fixture
def trunk(app):
    with app.app_context():
        customer = make_customer()
        contract = make_contract(customer, make_product(ProductKind.SIP_TRUNK))
        block, single = _numbers(contract)
        other = make_contract(make_customer(), make_product(ProductKind.SIP_TRUNK))
        other_block, _ = _numbers(other)
        dsl = make_contract(customer, make_product(ProductKind.DSL))
        registration = TrunkRegistration(customer_id=customer.id, contract=contract, ip_address="203.0.113.10",
                                         position=1)
        db.session.add(registration)
        db.session.commit()
        return {"contract": contract.id, "block": block.id, "single": single.id, "other_block": other_block.id,
                "dsl": dsl.id, "registration": registration.id}


# --- the service ---------------------------------------------------------------
@pytest.mark.rule("R-SIP-2")
@pytest.mark.parametrize("text, stored", [
    ("+49 211 1234567", "+492111234567"), ("+49 (0)211 1234567", "+492111234567"),
    ("  +4917155501001 ", "+4917155501001"), ("+43 1 5123400", "+4315123400"),
])
def test_targets_are_stored_as_e164(app_ctx, text, stored):
    """R-SIP-2: target always a full international number, stored normalised."""
    assert telephony.normalise_e164(text) == stored


@pytest.mark.rule("R-SIP-2", "R7")
@pytest.mark.parametrize("text", ["0211 1234567", "211 1234567", "+49 123", "+49 211 12345678901234", "+", "",
                                  None, "+49abc", "00492111234567"])
def test_targets_that_are_not_full_international_numbers_are_refused(app_ctx, text):
    """R-SIP-2, R7: a national or malformed number gets the translated message with an example."""
    with pytest.raises(Invalid) as refused:
        telephony.normalise_e164(text)
    assert "internationalen Format" in str(refused.value) and "+49" in str(refused.value)


@pytest.mark.rule("R-SIP-2")
@pytest.mark.parametrize("extension, first, last, inside", [
    ("11", "10", "59", True), ("10", "10", "59", True), ("59", "10", "59", True), ("60", "10", "59", False),
    ("9", "10", "59", False), ("5", "0", "99", True), ("011", "000", "999", True), ("11", "000", "999", False),
    ("1a", "0", "99", False), ("", "0", "99", False), ("100", "0", "99", False),
])
def test_extension_range(extension, first, last, inside):
    """R-SIP-2: an extension is its digits, within the block's range (length and value)."""
    assert telephony.extension_in_range(extension, first, last) is inside


@pytest.mark.rule("R-SIP-4")
@pytest.mark.parametrize("text, stored", [
    ("203.0.113.10", "203.0.113.10"), (" 198.51.100.7 ", "198.51.100.7"),
    ("2001:DB8:0:0::10", "2001:db8::10"),
])
def test_registration_ips_are_normalised(app_ctx, text, stored):
    """R-SIP-4: IPv4 or IPv6, in its canonical spelling."""
    assert telephony.normalise_ip(text) == stored


@pytest.mark.rule("R-SIP-4", "R7")
@pytest.mark.parametrize("text", ["203.0.113", "203.0.113.256", "sip.example.com", "", "2001:db8::g", "1.2.3.4/24"])
def test_invalid_registration_ips_are_refused(app_ctx, text):
    with pytest.raises(Invalid) as refused:
        telephony.normalise_ip(text)
    assert "IPv4- oder IPv6-Adresse" in str(refused.value)


def _forwarding(ids, scope, number_key, extension=None, target="+49 211 5550199"):
    from app.models import Contract

    contract = db.session.get(Contract, ids["contract"])
    number = db.session.get(PhoneNumber, ids[number_key]) if number_key else None
    return CallForwarding(customer_id=contract.customer_id, contract=contract, kind=ForwardingKind.FAILOVER,
                          scope=scope, phone_number=number, extension=extension, target=target)


@pytest.mark.rule("R-SIP-2", "R-SIP-3")
@pytest.mark.parametrize("scope, number_key, extension, message", [
    (ForwardingScope.BLOCK, "single", None, "Rufnummernblock"),
    (ForwardingScope.SINGLE, "block", None, "Einzelrufnummer"),
    (ForwardingScope.EXTENSION, "single", "11", "Rufnummernblock"),
    (ForwardingScope.EXTENSION, "block", "60", "nicht im Bereich 10 bis 59"),
    (ForwardingScope.EXTENSION, "block", None, "Nebenstelle als Ziffern"),
    (ForwardingScope.EXTENSION, "block", "1-1", "Nebenstelle als Ziffern"),
    (ForwardingScope.BLOCK, "block", "11", "lass das Feld leer"),
    (ForwardingScope.BLOCK, None, None, "Rufnummer"),
    (ForwardingScope.BLOCK, "other_block", None, "gehört nicht zu diesem Vertrag"),
])
def test_forwarding_scope_needs_the_matching_number(app_ctx, trunk, scope, number_key, extension, message):
    """R-SIP-2/3: block/single need a number of that kind; extension needs an extension inside the block."""
    with db.session.no_autoflush:
        forwarding = _forwarding(trunk, scope, number_key, extension)
        with pytest.raises(Invalid) as refused:
            telephony.check_forwarding(forwarding)
    assert any(message in text for text in refused.value.messages), refused.value.messages
    db.session.rollback()


@pytest.mark.rule("R-SIP-2")
def test_a_valid_forwarding_passes_with_its_target_normalised(app_ctx, trunk):
    with db.session.no_autoflush:
        forwarding = _forwarding(trunk, ForwardingScope.EXTENSION, "block", "20", target="+49 (0)211 555 0199")
        telephony.check_forwarding(forwarding)
    assert forwarding.target == "+492115550199"
    db.session.rollback()


@pytest.mark.rule("R-SIP-4")
def test_registration_ip_once_per_trunk_contract(app_ctx, trunk):
    """R-SIP-4: the same IP twice on one contract, or on a contract that is no SIP trunk, is refused."""
    from app.models import Contract

    contract = db.session.get(Contract, trunk["contract"])
    with db.session.no_autoflush:
        duplicate = TrunkRegistration(customer_id=contract.customer_id, contract=contract,
                                      ip_address=" 203.0.113.10", position=2)
        with pytest.raises(Invalid) as refused:
            telephony.check_registration(duplicate)
        assert "bereits" in str(refused.value)
        on_dsl = TrunkRegistration(customer_id=contract.customer_id, contract=db.session.get(Contract, trunk["dsl"]),
                                   ip_address="203.0.113.99", position=1)
        with pytest.raises(Invalid) as refused:
            telephony.check_registration(on_dsl)
        assert "SIP-Trunk" in str(refused.value)
    db.session.rollback()


@pytest.mark.rule("R7")
def test_the_database_refuses_what_the_service_would(app_ctx, trunk):
    """R7: CHECK constraints hold even for writes that skip the service (national target, stray extension)."""
    for values in (dict(target="02115550199"), dict(target="+49 211 5550199"),
                   dict(scope=ForwardingScope.BLOCK, extension="11")):
        forwarding = _forwarding(trunk, values.pop("scope", ForwardingScope.BLOCK), "block")
        for key, value in values.items():
            setattr(forwarding, key, value)
        db.session.add(forwarding)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


# --- the back office -------------------------------------------------------------
@pytest.fixture
def service_client(app, client, login):
    return staff_client(app, client, login, SERVICE, "service-telephony")


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


@pytest.mark.rule("R-SIP-2")
def test_backoffice_stores_a_forwarding_in_e164(app, service_client, trunk):
    data = form_data(service_client, "/call-forwardings/add", contract=str(trunk["contract"]), kind="permanent",
                     scope="extension", phone_number=str(trunk["block"]), extension="20", target="+49 211 5550199")
    response = service_client.post("/call-forwardings/add", data=data)
    assert response.status_code == 302, flashes(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(CallForwarding.target)) == "+492115550199"


@pytest.mark.rule("R-SIP-2", "R7")
@pytest.mark.parametrize("overrides, message", [
    (dict(target="0211 5550199"), "internationalen Format"),
    (dict(scope="single"), "Einzelrufnummer"),
    (dict(scope="extension", extension="99"), "nicht im Bereich"),
])
def test_backoffice_refuses_bad_forwardings_with_a_message(app, service_client, trunk, overrides, message):
    """R7: a clear translated message (422), no row."""
    values = dict(contract=str(trunk["contract"]), kind="failover", scope="block", phone_number=str(trunk["block"]),
                  extension="", target="+492115550199")
    values.update(overrides)
    response = service_client.post("/call-forwardings/add",
                                   data=form_data(service_client, "/call-forwardings/add", **values))
    assert response.status_code == 422
    assert any(message in text for text in flashes(response.get_data(as_text=True)))
    assert _count(app, CallForwarding) == 0


@pytest.mark.rule("R-SIP-4")
@pytest.mark.parametrize("ip, status", [("2001:DB8::1", 302), ("203.0.113.10", 422), ("300.1.2.3", 422)])
def test_backoffice_registration_ips(app, service_client, trunk, ip, status):
    before = _count(app, TrunkRegistration)
    data = form_data(service_client, "/trunk-registrations/add", contract=str(trunk["contract"]), ip_address=ip,
                     position="2")
    response = service_client.post("/trunk-registrations/add", data=data)
    assert response.status_code == status, flashes(response.get_data(as_text=True))
    with app.app_context():
        ips = set(db.session.scalars(select(TrunkRegistration.ip_address)))
    assert _count(app, TrunkRegistration) == before + (status == 302)
    if status == 302:
        assert "2001:db8::1" in ips


@pytest.mark.rule("R-SIP-4", "R7")
def test_backoffice_edit_of_a_registration_keeps_the_old_ip_when_refused(app, service_client, trunk):
    url = f"/trunk-registrations/edit/{trunk['registration']}"
    response = service_client.post(url, data=form_data(service_client, url, ip_address="not an ip"))
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(TrunkRegistration, trunk["registration"]).ip_address == "203.0.113.10"


@pytest.mark.rule("R7")
@pytest.mark.parametrize("overrides, message", [
    (dict(kind="block", extension_from="59", extension_to="10"), "niedrigeren"),
    (dict(kind="block", extension_from="", extension_to=""), "Durchwahlbereich"),
    (dict(kind="single", extension_from="0", extension_to="9"), "keinen Durchwahlbereich"),
    (dict(kind="single", subscriber_number="55-01"), "nur Ziffern"),
])
def test_backoffice_phone_numbers_are_checked(app, service_client, trunk, overrides, message):
    values = dict(contract=str(trunk["contract"]), kind="single", area_code_kind="local", country_code="49",
                  area_code="211", subscriber_number="5550999", extension_from="", extension_to="", status="active")
    values.update(overrides)
    before = _count(app, PhoneNumber)
    response = service_client.post("/phone-numbers/add", data=form_data(service_client, "/phone-numbers/add", **values))
    assert response.status_code == 422
    assert any(message in text for text in flashes(response.get_data(as_text=True))), \
        flashes(response.get_data(as_text=True))
    assert _count(app, PhoneNumber) == before
