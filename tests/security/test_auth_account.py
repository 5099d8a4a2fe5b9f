"""User menu pages and session safety (R-AUTH-7..10, QUALITY S8, S11)."""
from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, EServiceUser
from app.models.enums import SecondFactor, UserStatus
from app.security.roles import ACCOUNTING, ADMIN, PBX_ADMIN, PORTAL_ADMIN, SALES, SERVICE
from app.services.auth import passwords, status as account_status, throttle, totp
from tests.auth_helpers import complete_login_with_pin, logout
from tests.factories import make_customer, make_user
from tests.security.auth_fixtures import (  # noqa: F401  - fixtures
    client, clock, new_client, password_step, post_form,
)

PW = "Sicher#Kennwort42"
NEW = "Neues(Kennwort)77"


def _signed_in(c) -> bool:
    return c.get("/account/profile").status_code == 200


def _reload(user):
    db.session.expire_all()
    return db.session.get(EServiceUser, user.id)


@pytest.mark.rule("R-AUTH-7")
def test_every_role_has_the_user_menu_pages(app_ctx, client):
    for role in (PORTAL_ADMIN, PBX_ADMIN, ACCOUNTING, SALES, SERVICE, ADMIN):
        customer = make_customer() if role in (PORTAL_ADMIN, PBX_ADMIN, ACCOUNTING) else None
        user = make_user(role, customer=customer)
        c = new_client(client.application)
        assert complete_login_with_pin(c, user.username, PW).status_code == 302, role
        for path in ("/account/profile", "/account/password", "/account/authenticator"):
            response = c.get(path)
            assert response.status_code == 200, (role, path)
            assert "no-store" in response.headers["Cache-Control"]


def test_account_pages_need_sign_in(client):
    for path in ("/account/profile", "/account/password"):
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response.headers["Location"]


def test_fab_own_account_forms_are_replaced(app_ctx, client):
    make_user(ADMIN, username="staff.fabforms")
    password_step(client, "staff.fabforms", PW)
    response = client.get("/resetmypassword/form")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")


# --- R-AUTH-9 change password ----------------------------------------------------------

@pytest.mark.rule("R-AUTH-9")
def test_change_password_needs_current_and_takes_effect_at_once(app_ctx, client):
    user = make_user(PBX_ADMIN, customer=make_customer(), username="pbx.pw")
    password_step(client, "pbx.pw", PW)
    other = new_client(client.application)
    password_step(other, "pbx.pw", PW)
    wrong = post_form(client, "/account/password", {"current_password": "falsch-123", "new_password": NEW,
                                                     "confirm": NEW})
    assert wrong.status_code == 422
    bad_rule = post_form(client, "/account/password", {"current_password": PW, "new_password": "kurz",
                                                        "confirm": "kurz"})
    assert bad_rule.status_code == 422
    assert "8" in bad_rule.get_data(as_text=True)
    ok = post_form(client, "/account/password", {"current_password": PW, "new_password": NEW, "confirm": NEW})
    assert ok.status_code == 302
    assert _signed_in(client), "the session that changed the password stays signed in"
    assert not _signed_in(other), "every other session ends (S8)"
    assert password_step(new_client(client.application), "pbx.pw", PW).status_code == 200
    assert password_step(new_client(client.application), "pbx.pw", NEW).status_code == 302
    assert "password_changed" in db.session.scalars(
        select(AuditLog.action).where(AuditLog.user_id == user.id)).all()


@pytest.mark.rule("R-AUTH-9")
def test_wrong_current_passwords_count_toward_the_sign_in_lockout(app, app_ctx, client):
    """Issue 19: a hijacked session cannot guess the password through the change form without limit."""
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.guess")
    password_step(client, "pbx.guess", PW)
    threshold = app.config["LOCKOUT_THRESHOLD"]
    for attempt in range(threshold):
        response = post_form(client, "/account/password", {"current_password": f"guess-{attempt}",
                                                            "new_password": NEW, "confirm": NEW})
        assert response.status_code == 422
    user = db.session.scalars(select(EServiceUser).where(EServiceUser.username == "pbx.guess")).one()
    db.session.refresh(user)
    assert user.locked_until is not None, "the account locks at the sign-in threshold"
    # Now even the right password is refused, with a clear message, and nothing changes.
    refused = post_form(client, "/account/password", {"current_password": PW, "new_password": NEW, "confirm": NEW})
    assert refused.status_code == 429 and "gesperrt" in refused.get_data(as_text=True)
    assert password_step(new_client(client.application), "pbx.guess", PW).status_code != 302
    db.session.refresh(user)
    assert passwords.is_correct(user, PW)


@pytest.mark.rule("R-WIZ-6")
def test_wrong_customer_passwords_share_the_accounts_lockout_with_sign_in_failures(app, app_ctx):
    user = make_user(PORTAL_ADMIN, customer=make_customer(), username="pa.mixed")
    for _ in range(app.config["LOCKOUT_THRESHOLD"] - 1):
        throttle.confirm_secret(user, False, throttle.STEP_HOTLINE)
    assert not throttle.is_locked_out(_reload(user))
    throttle.confirm_secret(_reload(user), False)
    assert throttle.is_locked_out(_reload(user))


# --- R-AUTH-8 profile ----------------------------------------------------------------------

@pytest.mark.rule("R-AUTH-8")
def test_profile_email_and_mobile_change(app_ctx, client):
    user = make_user(PBX_ADMIN, customer=make_customer(), username="pbx.prof")
    password_step(client, "pbx.prof", PW)
    page = client.get("/account/profile").get_data(as_text=True)
    assert "profile-unlock" in page and "disabled" in page  # locked until unlocked, Save disabled
    response = post_form(client, "/account/profile", {"username": "pbx.prof", "email": "neu@example.com",
                                                       "mobile": "0171 9876543"})
    assert response.status_code == 302
    user = _reload(user)
    assert user.email == "neu@example.com" and user.mobile == "+491719876543"
    assert "profile_changed" in db.session.scalars(select(AuditLog.action)).all()


@pytest.mark.rule("R-AUTH-8", "R7")
def test_profile_rejects_bad_input_and_no_change(app_ctx, client):
    user = make_user(PBX_ADMIN, customer=make_customer(), username="pbx.bad", email="a@example.com")
    password_step(client, "pbx.bad", PW)
    for data in ({"username": "pbx.bad", "email": "kein-email", "mobile": ""},
                 {"username": "pbx.bad", "email": "a@example.com", "mobile": "12"},
                 {"username": "pbx.bad", "email": "a@example.com", "mobile": ""}):
        assert post_form(client, "/account/profile", data).status_code == 422, data
    assert _reload(user).email == "a@example.com"


@pytest.mark.rule("R-AUTH-8")
def test_username_change_needs_current_password_and_rules(app_ctx, client):
    user = make_user(PBX_ADMIN, customer=make_customer(), username="pbx.name", email="n@example.com")
    make_user(PBX_ADMIN, customer=make_customer(), username="taken.name")
    password_step(client, "pbx.name", PW)
    base = {"email": "n@example.com", "mobile": ""}
    assert post_form(client, "/account/profile", dict(base, username="pbx.renamed")).status_code == 422
    assert post_form(client, "/account/profile", dict(base, username="pbx.renamed",
                                                       current_password="falsch")).status_code == 422
    assert post_form(client, "/account/profile", dict(base, username="ab", current_password=PW)).status_code == 422
    assert post_form(client, "/account/profile", dict(base, username="bad<name>",
                                                       current_password=PW)).status_code == 422
    assert post_form(client, "/account/profile", dict(base, username="TAKEN.name",
                                                       current_password=PW)).status_code == 422
    ok = post_form(client, "/account/profile", dict(base, username="Jörg.Müller_#1", current_password=PW))
    assert ok.status_code == 302
    assert _reload(user).username == "Jörg.Müller_#1"


# --- S8 sessions -----------------------------------------------------------------------------

@pytest.mark.rule("S8")
def test_replayed_cookie_after_logout_lands_on_login(app_ctx, client):
    make_user(PORTAL_ADMIN, customer=make_customer(), username="pa.logout", mobile="+491711112223")
    assert complete_login_with_pin(client, "pa.logout", PW).status_code == 302
    cookie = client.get_cookie("eservice_session").value
    response = logout(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/")
    replay = new_client(client.application)
    replay.set_cookie("eservice_session", cookie)
    response = replay.get("/account/profile")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    assert replay.get("/").headers["Location"].endswith("/login/")


@pytest.mark.rule("R-AUTH-7", "S11")
def test_get_logout_only_asks_and_a_cross_site_post_fails(app_ctx, client):
    """S11: a link (GET) or a form on another site (POST without this session's CSRF token) cannot end
    the sessions; GET shows the confirmation with the logout button."""
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.csrfout")
    password_step(client, "pbx.csrfout", PW)
    page = client.get("/logout/")
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    html = page.get_data(as_text=True)
    assert 'id="logout-confirm-form"' in html and 'name="csrf_token"' in html and "Abmelden" in html
    assert _signed_in(client)
    assert client.post("/logout/", data={}).status_code == 400
    assert client.post("/logout/", data={"csrf_token": "forged"}).status_code == 400
    assert _signed_in(client)
    assert logout(client).headers["Location"].endswith("/login/")
    assert not _signed_in(client)
    assert client.get("/logout/").headers["Location"].endswith("/login/")  # signed out: to the login page


@pytest.mark.rule("R-AUTH-7", "S11")
def test_user_menu_logs_out_by_post_with_csrf(app_ctx, client):
    """R-AUTH-7, S11: the user menu's "Abmelden" is a POST form carrying the CSRF token, no GET link."""
    import re

    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.menuout")
    password_step(client, "pbx.menuout", PW)
    html = client.get("/account/profile").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/logout/" id="logout-form".*?</form>', html, re.S)
    assert form, "the user menu has the logout form"
    assert 'name="csrf_token"' in form.group(0) and "Abmelden" in form.group(0)
    assert 'href="/logout/"' not in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.group(0)).group(1)
    response = client.post("/logout/", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/")
    assert not _signed_in(client)


@pytest.mark.rule("R-AUTH-10", "S8")
def test_lock_and_deactivation_end_sessions(app_ctx, client):
    for status in (UserStatus.LOCKED, UserStatus.INACTIVE):
        user = make_user(PBX_ADMIN, customer=make_customer())
        c = new_client(client.application)
        password_step(c, user.username, PW)
        assert _signed_in(c)
        account_status.set_status(_reload(user), status)
        assert not _signed_in(c), status


@pytest.mark.rule("S8")
def test_back_office_edit_of_status_ends_sessions_too(app_ctx, client):
    user = make_user(PBX_ADMIN, customer=make_customer())
    password_step(client, user.username, PW)
    user = _reload(user)
    user.status = UserStatus.LOCKED  # any path, e.g. FAB's edit form
    db.session.commit()
    user.status = UserStatus.ACTIVE
    db.session.commit()
    assert not _signed_in(client)


@pytest.mark.rule("S8")
def test_idle_timeout_30_minutes(app_ctx, client, clock):
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.idle")
    password_step(client, "pbx.idle", PW)
    clock.advance(minutes=29)
    assert _signed_in(client)
    clock.advance(minutes=29)
    assert _signed_in(client), "activity keeps the session alive"
    clock.advance(minutes=31)
    assert not _signed_in(client)


@pytest.mark.rule("S8")
def test_absolute_timeout_12_hours(app_ctx, client, clock):
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.abs")
    password_step(client, "pbx.abs", PW)
    for _ in range(24):  # active all the time: 11 h 36 min
        clock.advance(minutes=29)
        assert _signed_in(client)
    clock.advance(minutes=29)  # 12 h 05 min after sign-in
    assert not _signed_in(client)


@pytest.mark.rule("S11")
def test_session_cookie_flags(app_ctx, client):
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.cookie")
    response = password_step(client, "pbx.cookie", PW)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    from config import Config

    assert Config.SESSION_COOKIE_HTTPONLY and Config.SESSION_COOKIE_SAMESITE == "Lax"


# --- Authenticator app -----------------------------------------------------------------------

@pytest.mark.rule("R-AUTH-6")
def test_totp_enrolment_and_switch_off(app_ctx, client):
    user = make_user(PBX_ADMIN, customer=make_customer(), username="staff.enrol")
    password_step(client, "staff.enrol", PW)
    page = client.get("/account/authenticator").get_data(as_text=True)
    assert "data:image/svg+xml;base64," in page
    secret = page.split('id="totp-secret">')[1].split("<")[0]
    assert post_form(client, "/account/authenticator", {"action": "enable", "code": "000000"}).status_code in (422, 302)
    response = post_form(client, "/account/authenticator",
                         {"action": "enable", "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    user = _reload(user)
    assert user.second_factor is SecondFactor.TOTP and user.totp_secret == secret
    assert password_step(new_client(client.application), "staff.enrol", PW).headers["Location"].endswith(
        "/login/pin/")
    post_form(client, "/account/authenticator", {"action": "disable", "current_password": PW})
    assert _reload(user).second_factor is SecondFactor.NONE


@pytest.mark.rule("R-AUTH-6")
def test_the_secret_being_enrolled_is_not_readable_from_the_session_cookie(app_ctx, client):
    """The session cookie is only signed: whoever holds it reads it. The pending secret goes in sealed,
    bound to the user and stale after PENDING_SECONDS."""
    user = make_user(PBX_ADMIN, customer=make_customer(), username="staff.sealed")
    password_step(client, "staff.sealed", PW)
    page = client.get("/account/authenticator").get_data(as_text=True)
    secret = page.split('id="totp-secret">')[1].split("<")[0]
    with client.session_transaction() as stored:
        values = repr(dict(stored))
    assert len(secret) >= 16 and secret not in values
    # Shown again on reload (the same secret, so a scanned QR code stays valid), still sealed.
    assert secret in client.get("/account/authenticator").get_data(as_text=True)
    with client.session_transaction() as stored:
        sealed = stored["_totp_pending"]
    other = make_user(SALES, username="staff.other")
    assert totp.unseal_pending(_reload(user), sealed) == secret and totp.unseal_pending(other, sealed) is None
    assert totp.unseal_pending(_reload(user), "forged") is None


# --- R-AUTH-8 / R-USR-3: profile rules --------------------------------------------------------------

def _profile(c, user, **changes):
    data = {"username": user.username, "email": user.email, "mobile": user.mobile or ""}
    data.update(changes)
    return post_form(c, "/account/profile", data)


@pytest.mark.rule("R-AUTH-6", "R-AUTH-8")
def test_pin_role_cannot_remove_its_mobile_number(app_ctx, client):
    """R-AUTH-6/8: a Portal Admin or Accounting user without an authenticator app keeps a mobile number."""
    for role in (PORTAL_ADMIN, ACCOUNTING):
        user = make_user(role, customer=make_customer(), mobile="+491711230011")
        c = new_client(client.application)
        assert complete_login_with_pin(c, user.username, PW).status_code == 302
        response = _profile(c, user, mobile="")
        assert response.status_code == 422, role
        assert "SMS-PIN" in response.get_data(as_text=True)
        assert _reload(user).mobile == "+491711230011"
        assert _profile(c, _reload(user), mobile="0171 2223334").status_code == 302  # changing it is fine
        assert _reload(user).mobile == "+491712223334"


@pytest.mark.rule("R-AUTH-8")
def test_mobile_number_may_go_with_an_authenticator_app_or_without_a_pin_role(app_ctx, client):
    pbx = make_user(PBX_ADMIN, customer=make_customer(), mobile="+491711230012")
    password_step(client, pbx.username, PW)
    assert _profile(client, pbx, mobile="").status_code == 302
    assert _reload(pbx).mobile is None
    app_user = make_user(PORTAL_ADMIN, customer=make_customer(), mobile="+491711230013",
                         second_factor=SecondFactor.TOTP, totp_secret=pyotp.random_base32())
    c = new_client(client.application)
    password_step(c, app_user.username, PW)
    post_form(c, "/login/pin/", {"pin": pyotp.TOTP(_reload(app_user).totp_secret).now()})
    assert _profile(c, _reload(app_user), mobile="").status_code == 302
    assert _reload(app_user).mobile is None


@pytest.mark.rule("R-AUTH-8")
def test_a_landline_is_not_a_mobile_number(app_ctx, client):
    """R-AUTH-8: the SMS PIN needs a mobile number (checked with phonenumbers)."""
    user = make_user(PBX_ADMIN, customer=make_customer(), mobile="+491711230014")
    password_step(client, user.username, PW)
    response = _profile(client, user, mobile="0211 5500700")
    assert response.status_code == 422
    assert "keine Mobilfunknummer" in response.get_data(as_text=True)
    assert _reload(user).mobile == "+491711230014"


@pytest.mark.rule("R-USR-3")
@pytest.mark.parametrize("locale, subject", [("de", "Deine E-Mail-Adresse im e:service wurde geändert"),
                                             ("en", "Your e:service email address has been changed")])
def test_changing_the_email_notifies_the_previous_address(app_ctx, client, locale, subject):
    """R-USR-3: the previous address is told, in the user's language, through the outbox."""
    from app.models import OutboxMessage
    from app.models.enums import Channel

    user = make_user(PBX_ADMIN, customer=make_customer(), email=f"alt.{locale}@example.com", locale=locale)
    password_step(client, user.username, PW)
    response = _profile(client, user, email=f"neu.{locale}@example.com")
    assert response.status_code == 302
    response.close()
    [notice] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == user.id)).all()
    assert notice.channel is Channel.EMAIL and notice.recipient == f"alt.{locale}@example.com"
    assert notice.subject == subject and notice.locale == locale
    assert user.username in notice.body and f"neu.{locale}" not in notice.body
    assert not notice.sensitive
    assert "email_change_notified" in db.session.scalars(
        select(AuditLog.action).where(AuditLog.user_id == user.id)).all()


@pytest.mark.rule("R-USR-3")
def test_no_notice_when_the_email_stays(app_ctx, client):
    from app.models import OutboxMessage

    user = make_user(PBX_ADMIN, customer=make_customer(), mobile="+491711230015")
    password_step(client, user.username, PW)
    assert _profile(client, user, mobile="+491711230016").status_code == 302
    assert db.session.scalars(select(OutboxMessage)).all() == []


@pytest.mark.rule("R-AUTH-3")
def test_new_username_must_not_be_part_of_the_current_password(app_ctx, client):
    """R-AUTH-3 (enforced): renaming to a name the current password contains is refused with the rule."""
    user = make_user(PBX_ADMIN, customer=make_customer(), username="pbx.pwname")
    password_step(client, "pbx.pwname", PW)
    response = _profile(client, user, username="KENNWORT", current_password=PW)  # PW = "Sicher#Kennwort42"
    assert response.status_code == 422
    assert "Das Kennwort darf den Benutzernamen nicht enthalten" in response.get_data(as_text=True)
    assert _reload(user).username == "pbx.pwname"
    assert _profile(client, _reload(user), username="pbx.renamed2", current_password=PW).status_code == 302


@pytest.mark.rule("R-AUTH-8")
def test_profile_links_to_change_password(app_ctx, client):
    """The manual: "Kennwort ändern" is reachable from My profile, bottom right."""
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.link")
    password_step(client, "pbx.link", PW)
    page = client.get("/account/profile").get_data(as_text=True)
    assert 'href="/account/password" id="profile-change-password"' in page and "Kennwort ändern" in page
