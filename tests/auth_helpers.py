"""Helpers that sign in through the real two-step login, for every kind of test.

The PIN is read from the real outbox row (its body decrypts through the
model), exactly as a user reads it from the SMS: no shortcut in the product.
"""
from __future__ import annotations

import re

from flask import current_app, has_app_context
from sqlalchemy import select

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PIN_RE = re.compile(r"\b(\d{8})\b")
LINK_RE = re.compile(r"(https?://\S+/set-password/[A-Za-z0-9_\-]+)")
TEST_MOBILE = "+491701234567"


def _in_app(app, fn):
    if has_app_context() and (app is None or current_app._get_current_object() is app):
        return fn()
    with app.app_context():
        return fn()


def _forget_cached_csrf() -> None:
    # Requests made inside a test's app context share its `g`, where Flask-WTF caches the token.
    from flask import g

    if has_app_context():
        g.pop("csrf_token", None)


def latest_outbox_body(app, *, username: str | None = None, channel: str = "sms", recipient: str | None = None):
    """The decrypted body of the newest outbox message for a user (by username) or recipient."""
    from app.extensions import db
    from app.models import EServiceUser, OutboxMessage
    from app.models.enums import Channel

    def _read():
        query = select(OutboxMessage).where(OutboxMessage.channel == Channel(channel))
        if username is not None:
            user_id = db.session.scalar(select(EServiceUser.id).where(EServiceUser.username == username))
            query = query.where(OutboxMessage.user_id == user_id)
        if recipient is not None:
            query = query.where(OutboxMessage.recipient == recipient)
        message = db.session.scalars(query.order_by(OutboxMessage.id.desc()).limit(1)).first()
        return None if message is None else message.body

    return _in_app(app, _read)


def pin_from_outbox(app, username: str) -> str:
    """The PIN of the newest sign-in SMS sent to `username`."""
    body = latest_outbox_body(app, username=username, channel="sms")
    assert body, f"no SMS in the outbox for {username}"
    match = PIN_RE.search(body)
    assert match, "SMS carries no 8-digit PIN"
    return match.group(1)


def link_from_outbox(app, username: str, wait: float = 10.0) -> str:
    """The set-password link of the newest email sent to `username`.

    A forgot-password link is made once the page's response has left (QUALITY S7), so this waits for
    it a little, as a user waits for the email.
    """
    import time

    deadline = time.monotonic() + wait
    body = latest_outbox_body(app, username=username, channel="email")
    while not body and time.monotonic() < deadline:
        time.sleep(0.02)
        body = latest_outbox_body(app, username=username, channel="email")
    assert body, f"no email in the outbox for {username}"
    match = LINK_RE.search(body)
    assert match, "email carries no set-password link"
    return match.group(1)


def ensure_mobile(app, username: str, mobile: str = TEST_MOBILE) -> None:
    """Test data: give a PIN-role user a mobile number so the SMS step can run."""
    from app.extensions import db
    from app.models import EServiceUser

    def _set():
        user = db.session.scalar(select(EServiceUser).where(EServiceUser.username == username))
        if user is not None and not user.mobile:
            user.mobile = mobile
            db.session.commit()

    _in_app(app, _set)


def complete_login_with_pin(client, username: str, password: str, *, app=None, next_url: str | None = None):
    """Sign in with a Flask test client; when the PIN page comes, enter the PIN from the outbox.

    Returns the last response (302 to the target page when signed in).
    """
    app = app or client.application
    ensure_mobile(app, username)
    login_url = "/login/" + (f"?next={next_url}" if next_url else "")
    _forget_cached_csrf()
    page = client.get(login_url)
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    response = client.post(login_url, data={"username": username, "password": password, "csrf_token": token},
                           follow_redirects=False)
    if response.status_code == 302 and response.headers["Location"].endswith("/login/pin/"):
        page = client.get("/login/pin/")
        token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
        pin = pin_from_outbox(app, username)
        response = client.post("/login/pin/", data={"pin": pin, "csrf_token": token}, follow_redirects=False)
    return response


def browser_login(page, base_url: str, username: str, password: str, *, app) -> None:
    """Sign in with a Playwright page; reads the PIN from the outbox when asked for one."""
    ensure_mobile(app, username)
    page.goto(f"{base_url}/login/")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#sign-in")
    page.wait_for_load_state()
    if "/login/pin/" in page.url:
        page.fill("#pin", pin_from_outbox(app, username))
        page.click("#pin-submit")
        page.wait_for_load_state()


def logout(client):
    """Sign out as the user menu does: POST /logout/ with the CSRF token of the signed-in page (S11)."""
    _forget_cached_csrf()
    page = client.get("/logout/")
    match = CSRF_RE.search(page.get_data(as_text=True))
    if match is None:  # not signed in: the page redirects to the login page
        return page
    return client.post("/logout/", data={"csrf_token": match.group(1)}, follow_redirects=False)
