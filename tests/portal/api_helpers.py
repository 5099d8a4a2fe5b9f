"""Helpers of the REST API tests: a key made through the service, as its Portal Admin would."""
from __future__ import annotations

from sqlalchemy import select

from app import context
from app.extensions import db
from app.models import EServiceUser
from app.services import api_keys


def make_key(app, username: str, scope: str = api_keys.READ, expires_on=None, name: str = "ERP") -> tuple[int, str]:
    """(grant id, secret) of a new key of `username`."""
    with app.app_context():
        user = db.session.scalar(select(EServiceUser).where(EServiceUser.username == username))
        context.bind(user, "127.0.0.1")
        try:
            new = api_keys.create_key(user, name, scope, expires_on)
            return new.grant.id, new.secret
        finally:
            context.unbind()


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
