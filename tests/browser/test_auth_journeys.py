"""Browser journeys for every sign-in path (R-AUTH-4..9, QUALITY S8), in Debian's Chromium."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.security.roles import PBX_ADMIN, PORTAL_ADMIN
from tests.auth_helpers import browser_login, link_from_outbox, pin_from_outbox
from tests.browser.auth_server import chromium, live_url, page  # noqa: F401  - fixtures
from tests.factories import make_customer, make_user

pytestmark = pytest.mark.browser

PW = "Sicher#Kennwort42"
NEW = "Neues(Kennwort)77"


def _user(app, role, **kw):
    with app.app_context():
        customer = make_customer()
        user = make_user(role, customer=customer, **kw)
        db.session.commit()
        return user.username


def _signed_in(page) -> bool:
    return page.locator("#profile-form").count() == 1


def _logout_through_user_menu(page) -> None:
    """R-AUTH-7: open the user menu top right and click "Abmelden" (a POST form with the CSRF token)."""
    page.click("#user-menu-toggle")
    page.click("#menu-logout")
    page.wait_for_url("**/login/")


@pytest.mark.rule("R-AUTH-6")
def test_login_with_pin_from_outbox(app, live_url, page):
    name = _user(app, PORTAL_ADMIN, mobile="+491711230001")
    page.goto(f"{live_url}/login/")
    page.fill("#username", name)
    page.fill("#password", PW)
    page.click("#sign-in")
    page.wait_for_url("**/login/pin/")
    assert "001" in page.inner_text("#pin-sent-to") and "1230001" not in page.inner_text("#pin-sent-to")
    assert "0800 032 68 35" in page.inner_text("#pin-help")
    page.fill("#pin", pin_from_outbox(app, name))
    page.click("#pin-submit")
    page.goto(f"{live_url}/account/profile")
    assert _signed_in(page)


@pytest.mark.rule("R-AUTH-5")
def test_forgot_password_link_set_password_then_login(app, live_url, page):
    name = _user(app, PBX_ADMIN)
    page.goto(f"{live_url}/login/")
    assert not page.is_visible("#forgot-link")
    page.fill("#username", name)
    assert page.is_visible("#forgot-link")  # offered once a username is entered
    page.click("#forgot-link")
    page.click("#forgot-confirm")
    page.wait_for_selector("#forgot-sent")
    link = link_from_outbox(app, name)
    path = "/" + link.split("/", 3)[3]
    page.goto(f"{live_url}{path}")
    page.fill("#password", NEW)
    page.fill("#confirm", NEW)
    page.click("#password-save")
    page.wait_for_url("**/login/")
    page.fill("#username", name)
    page.fill("#password", NEW)
    page.click("#sign-in")
    page.goto(f"{live_url}/account/profile")
    assert _signed_in(page)


@pytest.mark.rule("R-AUTH-9")
def test_change_password(app, live_url, page):
    name = _user(app, PBX_ADMIN)
    browser_login(page, live_url, name, PW, app=app)
    page.goto(f"{live_url}/account/password")
    page.fill("#current_password", PW)
    page.fill("#new_password", NEW)
    page.fill("#confirm", NEW)
    page.click("#password-save")
    page.wait_for_url("**/account/password")
    _logout_through_user_menu(page)
    browser_login(page, live_url, name, NEW, app=app)
    page.goto(f"{live_url}/account/profile")
    assert _signed_in(page)


@pytest.mark.rule("R-AUTH-8")
def test_profile_locked_until_unlocked_and_save_after_change(app, live_url, page):
    name = _user(app, PBX_ADMIN)
    browser_login(page, live_url, name, PW, app=app)
    page.goto(f"{live_url}/account/profile")
    assert page.is_disabled("#email")
    page.click("#profile-unlock")
    assert page.is_enabled("#email") and page.is_disabled("#profile-save")
    page.fill("#mobile", "+49 171 5550001")
    assert page.is_enabled("#profile-save")
    page.click("#profile-save")
    page.wait_for_load_state()
    assert page.input_value("#mobile") == "+491715550001"


@pytest.mark.rule("R-AUTH-7", "S8", "S11")
def test_logout_and_replayed_cookie(app, live_url, page):
    """R-AUTH-7, S8, S11: a visit of /logout/ (what a link from elsewhere does) only asks; "Abmelden" in
    the user menu signs out, back on the login page, and a replayed cookie gets the login page."""
    name = _user(app, PBX_ADMIN)
    browser_login(page, live_url, name, PW, app=app)
    cookies = page.context.cookies()
    page.goto(f"{live_url}/logout/")
    assert page.is_visible("#logout-confirm")
    page.goto(f"{live_url}/account/profile")
    assert _signed_in(page), "GET /logout/ does not sign out"
    _logout_through_user_menu(page)
    assert page.url.endswith("/login/")
    page.goto(f"{live_url}/account/profile")
    assert "/login/" in page.url
    replay = page.context.browser.new_context()
    try:
        replay.add_cookies(cookies)
        other = replay.new_page()
        other.goto(f"{live_url}/account/profile")
        assert "/login/" in other.url
    finally:
        replay.close()


@pytest.mark.rule("R-AUTH-7")
def test_logout_through_the_user_menu_returns_to_the_login_page(app, live_url, page):
    """R-AUTH-7: the user menu shows the username; "Abmelden" signs out and shows the login page."""
    name = _user(app, PBX_ADMIN)
    browser_login(page, live_url, name, PW, app=app)
    page.goto(f"{live_url}/account/profile")
    assert page.inner_text("#user-menu-name") == name
    _logout_through_user_menu(page)
    assert page.is_visible("#login-form")
    page.goto(f"{live_url}/account/profile")
    assert "/login/" in page.url


@pytest.mark.rule("R-AUTH-8")
def test_profile_username_change(app, live_url, page):
    """R-AUTH-8: unlock, change the username, confirm with the current password, save; the menu shows the
    new name and the next sign-in uses it."""
    name = _user(app, PBX_ADMIN)
    new_name = f"{name}.neu"
    browser_login(page, live_url, name, PW, app=app)
    page.goto(f"{live_url}/account/profile")
    assert page.is_disabled("#username")
    page.click("#profile-unlock")
    page.fill("#username", new_name)
    assert page.is_enabled("#profile-save")
    page.fill("#current_password", PW)
    page.click("#profile-save")
    page.wait_for_load_state()
    assert page.input_value("#username") == new_name
    assert page.inner_text("#user-menu-name") == new_name
    _logout_through_user_menu(page)
    browser_login(page, live_url, new_name, PW, app=app)
    page.goto(f"{live_url}/account/profile")
    assert _signed_in(page)


@pytest.mark.rule("R-AUTH-6", "S4")
def test_pin_send_again(app, live_url, page):
    """R-AUTH-6, S4: "PIN erneut senden" sends a new PIN; the old one no longer works, the new one signs in."""
    from datetime import timedelta

    name = _user(app, PORTAL_ADMIN, mobile="+491711230002")
    saved = app.config["PIN_RESEND_INTERVAL"]
    app.config["PIN_RESEND_INTERVAL"] = timedelta(seconds=0)  # no pause before "send again" in this test
    try:
        page.goto(f"{live_url}/login/")
        page.fill("#username", name)
        page.fill("#password", PW)
        page.click("#sign-in")
        page.wait_for_url("**/login/pin/")
        first = pin_from_outbox(app, name)
        page.click("#pin-resend")
        page.wait_for_url("**/login/pin/")
        assert page.locator(".alert").filter(has_text="Eine neue PIN wurde gesendet").count() == 1
        second = pin_from_outbox(app, name)
        assert second != first
        page.fill("#pin", first)
        page.click("#pin-submit")
        page.wait_for_load_state()
        assert "/login/pin/" in page.url  # the voided PIN is refused, the page stays
        page.fill("#pin", second)
        page.click("#pin-submit")
        page.wait_for_load_state()
        page.goto(f"{live_url}/account/profile")
        assert _signed_in(page)
    finally:
        app.config["PIN_RESEND_INTERVAL"] = saved
