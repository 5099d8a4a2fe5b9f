"""R-PBX-1: cloud.phone sign-on tokens — signed, 60 s, single use, naming user, customer and contract.

`pbx.verify_token` is the PBX side's check (README "cloud.phone sign-on"); it must refuse replayed,
expired, tampered, re-signed and otherwise malformed tokens.
"""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, Contract
from app.models.enums import ContractStatus
from app.roles import ACCOUNTING, PBX_ADMIN, PORTAL_ADMIN
from app.services.portal import pbx
from tests.portal.conftest import page_token

ROOT = Path(__file__).resolve().parents[2]


def _secret(app):
    return app.config["PBX_SSO_SECRET"]


def _sign_on(client, contract_id):
    token = page_token(client.get("/").get_data(as_text=True))
    return client.post(f"/portal/cloud-phone/{contract_id}/sign-on", data={"csrf_token": token})


def _token_of(response):
    assert response.status_code == 303, response.status_code
    return parse_qs(urlparse(response.headers["Location"]).query)["token"][0]


@pytest.fixture
def issued(app, world, signed_in):
    """A fresh token from a real sign-on of the PBX Admin of customer a."""
    return _token_of(_sign_on(signed_in(world["a"].users[PBX_ADMIN]), world["a"].ids["contract"][1]))


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.mark.rule("R-PBX-1")
def test_a_fresh_token_names_user_customer_and_contract_once(app, world, issued):
    a = world["a"]
    used = pbx.UsedTokenIds()
    claims = pbx.verify_token(issued, _secret(app), used)
    with app.app_context():
        contract = db.session.get(Contract, a.ids["contract"][1])
        assert (claims["sub"], claims["customer"], claims["contract"]) == (
            a.users[PBX_ADMIN], contract.customer.customer_number, contract.contract_number)
        entry = db.session.scalars(select(AuditLog).where(AuditLog.action == pbx.PBX_SIGN_ON)).one()
        assert entry.object_id == str(contract.id) and entry.customer_id == a.customer_id
        assert pbx.jti_hash(claims["jti"]) in entry.details and claims["jti"] not in entry.details
    assert claims["exp"] - claims["iat"] == 60
    assert claims["jti"] not in used._seen and pbx.jti_hash(claims["jti"]) in used._seen  # stored hashed
    with pytest.raises(pbx.TokenRefused, match="already used"):
        pbx.verify_token(issued, _secret(app), used)


@pytest.mark.rule("R-PBX-1")
def test_expired_tokens_are_refused(app, issued):
    with pytest.raises(pbx.TokenRefused, match="expired"):
        pbx.verify_token(issued, _secret(app), pbx.UsedTokenIds(), now=time.time() + 61)


@pytest.mark.rule("R-PBX-1")
def test_a_replay_after_the_store_forgot_expired_ids_is_still_refused(app, issued):
    used = pbx.UsedTokenIds()
    pbx.verify_token(issued, _secret(app), used)
    with pytest.raises(pbx.TokenRefused):  # expired by then: forgetting its id does no harm
        pbx.verify_token(issued, _secret(app), used, now=time.time() + 120)


@pytest.mark.rule("R-PBX-1")
def test_tampered_claims_are_refused(app, issued):
    header, payload, signature = issued.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    for change in ({"contract": "V999999"}, {"customer": "9999999"}, {"sub": "someone.else"},
                   {"exp": claims["exp"] + 3600}):
        forged = ".".join([header, _b64({**claims, **change}), signature])
        with pytest.raises(pbx.TokenRefused):
            pbx.verify_token(forged, _secret(app), pbx.UsedTokenIds())


@pytest.mark.rule("R-PBX-1")
@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # HS512 with the test secret
def test_tokens_signed_otherwise_are_refused(app, issued):
    claims = jwt.decode(issued, options={"verify_signature": False})
    secret = _secret(app)
    forged = {
        "other secret": jwt.encode(claims, "another-secret-of-at-least-32-bytes!", algorithm="HS256"),
        "alg none": ".".join([_b64({"alg": "none", "typ": "JWT"}), _b64(claims), ""]),
        "HS512": jwt.encode(claims, secret, algorithm="HS512"),
        "wrong audience": jwt.encode({**claims, "aud": "somewhere"}, secret, algorithm="HS256"),
        "wrong issuer": jwt.encode({**claims, "iss": "evil"}, secret, algorithm="HS256"),
        "no contract": jwt.encode({k: v for k, v in claims.items() if k != "contract"}, secret, algorithm="HS256"),
        "no jti": jwt.encode({k: v for k, v in claims.items() if k != "jti"}, secret, algorithm="HS256"),
        "garbage": "not-a-token",
        "empty": "",
    }
    for reason, token in forged.items():
        with pytest.raises(pbx.TokenRefused):
            pbx.verify_token(token, secret, pbx.UsedTokenIds())
            pytest.fail(reason)


@pytest.mark.rule("R-PBX-1")
def test_every_sign_on_gets_its_own_token(app, world, signed_in):
    client = signed_in(world["a"].users[PBX_ADMIN])
    first = _token_of(_sign_on(client, world["a"].ids["contract"][1]))
    second = _token_of(_sign_on(client, world["a"].ids["contract"][1]))
    assert first != second
    used = pbx.UsedTokenIds()
    pbx.verify_token(first, _secret(app), used)
    pbx.verify_token(second, _secret(app), used)


@pytest.mark.rule("R-PBX-1")
def test_sign_on_only_for_live_cloud_phone_contracts_by_post(app, world, signed_in):
    a = world["a"]
    trunk, cloud = a.ids["contract"]
    client = signed_in(a.users[PBX_ADMIN])
    assert _sign_on(client, trunk).status_code == 404  # not cloud.phone
    assert client.get(f"/portal/cloud-phone/{cloud}/sign-on").status_code == 405
    assert client.post(f"/portal/cloud-phone/{cloud}/sign-on").status_code == 400  # no CSRF token
    with app.app_context():
        db.session.get(Contract, cloud).status = ContractStatus.INACTIVE
        db.session.commit()
    assert _sign_on(client, cloud).status_code == 404
    assert f"/portal/cloud-phone/{cloud}/sign-on" not in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert not db.session.scalars(select(AuditLog).where(AuditLog.action == pbx.PBX_SIGN_ON)).all()


@pytest.mark.rule("R-PBX-1")
def test_only_the_pbx_admin_signs_on(app, world, signed_in):
    """R-PBX-1 (manual: the "Administrator Telefonanlage … kann sich per SSO … anmelden"): the PBX Admin only."""
    a = world["a"]
    cloud = a.ids["contract"][1]
    assert _sign_on(signed_in(a.users[PBX_ADMIN]), cloud).status_code == 303
    assert _sign_on(signed_in(a.users[PORTAL_ADMIN]), cloud).status_code == 403
    assert _sign_on(signed_in(a.users[ACCOUNTING]), cloud).status_code == 403
    with app.app_context():
        audited = db.session.scalars(select(AuditLog).where(AuditLog.action == pbx.PBX_SIGN_ON)).all()
        assert [entry.user_id for entry in audited] == [_user_id(a.users[PBX_ADMIN])]


def _user_id(username):
    from app.models import EServiceUser

    return db.session.scalar(select(EServiceUser.id).where(EServiceUser.username == username))


@pytest.mark.rule("R-PBX-1")
def test_the_portal_admin_sees_cloud_phone_contracts_and_who_signs_on(app, world, signed_in):
    """R-PBX-1: the Portal Admin still sees the contracts, no sign-on button, and a hint: the PBX Admin signs
    on, and (until the portal's user management exists) the carrier's service sets that account up."""
    a = world["a"]
    cloud = a.ids["contract"][1]
    client = signed_in(a.users[PORTAL_ADMIN])
    for url in ("/", "/portal/cloud-phone/"):
        html = client.get(url).get_data(as_text=True)
        with app.app_context():
            number = db.session.get(Contract, cloud).contract_number
        assert number in html, url
        assert f"/portal/cloud-phone/{cloud}/sign-on" not in html, url
        assert 'id="pbx-admin-hint"' in html and "Administrator Telefonanlage" in html
        assert "Kundenservice" in html and app.config["HOTLINE_PHONE"] in html
    pbx_html = signed_in(a.users[PBX_ADMIN]).get("/portal/cloud-phone/").get_data(as_text=True)
    assert f"/portal/cloud-phone/{cloud}/sign-on" in pbx_html and 'id="pbx-admin-hint"' not in pbx_html


# --- the secret (README "cloud.phone sign-on"): never SECRET_KEY ------------------------------
@pytest.mark.rule("R-PBX-1")
def test_tokens_are_not_signed_with_the_session_key(app, issued):
    """Whoever holds the PBX secret (the PBX operator) must not be able to forge session cookies or PIN
    hashes: the token verifies with PBX_SSO_SECRET only, never with SECRET_KEY."""
    assert app.config["PBX_SSO_SECRET"] and app.config["PBX_SSO_SECRET"] != app.config["SECRET_KEY"]
    with pytest.raises(pbx.TokenRefused):
        pbx.verify_token(issued, app.config["SECRET_KEY"], pbx.UsedTokenIds())
    assert pbx.verify_token(issued, app.config["PBX_SSO_SECRET"], pbx.UsedTokenIds())["aud"] == pbx.AUDIENCE


@pytest.mark.rule("R-PBX-1")
def test_no_fallback_to_the_session_key():
    with pytest.raises(RuntimeError, match="PBX_SSO_SECRET"):
        pbx._secret({"SECRET_KEY": "a-session-key-of-some-length-1234", "PBX_SSO_SECRET": None})
    with pytest.raises(RuntimeError, match="differ"):
        pbx._secret({"SECRET_KEY": "same-secret-for-both-of-them-1234", "PBX_SSO_SECRET": "same-secret-for-both-of-them-1234"})


def _config_check(env: dict) -> subprocess.CompletedProcess:
    """Import config.py afresh in a process of its own with exactly `env` set, and run Config.check()."""
    clean = {k: v for k, v in os.environ.items()
             if k not in ("ESERVICE_ENV", "SECRET_KEY", "ENCRYPTION_KEY", "PBX_SSO_SECRET")}
    return subprocess.run([sys.executable, "-c", "import config; config.Config.check(); "
                           "print(bool(config.Config.PBX_SSO_SECRET) and config.Config.PBX_SSO_SECRET != config.Config.SECRET_KEY)"],
                          cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60)


PRODUCTION = {"ESERVICE_ENV": "production", "SECRET_KEY": "prod-session-key-0123456789abcdef",
              "ENCRYPTION_KEY": "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzJieXRlcyE="}


@pytest.mark.rule("R-PBX-1")
def test_production_refuses_to_start_without_a_pbx_secret_of_its_own():
    missing = _config_check(PRODUCTION)
    assert missing.returncode != 0 and "PBX_SSO_SECRET" in missing.stderr
    same = _config_check({**PRODUCTION, "PBX_SSO_SECRET": PRODUCTION["SECRET_KEY"]})
    assert same.returncode != 0 and "differ" in same.stderr
    separate = _config_check({**PRODUCTION, "PBX_SSO_SECRET": "prod-pbx-secret-fedcba9876543210"})
    assert separate.returncode == 0, separate.stderr


@pytest.mark.rule("R-PBX-1")
def test_development_has_a_pbx_secret_of_its_own():
    development = _config_check({"ESERVICE_ENV": "development"})
    assert development.returncode == 0 and development.stdout.strip() == "True", development.stderr
    with_key = _config_check({"ESERVICE_ENV": "development", "SECRET_KEY": "my-own-dev-session-key-123456789"})
    assert with_key.returncode == 0 and with_key.stdout.strip() == "True"
