"""The customer password that releases an option order (R-WIZ-6), counted like sign-in failures.

Each wrong password at a submit is a row in `auth_failure` (step "hotline") for the
acting account; with HOTLINE_PASSWORD_FAILURE_LIMIT of them within LOCKOUT_WINDOW
further submits are refused until the window has passed, whatever the password, so
the password cannot be guessed through the wizard. A sign-in does not reset the count.
The failures also count toward the account's sign-in lockout and the client's limit
(`throttle.confirm_secret`), so wizard and sign-in together allow no more guesses.
"""
from __future__ import annotations

import hmac

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuthFailure
from app.models.mixins import utcnow
from app.services.auth import throttle
from app.services.auth.throttle import STEP_HOTLINE
from app.services.errors import Forbidden

from . import drafts

FIELD = "hotline_password"


def recent_failures(user, now=None) -> int:
    """Wrong customer passwords of this account within the lockout window."""
    now = now or utcnow()
    return db.session.scalar(select(func.count(AuthFailure.id)).where(
        AuthFailure.user_id == user.id, AuthFailure.step == STEP_HOTLINE,
        AuthFailure.occurred_at > now - current_app.config["LOCKOUT_WINDOW"])) or 0


def check(customer, user, password: str | None, now=None) -> None:
    """Pass when `password` is the customer's password; else count the failure (committed) and refuse."""
    cfg = current_app.config
    limit = cfg["HOTLINE_PASSWORD_FAILURE_LIMIT"]
    minutes = int(cfg["LOCKOUT_WINDOW"].total_seconds() // 60)
    throttle.refuse_if_limited(user)
    if recent_failures(user, now) >= limit:
        raise Forbidden(_l("The customer password was entered wrongly too often. Please try again in "
                           "%(minutes)s minutes.", minutes=minutes))
    given = (password or "").encode("utf-8")
    stored = (customer.hotline_password or "").encode("utf-8")
    if stored and given and hmac.compare_digest(given, stored):
        return
    # Counted like a sign-in failure too: toward the account's lockout and the client's limit.
    throttle.confirm_secret(user, False, STEP_HOTLINE)
    raise drafts.invalid({FIELD: [_l("The customer password is not correct. You find it on the start page "
                                     "under \"Show customer password\".")]})
