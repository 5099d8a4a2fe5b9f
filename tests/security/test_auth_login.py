"""Two-step sign-in (R-AUTH-6, R-AUTH-10, QUALITY S4, S6, S7, S9, S10, S11)."""
from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditLog, AuthFailure, OutboxMessage, PinChallenge
from app.models.enums import Channel, SecondFactor, UserStatus
from app.security.roles import ACCOUNTING, ADMIN, PBX_ADMIN, PORTAL_ADMIN, SALES, SERVICE
from tests.auth_helpers import pin_from_outbox
from tests.conftest import csrf_token_from
from tests.factories import make_customer, make_user
from tests.security.auth_fixtures import (  # noqa: F401  - fixtures
    berlin_time, client, clock, forget_cached_csrf, new_client, password_step, post_form,
)

PW = "Sicher#Kennwort42"


def _portal_admin(**kw):
    return make_user(PORTAL_ADMIN, customer=make_customer(), mobile="+491711234567", **kw)


def _enter_pin(client, pin):
    return post_form(client, "/login/pin/", {"pin": pin})


def _signed_in(client) -> bool:
    response = client.get("/account/profile")
    return response.status_code == 200


# --- R-AUTH-6: the PIN step ----------------------------------------------------------

@pytest.mark.rule("R-AUTH-6")
def test_portal_admin_needs_pin_and_only_pin_step_signs_in(app_ctx, client):
    user = _portal_admin(username="pa.one")
    response = password_step(client, "pa.one", PW)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/pin/")
    assert not _signed_in(client), "the password alone must not sign in"
    sms = db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == user.id)).all()
    assert len(sms) == 1 and sms[0].channel is Channel.SMS and sms[0].recipient == "+491711234567"
    assert sms[0].sensitive
    pin = pin_from_outbox(client.application, "pa.one")
    assert re.fullmatch(r"\d{8}", pin)
    page = client.get("/login/pin/").get_data(as_text=True)
    assert "+49" in page and "567" in page and "1711234567" not in page  # masked number
    assert "0800 032 68 35" in page  # hotline for a Portal Admin
    assert _enter_pin(client, pin).status_code == 302
    assert _signed_in(client)


@pytest.mark.rule("R-AUTH-6")
def test_accounting_gets_pin_and_help_names_portal_admin(app_ctx, client):
    make_user(ACCOUNTING, customer=make_customer(), mobile="+491711234568", username="acc.one")
    assert password_step(client, "acc.one", PW).headers["Location"].endswith("/login/pin/")
    page = client.get("/login/pin/").get_data(as_text=True)
    assert "Portal Admin" in page or "Administrator" in page
    assert "0800 032 68 35" not in page


@pytest.mark.rule("R-AUTH-6")
def test_pbx_admin_signs_in_with_password_only(app_ctx, client):
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.one")
    response = password_step(client, "pbx.one", PW)
    assert response.status_code == 302 and "/login/pin/" not in response.headers["Location"]
    assert _signed_in(client)


@pytest.mark.rule("R-AUTH-6")
@pytest.mark.parametrize("role", [SALES, SERVICE, ADMIN])
def test_staff_always_pass_a_second_factor(app_ctx, client, role):
    """Issue 19: staff reach every company's data; the password alone never signs them in."""
    make_user(role, username=f"staff.{role.lower()}", mobile="+491711234569")
    response = password_step(client, f"staff.{role.lower()}", PW)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/pin/")
    assert not _signed_in(client), "the password alone must not sign in"
    assert _enter_pin(client, pin_from_outbox(client.application, f"staff.{role.lower()}")).status_code == 302
    assert _signed_in(client)


@pytest.mark.rule("R-AUTH-6")
def test_staff_without_a_mobile_number_are_told_whom_to_ask(app_ctx, client):
    make_user(ADMIN, username="staff.nomobile")
    response = password_step(client, "staff.nomobile", PW)
    assert response.status_code == 200 and not _signed_in(client)
    assert "Administrator von e:service" in response.get_data(as_text=True)


@pytest.mark.rule("S4")
def test_pin_is_stored_hashed_and_bound_to_attempt(app_ctx, client):
    _portal_admin(username="pa.hash")
    password_step(client, "pa.hash", PW)
    pin = pin_from_outbox(client.application, "pa.hash")
    row = db.session.scalars(select(PinChallenge)).one()
    assert pin not in row.pin_hash and row.pin_hash.startswith("hmac-sha256$")
    # Another browser that knows the PIN but not the attempt cannot use it.
    other = new_client(client.application)
    assert other.get("/login/pin/").status_code == 302
    response = post_form(other, "/login/pin/", {"pin": pin}, page_url="/login/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/")
    assert not _signed_in(other)


@pytest.mark.rule("S4")
def test_pin_expires_after_10_minutes(app_ctx, client, clock):
    _portal_admin(username="pa.exp")
    password_step(client, "pa.exp", PW)
    pin = pin_from_outbox(client.application, "pa.exp")
    row = db.session.scalars(select(PinChallenge)).one()
    assert row.expires_at - row.created_at == __import__("datetime").timedelta(minutes=10)
    clock.advance(minutes=10, seconds=1)
    response = _enter_pin(client, pin)
    assert response.headers["Location"].endswith("/login/")
    assert not _signed_in(client)


@pytest.mark.rule("S4")
def test_pin_within_10_minutes_works(app_ctx, client, clock):
    _portal_admin(username="pa.ok9")
    password_step(client, "pa.ok9", PW)
    clock.advance(minutes=9, seconds=50)
    assert _enter_pin(client, pin_from_outbox(client.application, "pa.ok9")).status_code == 302
    assert _signed_in(client)


@pytest.mark.rule("S4")
def test_pin_is_single_use(app_ctx, client):
    _portal_admin(username="pa.once")
    password_step(client, "pa.once", PW)
    pin = pin_from_outbox(client.application, "pa.once")
    # Capture the pre-PIN session, sign in, then replay the same attempt with the same PIN.
    cookie = client.get_cookie("eservice_session").value
    assert _enter_pin(client, pin).status_code == 302
    replay = new_client(client.application)
    replay.set_cookie("eservice_session", cookie)
    response = post_form(replay, "/login/pin/", {"pin": pin})
    assert response.headers["Location"].endswith("/login/")
    assert not _signed_in(replay)


@pytest.mark.rule("S4")
def test_five_wrong_pins_void_it(app_ctx, client):
    _portal_admin(username="pa.wrong")
    password_step(client, "pa.wrong", PW)
    pin = pin_from_outbox(client.application, "pa.wrong")
    wrong = f"{(int(pin) + 1) % 10 ** 8:08d}"
    for _ in range(4):
        response = _enter_pin(client, wrong)
        assert response.status_code == 200
        assert "not correct" in response.get_data(as_text=True) or "nicht korrekt" in response.get_data(as_text=True)
    assert _enter_pin(client, wrong).headers["Location"].endswith("/login/")  # 5th voids it
    assert db.session.scalars(select(PinChallenge)).one().voided_at is not None
    assert client.get("/login/pin/").status_code == 302
    assert not _signed_in(client)
    failures = db.session.scalar(select(func.count(AuthFailure.id)).where(AuthFailure.step == "pin"))
    assert failures == 5


@pytest.mark.rule("S4")
def test_at_most_five_pin_sends_per_hour_and_resend_is_rate_limited(app_ctx, client, clock):
    _portal_admin(username="pa.many")
    password_step(client, "pa.many", PW)
    # "send again" right away is refused.
    post_form(client, "/login/pin/resend", {}, page_url="/login/pin/")
    assert db.session.scalar(select(func.count(PinChallenge.id))) == 1
    for _ in range(4):
        clock.advance(seconds=31)
        post_form(client, "/login/pin/resend", {}, page_url="/login/pin/")
    assert db.session.scalar(select(func.count(PinChallenge.id))) == 5
    clock.advance(seconds=31)
    post_form(client, "/login/pin/resend", {}, page_url="/login/pin/")
    assert db.session.scalar(select(func.count(PinChallenge.id))) == 5  # the 6th within an hour is refused
    # Only the newest PIN works: older ones were voided by "send again".
    live = db.session.scalars(select(PinChallenge).where(PinChallenge.voided_at.is_(None))).all()
    assert len(live) == 1
    assert _enter_pin(client, pin_from_outbox(client.application, "pa.many")).status_code == 302
    clock.advance(minutes=61)
    assert password_step(new_client(client.application), "pa.many", PW).headers["Location"].endswith("/login/pin/")


@pytest.mark.rule("R-AUTH-6")
def test_pin_role_without_mobile_cannot_sign_in(app_ctx, client):
    make_user(PORTAL_ADMIN, customer=make_customer(), username="pa.nomobile")
    response = password_step(client, "pa.nomobile", PW)
    assert response.status_code == 200
    assert "0800 032 68 35" in response.get_data(as_text=True)
    assert not _signed_in(client)


# --- R-AUTH-10: status ------------------------------------------------------------------

@pytest.mark.rule("R-AUTH-10")
def test_locked_and_inactive_accounts_cannot_sign_in(app_ctx, client):
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.locked", status=UserStatus.LOCKED)
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.gone", status=UserStatus.INACTIVE)
    for name in ("pbx.locked", "pbx.gone"):
        assert password_step(client, name, PW).status_code == 200
        assert not _signed_in(client)


# --- S6: lockout and per-IP limit -------------------------------------------------------

@pytest.mark.rule("S6")
def test_ten_failures_lock_the_account_for_15_minutes_whatever_the_ip(app_ctx, client, clock):
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.lock")
    for i in range(10):
        other_ip = new_client(client.application)
        forget_cached_csrf()
        page = other_ip.get("/login/", environ_base={"REMOTE_ADDR": f"10.0.0.{i + 1}"})
        other_ip.post("/login/", data={"username": "pbx.lock", "password": "wrong-password-1",
                                       "csrf_token": csrf_token_from(page.get_data(as_text=True))},
                      environ_base={"REMOTE_ADDR": f"10.0.0.{i + 1}"})
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "account_locked_out")) == 1
    # The right password from yet another address is refused while locked.
    assert password_step(client, "pbx.lock", PW).status_code == 200
    assert not _signed_in(client)
    clock.advance(minutes=14)
    assert password_step(client, "pbx.lock", PW).status_code == 200
    clock.advance(minutes=2)
    assert password_step(client, "pbx.lock", PW).status_code == 302
    assert _signed_in(client)


@pytest.mark.rule("S6")
def test_nine_failures_do_not_lock(app_ctx, client):
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.nine")
    for _ in range(9):
        password_step(client, "pbx.nine", "wrong-password-1")
    assert password_step(client, "pbx.nine", PW).status_code == 302


@pytest.mark.rule("S6")
def test_pin_failures_count_toward_lockout(app_ctx, client):
    _portal_admin(username="pa.pinlock")
    for _ in range(2):
        c = new_client(client.application)
        password_step(c, "pa.pinlock", PW)
        for _ in range(5):
            post_form(c, "/login/pin/", {"pin": "00000000"}, page_url="/login/")
    # 10 wrong PINs: the right password now leads nowhere.
    assert password_step(client, "pa.pinlock", PW).status_code == 200


@pytest.mark.rule("S6")
def test_per_ip_limit_answers_429(app_ctx, client):
    client.application.config["IP_FAILURE_LIMIT"] = 5
    try:
        for i in range(5):
            password_step(client, f"nobody{i}", "wrong-password-1")
        response = password_step(client, "nobody9", "wrong-password-1")
        assert response.status_code == 429
        other = new_client(client.application)
        forget_cached_csrf()
        page = other.get("/login/", environ_base={"REMOTE_ADDR": "10.9.9.9"})
        assert page.status_code == 200
    finally:
        client.application.config["IP_FAILURE_LIMIT"] = 50


# --- S7: known and unknown usernames alike ------------------------------------------------

@pytest.mark.rule("S7")
def test_login_answers_known_and_unknown_usernames_alike(app_ctx, client):
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.known")
    known = password_step(client, "pbx.known", "wrong-password-1")
    unknown = password_step(client, "pbx.unknown", "wrong-password-1")
    assert known.status_code == unknown.status_code == 200

    def _strip(response, name):
        html = response.get_data(as_text=True).replace(name, "NAME")
        return re.sub(r'(value|nonce)="[^"]*"', "", html)

    assert _strip(known, "pbx.known") == _strip(unknown, "pbx.unknown")


# The timing half of S7 runs on a real server with live SMTP: tests/security/test_auth_timing.py


# --- S9: no API login ---------------------------------------------------------------------

@pytest.mark.rule("S9")
def test_api_login_never_issues_a_token(app_ctx, client):
    _portal_admin(username="pa.api")
    make_user(ADMIN, username="staff.api")
    for name in ("pa.api", "staff.api"):
        response = client.post("/api/v1/security/login",
                               json={"username": name, "password": PW, "provider": "db", "refresh": True})
        assert response.status_code == 403
        assert "access_token" not in response.get_data(as_text=True)
    assert client.post("/api/v1/security/refresh").status_code in (401, 403)


@pytest.mark.rule("S9")
def test_password_only_helper_of_fab_is_disabled(app_ctx):
    make_user(ADMIN, username="staff.fab")
    assert app_ctx.appbuilder.sm.auth_user_db("staff.fab", PW) is None


# --- S10 / S11: redirects and headers -------------------------------------------------------

@pytest.mark.rule("S10")
def test_open_redirect_probes_stay_on_the_portal(app_ctx, client):
    make_user(PBX_ADMIN, customer=make_customer(), username="staff.redir")  # no second step
    for probe in ("//evil.example", "https://evil.example/x", "/\\evil.example", "http:evil.example",
                  "%2F%2Fevil.example", "javascript:alert(1)"):
        c = new_client(client.application)
        response = password_step(c, "staff.redir", PW, next_url=probe)
        location = response.headers["Location"]
        assert "evil" not in location and location.startswith("/"), (probe, location)


@pytest.mark.rule("S10")
def test_spoofed_host_header_does_not_redirect_away(app_ctx, client):
    make_user(PBX_ADMIN, customer=make_customer(), username="staff.host")  # no second step
    page = client.get("/login/?next=/account/profile", headers={"Host": "evil.example"})
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post("/login/?next=/account/profile", headers={"Host": "evil.example"},
                           data={"username": "staff.host", "password": PW, "csrf_token": token})
    assert response.headers["Location"] == "/account/profile"


@pytest.mark.rule("S10")
def test_safe_next_is_kept(app_ctx, client):
    make_user(PBX_ADMIN, customer=make_customer(), username="staff.next")  # no second step
    response = password_step(client, "staff.next", PW, next_url="/account/password")
    assert response.headers["Location"] == "/account/password"


@pytest.mark.rule("S11")
def test_sign_in_pages_are_not_cached_and_have_csrf(app_ctx, client):
    page = client.get("/login/")
    assert "no-store" in page.headers["Cache-Control"]
    assert 'name="csrf_token"' in page.get_data(as_text=True)
    assert client.post("/login/", data={"username": "x", "password": "y"}).status_code == 400


@pytest.mark.rule("R-AUTH-6")
def test_totp_user_signs_in_with_app_code(app_ctx, client):
    import pyotp

    secret = pyotp.random_base32()
    make_user(ADMIN, username="staff.totp", second_factor=SecondFactor.TOTP, totp_secret=secret)
    assert password_step(client, "staff.totp", PW).headers["Location"].endswith("/login/pin/")
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0  # no SMS for app users
    assert _enter_pin(client, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111").status_code == 200
    code = pyotp.TOTP(secret).now()
    assert _enter_pin(client, code).status_code == 302
    assert _signed_in(client)
    # The same code cannot be replayed for another sign-in.
    other = new_client(client.application)
    password_step(other, "staff.totp", PW)
    assert post_form(other, "/login/pin/", {"pin": code}).status_code == 200
    assert not _signed_in(other)


@pytest.mark.rule("R-AUTH-6", "S6")
def test_totp_sign_in_works_off_utc_and_counts_no_failure(app_ctx, client, berlin_time):
    """R-AUTH-6, S6: with the server in Europe/Berlin the app's current code signs in, and no failure is
    counted toward the lockout."""
    import pyotp

    secret = pyotp.random_base32()
    make_user(ADMIN, username="staff.berlin", second_factor=SecondFactor.TOTP, totp_secret=secret)
    assert password_step(client, "staff.berlin", PW).headers["Location"].endswith("/login/pin/")
    assert _enter_pin(client, pyotp.TOTP(secret).at(time.time())).status_code == 302
    assert _signed_in(client)
    assert db.session.scalar(select(func.count(AuthFailure.id))) == 0


def test_sign_in_and_failures_are_audited(app_ctx, client):
    make_user(PBX_ADMIN, customer=make_customer(), username="staff.audit")  # no second step
    password_step(client, "staff.audit", "wrong-password-1")
    password_step(client, "staff.audit", PW)
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.username == "staff.audit")).all()
    assert "sign_in_failed" in actions and "sign_in" in actions
