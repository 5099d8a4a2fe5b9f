"""The PIN step's texts and limits (R-AUTH-6, QUALITY S4, S6), and the session cookie in production (S11)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import func, select

import config
from app.extensions import db
from app.models import AuthFailure
from app.security.roles import PORTAL_ADMIN
from app.services import notifications
from tests.auth_helpers import pin_from_outbox
from tests.conftest import csrf_token_from
from tests.factories import make_customer, make_user
from tests.security.auth_fixtures import client, forget_cached_csrf, new_client  # noqa: F401  - fixtures

PW = "Sicher#Kennwort42"
PIN_MSGID = "Your e:service sign-in PIN: %(pin)s\nIt is valid for %(minutes)s minutes. Never pass it on."


def _catalogued(msgid: str, lang: str) -> str:
    with open(config.BASE_DIR / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        message = read_po(f).get(msgid)
    assert message is not None, f"{msgid!r} is not in the {lang} catalog"
    return message.string or msgid  # English shows the msgid


@pytest.mark.rule("R-AUTH-6")
def test_sms_pin_text_is_the_catalogued_german_and_english(app_ctx):
    """R-AUTH-6: the SMS reads exactly as catalogued in the recipient's language; the two differ."""
    user = make_user(PORTAL_ADMIN, customer=make_customer(), mobile="+491711230021", locale="de")
    german = notifications.queue_pin_sms(user, "01234567", 10)
    user.locale = "en"
    english = notifications.queue_pin_sms(user, "01234567", 10)
    db.session.commit()
    values = {"pin": "01234567", "minutes": 10}
    assert german.body == _catalogued(PIN_MSGID, "de") % values
    assert english.body == _catalogued(PIN_MSGID, "en") % values == PIN_MSGID % values
    assert german.body != english.body and "Anmelde-PIN" in german.body
    assert (german.subject, english.subject) == ("Anmelde-PIN", "Sign-in PIN")


def _from(c, ip, method, url, data=None):
    forget_cached_csrf()
    env = {"REMOTE_ADDR": ip}
    if method == "GET":
        return c.get(url, environ_base=env)
    page = c.get(url if url != "/login/pin/resend" else "/login/pin/", environ_base=env)
    if page.status_code == 302:  # no PIN page (any more): take the token of the login page
        page = c.get("/login/", environ_base=env)
    data = dict(data or {}, csrf_token=csrf_token_from(page.get_data(as_text=True)))
    return c.post(url, data=data, environ_base=env)


@pytest.mark.rule("S6")
def test_per_ip_limit_on_the_pin_step(app_ctx, client):
    """S6: wrong PINs count toward the client address's limit; over it, the PIN step answers 429 even
    for the right PIN, while another address signs in as usual."""
    app = client.application
    app.config["IP_FAILURE_LIMIT"] = 3
    try:
        for n in range(3):  # three accounts, one wrong PIN each: no account comes near its own lockout
            user = make_user(PORTAL_ADMIN, customer=make_customer(), mobile=f"+49171123003{n}")
            c = new_client(app)
            assert _from(c, "10.1.1.1", "POST", "/login/", {"username": user.username, "password": PW}
                         ).headers["Location"].endswith("/login/pin/")
            assert _from(c, "10.1.1.1", "POST", "/login/pin/", {"pin": "00000000"}).status_code == 200
        assert db.session.scalar(select(func.count(AuthFailure.id)).where(AuthFailure.step == "pin")) == 3
        victim = make_user(PORTAL_ADMIN, customer=make_customer(), mobile="+491711230039")
        other_ip = new_client(app)
        assert _from(other_ip, "10.2.2.2", "POST", "/login/", {"username": victim.username, "password": PW}
                     ).headers["Location"].endswith("/login/pin/")
        # The same browser session moves to the blocked address: its right PIN is refused there.
        blocked = _from(other_ip, "10.1.1.1", "POST", "/login/pin/", {"pin": pin_from_outbox(app, victim.username)})
        assert blocked.status_code == 429
        ok = _from(other_ip, "10.2.2.2", "POST", "/login/pin/", {"pin": pin_from_outbox(app, victim.username)})
        assert ok.status_code == 302 and not ok.headers["Location"].endswith("/login/")
    finally:
        app.config["IP_FAILURE_LIMIT"] = 50


@pytest.mark.rule("S11")
def test_session_cookie_is_secure_under_the_production_config(tmp_path):
    """S11: with ESERVICE_ENV=production (nothing else about cookies set) a real response's session
    cookie carries Secure, HttpOnly and SameSite=Lax."""
    script = (
        "from flask_migrate import upgrade\n"
        "import config\n"
        "from app import create_app\n"
        "app = create_app('config.Config')\n"
        "assert not app.config['DEVELOPMENT'] and not app.config.get('TESTING')\n"
        "with app.app_context():\n"
        "    upgrade(directory=str(config.BASE_DIR / 'migrations'))\n"
        "    from app.security.roles import sync_roles\n"
        "    sync_roles(app.appbuilder)\n"
        "response = app.test_client().get('/login/', base_url='https://eservice.example')\n"
        "print(response.status_code)\n"
        "print('\\n'.join(response.headers.getlist('Set-Cookie')))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SESSION_COOKIE", "TEST_DATABASE"))}
    env.update(ESERVICE_ENV="production", SECRET_KEY="prod-test-secret-key-0123456789",
               ENCRYPTION_KEY="ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzJieXRlcyE=",
               PBX_SSO_SECRET="prod-test-pbx-secret-0123456789", DATABASE_URL=f"sqlite:///{tmp_path / 'prod.db'}", DOCUMENT_STORAGE_DIR=str(tmp_path / "docs"))
    result = subprocess.run([sys.executable, "-c", script], cwd=config.BASE_DIR, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    status, *cookies = result.stdout.strip().splitlines()
    assert status == "200"
    session_cookie = next(c for c in cookies if c.startswith("eservice_session="))
    attributes = {part.strip().split("=")[0].lower() for part in session_cookie.split(";")[1:]}
    assert {"secure", "httponly"} <= attributes
    assert "SameSite=Lax" in session_cookie
