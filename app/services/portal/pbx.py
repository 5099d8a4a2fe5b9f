"""Single sign-on to the cloud.phone PBX administration (R-PBX-1).

The portal hands the browser a short-lived, signed token (a JWT, HS256) naming
the user, the customer and the contract, and redirects to PBX_URL/sso?token=….
The PBX side verifies the signature, audience, issuer and expiry with the shared
PBX_SSO_SECRET and accepts each token id (`jti`) only once. `verify_token` below is
that check, used by our tests and documented in the README for the PBX side.
"""
from __future__ import annotations

import secrets
import time
from urllib.parse import urlencode

import jwt
from flask import current_app

ISSUER = "e:service"
AUDIENCE = "cloud.phone"
ALGORITHM = "HS256"
DEFAULT_LIFETIME = 60


class TokenRefused(Exception):
    """The token is forged, expired, for someone else, or was used before."""


def _secret(config) -> str:
    secret = config.get("PBX_SSO_SECRET") or config.get("SECRET_KEY")
    if not secret:
        raise RuntimeError("PBX_SSO_SECRET (or SECRET_KEY) must be set for cloud.phone sign-on.")
    return secret


def issue_token(user, contract, now: float | None = None) -> str:
    """A token for `user` to administer the PBX of `contract` (valid PBX_SSO_TOKEN_SECONDS, default 60 s)."""
    issued = int(now if now is not None else time.time())
    lifetime = int(current_app.config.get("PBX_SSO_TOKEN_SECONDS", DEFAULT_LIFETIME))
    claims = {
        "iss": ISSUER, "aud": AUDIENCE, "iat": issued, "exp": issued + lifetime, "jti": secrets.token_urlsafe(16),
        "sub": user.username, "uid": user.id, "name": f"{user.first_name} {user.last_name}".strip(),
        "customer": contract.customer.customer_number, "contract": contract.contract_number,
    }
    return jwt.encode(claims, _secret(current_app.config), algorithm=ALGORITHM)


def sso_url(token: str) -> str:
    base = current_app.config.get("PBX_URL", "").rstrip("/")
    return f"{base}/sso?{urlencode({'token': token})}"


class UsedTokenIds:
    """Remembers token ids until they expire (the PBX side keeps its own, e.g. in Redis)."""

    def __init__(self):
        self._seen: dict[str, float] = {}

    def first_use(self, jti: str, expires: float, now: float) -> bool:
        for key in [k for k, exp in self._seen.items() if exp < now]:
            del self._seen[key]
        if jti in self._seen:
            return False
        self._seen[jti] = expires
        return True


def verify_token(token: str, secret: str, used: UsedTokenIds, now: float | None = None) -> dict:
    """The PBX side's check: signature, issuer, audience, expiry, and single use. Returns the claims."""
    moment = now if now is not None else time.time()
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER,
            options={"require": ["exp", "iat", "jti", "sub", "customer", "contract"], "verify_iat": False,
                     "verify_exp": False},
        )
    except jwt.PyJWTError as exc:
        raise TokenRefused(str(exc)) from None
    if claims["exp"] < moment:
        raise TokenRefused("expired")
    if not used.first_use(claims["jti"], claims["exp"], moment):
        raise TokenRefused("already used")
    return claims
