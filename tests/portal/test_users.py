"""Benutzerverwaltung (R-USR-1..3) and "deactivated means deleted" (R-AUTH-10)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, EServiceUser, OneTimeToken, OutboxMessage, UserSession
from app.models.enums import UserStatus
from app.roles import ACCOUNTING, PBX_ADMIN, PORTAL_ADMIN
from tests.portal.conftest import page_token
from tests.portal.world import PASSWORD


def _admin(world, signed_in, tag="a"):
    client = signed_in(world[tag].users[PORTAL_ADMIN])
    return client, page_token(client.get("/portal/users/").get_data(as_text=True))


def _user_id(username) -> int:
    return db.session.scalar(select(EServiceUser.id).where(EServiceUser.username == username))


def _create(client, token, **kw):
    data = {"csrf_token": token, "role": "Accounting", "username": "buchhaltung.neu", "first_name": "Berta",
            "last_name": "Buch", "email": "berta.buch@example.com", "mobile": "+49 171 2345678"}
    data.update(kw)
    return client.post("/portal/users/new", data=data)


@pytest.mark.rule("R-USR-2")
def test_list_shows_the_companys_users_only_and_other_roles_get_no_page(app, world, signed_in):
    client, _ = _admin(world, signed_in)
    page = client.get("/portal/users/").get_data(as_text=True)
    for username in world["a"].users.values():
        assert username in page
    for username in world["b"].users.values():
        assert username not in page
    for role in (PBX_ADMIN, ACCOUNTING):
        other = signed_in(world["a"].users[role])
        with app.app_context():
            target = _user_id(world["a"].users[ACCOUNTING if role == PBX_ADMIN else PBX_ADMIN])
        for method, path in (("GET", "/portal/users/"), ("GET", "/portal/users/new"), ("GET", f"/portal/users/{target}"),
                             ("POST", f"/portal/users/{target}/status")):
            assert other.open(path, method=method).status_code in (403, 404, 400), (role, path)


@pytest.mark.rule("R-USR-1")
def test_creates_accounting_with_activation_link_never_a_portal_admin(app, world, signed_in):
    client, token = _admin(world, signed_in)
    refused = _create(client, token, role="Portal Admin", username="zweiter.admin")
    assert refused.status_code == 422
    assert _create(client, token, mobile="").status_code == 422  # Accounting needs the PIN target
    assert _create(client, token, mobile="0211 123456").status_code == 422  # a landline is no PIN target
    assert _create(client, token).status_code == 302
    with app.app_context():
        user = db.session.scalar(select(EServiceUser).where(EServiceUser.username == "buchhaltung.neu"))
        assert user.customer_id == world["a"].customer_id and [r.name for r in user.roles] == [ACCOUNTING]
        assert user.password is None
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "berta.buch@example.com"))
        assert "/set-password/" in message.body
        assert db.session.scalar(select(OneTimeToken).where(OneTimeToken.user_id == user.id)) is not None
        assert db.session.scalar(select(EServiceUser.id).where(EServiceUser.username == "zweiter.admin")) is None
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "account_created",
                                                        AuditLog.user_id == user.id)) is not None


@pytest.mark.rule("R-USR-2")
def test_portal_admin_accounts_are_never_edited_here_and_other_companies_are_404(app, world, signed_in):
    client, token = _admin(world, signed_in)
    client.post("/portal/company/unlock", data={"csrf_token": token, "password": PASSWORD})
    with app.app_context():
        own = _user_id(world["a"].users[PORTAL_ADMIN])
        foreign = _user_id(world["b"].users[ACCOUNTING])
    assert client.get(f"/portal/users/{own}").status_code == 200  # shown, read-only
    assert client.post(f"/portal/users/{own}", data={"csrf_token": token, "username": "x"}).status_code == 403
    assert client.post(f"/portal/users/{own}/status", data={"csrf_token": token, "status": "locked"}).status_code == 403
    assert client.get(f"/portal/users/{foreign}").status_code == 404
    assert client.post(f"/portal/users/{foreign}/status",
                       data={"csrf_token": token, "status": "inactive"}).status_code == 404


@pytest.mark.rule("R-USR-3")
def test_edit_after_unlocking_username_change_mails_a_link_and_voids_the_password(app, world, signed_in):
    client, token = _admin(world, signed_in)
    with app.app_context():
        target = _user_id(world["a"].users[ACCOUNTING])
        old = db.session.get(EServiceUser, target)
        data = {"csrf_token": token, "username": "buchhaltung.umbenannt", "first_name": old.first_name,
                "last_name": old.last_name, "email": "neu.buch@example.com", "phone": "",
                "mobile": "+49 170 12345678"}
        previous_email = old.email
    locked = client.post(f"/portal/users/{target}", data=data)
    assert locked.status_code == 302 and "/unlock" in locked.headers["Location"]
    client.post("/portal/company/unlock", data={"csrf_token": token, "password": PASSWORD})
    assert client.post(f"/portal/users/{target}", data=data).status_code == 302
    with app.app_context():
        user = db.session.get(EServiceUser, target)
        assert user.username == "buchhaltung.umbenannt" and user.password is None
        recipients = set(db.session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.user_id == target)))
        assert {"neu.buch@example.com", previous_email} <= recipients
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "portal_user_edited"))
        assert "username" in entry.details and "umbenannt" not in entry.details


@pytest.mark.rule("R-AUTH-10")
def test_lock_ends_sessions_and_deactivation_is_final_and_erases_personal_data(app, world, signed_in):
    victim = signed_in(world["a"].users[ACCOUNTING])
    assert victim.get("/portal/invoices/").status_code == 200
    client, token = _admin(world, signed_in)
    client.post("/portal/company/unlock", data={"csrf_token": token, "password": PASSWORD})
    with app.app_context():
        target = _user_id(world["a"].users[ACCOUNTING])
    assert client.post(f"/portal/users/{target}/status", data={"csrf_token": token, "status": "locked"}).status_code == 302
    assert victim.get("/portal/invoices/").status_code == 302  # signed out at once
    client.post(f"/portal/users/{target}/status", data={"csrf_token": token, "status": "inactive"})
    with app.app_context():
        user = db.session.get(EServiceUser, target)
        assert user.status is UserStatus.INACTIVE
        assert (user.mobile, user.phone, user.totp_secret, user.password) == (None, None, None, None)
        assert user.email == f"deleted-user-{target}@invalid" and "deleted-user" in user.last_name
        assert db.session.scalar(select(UserSession).where(UserSession.user_id == target)) is None
        names = set(db.session.scalars(select(AuditLog.username).where(AuditLog.user_id == target)))
        assert names == {f"deleted-user-{target}"}
    # Final: it cannot be made active again.
    client.post(f"/portal/users/{target}/status", data={"csrf_token": token, "status": "active"})
    with app.app_context():
        assert db.session.get(EServiceUser, target).status is UserStatus.INACTIVE
