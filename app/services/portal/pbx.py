"""Single sign-on to the cloud.phone PBX administration (R-PBX-1).

The portal hands the browser a short-lived, signed token (a JWT, HS256) naming
the user, the customer and the contract, and redirects to PBX_URL/sso?token=….
The PBX side verifies the signature, audience, issuer and expiry with the shared
PBX_SSO_SECRET and accepts each token id (`jti`) only once: it keeps the SHA-256 of
every used `jti` until the token's expiry (so a leaked store lists no usable ids).
`verify_token` below is that check, used by our tests and given to the PBX side:

    import hashlib, time
    import jwt  # PyJWT

    def verify(token: str, secret: str, redis) -> dict:
        claims = jwt.decode(token, secret, algorithms=["HS256"], audience="cloud.phone",
                            issuer="e:service", leeway=5,
                            options={"require": ["exp", "iat", "jti", "sub", "customer", "contract"]})
        key = "pbx-sso:" + hashlib.sha256(claims["jti"].encode()).hexdigest()
        ttl = max(1, int(claims["exp"] - time.time()) + 5)
        if not redis.set(key, 1, nx=True, ex=ttl):      # already used
            raise PermissionError("token already used")
        return claims  # sub: username, customer: customer number, contract: contract number

The portal records the same hash in its audit trail (action `pbx_sign_on`), so a
sign-on at the PBX can be traced back to the portal user and contract.
"""
from __future__ import annotations

import hashlib
import secrets
import time
from urllib.parse import urlencode

import jwt
from flask import current_app

from app.extensions import db
from app.models.enums import ContractStatus, ProductKind
from app.services import audit
from app.services.errors import NotFound
from app.services.portal.contracts import owned_contract

ISSUER = "e:service"
AUDIENCE = "cloud.phone"
ALGORITHM = "HS256"
DEFAULT_LIFETIME = 60
PBX_SIGN_ON = "pbx_sign_on"


class TokenRefused(Exception):
    """The token is forged, expired, for someone else, or was used before."""


def _secret(config) -> str:
    """PBX_SSO_SECRET, never SECRET_KEY: the PBX operator holds this one, and with the session key
    they could forge session cookies (Config.check refuses to start without a separate one)."""
    secret = config.get("PBX_SSO_SECRET")
    if not secret:
        raise RuntimeError("PBX_SSO_SECRET must be set for cloud.phone sign-on.")
    if secret == config.get("SECRET_KEY"):
        raise RuntimeError("PBX_SSO_SECRET must differ from SECRET_KEY.")
    return secret


def token_claims(user, contract, now: float | None = None) -> dict:
    """The claims of a token for `user` on `contract`, valid PBX_SSO_TOKEN_SECONDS (default 60 s)."""
    issued = int(now if now is not None else time.time())
    lifetime = int(current_app.config.get("PBX_SSO_TOKEN_SECONDS", DEFAULT_LIFETIME))
    return {
        "iss": ISSUER, "aud": AUDIENCE, "iat": issued, "exp": issued + lifetime, "jti": secrets.token_urlsafe(16),
        "sub": user.username, "uid": user.id, "name": f"{user.first_name} {user.last_name}".strip(),
        "customer": contract.customer.customer_number, "contract": contract.contract_number,
    }


def encode(claims: dict) -> str:
    """Sign `claims` with PBX_SSO_SECRET."""
    return jwt.encode(claims, _secret(current_app.config), algorithm=ALGORITHM)


def issue_token(user, contract, now: float | None = None) -> str:
    """A signed token for `user` to administer the PBX of `contract`."""
    return encode(token_claims(user, contract, now))


def jti_hash(jti: str) -> str:
    """What is stored of a token id: its SHA-256 (hex)."""
    return hashlib.sha256(jti.encode()).hexdigest()


def sign_on(user, raw_contract_id) -> str:
    """R-PBX-1: the PBX URL with a fresh token for one of the customer's cloud.phone contracts.

    NotFound (404) for another customer's contract, a contract of another product, or a terminated
    one. The issue is audited (with the token id's hash) and committed before the redirect.
    """
    contract = owned_contract(raw_contract_id)
    if contract.product.kind != ProductKind.CLOUD_PHONE or contract.status == ContractStatus.INACTIVE:
        raise NotFound()
    claims = token_claims(user, contract)
    token = encode(claims)
    audit.record(PBX_SIGN_ON, user, object_type="contract", object_id=str(contract.id),
                 details=f"{contract.contract_number} jti-sha256:{jti_hash(claims['jti'])}")
    db.session.commit()
    return sso_url(token)


def sso_url(token: str) -> str:
    base = current_app.config.get("PBX_URL", "").rstrip("/")
    return f"{base}/sso?{urlencode({'token': token})}"


class UsedTokenIds:
    """Remembers the hashes of used token ids until they expire (the PBX side keeps its own, e.g. in Redis)."""

    def __init__(self):
        self._seen: dict[str, float] = {}

    def first_use(self, jti: str, expires: float, now: float) -> bool:
        """True the first time `jti` is seen before `expires`; only its hash is kept."""
        for key in [k for k, exp in self._seen.items() if exp < now]:
            del self._seen[key]
        key = jti_hash(jti)
        if key in self._seen:
            return False
        self._seen[key] = expires
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
