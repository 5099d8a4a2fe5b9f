"""Shared pieces of the sign-in tests: a controllable clock and page helpers."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient

from app.models.mixins import utcnow as real_utcnow
from tests.conftest import csrf_token_from

_MODULES = (
    "app.services.auth.pins", "app.services.auth.tokens", "app.services.auth.throttle",
    "app.services.accounts", "app.services.notifications.delivery",
)


_REQUEST_KEYS = (
    "_login_user", "csrf_token", "user", "_outbox_pending", "babel_locale", "babel_tzinfo", "babel_translations",
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
    sessions = importlib.import_module("app.services.auth.sessions")
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
