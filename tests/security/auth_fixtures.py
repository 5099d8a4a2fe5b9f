"""Shared pieces of the sign-in tests: a controllable clock and page helpers."""
from __future__ import annotations

import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient

from app.models.mixins import utcnow as real_utcnow
from tests.conftest import csrf_token_from

_MODULES = (
    "app.services.auth.pins", "app.services.auth.tokens", "app.services.auth.throttle",
    "app.services.auth.signin", "app.services.notifications.delivery",
)


_REQUEST_KEYS = (
    "_login_user", "csrf_token", "user", "_eservice_acting", "babel_locale", "babel_tzinfo", "babel_translations",
)


class IsolatedClient(FlaskClient):
    """A test client whose requests do not share per-request state through the test's `g`.

    While a test holds an app context (`app_ctx`), Flask reuses it for the
    client's requests, so Flask-Login's cached user and Flask-WTF's CSRF
    token would leak from one request, or one browser, to the next.
    """

    def open(self, *args, **kwargs):
        from flask import g, has_app_context

        if has_app_context():
            for key in _REQUEST_KEYS:
                g.pop(key, None)
        return super().open(*args, **kwargs)


def new_client(app) -> IsolatedClient:
    """Another browser."""
    return IsolatedClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def client(app):
    """The module's browser: an IsolatedClient."""
    return new_client(app)


class Clock:
    """Moves the product's notion of "now" (database timestamps and session times) forward."""

    def __init__(self):
        self.offset = timedelta()

    def advance(self, **kw) -> None:
        self.offset += timedelta(**kw)

    def now(self):
        return real_utcnow() + self.offset


@pytest.fixture
def clock(monkeypatch):
    import importlib
    import time

    c = Clock()
    for name in _MODULES:
        monkeypatch.setattr(importlib.import_module(name), "utcnow", c.now)
    sessions = importlib.import_module("app.security.sessions")
    monkeypatch.setattr(sessions, "time", SimpleNamespace(time=lambda: time.time() + c.offset.total_seconds()))
    return c


def post_form(client, url: str, data: dict, page_url: str | None = None):
    """GET the page for its CSRF token, then POST the form."""
    forget_cached_csrf()
    page = client.get(page_url or url)
    data = dict(data, csrf_token=csrf_token_from(page.get_data(as_text=True)))
    return client.post(url, data=data, follow_redirects=False)


def forget_cached_csrf() -> None:
    """Requests made while a test holds an app context share its `g`, where Flask-WTF caches the
    CSRF token; a second test client would then get no token in its own session."""
    from flask import g, has_app_context

    if has_app_context():
        g.pop("csrf_token", None)


def password_step(client, username: str, password: str, next_url: str | None = None):
    """Only the first step of sign-in."""
    url = "/login/" + (f"?next={next_url}" if next_url else "")
    return post_form(client, url, {"username": username, "password": password})


@pytest.fixture
def berlin_time():
    """The process runs in Europe/Berlin, as a server outside UTC does."""
    import os
    import time

    old = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


# --- A real HTTP server and client, for what the test client cannot show ------------------------

class _QuietHandler:
    """Built lazily: werkzeug's request handler without an access-log line per request."""

    @staticmethod
    def make():
        from werkzeug.serving import WSGIRequestHandler

        class Quiet(WSGIRequestHandler):
            def log_request(self, code="-", size="-") -> None:
                pass

        return Quiet


@pytest.fixture
def live_server(app):
    """The session app served by werkzeug on a free local port (threaded, like several workers).

    Unlike the test client, a real server writes the whole response to the socket before it
    closes the response, so "after the response" work is measured as users see it.
    """
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler.make())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


class HttpBrowser:
    """A minimal browser over http.client: one cookie jar, no redirects followed, timed requests."""

    def __init__(self, base_url: str):
        from urllib.parse import urlsplit

        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, *, keep_cookies: bool = True,
                headers: dict | None = None):
        """Send one request; return (status, headers, body text, seconds until the whole body arrived)."""
        import http.client
        from urllib.parse import urlencode

        body = urlencode(form).encode() if form is not None else None
        head = dict(headers or {})
        if body is not None:
            head["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            start = time.perf_counter()
            connection.request(method, path, body=body, headers=head)
            response = connection.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - start
        finally:
            connection.close()
        if keep_cookies:
            for value in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, data.decode("utf-8", "replace"), elapsed

    def get(self, path: str, **kw):
        return self.request("GET", path, **kw)

    def post(self, path: str, form: dict, **kw):
        return self.request("POST", path, form, **kw)

    def csrf_token(self, path: str) -> str:
        """GET a page (keeping its session cookie) and return the CSRF token of its first form."""
        return csrf_token_from(self.get(path)[2])


def wait_until_outbox_idle(app, timeout: float = 10.0) -> None:
    """Wait until the work after earlier responses is done: no forgot-password request waiting to be worked,
    no message queued or being sent."""
    from sqlalchemy import text

    from app.extensions import db

    deadline = time.monotonic() + timeout
    with app.app_context():
        engine = db.engine
    while True:
        with engine.connect() as connection:
            busy = connection.execute(text(
                "SELECT (SELECT count(*) FROM outbox_message WHERE status IN ('queued', 'sending'))"
                " + (SELECT count(*) FROM password_reset_request)")).scalar()
        if not busy:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{busy} message(s) or reset request(s) still waiting after {timeout} s")
        time.sleep(0.002)
