"""The demo seed (issue: foundation, demo data): complete, real files, idempotent, working logins."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    CallForwarding, CallRecord, ContactPerson, Contract, ContractOption, Cpe, Customer, Document, EServiceUser,
    OneTimeToken, Order, OrderStep, OutboxMessage, PhoneNumber, Shipment, SipAccount, Ticket,
)
from app.models.enums import (
    ContactConsent, ContactRole, ContractStatus, DocumentType, ForwardingKind, ForwardingScope, NumberStatus,
    OptionFeature, OrderKind, OrderStatus, ProductKind, ShipmentStatus, StepStatus, TicketStatus, TokenPurpose,
)
from app.models.mixins import utcnow
from app.roles import ALL_ROLES, PORTAL_ROLES, SMS_PIN_ROLES
from app.services.account_rules import password_errors, username_errors
from app.services.demo import demo_logins, seed_demo
from app.services.documents import document_path


def _seed():
    lines = []
    seed_demo(echo=lines.append)
    return lines


def _values(column):
    return set(db.session.scalars(select(column).distinct()))


def test_demo_data_covers_every_kind_and_status(app_ctx):
    _seed()
    assert db.session.scalar(select(func.count(Customer.id))) >= 3
    assert {p for p in _values(Contract.product_id)}
    kinds = set(db.session.scalars(select(Contract).join(Contract.product)).all())
    assert {c.product.kind for c in kinds} == set(ProductKind)
    assert _values(Contract.status) == set(ContractStatus)
    assert _values(Order.status) == set(OrderStatus)
    assert _values(Order.kind) == set(OrderKind)
    assert _values(Document.doc_type) == set(DocumentType)
    assert _values(CallForwarding.kind) == set(ForwardingKind)
    assert _values(CallForwarding.scope) == set(ForwardingScope)
    assert {TicketStatus.OPEN, TicketStatus.CLOSED} <= _values(Ticket.status)
    features = {o.option_type.feature for o in db.session.scalars(select(ContractOption))}
    assert {OptionFeature.VOICE_CHANNELS, OptionFeature.EXPRESS_FAULT_CLEARING} <= features
    assert db.session.scalar(select(func.count(OrderStep.id))) > 10
    assert db.session.scalar(select(func.count(SipAccount.id))) >= 5
    assert db.session.scalar(select(func.count(Shipment.id))) > db.session.scalar(select(func.count(Cpe.id)))
    # Every closed set the back office shows is used at least once (issue 2, point 6).
    assert _values(Shipment.status) == set(ShipmentStatus)
    assert _values(OrderStep.status) == set(StepStatus)
    assert _values(PhoneNumber.status) == set(NumberStatus)
    assert _values(ContactPerson.role) == set(ContactRole)
    assert {ContactConsent.EMAIL, ContactConsent.PHONE, ContactConsent.EMAIL_AND_PHONE} <= _values(
        Customer.contact_consent)
    numbers = db.session.scalars(select(PhoneNumber)).all()
    assert {n.kind.value for n in numbers} == {"single", "block"}
    assert {n.area_code_kind.value for n in numbers} == {"local", "032"} and any(n.ported for n in numbers)
    cutoff = utcnow() - timedelta(days=180)
    assert db.session.scalar(select(func.count(CallRecord.id)).where(CallRecord.created_at < cutoff)) > 0
    assert db.session.scalar(select(func.count(CallRecord.id)).where(CallRecord.created_at >= cutoff)) > 0


def test_demo_data_is_realistic(app_ctx):
    """Issue 2 point 6: R-SIP-6 shipment history, R-WIZ-2 unverified address, R-ORD-3 terminations."""
    _seed()
    # R-SIP-6: a router with several shipments, the history the portal shows.
    per_cpe = db.session.execute(select(Shipment.cpe_id, func.count(Shipment.id)).group_by(Shipment.cpe_id)).all()
    assert max(count for _, count in per_cpe) >= 2
    # R-WIZ-2: one customer whose address is not verified (new local numbers need an address proof).
    assert db.session.scalar(select(func.count(Customer.id)).where(Customer.address_verified.is_(False))) == 1
    # R-ORD-3: a termination is entered by the carrier after written notice: never an offer.
    termination_statuses = set(db.session.scalars(select(Order.status).where(Order.kind == OrderKind.TERMINATION)))
    assert termination_statuses and termination_statuses <= {
        OrderStatus.PROVISIONING, OrderStatus.PROVISIONED, OrderStatus.COMPLETED, OrderStatus.CANCELLED}
    # A failed work step carries a note saying what happened.
    failed = db.session.scalars(select(OrderStep).where(OrderStep.status == StepStatus.FAILED)).all()
    assert failed and all(step.note for step in failed)


@pytest.mark.rule("R-AUTH-4")
def test_nordsee_portal_admin_awaits_activation(app_ctx):
    """R-AUTH-4: customer9000003 was entered with its customer: no password, activation email queued."""
    _seed()
    user = db.session.scalar(select(EServiceUser).where(EServiceUser.username == "customer9000003"))
    assert user is not None and user.customer.customer_number == "9000003"
    assert not user.password and [r.name for r in user.roles] == ["Portal Admin"]
    token = db.session.scalar(select(OneTimeToken).where(OneTimeToken.user_id == user.id))
    assert token.purpose is TokenPurpose.ACTIVATION and token.used_at is None
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.user_id == user.id))
    assert mail is not None and mail.recipient == user.email and "/set-password/" in mail.body
    assert "customer9000003" not in {row["username"] for row in demo_logins()}  # it cannot sign in yet


def test_every_document_is_a_real_file_matching_its_checksum(app_ctx):
    _seed()
    for document in db.session.scalars(select(Document)):
        data = document_path(document).read_bytes()
        assert len(data) == document.size_bytes and hashlib.sha256(data).hexdigest() == document.sha256
        if document.mime_type == "application/pdf":
            assert data.startswith(b"%PDF-")
        else:
            text = data.decode("utf-8-sig")
            assert text.startswith("Datum;Uhrzeit;") and "," in text.splitlines()[1]


def test_second_customer_has_its_own_records(app_ctx):
    _seed()
    second = db.session.scalar(select(Customer).where(Customer.customer_number == "9000002"))
    for model in (Contract, Order, Ticket, Document):
        assert db.session.scalar(select(func.count(model.id)).where(model.customer_id == second.id)) > 0, model


def test_seed_is_idempotent_and_if_empty_does_nothing(app_ctx):
    _seed()
    tables = (Customer, Contract, Order, Document, CallRecord, EServiceUser, Ticket, Shipment, OutboxMessage,
              OneTimeToken)
    counts = [db.session.scalar(select(func.count(m.id))) for m in tables]
    _seed()
    assert [db.session.scalar(select(func.count(m.id))) for m in tables] == counts
    lines = []
    assert seed_demo(only_if_empty=True, echo=lines.append) is False
    assert [db.session.scalar(select(func.count(m.id))) for m in tables] == counts


def test_demo_logins_sign_in_and_follow_the_rules(app_ctx):
    from werkzeug.security import check_password_hash

    _seed()
    logins = demo_logins()
    assert {row["role"] for row in logins} == set(ALL_ROLES)
    assert len({row["customer_number"] for row in logins if row["role"] in PORTAL_ROLES}) == 2
    for row in logins:
        assert set(row) == {"role", "customer_number", "username", "password"}
        assert not username_errors(row["username"]) and not password_errors(row["password"], row["username"])
        user = db.session.scalar(select(EServiceUser).where(EServiceUser.username == row["username"]))
        assert check_password_hash(user.password, row["password"]), row["username"]
        assert [r.name for r in user.roles] == [row["role"]] and user.is_active
        assert (user.customer.customer_number if user.customer else None) == row["customer_number"]
        if row["role"] in SMS_PIN_ROLES:
            assert user.mobile, row["username"]


def test_cli_prints_the_logins_as_json(app):
    import json

    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "logins", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == demo_logins()


def test_every_demo_login_signs_in_through_the_real_forms(app):
    """Issue "Foundation", done when: every demo login signs in (with the SMS PIN where the role needs it)."""
    from tests.auth_helpers import complete_login_with_pin
    from tests.security.auth_fixtures import new_client

    with app.app_context():
        seed_demo(echo=lambda *a: None)
    for row in demo_logins():
        client = new_client(app)
        response = complete_login_with_pin(client, row["username"], row["password"], app=app)
        assert response.status_code == 302 and "/login" not in response.headers["Location"], row["username"]
        assert client.get("/").status_code == 200
