"""Client address behind the TLS proxy (QUALITY S6 per-IP limits, audit log): TRUSTED_PROXY_COUNT."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog
from app.security.proxy import TrustedProxies
from tests.security.auth_fixtures import client, forget_cached_csrf, new_client  # noqa: F401  - fixtures
from tests.conftest import csrf_token_from

PROXY = "10.0.0.1"


@pytest.fixture
def proxies(app):
    """Set TRUSTED_PROXY_COUNT for one test."""
    saved = app.config["TRUSTED_PROXY_COUNT"], app.config["IP_FAILURE_LIMIT"]

    def _set(count: int) -> None:
        app.config["TRUSTED_PROXY_COUNT"] = count

    yield _set
    app.config["TRUSTED_PROXY_COUNT"], app.config["IP_FAILURE_LIMIT"] = saved


def _failed_login(app, forwarded_for: str):
    c = new_client(app)
    forget_cached_csrf()
    env = {"REMOTE_ADDR": PROXY}
    headers = {"X-Forwarded-For": forwarded_for}
    page = c.get("/login/", environ_base=env, headers=headers)
    return c.post("/login/", data={"username": "nobody.proxy", "password": "wrong-password-1",
                                   "csrf_token": csrf_token_from(page.get_data(as_text=True))},
                  environ_base=env, headers=headers)


def test_default_ignores_forwarded_headers(app, app_ctx, proxies):
    """With no trusted proxy, X-Forwarded-For is the client's own text: the audit log keeps the peer address."""
    assert app.config["TRUSTED_PROXY_COUNT"] == 0
    _failed_login(app, "203.0.113.7")
    assert db.session.scalars(select(AuditLog.client_ip)).all() == [PROXY]


def test_one_trusted_proxy_gives_the_client_address(app, app_ctx, proxies):
    """Behind one proxy the audit log names the client the proxy saw (the last X-Forwarded-For entry)."""
    proxies(1)
    _failed_login(app, "198.51.100.1, 203.0.113.7")  # a forged first entry is not believed
    assert db.session.scalars(select(AuditLog.client_ip)).all() == ["203.0.113.7"]


@pytest.mark.rule("S6")
def test_per_ip_limit_per_client_behind_the_proxy(app, app_ctx, proxies):
    """S6: behind the proxy one client's failures block that client only, not everyone."""
    proxies(1)
    app.config["IP_FAILURE_LIMIT"] = 3
    for _ in range(3):
        assert _failed_login(app, "203.0.113.7").status_code == 200
    assert _failed_login(app, "203.0.113.7").status_code == 429
    assert _failed_login(app, "203.0.113.8").status_code == 200


@pytest.mark.rule("S6")
def test_without_trusted_proxy_forged_addresses_do_not_escape_the_limit(app, app_ctx, proxies):
    """S6: a client writing its own X-Forwarded-For still counts as its real address."""
    app.config["IP_FAILURE_LIMIT"] = 3
    for i in range(3):
        _failed_login(app, f"203.0.113.{i}")
    assert _failed_login(app, "203.0.113.99").status_code == 429


@pytest.mark.parametrize("count, expected", [
    (0, ("10.0.0.1", "http", "portal.internal")),
    (1, ("203.0.113.7", "https", "eservice.example")),
])
def test_proxy_fix_sets_address_scheme_and_host(app, count, expected, proxies):
    """X-Forwarded-For/-Proto/-Host are applied only for TRUSTED_PROXY_COUNT > 0."""
    proxies(count)
    seen = {}

    def inner(environ, start_response):
        seen.update(addr=environ["REMOTE_ADDR"], scheme=environ["wsgi.url_scheme"], host=environ["HTTP_HOST"])
        start_response("204 No Content", [])
        return [b""]

    environ = {"REMOTE_ADDR": "10.0.0.1", "wsgi.url_scheme": "http", "HTTP_HOST": "portal.internal",
               "SERVER_NAME": "portal.internal", "SERVER_PORT": "80", "REQUEST_METHOD": "GET", "PATH_INFO": "/",
               "HTTP_X_FORWARDED_FOR": "203.0.113.7", "HTTP_X_FORWARDED_PROTO": "https",
               "HTTP_X_FORWARDED_HOST": "eservice.example"}
    TrustedProxies(inner, app)(environ, lambda *a: None)
    assert (seen["addr"], seen["scheme"], seen["host"]) == expected
    assert isinstance(app.wsgi_app, TrustedProxies), "the app itself is wrapped"
