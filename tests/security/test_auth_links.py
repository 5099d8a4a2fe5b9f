"""Set-password and forgot-password links (R-AUTH-4, R-AUTH-5, QUALITY S5, S7)."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Customer, OneTimeToken, OutboxMessage
from app.models.enums import Channel, TokenPurpose
from app.security.roles import PBX_ADMIN
from app.services.customers import PortalAdminData, create_customer
from tests.auth_helpers import link_from_outbox
from tests.factories import make_customer, make_user
from tests.security.auth_fixtures import (  # noqa: F401  - fixtures
    client, clock, new_client, password_step, post_form,
)

PW = "Sicher#Kennwort42"
NEW = "Neues(Kennwort)77"


def _forgot(client, username):
    """Ask for a link as a browser does; the server then closes the response, and the request is worked."""
    response = post_form(client, "/forgot-password/", {"username": username},
                         page_url=f"/forgot-password/?username={username}")
    response.close()
    return response


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def _set(client, path, password, confirm=None):
    return post_form(client, path, {"password": password, "confirm": confirm or password})


@pytest.mark.rule("R-AUTH-4", "S5")
def test_new_customer_gets_activation_email_with_24h_link(app_ctx, client):
    customer = Customer(company_name="Neu GmbH", email="info@neu.example", street="Weg 1", zip_code="40210",
                        city="Düsseldorf", main_phone="+49 211 1")
    _, user = create_customer(customer, PortalAdminData("Anna", "Admin", "anna@neu.example", "+491712223334"))
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == user.id)).one()
    assert mail.channel is Channel.EMAIL and mail.recipient == "anna@neu.example" and mail.sensitive
    assert user.username in mail.body
    link = link_from_outbox(client.application, user.username)
    token = db.session.scalars(select(OneTimeToken)).one()
    assert token.purpose is TokenPurpose.ACTIVATION
    assert token.expires_at - token.created_at >= timedelta(hours=23, minutes=59)
    assert token.expires_at - token.created_at <= timedelta(hours=24)
    raw = link.rsplit("/", 1)[1]
    assert len(raw) >= 22  # >= 128 bits in URL-safe base64
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest() and raw not in token.token_hash
    page = client.get(_path(link))
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer" and "no-store" in page.headers["Cache-Control"]
    assert _set(client, _path(link), NEW).status_code == 302
    assert password_step(new_client(client.application), user.username, NEW).status_code == 302


@pytest.mark.rule("R-AUTH-5")
def test_forgot_password_sends_link_to_stored_email_only(app_ctx, client):
    user = make_user(PBX_ADMIN, customer=make_customer(), username="pbx.forgot", email="stored@example.com")
    page = client.get("/forgot-password/?username=pbx.forgot")
    assert page.status_code == 200 and "pbx.forgot" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0  # confirmation first
    response = post_form(client, "/forgot-password/", {"username": "pbx.forgot", "email": "evil@example.com"},
                         page_url="/forgot-password/?username=pbx.forgot")
    assert response.status_code == 200
    # R-AUTH-5, S7: the request only recorded what was typed; the link follows once the response has left.
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    response.close()
    mails = db.session.scalars(select(OutboxMessage)).all()
    assert [m.recipient for m in mails] == ["stored@example.com"]
    link = link_from_outbox(client.application, "pbx.forgot")
    # The old password keeps working until the link is used.
    assert password_step(new_client(client.application), "pbx.forgot", PW).status_code == 302
    assert _set(client, _path(link), NEW).status_code == 302
    assert password_step(new_client(client.application), "pbx.forgot", PW).status_code == 200
    assert password_step(new_client(client.application), "pbx.forgot", NEW).status_code == 302
    assert user.id


@pytest.mark.rule("R-AUTH-5", "S7")
def test_forgot_password_same_answer_for_unknown_username(app_ctx, client):
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.exists")
    known = _forgot(client, "pbx.exists")
    unknown = _forgot(new_client(client.application), "pbx.nosuch")
    assert known.status_code == unknown.status_code == 200

    def _norm(response, name):
        # The answer itself (the language menu depends on the browser's session, not the username).
        html = response.get_data(as_text=True).replace(name, "NAME")
        body = html[html.index('class="panel-body"'):]
        return re.sub(r'(value|nonce)="[^"]*"', "", body)

    assert _norm(known, "pbx.exists") == _norm(unknown, "pbx.nosuch")


@pytest.mark.rule("R-AUTH-5", "S5")
def test_link_expires_after_24_hours(app_ctx, client, clock):
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.exp24")
    _forgot(client, "pbx.exp24")
    link = link_from_outbox(client.application, "pbx.exp24")
    clock.advance(hours=23, minutes=59)
    assert client.get(_path(link)).status_code == 200
    clock.advance(minutes=2)
    assert client.get(_path(link)).status_code == 410
    response = post_form(client, _path(link), {"password": NEW, "confirm": NEW}, page_url="/login/")
    assert response.status_code == 410
    assert password_step(new_client(client.application), "pbx.exp24", PW).status_code == 302


@pytest.mark.rule("S5")
def test_link_is_single_use(app_ctx, client):
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.single")
    _forgot(client, "pbx.single")
    link = link_from_outbox(client.application, "pbx.single")
    assert _set(client, _path(link), NEW).status_code == 302
    assert client.get(_path(link)).status_code == 410


@pytest.mark.rule("S5")
def test_newer_link_voids_older(app_ctx, client):
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.newer")
    _forgot(client, "pbx.newer")
    first = link_from_outbox(client.application, "pbx.newer")
    _forgot(new_client(client.application), "pbx.newer")
    second = link_from_outbox(client.application, "pbx.newer")
    assert first != second
    assert client.get(_path(first)).status_code == 410
    assert client.get(_path(second)).status_code == 200


@pytest.mark.rule("S5")
def test_password_change_voids_links(app_ctx, client, login):
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.change")
    _forgot(client, "pbx.change")
    link = link_from_outbox(client.application, "pbx.change")
    browser = new_client(client.application)
    password_step(browser, "pbx.change", PW)
    response = post_form(browser, "/account/password",
                         {"current_password": PW, "new_password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert client.get(_path(link)).status_code == 410


@pytest.mark.rule("R-AUTH-2")
def test_link_page_enforces_password_rules(app_ctx, client):
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.rules")
    _forgot(client, "pbx.rules")
    path = _path(link_from_outbox(client.application, "pbx.rules"))
    for bad in ("kurz1", "Mit<Spitz>klammer1", "xxpbx.rulesxx#1", "x" * 41):
        response = _set(client, path, bad)
        assert response.status_code == 200, bad
    response = _set(client, path, NEW, "Anders(Kennwort)77")
    assert response.status_code == 200
    assert client.get(path).status_code == 200  # still unused
    page = client.get(path).get_data(as_text=True)
    assert "8 to 40" in page or "8 bis 40" in page  # the rule beside the field


def test_forgot_per_ip_limit(app_ctx, client):
    client.application.config["IP_FORGOT_LIMIT"] = 3
    try:
        for _ in range(3):
            assert _forgot(client, "whoever").status_code == 200
        assert _forgot(client, "whoever").status_code == 429
    finally:
        client.application.config["IP_FORGOT_LIMIT"] = 10
