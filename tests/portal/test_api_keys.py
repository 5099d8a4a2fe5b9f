"""Personal API keys (issue 19, QUALITY S8/S9): lifecycle, hashed at rest, refusals, scope, limit."""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pytest

from flask_appbuilder.security.sqla.models import ApiKey
from sqlalchemy import func, select

from app.extensions import db
from app.models import ApiKeyGrant, AuditLog, EServiceUser
from app.models.enums import UserStatus
from app.roles import ACCOUNTING, PORTAL_ADMIN
from app.services import api_keys
from tests.portal.api_helpers import bearer, make_key
from tests.portal.conftest import page_token
from tests.security.auth_fixtures import new_client


def _key_row(app, grant_id) -> ApiKey:
    with app.app_context():
        grant = db.session.get(ApiKeyGrant, grant_id)
        key = grant.api_key
        db.session.expunge(key)
        return key


def test_portal_admin_creates_lists_and_revokes_a_key(app, world, signed_in):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    page = client.get("/portal/api-keys/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    response = client.post("/portal/api-keys/", data={"csrf_token": page_token(html), "name": "Buchhaltung",
                                                      "scope": "read", "expires_on": ""})
    assert response.status_code == 201
    body = response.get_data(as_text=True)
    secret = body.split('class="api-key-secret">')[1].split("<")[0]
    assert secret.startswith(api_keys.PREFIX)
    assert "no-store" in response.headers["Cache-Control"]
    # The secret is shown once: the list page afterwards does not hold it.
    assert secret not in client.get("/portal/api-keys/").get_data(as_text=True)
    assert new_client(app).get("/api/v1/contracts", headers=bearer(secret)).status_code == 200
    listing = client.get("/portal/api-keys/").get_data(as_text=True)
    assert "Buchhaltung" in listing and "never" not in listing.split("Buchhaltung")[1].split("</tr>")[0]
    with app.app_context():
        grant = db.session.scalar(select(ApiKeyGrant).join(ApiKey).where(ApiKey.name == "Buchhaltung"))
        grant_id = grant.id
        assert grant.api_key.last_used_on is not None
    revoke = client.post(f"/portal/api-keys/{grant_id}/revoke", data={"csrf_token": page_token(listing)})
    assert revoke.status_code == 302
    assert new_client(app).get("/api/v1/contracts", headers=bearer(secret)).status_code == 401
    with app.app_context():
        actions = set(db.session.scalars(select(AuditLog.action).where(AuditLog.object_type == "api_key")))
    assert actions == {api_keys.KEY_CREATED, api_keys.KEY_REVOKED}


@pytest.mark.rule("S1", "S2")
def test_only_the_portal_admin_manages_keys_and_never_another_companys(app, world, signed_in):
    assert signed_in(world["a"].users[ACCOUNTING]).get("/portal/api-keys/").status_code in (302, 403, 404)
    grant_b, _secret = make_key(app, world["b"].users[PORTAL_ADMIN])
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    token = page_token(client.get("/portal/api-keys/").get_data(as_text=True))
    assert client.post(f"/portal/api-keys/{grant_b}/revoke", data={"csrf_token": token}).status_code == 404
    assert _key_row(app, grant_b).revoked_on is None


@pytest.mark.rule("S14")
def test_key_is_stored_hashed_never_in_clear(app, world):
    grant_id, secret = make_key(app, world["a"].users[PORTAL_ADMIN])
    key = _key_row(app, grant_id)
    stored = " ".join(str(v) for v in (key.key_hash, key.lookup_hash, key.key_prefix, key.name, key.scopes))
    assert secret not in stored
    assert key.key_hash.startswith("scrypt:")
    assert len(key.key_prefix) < len(secret) // 2


@pytest.mark.rule("R7")
def test_bad_form_input_is_shown_at_the_field(app, world, signed_in):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    token = page_token(client.get("/portal/api-keys/").get_data(as_text=True))
    with app.app_context():
        before = db.session.scalar(select(func.count(ApiKey.id)))
    response = client.post("/portal/api-keys/", data={"csrf_token": token, "name": "x", "scope": "read",
                                                      "expires_on": (date.today() - timedelta(days=1)).isoformat()})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "api-key-secret" not in html
    assert "Das Ablaufdatum muss in der Zukunft liegen." in html or "The expiry date must lie in the future." in html
    with app.app_context():
        assert db.session.scalar(select(func.count(ApiKey.id))) == before


@pytest.mark.rule("S8")
def test_refused_keys_answer_401_problem_json(app, world):
    admin = world["a"].users[PORTAL_ADMIN]
    client = new_client(app)
    _grant, good = make_key(app, admin)
    expired_grant, expired = make_key(app, admin, expires_on=date.today() + timedelta(days=1), name="alt")
    with app.app_context():
        db.session.get(ApiKeyGrant, expired_grant).api_key.expires_on = datetime(2020, 1, 1)
        db.session.commit()
    for headers in ({}, bearer("esv_wrong"), bearer(good + "x"), {"X-API-Key": "nope"}, bearer(expired)):
        response = client.get("/api/v1/contracts", headers=headers)
        assert response.status_code == 401, headers
        assert response.mimetype == "application/problem+json"
        assert response.json["status"] == 401
    assert client.get("/api/v1/contracts", headers={"X-API-Key": good}).status_code == 200
    with app.app_context():
        user = db.session.scalar(select(EServiceUser).where(EServiceUser.username == admin))
        user.status = UserStatus.LOCKED
        db.session.commit()
    assert client.get("/api/v1/contracts", headers=bearer(good)).status_code == 401
    with app.app_context():
        user = db.session.scalar(select(EServiceUser).where(EServiceUser.username == admin))
        user.status, user.active = UserStatus.ACTIVE, False
        db.session.commit()
    assert client.get("/api/v1/contracts", headers=bearer(good)).status_code == 401


@pytest.mark.rule("S9")
def test_session_sign_in_does_not_authenticate_the_api(world, signed_in):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    assert client.get("/portal/api-keys/").status_code == 200
    response = client.get("/api/v1/contracts")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    login = client.post("/api/v1/security/login", json={"username": "x", "password": "y", "provider": "db"})
    assert login.status_code in (401, 403, 404, 405)  # refused by app.security.auth_views (S9)
    assert "access_token" not in login.get_data(as_text=True)


def test_read_key_cannot_write(app, world):
    _grant, secret = make_key(app, world["a"].users[PORTAL_ADMIN])
    response = new_client(app).post("/api/v1/option-orders", headers=bearer(secret), json={})
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"


def test_rate_limit_answers_429_with_retry_after(app, world):
    """The window is a clock minute: a run that crosses a minute boundary starts over with a new key."""
    limit = app.config.get("API_RATE_LIMIT_PER_MINUTE", 120)
    app.config["API_RATE_LIMIT_PER_MINUTE"] = 3
    try:
        for attempt in range(3):
            _grant, secret = make_key(app, world["a"].users[PORTAL_ADMIN], name=f"limit {attempt}")
            client = new_client(app)
            window = int(time.time() // api_keys.WINDOW_SECONDS)
            codes = [client.get("/api/v1/contracts", headers=bearer(secret)).status_code for _ in range(4)]
            last = client.get("/api/v1/contracts", headers=bearer(secret))
            if int(time.time() // api_keys.WINDOW_SECONDS) == window:
                break
    finally:
        app.config["API_RATE_LIMIT_PER_MINUTE"] = limit
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    assert last.status_code == 429 and 1 <= int(last.headers["Retry-After"]) <= 60
    assert last.mimetype == "application/problem+json"


@pytest.mark.rule("S8", "P5")
def test_a_key_is_checked_by_its_slow_hash_once_per_process_and_still_refused_when_revoked(app, world, monkeypatch):
    """scrypt runs on a key's first call, not on every request (it cost ~0.1 s of CPU each); a revoked key
    or a secret that differs from the remembered one is refused all the same."""
    grant_id, secret = make_key(app, world["a"].users[PORTAL_ADMIN], name="cached")
    checks = []
    real = api_keys.check_password_hash
    monkeypatch.setattr(api_keys, "check_password_hash", lambda *a: checks.append(1) or real(*a))
    client = new_client(app)
    for _ in range(3):
        assert client.get("/api/v1/contracts", headers=bearer(secret)).status_code == 200
    assert len(checks) == 1
    assert client.get("/api/v1/contracts", headers=bearer(secret[:-1] + "x")).status_code == 401
    with app.app_context():
        db.session.get(ApiKeyGrant, grant_id).api_key.revoked_on = datetime(2026, 1, 1)
        db.session.commit()
    assert client.get("/api/v1/contracts", headers=bearer(secret)).status_code == 401


@pytest.mark.rule("S2")
def test_a_key_stops_when_its_maker_no_longer_holds_the_portal_admin_role(app, world):
    _grant, secret = make_key(app, world["a"].users[ACCOUNTING])
    response = new_client(app).get("/api/v1/contracts", headers=bearer(secret))
    assert response.status_code == 401
