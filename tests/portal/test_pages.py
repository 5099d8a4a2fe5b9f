"""Portal pages for the three customer roles (R-HOME, R-ORD, R-CON, R-INV, R-DOC, R-PBX)."""
from __future__ import annotations

import re
import time
from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, Contract, Document, Order
from app.models.enums import ContractStatus, OrderStatus
from app.roles import ACCOUNTING, PBX_ADMIN, PORTAL_ADMIN
from app.services.portal import pbx
from tests.conftest import csrf_token_from

META_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def _meta_token(html: str) -> str:
    return META_CSRF.search(html).group(1)


@pytest.mark.rule("R-HOME-1", "R-HOME-2")
def test_start_page_for_the_portal_admin(app, world, signed_in):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    html = client.get("/").get_data(as_text=True)
    for marker in ('id="home-button"', 'id="carrier-links"', 'id="mail-to-carrier"', 'id="show-customer-password"',
                   'id="create-ticket"', 'id="overview-open-orders"', 'id="overview-latest-invoice"'):
        assert marker in html, marker
    assert "Firma a GmbH" in html and "Firma b GmbH" not in html


@pytest.mark.rule("R-HOME-1")
@pytest.mark.parametrize("role", [PORTAL_ADMIN, PBX_ADMIN, ACCOUNTING])
def test_home_button_on_every_page_returns_to_the_start_page(app, world, signed_in, role):
    """R-HOME-1: the home button leads back to the start page from anywhere."""
    client = signed_in(world["a"].users[role])
    for path in ("/", "/portal/tickets/", "/account/profile"):
        response = client.get(path, follow_redirects=True)
        html = response.get_data(as_text=True)
        match = re.search(r'<a href="([^"]+)" id="nav-home"', html)
        assert match, f"{role} {path}: no home button"
        assert client.get(match.group(1), follow_redirects=True).status_code == 200


@pytest.mark.rule("R-HOME-3")
def test_customer_password_is_revealed_on_request_and_audited(app, world, signed_in):
    a = world["a"]
    client = signed_in(a.users[PORTAL_ADMIN])
    html = client.get("/").get_data(as_text=True)
    with app.app_context():
        from app.models import Customer

        secret = db.session.get(Customer, a.customer_id).hotline_password
    assert secret not in html
    assert client.post("/customer-password").status_code == 400  # no CSRF token
    response = client.post("/customer-password", headers={"X-CSRFToken": _meta_token(html)})
    assert response.status_code == 200 and response.get_json() == {"password": secret}
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "hotline_password_shown")).one()
        assert entry.customer_id == a.customer_id and secret not in (entry.details or "")


@pytest.mark.rule("R-HOME-3")
@pytest.mark.parametrize("role", [PBX_ADMIN, ACCOUNTING])
def test_only_the_portal_admin_may_see_the_customer_password(app, world, signed_in, role):
    """The password releases orders (manual §1, R-WIZ-6); roles that may not order do not get it (README)."""
    client = signed_in(world["a"].users[role])
    html = client.get("/").get_data(as_text=True)
    assert 'id="show-customer-password"' not in html
    assert client.post("/customer-password", headers={"X-CSRFToken": _meta_token(html)}).status_code == 403


@pytest.mark.rule("R-PBX-1")
def test_pbx_admin_lands_on_cloud_phone_contracts(app, world, signed_in):
    client = signed_in(world["a"].users[PBX_ADMIN])
    html = client.get("/").get_data(as_text=True)
    assert 'id="cloud-phone-contracts"' in html
    assert "/portal/cloud-phone/%d/sign-on" % world["a"].ids["contract"][1] in html
    assert 'id="overview-latest-invoice"' not in html  # no invoices for this role


@pytest.mark.rule("R-PBX-1")
def test_pbx_sign_on_redirects_with_a_single_use_short_lived_token(app, world, signed_in):
    a = world["a"]
    client = signed_in(a.users[PBX_ADMIN])
    token = _meta_token(client.get("/").get_data(as_text=True))
    cloud_id = a.ids["contract"][1]
    assert client.post(f"/portal/cloud-phone/{a.ids['contract'][0]}/sign-on",
                       data={"csrf_token": token}).status_code == 404  # not a cloud.phone contract
    response = client.post(f"/portal/cloud-phone/{cloud_id}/sign-on", data={"csrf_token": token})
    assert response.status_code == 303
    location = urlparse(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}" == app.config["PBX_URL"] and location.path == "/sso"
    raw = parse_qs(location.query)["token"][0]
    secret = app.config["PBX_SSO_SECRET"]
    used = pbx.UsedTokenIds()
    with app.app_context():
        contract = db.session.get(Contract, cloud_id)
        claims = pbx.verify_token(raw, secret, used)
        assert claims["sub"] == a.users[PBX_ADMIN] and claims["contract"] == contract.contract_number
        assert claims["exp"] - claims["iat"] == 60
    with pytest.raises(pbx.TokenRefused, match="already used"):
        pbx.verify_token(raw, secret, used)
    with pytest.raises(pbx.TokenRefused, match="expired"):
        pbx.verify_token(raw, secret, pbx.UsedTokenIds(), now=time.time() + 61)
    with pytest.raises(pbx.TokenRefused):
        pbx.verify_token(raw[:-2] + ("AA" if not raw.endswith("AA") else "BB"), secret, pbx.UsedTokenIds())
    with pytest.raises(pbx.TokenRefused):
        pbx.verify_token(raw, "another-secret-of-at-least-32-bytes!", pbx.UsedTokenIds())


@pytest.mark.rule("R-CON-1", "R-CON-2")
def test_contract_list_and_detail(app, world, signed_in):
    a = world["a"]
    with app.app_context():
        trunk = db.session.get(Contract, a.ids["contract"][0])
        trunk.status = ContractStatus.BLOCKED
        number = trunk.contract_number
        db.session.commit()
    client = signed_in(a.users[PORTAL_ADMIN])
    listing = client.get("/portal/contracts/").get_data(as_text=True)
    assert number in listing and app.config["ACCOUNTING_PHONE"] in listing
    assert client.get("/portal/contracts/?status=bogus&page=abc").status_code == 200
    detail = client.get(f"/portal/contracts/{a.ids['contract'][0]}").get_data(as_text=True)
    for marker in ('id="contract-terms"', 'id="end-of-term"', 'id="general-options"', "Standort a",
                   "Expressentstörung", 'data-technical-panel', app.config["ACCOUNTING_PHONE"]):
        assert marker in detail, marker
    assert "Geheim#SIP1" not in detail


@pytest.mark.rule("R-CON-3", "R-CON-4")
def test_technical_panel_lists_sip_accounts_and_reports_an_outage(app, world, signed_in):
    a = world["a"]
    client = signed_in(a.users[PORTAL_ADMIN])
    panel = client.get(f"/portal/contracts/{a.ids['contract'][0]}/technical")
    assert panel.status_code == 200
    assert 'data-sip-status' in panel.get_data(as_text=True) and "sip-a-" in panel.get_data(as_text=True)
    app.config["PROVISIONING_FAILURE_RATE"] = 1.0
    app.extensions.pop("eservice_provisioning", None)
    try:
        failed = client.get(f"/portal/contracts/{a.ids['contract'][0]}/technical")
        assert failed.status_code == 503 and "error" in failed.get_json()
    finally:
        app.config["PROVISIONING_FAILURE_RATE"] = 0.0
        app.extensions.pop("eservice_provisioning", None)


@pytest.mark.rule("R-ORD-1", "R-ORD-4")
def test_orders_list_detail_and_accepting_an_offer_once(app, world, signed_in):
    a = world["a"]
    offer_id, done_id = a.ids["order"]
    client = signed_in(a.users[PORTAL_ADMIN])
    assert "Sprachkanäle" in client.get(f"/portal/orders/{offer_id}").get_data(as_text=True)
    assert 'id="order-steps"' in client.get(f"/portal/orders/{done_id}").get_data(as_text=True)
    assert "order-help" in client.get("/portal/orders/").get_data(as_text=True)
    token = csrf_token_from(client.get(f"/portal/orders/{offer_id}").get_data(as_text=True))
    assert client.post(f"/portal/orders/{offer_id}/accept", data={"csrf_token": token}).status_code == 302
    again = client.post(f"/portal/orders/{offer_id}/accept", data={"csrf_token": token}, follow_redirects=True)
    assert "kann nicht angenommen werden" in again.get_data(as_text=True) or "cannot be accepted" in again.get_data(as_text=True)
    refused = client.post(f"/portal/orders/{done_id}/accept", data={"csrf_token": token})
    assert refused.status_code == 302
    with app.app_context():
        assert db.session.get(Order, offer_id).status == OrderStatus.OFFER_ACCEPTED
        assert db.session.get(Order, offer_id).accepted_at is not None
        assert db.session.get(Order, done_id).status == OrderStatus.COMPLETED
        accepted = db.session.scalars(select(AuditLog).where(AuditLog.action == "offer_accepted")).all()
        assert len(accepted) == 1


@pytest.mark.rule("R-INV-2", "S12")
def test_invoices_default_to_invoices_and_download_safely(app, world, signed_in):
    a = world["a"]
    invoice_doc, evn_csv, contract_doc = a.ids["document"]
    client = signed_in(a.users[ACCOUNTING])
    listing = client.get("/portal/invoices/").get_data(as_text=True)
    assert f"/portal/invoices/{invoice_doc}/download" in listing and f"/{evn_csv}/download" not in listing
    evn = client.get("/portal/invoices/?type=evn_csv").get_data(as_text=True)
    assert f"/portal/invoices/{evn_csv}/download" in evn
    response = client.get(f"/portal/invoices/{evn_csv}/download")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"evn_csv_2026-10-01_{evn_csv}.csv" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/portal/invoices/{contract_doc}/download").status_code == 404  # not a billing document


@pytest.mark.rule("R-DOC-1")
def test_contract_documents_view_and_missing_file(app, world, signed_in):
    a = world["a"]
    contract_doc = a.ids["document"][2]
    client = signed_in(a.users[PORTAL_ADMIN])
    assert f"/portal/documents/{contract_doc}/view" in client.get("/portal/documents/").get_data(as_text=True)
    shown = client.get(f"/portal/documents/{contract_doc}/view")
    assert shown.status_code == 200 and shown.mimetype == "application/pdf"
    assert shown.headers["Content-Disposition"].startswith("inline")
    with app.app_context():
        from app.services.documents import document_path

        document_path(db.session.get(Document, contract_doc)).unlink()
    assert client.get(f"/portal/documents/{contract_doc}/download").status_code == 404


@pytest.mark.rule("R-TIC-5")
def test_ticket_detail_hides_internal_notes(app, world, signed_in):
    a = world["a"]
    client = signed_in(a.users[PBX_ADMIN])
    html = client.get(f"/portal/tickets/{a.ids['ticket'][0]}").get_data(as_text=True)
    assert "Wir prüfen." in html and "INTERN-NOTIZ" not in html


def test_english_on_request(app, world, signed_in):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    assert "Verträge" in client.get("/portal/contracts/").get_data(as_text=True)
    client.get("/lang/en")
    assert "Contracts" in client.get("/portal/contracts/").get_data(as_text=True)


def _end_of_term(client, contract_id):
    html = client.get(f"/portal/contracts/{contract_id}").get_data(as_text=True)
    return re.search(r'id="end-of-term">([^<]*)<', html).group(1), 'id="end-of-term-termination"' in html


@pytest.mark.rule("R-CON-2")
def test_end_of_term_of_a_contract_being_terminated_is_its_termination_date(app, world, signed_in):
    """R-CON-2: "Inaktiv – Schwebend" shows the termination date as end of term, when the carrier entered one."""
    a = world["a"]
    client = signed_in(a.users[PORTAL_ADMIN])
    with app.app_context():
        trunk = db.session.get(Contract, a.named["trunk"])
        trunk.status, trunk.terminated_on = ContractStatus.INACTIVE_PENDING, date(2027, 3, 31)
        db.session.commit()
    assert _end_of_term(client, a.named["trunk"]) == ("31.03.2027", True)
    with app.app_context():
        db.session.get(Contract, a.named["trunk"]).terminated_on = None
        db.session.commit()
    assert _end_of_term(client, a.named["trunk"]) == ("–", False)
    with app.app_context():
        trunk = db.session.get(Contract, a.named["trunk"])
        trunk.status, trunk.start_date = ContractStatus.ACTIVE, date(2020, 1, 1)
        db.session.commit()
    shown, is_termination = _end_of_term(client, a.named["trunk"])
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", shown) and not is_termination
