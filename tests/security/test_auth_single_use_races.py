"""Single use under a race (QUALITY S4, S5, R3): two parallel posts of one set-password link, one SMS PIN
or one authenticator code — exactly one wins.

Each request runs in its own thread with its own app context and database session on the suite's
file database (SQLite, or PostgreSQL under `make test-pg`). A barrier holds both right after they
have read the still-unused link or challenge, so both pass every check before either writes: the
worst interleaving, every time.
"""
from __future__ import annotations

import threading

import pyotp
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditLog, OneTimeToken, OutboxMessage, PinChallenge
from app.models.enums import SecondFactor
from app.security.roles import ADMIN, PORTAL_ADMIN
from app.services.auth import links, pins, reset_requests, signin, tokens
from app.services.errors import Invalid
from tests.auth_helpers import LINK_RE, PIN_RE
from tests.factories import make_customer, make_user
from tests.races import race

PW = "Sicher#Kennwort42"


def _hold_both_after(monkeypatch, module, name: str, parties: int = 2):
    """Make `module.name` wait until every racer has called it (then all go on at once)."""
    barrier = threading.Barrier(parties, timeout=10)
    original = getattr(module, name)

    def held(*args, **kwargs):
        result = original(*args, **kwargs)
        barrier.wait()
        return result

    monkeypatch.setattr(module, name, held)


@pytest.mark.rule("R-AUTH-5", "R3", "R4")
def test_forgot_password_request_worked_once_by_two_parallel_workers(app):
    """R-AUTH-5, R3, R4: the after-response hand-off and the delivery job reach one request at once: one link,
    one email, one audit entry; the other finds the request gone."""
    with app.app_context():
        make_user(PORTAL_ADMIN, customer=make_customer(), username="race.reset", mobile="+491711230102")
        db.session.commit()
        request_id = links.request_password_reset("race.reset").id
    results = race(app, lambda _i: reset_requests.work(request_id))
    assert not any(isinstance(r, Exception) for r in results), results
    assert sum(r is not None for r in results) == 1, results
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
        assert db.session.scalar(select(func.count(OneTimeToken.id))) == 1
        assert db.session.scalar(
            select(func.count(AuditLog.id)).where(AuditLog.action == "password_reset_requested")) == 1
        assert reset_requests.work_pending() == 0


@pytest.mark.rule("S5", "R3")
def test_set_password_link_used_once_by_two_parallel_posts(app, monkeypatch):
    """S5: one link, two simultaneous "set password" posts: one sets it, the other is told the link is gone."""
    with app.app_context():
        make_user(PORTAL_ADMIN, customer=make_customer(), username="race.link", mobile="+491711230101")
        db.session.commit()
        message = reset_requests.work(links.request_password_reset("race.link").id)
        raw = LINK_RE.search(message.body).group(1).rsplit("/", 1)[1]
    _hold_both_after(monkeypatch, tokens, "find_valid")
    passwords = ["Erstes(Kennwort)71", "Zweites(Kennwort)72"]
    results = race(app, lambda i: links.set_password_by_link(raw, passwords[i], passwords[i]))
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], Invalid), losers[0]
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "password_set_by_link")) == 1
        assert db.session.scalars(select(OneTimeToken.used_at)).one() is not None


@pytest.mark.rule("S4", "R3")
def test_sms_pin_used_once_by_two_parallel_posts(app, monkeypatch):
    """S4: one attempt, its right PIN posted twice at once: exactly one sign-in."""
    with app.app_context():
        user = make_user(PORTAL_ADMIN, customer=make_customer(), username="race.pin", mobile="+491711230102")
        db.session.commit()
        attempt_id, message = signin.start_second_step(user, signin.SecondStep.SMS)
        pin = PIN_RE.search(message.body).group(1)
        user_id = user.id
    _hold_both_after(monkeypatch, pins, "find_challenge")
    results = race(app, lambda i: signin.check_second_step(user_id, attempt_id, pin)[0])
    assert sorted(r.value for r in results) == ["restart", "signed_in"], results
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "sign_in")) == 1


@pytest.mark.rule("S4", "R3")
def test_authenticator_code_used_once_by_two_parallel_attempts(app, monkeypatch):
    """S4: two sign-in attempts (two browsers) post the same app code at once: exactly one signs in."""
    secret = pyotp.random_base32()
    with app.app_context():
        user = make_user(ADMIN, username="race.totp", second_factor=SecondFactor.TOTP, totp_secret=secret)
        db.session.commit()
        attempts = [signin.start_second_step(user, signin.SecondStep.TOTP)[0] for _ in range(2)]
        user_id = user.id
    code = pyotp.TOTP(secret).now()
    _hold_both_after(monkeypatch, pins, "find_challenge")
    results = race(app, lambda i: signin.check_second_step(user_id, attempts[i], code)[0])
    assert [r.value for r in results].count("signed_in") == 1, results
    with app.app_context():
        used = db.session.scalars(select(PinChallenge).where(PinChallenge.used_at.is_not(None))).all()
        assert len(used) == 1


@pytest.mark.rule("S4")
@pytest.mark.parametrize("attempts", [1, 2])
def test_a_used_app_code_is_refused_afterwards(app, attempts):
    """S4: after a sign-in, the same code (or an older one) never signs in again."""
    secret = pyotp.random_base32()
    with app.app_context():
        user = make_user(ADMIN, username=f"race.totp{attempts}", second_factor=SecondFactor.TOTP,
                         totp_secret=secret)
        db.session.commit()
        code = pyotp.TOTP(secret).now()
        first = signin.start_second_step(user, signin.SecondStep.TOTP)[0]
        assert signin.check_second_step(user.id, first, code)[0] is signin.CodeResult.SIGNED_IN
        for _ in range(attempts):
            again = signin.start_second_step(user, signin.SecondStep.TOTP)[0]
            assert signin.check_second_step(user.id, again, code)[0] is signin.CodeResult.WRONG
