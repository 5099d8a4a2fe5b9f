"""Active sessions on My profile (S8): listed with browser, system, IP; one or all others end at once."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import UserSession
from app.roles import PORTAL_ADMIN
from app.services.auth.user_sessions import describe_agent
from tests.auth_helpers import complete_login_with_pin
from tests.portal.conftest import page_token
from tests.portal.world import PASSWORD
from tests.security.auth_fixtures import new_client

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


def _browser(app, username, agent=None):
    client = new_client(app)
    if agent:
        client.environ_base["HTTP_USER_AGENT"] = agent
    response = complete_login_with_pin(client, username, PASSWORD, app=app)
    assert response.status_code == 302 and "/login" not in response.headers["Location"]
    return client


def _signed_in(client) -> bool:
    response = client.get("/account/profile")
    return response.status_code == 200


@pytest.mark.rule("S8")
def test_profile_lists_own_sessions_and_ends_one_from_another_browser(app, world):
    username = world["a"].users[PORTAL_ADMIN]
    first = _browser(app, username, FIREFOX)
    second = _browser(app, username)
    page = second.get("/account/profile").get_data(as_text=True)
    assert "Firefox 128" in page and "Windows" in page
    refs = re.findall(r'name="session" value="([0-9a-f]{16})"', page)
    assert len(refs) == 1  # the other one; the current session is ended by Logout
    token = page_token(page) if 'name="csrf-token"' in page else re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert second.post("/account/sessions/end", data={"csrf_token": token, "session": refs[0]}).status_code == 302
    assert not _signed_in(first)
    assert _signed_in(second)


@pytest.mark.rule("S8")
def test_sign_out_everywhere_else_and_foreign_sessions_are_404(app, world):
    username = world["a"].users[PORTAL_ADMIN]
    others = [_browser(app, username) for _ in range(2)]
    me = _browser(app, username)
    stranger = _browser(app, world["b"].users[PORTAL_ADMIN])
    stranger_page = stranger.get("/account/profile").get_data(as_text=True)
    stranger_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', stranger_page).group(1)
    page = me.get("/account/profile").get_data(as_text=True)
    ref = re.findall(r'name="session" value="([0-9a-f]{16})"', page)[0]
    # Another user's session id: 404, and the session lives on.
    assert stranger.post("/account/sessions/end", data={"csrf_token": stranger_token, "session": ref}).status_code == 404
    assert _signed_in(others[0]) or _signed_in(others[1])
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert me.post("/account/sessions/end-others", data={"csrf_token": token}).status_code == 302
    assert not any(_signed_in(c) for c in others)
    assert _signed_in(me) and _signed_in(stranger)


@pytest.mark.rule("S8")
def test_password_change_keeps_this_session_only_and_each_request_checks_one_row(app, world):
    username = world["a"].users[PORTAL_ADMIN]
    other = _browser(app, username)
    me = _browser(app, username)
    page = me.get("/account/password").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = me.post("/account/password", data={"csrf_token": token, "current_password": PASSWORD,
                                                   "new_password": "Neues#Kennwort77", "confirm": "Neues#Kennwort77"})
    assert response.status_code == 302
    assert not _signed_in(other)
    assert _signed_in(me)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UserSession)) >= 1


def test_user_agents_are_described_without_a_library():
    assert describe_agent(FIREFOX) == ("Firefox 128", "Windows")
    assert describe_agent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 "
                          "Safari/537.36") == ("Chrome 130", "Linux")
    assert describe_agent(None) == ("?", "?")


def _last_seen(app, username):
    from app.models.security import EServiceUser
    with app.app_context():
        user_id = db.session.scalar(select(EServiceUser.id).where(EServiceUser.username == username))
        return db.session.scalars(select(UserSession.last_seen_at).where(UserSession.user_id == user_id)).all()


@pytest.mark.rule("P7")
def test_last_seen_is_stamped_without_waiting_for_another_writer(app, world):
    """Issue 20, P7: a page stamps its session's last seen (at most once a minute) without waiting for the
    write lock another writer holds, as the retention job's batch does for seconds on SQLite; the stamp
    is skipped then and written by a later request."""
    from datetime import timedelta

    from sqlalchemy import update

    from app.models.mixins import utcnow

    username = world["a"].users[PORTAL_ADMIN]
    client = _browser(app, username)
    with app.app_context():
        db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=5)))
        db.session.commit()
    old = _last_seen(app, username)
    with app.app_context():
        writer = db.engine.connect()
        sqlite = writer.dialect.name == "sqlite"
        if sqlite:
            writer.exec_driver_sql("BEGIN IMMEDIATE")  # holds the database's write lock, like a retention batch
        try:
            import time
            started = time.perf_counter()
            assert client.get("/portal/contracts/").status_code == 200
            assert time.perf_counter() - started < 2.0  # the busy timeout is 10 s
            if sqlite:
                assert _last_seen(app, username) == old  # skipped while the database is busy
        finally:
            writer.rollback()
            writer.close()
    assert client.get("/portal/contracts/").status_code == 200
    assert _last_seen(app, username)[0] > old[0]  # a later request writes it
