"""The conversation on a ticket, portal and back office (R-TIC-5): replies with files, emails, internal notes."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import EServiceUser, OutboxMessage, Ticket, TicketAttachment, TicketComment
from app.models.enums import TicketStatus
from app.roles import ACCOUNTING, PORTAL_ADMIN, SERVICE
from tests.conftest import csrf_token_from
from tests.portal.conftest import page_token

SECRET = "INTERN-Kulanz-nur-fuer-uns"
LOG = b"Router Neustart 03:12\n"


def _messages(app, since: int):
    with app.app_context():
        return db.session.scalars(select(OutboxMessage).where(OutboxMessage.id > since)
                                  .order_by(OutboxMessage.id)).all()


def _last_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1)) or 0


def _creator(app, world, role=PORTAL_ADMIN):
    """The world's ticket, made by the customer user `role` (whose address gets the staff replies)."""
    a = world["a"]
    with app.app_context():
        user = db.session.scalar(select(EServiceUser).where(EServiceUser.username == a.users[role]))
        ticket = db.session.get(Ticket, a.named["ticket"])
        ticket.created_by_id = user.id
        db.session.commit()
        return user.email


def _staff_post(client, ticket_id, **fields):
    csrf = csrf_token_from(client.get(f"/tickets/thread/{ticket_id}").get_data(as_text=True))
    data = {"csrf_token": csrf, "status": "in_progress", "assignee": "", **fields}
    return client.post(f"/tickets/thread/{ticket_id}", data=data, content_type="multipart/form-data")


@pytest.mark.rule("R-TIC-5")
def test_staff_reply_reaches_the_creator_who_answers_and_the_team_is_emailed(app, world, signed_in):
    a = world["a"]
    email = _creator(app, world)
    staff = signed_in(world["staff"][SERVICE])
    start = _last_id(app)
    response = _staff_post(staff, a.named["ticket"], body="Bitte starte den Router neu.", contact_support="y",
                           attachments=[(io.BytesIO(b"%PDF-1.4\n"), "anleitung.pdf")])
    assert response.status_code == 302
    sent = _messages(app, start)
    assert [m.recipient for m in sent] == [email]
    assert "Bitte starte den Router neu." in sent[0].body and "anleitung.pdf" in sent[0].body
    customer = signed_in(a.users[ACCOUNTING])
    page = customer.get(f"/portal/tickets/{a.named['ticket']}").get_data(as_text=True)
    assert "Bitte starte den Router neu." in page and "anleitung.pdf" in page
    assert 'id="ticket-contact-support"' in page
    # R-TIC-4: the list explains the flag on the page itself and shows it in the flagged row only.
    listing = customer.get("/portal/tickets/").get_data(as_text=True)
    assert 'id="contact-support-explained"' in listing and "Kontaktieren Sie Support" in listing
    start = _last_id(app)
    response = customer.post(f"/portal/tickets/{a.named['ticket']}/reply", content_type="multipart/form-data",
                             data={"csrf_token": page_token(page), "body": "Erledigt, Log anbei.",
                                   "attachments": [(io.BytesIO(LOG), "router.log")]})
    assert response.status_code == 302
    sent = _messages(app, start)
    assert [m.recipient for m in sent] == [app.config.get("TICKET_TEAM_EMAIL") or app.config["SERVICE_EMAIL"]]
    assert "Erledigt, Log anbei." in sent[0].body
    thread = staff.get(f"/tickets/thread/{a.named['ticket']}").get_data(as_text=True)
    assert "Erledigt, Log anbei." in thread and "router.log" in thread


@pytest.mark.rule("R-TIC-5")
def test_internal_notes_never_reach_a_portal_page_a_download_or_an_email(app, world, signed_in):
    a = world["a"]
    _creator(app, world)
    staff = signed_in(world["staff"][SERVICE])
    start = _last_id(app)
    response = _staff_post(staff, a.named["ticket"], body=SECRET, internal="y",
                           attachments=[(io.BytesIO(b"%PDF-1.4\n" + SECRET.encode()), "intern.pdf")])
    assert response.status_code == 302
    assert _messages(app, start) == []
    with app.app_context():
        note = db.session.scalar(select(TicketComment).where(TicketComment.body == SECRET))
        assert note.internal
        file_id = db.session.scalar(select(TicketAttachment.id).where(TicketAttachment.comment_id == note.id))
    assert SECRET in staff.get(f"/tickets/thread/{a.named['ticket']}").get_data(as_text=True)
    for role in (PORTAL_ADMIN, ACCOUNTING):
        client = signed_in(a.users[role])
        for url in (f"/portal/tickets/{a.named['ticket']}", "/portal/tickets/", "/"):
            page = client.get(url).get_data(as_text=True)
            assert SECRET not in page and "intern.pdf" not in page and "INTERN-NOTIZ" not in page
        assert client.get(f"/portal/tickets/files/{file_id}").status_code == 404
    # A later public reply carries only its own text.
    start = _last_id(app)
    _staff_post(staff, a.named["ticket"], body="Wir melden uns.")
    assert all(SECRET not in m.body for m in _messages(app, start))


@pytest.mark.rule("R-TIC-5")
def test_replies_are_checked_closed_tickets_take_none_and_bad_files_are_refused(app, world, signed_in):
    a = world["a"]
    client = signed_in(a.users[PORTAL_ADMIN])
    url = f"/portal/tickets/{a.named['ticket']}"
    token = page_token(client.get(url).get_data(as_text=True))
    with app.app_context():
        before = db.session.query(TicketComment).count()
    html = client.post(f"{url}/reply", data={"csrf_token": token, "body": ""}).get_data(as_text=True)
    assert 'id="body-error"' in html
    html = client.post(f"{url}/reply", content_type="multipart/form-data",
                       data={"csrf_token": token, "body": "Anbei",
                             "attachments": [(io.BytesIO(b"MZ\x00\x01binary"), "virus.exe")]}).get_data(as_text=True)
    assert 'id="attachments-error"' in html and "virus.exe" in html
    with app.app_context():
        db.session.get(Ticket, a.named["ticket"]).status = TicketStatus.CLOSED
        db.session.commit()
    html = client.post(f"{url}/reply", data={"csrf_token": token, "body": "Noch da?"}).get_data(as_text=True)
    assert 'id="body-error"' in html
    with app.app_context():
        assert db.session.query(TicketComment).count() == before


@pytest.mark.rule("R-TIC-5")
def test_the_back_office_queue_is_oldest_first_and_filters_by_status_kind_and_customer(app, world, signed_in):
    staff = signed_in(world["staff"][SERVICE])
    page = staff.get("/tickets/list/")
    assert page.status_code == 200
    for query in ("_flt_0_status=open", "_flt_0_kind=fault"):
        assert staff.get(f"/tickets/list/?{query}").status_code == 200
    _staff_post(staff, world["a"].named["ticket"], status="waiting_for_customer")
    with app.app_context():
        assert db.session.get(Ticket, world["a"].named["ticket"]).status is TicketStatus.WAITING_FOR_CUSTOMER
    assert staff.get("/tickets/thread/999999").status_code == 404
    assert staff.get("/tickets/thread/abc").status_code == 404
