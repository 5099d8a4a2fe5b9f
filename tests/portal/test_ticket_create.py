"""Creating tickets in the portal (R-TIC-1..3, R-TIC-5, R-HOME-4, QUALITY S1, S12, R3)."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Contract, ContractOption, Invoice, Order, OutboxMessage, Ticket, TicketAttachment, TicketComment,
)
from app.models.enums import ContractStatus, OptionFeature, OrderKind, TicketKind, TicketSubject
from app.roles import ACCOUNTING, PBX_ADMIN, PORTAL_ADMIN
from tests.factories import make_location, make_option, make_option_type
from tests.portal.conftest import page_token
from tests.races import race

PDF = b"%PDF-1.4\n% Fehlerbild\n"
LOG = "12:00:01 SIP/2.0 408 Request Timeout\r\n12:00:02 Registrierung fehlgeschlagen\n".encode()


def _form(client, **query):
    html = client.get("/portal/tickets/new", query_string=query).get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html) or re.search(
        r'id="token" name="token" type="hidden" value="([^"]+)"', html)
    assert token, "the form carries its single-use token"
    return page_token(html), token.group(1), html


def _post(client, *, csrf, token, files=(), **fields):
    data = {"csrf_token": csrf, "token": token, "kind": "fault", "subject": "contract", "title": "Kein Ton",
            "description": "Seit heute früh hören uns Anrufer nicht.", **fields}
    if files:
        data["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/portal/tickets/new", data=data, content_type="multipart/form-data")


def _numbers(app, tenant):
    with app.app_context():
        trunk = db.session.get(Contract, tenant.named["trunk"])
        invoice = db.session.scalar(select(Invoice).where(Invoice.customer_id == tenant.customer_id))
        option = db.session.scalar(select(ContractOption).where(ContractOption.contract_id == trunk.id))
        return trunk.contract_number, invoice.invoice_number, option.id


def _tickets(app, customer_id):
    with app.app_context():
        return db.session.scalar(select(func.count(Ticket.id)).where(Ticket.customer_id == customer_id))


@pytest.mark.rule("R-TIC-1")
@pytest.mark.rule("R-TIC-2")
@pytest.mark.rule("R-TIC-5")
@pytest.mark.rule("R-HOME-4")
def test_each_role_creates_each_kind_about_a_contract_an_option_or_an_invoice(app, world, signed_in):
    a = world["a"]
    contract, invoice, option = _numbers(app, a)
    home = signed_in(a.users[PBX_ADMIN]).get("/").get_data(as_text=True)
    assert 'id="create-ticket" href="/portal/tickets/new"' in home
    subjects = [dict(contract=contract), dict(contract=contract, option=str(option)),
                dict(subject="invoice", invoice=invoice)]
    made = []
    for n, kind in enumerate(TicketKind):
        role = (PORTAL_ADMIN, PBX_ADMIN, ACCOUNTING)[n % 3]
        client = signed_in(a.users[role])
        csrf, token, html = _form(client)
        assert f"value=\"{kind.value}\"" in html
        response = _post(client, csrf=csrf, token=token, kind=kind.value, **subjects[n % 3])
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        made.append((kind, n % 3, int(response.headers["Location"].rsplit("/", 1)[-1])))
    with app.app_context():
        for kind, subject, ident in made:
            ticket = db.session.get(Ticket, ident)
            assert ticket.kind is kind and ticket.customer_id == a.customer_id
            if subject == 2:
                assert ticket.subject is TicketSubject.INVOICE and ticket.invoice.invoice_number == invoice
                assert ticket.contract_id is None
            else:
                assert ticket.subject is TicketSubject.CONTRACT and ticket.contract.contract_number == contract
                assert (ticket.contract_option_id == option) == (subject == 1)
        # Each new ticket told the team (the outbox), none sent anything else.
        subjects_sent = db.session.scalars(select(OutboxMessage.subject)).all()
        for kind, subject, ident in made:
            assert any(db.session.get(Ticket, ident).ticket_number in s for s in subjects_sent)


@pytest.mark.rule("R-TIC-1")
def test_missing_kind_subject_title_or_description_is_named_at_its_field(app, world, signed_in):
    a = world["a"]
    client = signed_in(a.users[ACCOUNTING])
    csrf, token, _ = _form(client)
    before = _tickets(app, a.customer_id)
    html = _post(client, csrf=csrf, token=token, kind="", subject="contract", contract="", title="",
                 description="").get_data(as_text=True)
    for field in ("kind", "contract", "title", "description"):
        assert f'id="{field}-error"' in html, field
    html = _post(client, csrf=csrf, token=token, subject="invoice", invoice="R-NOPE").get_data(as_text=True)
    assert 'id="invoice-error"' in html
    assert _tickets(app, a.customer_id) == before


@pytest.mark.rule("S1")
@pytest.mark.rule("R-TIC-2")
def test_another_customers_contract_option_invoice_or_ticket_is_refused_and_never_suggested(app, world, signed_in):
    a, b = world["a"], world["b"]
    own_contract, _, own_option = _numbers(app, a)
    contract, invoice, option = _numbers(app, b)
    client = signed_in(a.users[PORTAL_ADMIN])
    before = _tickets(app, a.customer_id), _tickets(app, b.customer_id)
    csrf, token, _ = _form(client)
    assert 'id="contract-error"' in _post(client, csrf=csrf, token=token, contract=contract).get_data(as_text=True)
    html = _post(client, csrf=csrf, token=token, contract=own_contract, option=str(option)).get_data(as_text=True)
    assert 'id="option-error"' in html
    html = _post(client, csrf=csrf, token=token, subject="invoice", invoice=invoice).get_data(as_text=True)
    assert 'id="invoice-error"' in html
    assert (_tickets(app, a.customer_id), _tickets(app, b.customer_id)) == before
    # The type-ahead and the option picker list only the company's own records.
    for kind, prefix in (("contract", "V"), ("invoice", "R")):
        matches = client.get("/portal/tickets/suggest", query_string={"kind": kind, "q": prefix}).get_json()["matches"]
        assert matches and contract not in str(matches) and invoice not in str(matches)
        assert len(matches) <= 10
    assert client.get("/portal/tickets/subject-options", query_string={"contract": contract}).status_code == 404
    body = client.get("/portal/tickets/subject-options", query_string={"contract": own_contract}).get_json()
    assert str(own_option) in [o["id"] for o in body["options"]] and str(option) not in str(body)
    # Another customer's ticket: no page, no reply.
    csrf = page_token(client.get("/").get_data(as_text=True))
    assert client.get(f"/portal/tickets/{b.named['ticket']}").status_code == 404
    assert client.post(f"/portal/tickets/{b.named['ticket']}/reply",
                       data={"csrf_token": csrf, "body": "Hallo"}).status_code == 404
    assert client.get(f"/portal/tickets/files/{b.named['ticket_file']}").status_code == 404


@pytest.mark.rule("R3")
def test_a_double_submit_gives_one_ticket(app, world, signed_in):
    a = world["a"]
    contract, _, _ = _numbers(app, a)
    client = signed_in(a.users[PORTAL_ADMIN])
    csrf, token, _ = _form(client)
    before = _tickets(app, a.customer_id)
    first = _post(client, csrf=csrf, token=token, contract=contract)
    second = _post(client, csrf=csrf, token=token, contract=contract)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _tickets(app, a.customer_id) == before + 1


@pytest.mark.rule("R3")
def test_two_submits_at_once_give_one_ticket(app, world):
    from app import context
    from app.models import EServiceUser
    from app.services.portal import ticket_create

    a = world["a"]
    contract, _, _ = _numbers(app, a)
    with app.app_context():
        user_id = db.session.scalar(select(EServiceUser.id).where(EServiceUser.username == a.users[PORTAL_ADMIN]))
    token = ticket_create.new_token()

    def work(i):
        user = db.session.get(EServiceUser, user_id)
        context.bind(user, "127.0.0.1")
        data = ticket_create.TicketInput(kind="fault", subject="contract", contract=contract, title="x",
                                         description="y", token=token)
        return ticket_create.create(user, data, []).id

    before = _tickets(app, a.customer_id)
    results = race(app, work, in_request=True)
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1 and _tickets(app, a.customer_id) == before + 1


@pytest.mark.rule("S12")
def test_attachments_pdf_image_and_text_log_are_kept_a_wrong_type_or_size_is_refused(app, world, signed_in):
    a = world["a"]
    contract, _, _ = _numbers(app, a)
    client = signed_in(a.users[PBX_ADMIN])
    csrf, token, _ = _form(client)
    before = _tickets(app, a.customer_id)
    html = _post(client, csrf=csrf, token=token, contract=contract,
                 files=[("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00")]).get_data(as_text=True)
    assert 'id="attachments-error"' in html and "tool.exe" in html
    app.config["MAX_CONTENT_LENGTH_SAVED"] = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 2048
    try:
        html = _post(client, csrf=csrf, token=token, contract=contract,
                     files=[("gross.pdf", PDF + b"x" * 1500), ("gross2.pdf", PDF + b"y" * 1500)]
                     ).get_data(as_text=True)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = app.config.pop("MAX_CONTENT_LENGTH_SAVED")
    assert _tickets(app, a.customer_id) == before
    response = _post(client, csrf=csrf, token=token, contract=contract,
                     files=[("fehler.pdf", PDF), ("router.log", LOG), ("bild.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20)])
    assert response.status_code == 302
    ident = int(response.headers["Location"].rsplit("/", 1)[-1])
    with app.app_context():
        rows = db.session.scalars(select(TicketAttachment).where(TicketAttachment.ticket_id == ident)
                                  .order_by(TicketAttachment.id)).all()
        assert [(r.mime_type, r.filename) for r in rows] == [
            ("application/pdf", "fehler.pdf"), ("text/plain", "router.log"), ("image/png", "bild.png")]
        file_ids = [r.id for r in rows]
    page = client.get(f"/portal/tickets/{ident}").get_data(as_text=True)
    assert "router.log" in page
    download = client.get(f"/portal/tickets/files/{file_ids[1]}")
    assert download.status_code == 200 and download.data == LOG
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "router.log" not in download.headers["Content-Disposition"]


def _with_express(app, tenant, *, second_site: bool, status=ContractStatus.ACTIVE):
    with app.app_context():
        trunk = db.session.get(Contract, tenant.named["trunk"])
        express = make_option_type(OptionFeature.EXPRESS_FAULT_CLEARING, name="Expressentstörung",
                                   location_bound=True, monthly_price=19.90, one_time_price=49)
        trunk.product.option_types.append(express)
        for site in [*trunk.locations, make_location(trunk, name="Zentrale")]:
            make_option(trunk, express, location=site)
        if second_site:
            make_location(trunk, name="Lager Neuss")
        trunk.status = status
        db.session.commit()
        return trunk.contract_number


@pytest.mark.rule("R-TIC-3")
@pytest.mark.parametrize("second_site, status, offered", [
    (True, ContractStatus.ACTIVE, True),       # a site without express: offered, with its price
    (False, ContractStatus.ACTIVE, False),     # every site has it booked
    (True, ContractStatus.INACTIVE, False),    # nothing can be booked on an ended contract
])
def test_the_express_offer_is_shown_exactly_when_the_line_has_none(app, world, signed_in, second_site, status,
                                                                   offered):
    a = world["a"]
    number = _with_express(app, a, second_site=second_site, status=status)
    client = signed_in(a.users[PORTAL_ADMIN])
    body = client.get("/portal/tickets/subject-options", query_string={"contract": number}).get_json()
    assert (body["express"] is not None) == offered
    _, _, html = _form(client, contract=number)
    assert ('id="ticket-express" class="checkbox well well-sm" hidden' not in html) == offered
    if offered:
        assert "Lager Neuss" in body["express"]["label"] and "49" in body["express"]["label"]


@pytest.mark.rule("R-TIC-3")
def test_choosing_express_books_it_as_an_order_with_the_ticket(app, world, signed_in):
    a = world["a"]
    number = _with_express(app, a, second_site=True)
    client = signed_in(a.users[PBX_ADMIN])
    csrf, token, _ = _form(client, contract=number)
    with app.app_context():
        orders = db.session.scalar(select(func.count(Order.id)).where(Order.customer_id == a.customer_id))
    response = _post(client, csrf=csrf, token=token, contract=number, express="y")
    assert response.status_code == 302
    again = _post(client, csrf=csrf, token=token, contract=number, express="y")
    assert again.headers["Location"] == response.headers["Location"]
    with app.app_context():
        ticket = db.session.get(Ticket, int(response.headers["Location"].rsplit("/", 1)[-1]))
        assert ticket.express_clearing and ticket.order.kind is OrderKind.OPTION_CHANGE
        assert db.session.scalar(select(func.count(Order.id)).where(Order.customer_id == a.customer_id)) == orders + 1
        assert ticket.order.items[0].location.name == "Lager Neuss"
    # Booked now: no second offer for the same contract.
    assert client.get("/portal/tickets/subject-options", query_string={"contract": number}).get_json()["express"] is None


@pytest.mark.rule("R-TIC-2")
def test_without_javascript_the_form_shows_the_contracts_options_on_request(app, world, signed_in):
    """No script: the number is typed, "Show the contract's options" reloads the form with them, nothing is saved."""
    a = world["a"]
    contract, _, option = _numbers(app, a)
    client = signed_in(a.users[PORTAL_ADMIN])
    csrf, token, html = _form(client)
    assert "<script>" not in html and " onclick=" not in html
    before = _tickets(app, a.customer_id)
    page = _post(client, csrf=csrf, token=token, contract=contract, show_options="1").get_data(as_text=True)
    assert f'<option value="{option}">' in page
    assert _tickets(app, a.customer_id) == before


@pytest.mark.rule("R-CUS-3", "R-TIC-1")
def test_the_companys_contact_persons_are_offered_on_the_ticket_and_no_one_elses(app, world, signed_in):
    """Manual, "Neue Kontaktpersonen hinzufügen": they "können dann z. B. bei der Erstellung von Tickets
    ausgewählt werden". A contact added now is offered at once; another company's contact id is refused."""
    from app.models import ContactPerson
    from app.models.enums import ContactRole

    a, b = world["a"], world["b"]
    own_contract, _, _ = _numbers(app, a)
    with app.app_context():
        added = ContactPerson(customer_id=a.customer_id, role=ContactRole.TECHNICAL, first_name="Nora",
                              last_name="Neu", email="nora.neu@example.com")
        db.session.add(added)
        db.session.commit()
        added_id = added.id
        foreign = db.session.get(ContactPerson, b.named["contact"])
        foreign_id, foreign_name = foreign.id, foreign.last_name
    client = signed_in(a.users[PORTAL_ADMIN])
    csrf, token, html = _form(client)
    assert f'value="{added_id}"' in html and "Nora Neu" in html and foreign_name not in html
    refused = _post(client, csrf=csrf, token=token, contract=own_contract, contact=str(foreign_id))
    assert 'id="contact-error"' in refused.get_data(as_text=True)
    created = _post(client, csrf=csrf, token=token, contract=own_contract, contact=str(added_id))
    assert created.status_code == 302
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "Nora Neu" in page
    with app.app_context():
        ticket = db.session.scalars(select(Ticket).where(Ticket.customer_id == a.customer_id)
                                    .order_by(Ticket.id.desc())).first()
        assert ticket.contact_person_id == added_id
