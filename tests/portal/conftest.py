"""Fixtures of the portal tests: the two-customer world and signed-in clients per user."""
from __future__ import annotations

import re

import pytest

from tests.auth_helpers import complete_login_with_pin
from tests.portal.world import PASSWORD, build_world
from tests.security.auth_fixtures import new_client


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()


@pytest.fixture
def signed_in(app):
    """signed_in(username) → a test client of its own, signed in through the real two-step login."""
    clients = {}

    def _client(username: str):
        if username not in clients:
            client = new_client(app)
            response = complete_login_with_pin(client, username, PASSWORD, app=app)
            assert response.status_code == 302, (username, response.status_code)
            assert "/login" not in response.headers["Location"], response.headers["Location"]
            clients[username] = client
        return clients[username]

    return _client


_META_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def page_token(html: str) -> str:
    """The CSRF token every portal page carries in its <meta name="csrf-token">."""
    match = _META_CSRF.search(html)
    assert match, "page has no csrf-token meta tag"
    return match.group(1)
