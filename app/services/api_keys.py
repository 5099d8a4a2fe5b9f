"""Personal API keys of a company (issue 19, QUALITY S8/S9): create, list, revoke, authenticate, limit.

Keys are Flask-AppBuilder 5.3's own `ab_api_key` rows (slow hash plus keyed lookup hash,
prefix, expiry, revocation, last use); `ApiKeyGrant` adds the company and the scope
(read or read-write). The secret is returned once by `create_key` and never stored.
A key acts as the portal user who made it and stops working as soon as that user
is locked, deactivated or moved out of the company.
"""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import date, datetime, time as day_time

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_appbuilder.security.sqla.models import ApiKey
from sqlalchemy import case, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import ApiKeyGrant, EServiceUser
from app.models.mixins import utcnow
from app.services import audit
from app.services.errors import Invalid
from app.services.tenancy import get_owned_or_404, scoped, tenant_id

READ = "read"
READ_WRITE = "read-write"
SCOPES = (READ, READ_WRITE)
PREFIX = "esv_"
NAME_MAX = 80
WINDOW_SECONDS = 60
KEY_CREATED = "api_key_created"
KEY_REVOKED = "api_key_revoked"


@dataclass(frozen=True)
class NewKey:
    grant: ApiKeyGrant
    secret: str  # shown once, in the response to the creating request


# Keys whose slow hash this process has already checked: {lookup hash: (key id, stored slow hash)}.
# The lookup hash is keyed by SECRET_KEY and taken over a 256-bit random secret, so once scrypt has
# confirmed that a secret matches a row, the same lookup hash on the same row (same stored hash) can only
# come from the same secret; checking scrypt again on every call cost ~0.1 s of CPU per API request.
# Holds hashes only, never a secret; revocation, expiry and the user's status are checked on every request.
_VERIFIED: dict[str, tuple[int, str]] = {}
_VERIFIED_MAX = 4096


def _lookup_hash(raw: str) -> str:
    return current_app.appbuilder.sm._compute_lookup_hash(raw)


def _matches(key: ApiKey, lookup: str, raw: str) -> bool:
    """The presented secret belongs to this row: scrypt on the first call of this process, then remembered."""
    if _VERIFIED.get(lookup) == (key.id, key.key_hash):
        return True
    if not check_password_hash(key.key_hash, raw):
        return False
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.clear()
    _VERIFIED[lookup] = (key.id, key.key_hash)
    return True


def create_key(user, name: str, scope: str, expires_on: date | None) -> NewKey:
    """A new key of `user`'s company in one transaction; the secret comes back once."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise Invalid(fields={"name": [_l("Please enter a name of at most %(n)d characters.", n=NAME_MAX)]})
    if scope not in SCOPES:
        raise Invalid(fields={"scope": [_l("Please choose read or read and write.")]})
    if expires_on is not None and expires_on <= utcnow().date():
        raise Invalid(fields={"expires_on": [_l("The expiry date must lie in the future.")]})
    customer_id = tenant_id()
    raw = PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name, key_hash=generate_password_hash(raw, method="scrypt"),
                 lookup_hash=_lookup_hash(raw), key_prefix=raw[:12], user_id=user.id, scopes=scope,
                 active=True, created_on=utcnow(),
                 expires_on=datetime.combine(expires_on, day_time.min) if expires_on else None)
    grant = ApiKeyGrant(api_key=key, customer_id=customer_id, scope=scope, window_start=0, window_count=0)
    db.session.add_all([key, grant])
    db.session.flush()
    audit.record(KEY_CREATED, user, object_type="api_key", object_id=str(grant.id), details=name)
    db.session.commit()
    return NewKey(grant=grant, secret=raw)


def list_keys() -> list[ApiKeyGrant]:
    """Every key of the signed-in user's company, newest first (revoked ones too, marked)."""
    return list(db.session.scalars(scoped(ApiKeyGrant).order_by(ApiKeyGrant.id.desc())).unique())


def revoke_key(user, raw_id) -> ApiKeyGrant:
    """Revoke a key of the company (404 for another company's); revoking twice changes nothing."""
    grant = get_owned_or_404(ApiKeyGrant, raw_id)
    key = grant.api_key
    if key.revoked_on is None:
        key.revoked_on = utcnow()
        key.active = False
        audit.record(KEY_REVOKED, user, object_type="api_key", object_id=str(grant.id), details=key.name)
        db.session.commit()
    return grant


def status_of(grant: ApiKeyGrant, now: datetime | None = None) -> str:
    """"revoked", "expired" or "active", as the key list shows it."""
    key = grant.api_key
    if key.revoked_on is not None or not key.active:
        return "revoked"
    if key.expires_on is not None and key.expires_on <= (now or utcnow()):
        return "expired"
    return "active"


def key_user(grant: ApiKeyGrant):
    """The portal user who made the key (as the product's user class, with its company and status)."""
    return db.session.scalar(select(EServiceUser).where(EServiceUser.id == grant.api_key.user_id))


def is_usable(grant: ApiKeyGrant, now: datetime | None = None) -> bool:
    """Not revoked, not expired, and its user still an active member of the key's company."""
    now = now or utcnow()
    key = grant.api_key
    if not key.active or key.revoked_on is not None or (key.expires_on is not None and key.expires_on <= now):
        return False
    user = key_user(grant)
    if user is None or not user.is_active or user.customer_id != grant.customer_id:
        return False
    locked_until = getattr(user, "locked_until", None)
    return locked_until is None or locked_until <= now


def authenticate(raw: str | None) -> ApiKeyGrant | None:
    """The grant of a presented key when it is valid and usable, else None; records its last use."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    lookup = _lookup_hash(raw)
    key = db.session.scalar(select(ApiKey).where(ApiKey.lookup_hash == lookup))
    if key is None or not _matches(key, lookup, raw):
        return None
    grant = db.session.scalar(select(ApiKeyGrant).where(ApiKeyGrant.api_key_id == key.id))
    if grant is None or not is_usable(grant):
        return None
    key.last_used_on = utcnow()
    db.session.commit()
    return grant


def rate_limit() -> int:
    return int(current_app.config.get("API_RATE_LIMIT_PER_MINUTE", 120))


def take_request(grant: ApiKeyGrant, now: float | None = None) -> int | None:
    """Count one request in the key's fixed one-minute window; seconds to wait when over the limit.

    One UPDATE in the database, so every worker counts into the same window.
    """
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    db.session.execute(
        update(ApiKeyGrant).where(ApiKeyGrant.id == grant.id).values(
            window_count=case((ApiKeyGrant.window_start == window, ApiKeyGrant.window_count + 1), else_=1),
            window_start=window,
        )
    )
    count = db.session.scalar(select(ApiKeyGrant.window_count).where(ApiKeyGrant.id == grant.id))
    db.session.commit()
    if count > rate_limit():
        return max(1, (window + 1) * WINDOW_SECONDS - int(now))
    return None
