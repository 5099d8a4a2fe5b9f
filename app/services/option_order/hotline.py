"""The customer password that releases an option order (R-WIZ-6), counted like sign-in failures.

Each wrong password at a submit is a row in `auth_failure` (step "hotline") for the
acting account; with HOTLINE_PASSWORD_FAILURE_LIMIT of them within LOCKOUT_WINDOW
further submits are refused until the window has passed, whatever the password, so
the password cannot be guessed through the wizard. A sign-in does not reset the count.
"""
from __future__ import annotations

import hmac

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuthFailure
from app.models.mixins import utcnow
from app.services import audit
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
    if recent_failures(user, now) >= limit:
        raise Forbidden(_l("The customer password was entered wrongly too often. Please try again in "
                           "%(minutes)s minutes.", minutes=minutes))
    given = (password or "").encode("utf-8")
    stored = (customer.hotline_password or "").encode("utf-8")
    if stored and given and hmac.compare_digest(given, stored):
        return
    db.session.rollback()
    db.session.add(AuthFailure(user_id=user.id, client_ip=audit.client_ip(), step=STEP_HOTLINE,
                               occurred_at=now or utcnow()))
    db.session.commit()
    raise drafts.invalid({FIELD: [_l("The customer password is not correct. You find it on the start page "
                                     "under \"Show customer password\".")]})
