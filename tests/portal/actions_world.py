"""Fixtures and helpers of the self-care action tests (issue 14): one customer whose SIP trunk has every
option booked, one trunk without options, another customer with a forwarding and a change of its own;
`network(failure_rate)` sets the simulated network (latency 0 in tests) for one test.
"""
from __future__ import annotations

import re
from datetime import datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditLog, CallForwarding, Contract, Cpe, DslAccount, OutboxMessage, PhoneNumber, ProvisioningChange, Shipment,
    TrunkRegistration,
)
from app.models.enums import (
    AreaCodeKind, ForwardingKind, ForwardingScope, NumberKind, OptionFeature, ProductKind,
    RegistrationMode, ShipmentStatus,
)
from app.roles import PBX_ADMIN, PORTAL_ADMIN
from tests.factories import make_contract, make_customer, make_option, make_option_type, make_product, make_user
from tests.portal.conftest import page_token
from tests.portal.world import PASSWORD

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
