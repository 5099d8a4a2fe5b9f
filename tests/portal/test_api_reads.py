"""REST API reads and the option-order write (issue 19): own rows only, paging cap, filters, problem+json."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditLog, Order, OrderDraft
from app.roles import PORTAL_ADMIN
from app.services import api_keys
from app.services.api_reads import MAX_PAGE_SIZE
from tests import option_order_world
from tests.portal.api_helpers import bearer, make_key
from tests.security.auth_fixtures import new_client

LISTS = ("contracts", "orders", "tickets", "invoices", "documents", "call-records")
DETAILS = {"contract": "/api/v1/contracts/{}", "order": "/api/v1/orders/{}", "ticket": "/api/v1/tickets/{}",
           "document": "/api/v1/documents/{}/download"}


@pytest.mark.rule("S1")
def test_lists_hold_only_the_keys_company(app, world):
    a, b = world["a"], world["b"]
    _grant, secret = make_key(app, a.users[PORTAL_ADMIN])
    client = new_client(app)
    for name in LISTS:
        response = client.get(f"/api/v1/{name}", headers=bearer(secret))
        assert response.status_code == 200, name
        ids = {item["id"] for item in response.json["items"]}
        kind = {"contracts": "contract", "orders": "order", "tickets": "ticket", "documents": "document"}.get(name)
        if kind:
            assert ids and ids <= set(a.ids[kind]), name
            assert not ids & set(b.ids.get(kind, [])), name


@pytest.mark.rule("S1", "S13")
def test_another_companys_ids_answer_404(app, world):
    a, b = world["a"], world["b"]
    _grant, secret = make_key(app, a.users[PORTAL_ADMIN])
    client = new_client(app)
    for kind, url in DETAILS.items():
        own = client.get(url.format(a.ids[kind][0]), headers=bearer(secret))
        assert own.status_code == 200, kind
        for foreign in b.ids[kind]:
            response = client.get(url.format(foreign), headers=bearer(secret))
            assert response.status_code == 404, (kind, foreign)
            assert response.mimetype == "application/problem+json"
    for raw in ("0", "-1", "abc", "99999999999", "²"):
        assert client.get(f"/api/v1/contracts/{raw}", headers=bearer(secret)).status_code == 404
    assert client.get(f"/api/v1/call-records?contract={b.ids['contract'][0]}",
                      headers=bearer(secret)).status_code == 404


def test_contract_detail_has_options_and_numbers(app, world):
    a = world["a"]
    _grant, secret = make_key(app, a.users[PORTAL_ADMIN])
    body = new_client(app).get(f"/api/v1/contracts/{a.named['trunk']}", headers=bearer(secret)).json
    assert body["options"] and body["numbers"]
    assert all(option["line_key"].startswith("booked:") for option in body["options"])


def test_order_detail_has_steps_and_ticket_has_replies(app, world):
    a = world["a"]
    _grant, secret = make_key(app, a.users[PORTAL_ADMIN])
    client = new_client(app)
    order = client.get(f"/api/v1/orders/{a.named['done_order']}", headers=bearer(secret)).json
    assert "steps" in order and "items" in order
    ticket = client.get(f"/api/v1/tickets/{a.named['ticket']}", headers=bearer(secret)).json
    assert "replies" in ticket


@pytest.mark.rule("R7")
def test_page_size_is_capped_and_filters_are_checked(app, world):
    _grant, secret = make_key(app, world["a"].users[PORTAL_ADMIN])
    client = new_client(app)
    body = client.get("/api/v1/contracts?per_page=100000&page=1", headers=bearer(secret)).json
    assert body["page"] == 1 and len(body["items"]) <= MAX_PAGE_SIZE
    one = client.get("/api/v1/contracts?per_page=1", headers=bearer(secret)).json
    assert len(one["items"]) == 1 and one["pages"] == one["total"]
    bad = client.get("/api/v1/orders?status=nonsense", headers=bearer(secret))
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"
    assert client.get("/api/v1/orders?date_from=2026-13-01", headers=bearer(secret)).status_code == 400
    assert client.get("/api/v1/orders?status=completed&date_from=2000-01-01",
                      headers=bearer(secret)).status_code == 200
    too_long = client.get("/api/v1/call-records?date_from=2026-01-01&date_to=2026-06-01", headers=bearer(secret))
    assert too_long.status_code == 400


def test_openapi_document_and_docs_page_need_no_key(app):
    client = new_client(app)
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and spec.json["openapi"].startswith("3.")
    assert "/contracts" in spec.json["paths"] and "/option-orders" in spec.json["paths"]
    docs = client.get("/api/v1/docs")
    html = docs.get_data(as_text=True)
    assert docs.status_code == 200 and "swagger-ui-bundle.js" in html and "<script>" not in html
    assert "unsafe-inline" not in docs.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]


@pytest.mark.rule("R-WIZ-6", "R7")
def test_option_order_through_the_wizard_service_audited_with_the_key_name(app):
    with app.app_context():
        w = option_order_world.build()
        username, password, trunk_id = w.user.username, w.customer.hotline_password, w.trunk.id
        line = f"booked:{w.channels.id}"
    _g, read_key = make_key(app, username)
    _g, write_key = make_key(app, username, scope=api_keys.READ_WRITE, name="Warenwirtschaft")
    client = new_client(app)
    body = {"contract_id": trunk_id, "options": {line: 11}, "customer_password": password}
    assert client.post("/api/v1/option-orders", headers=bearer(read_key), json=body).status_code == 403
    wrong = client.post("/api/v1/option-orders", headers=bearer(write_key), json={**body, "customer_password": "x"})
    assert wrong.status_code in (400, 403) and wrong.mimetype == "application/problem+json"
    for bad in ({}, {**body, "options": {line: "elf"}}, {**body, "contract_id": "1"}):
        assert client.post("/api/v1/option-orders", headers=bearer(write_key), json=bad).status_code == 400
    response = client.post("/api/v1/option-orders", headers=bearer(write_key), json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Order.id))) == 1
        assert db.session.scalar(select(func.count(OrderDraft.id))) == 0
        details = db.session.scalar(select(AuditLog.details).where(AuditLog.action == "api_write"))
    assert "Warenwirtschaft" in details
    assert client.get(response.json["url"], headers=bearer(read_key)).status_code == 200
    # With an Idempotency-Key a repeated request places no second order and answers with the first.
    once = {**bearer(write_key), "Idempotency-Key": "bestellung-42"}
    first = client.post("/api/v1/option-orders", headers=once, json={**body, "options": {line: 12}})
    again = client.post("/api/v1/option-orders", headers=once, json={**body, "options": {line: 12}})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json["id"] == again.json["id"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Order.id))) == 2


@pytest.mark.rule("R-TIC-1", "R-TIC-5", "S1")
def test_tickets_are_created_and_answered_through_the_portals_services(app, world):
    """Issue 19: create a ticket and reply to one with a read-write key, audited with the key's name; another
    company's contract or ticket is refused; a read key may not write; one Idempotency-Key, one ticket."""
    from app.models import Contract, Ticket, TicketComment

    a, b = world["a"], world["b"]
    with app.app_context():
        own = db.session.get(Contract, a.named["trunk"]).contract_number
        foreign = db.session.get(Contract, b.named["trunk"]).contract_number
    _g, read_key = make_key(app, a.users[PORTAL_ADMIN])
    _g, write_key = make_key(app, a.users[PORTAL_ADMIN], scope=api_keys.READ_WRITE, name="Leitstand")
    client = new_client(app)
    body = {"kind": "fault", "subject": "contract", "contract_number": own, "title": "Keine Verbindung",
            "description": "Seit 8 Uhr kein Freizeichen."}
    assert client.post("/api/v1/tickets", headers=bearer(read_key), json=body).status_code == 403
    refused = client.post("/api/v1/tickets", headers=bearer(write_key), json={**body, "contract_number": foreign})
    assert refused.status_code == 400 and refused.mimetype == "application/problem+json"
    for bad in ({}, {**body, "kind": "nonsense"}, {**body, "express": "ja"}, {**body, "title": ["x"]}):
        assert client.post("/api/v1/tickets", headers=bearer(write_key), json=bad).status_code == 400
    once = {**bearer(write_key), "Idempotency-Key": "stoerung-7"}
    first = client.post("/api/v1/tickets", headers=once, json=body)
    again = client.post("/api/v1/tickets", headers=once, json=body)
    assert first.status_code == 201, first.get_data(as_text=True)
    assert again.status_code == 201 and again.json["id"] == first.json["id"]
    ticket_id = first.json["id"]
    reply = client.post(f"/api/v1/tickets/{ticket_id}/replies", headers=bearer(write_key), json={"body": "Update"})
    assert reply.status_code == 201
    assert client.post(f"/api/v1/tickets/{b.named['ticket']}/replies", headers=bearer(write_key),
                       json={"body": "x"}).status_code == 404
    assert client.post(f"/api/v1/tickets/{ticket_id}/replies", headers=bearer(write_key),
                       json={"body": ""}).status_code == 400
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.customer_id == a.customer_id and ticket.title == "Keine Verbindung"
        assert db.session.scalar(select(func.count(Ticket.id)).where(Ticket.title == "Keine Verbindung")) == 1
        assert db.session.scalar(select(func.count(TicketComment.id)).where(TicketComment.ticket_id == ticket_id)) == 1
        details = db.session.scalars(select(AuditLog.details).where(AuditLog.action == "api_write")).all()
    assert len(details) == 2 and all("Leitstand" in d for d in details)
