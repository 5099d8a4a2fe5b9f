"""Security headers on every response (QUALITY S11).

- a Content-Security-Policy that forbids framing (`frame-ancestors 'none'`),
  plug-ins and foreign scripts. Scripts run from our own files, or inline only with
  this response's nonce (`csp_nonce()` in templates, which FAB's `baselib.get_nonce()`
  calls): an injected `<script>` or `on…=` attribute never runs. Styles still allow
  inline `style` attributes (FAB's widgets use them; they cannot run code);
- `Permissions-Policy` switching off the device APIs the portal never uses, and
  `Cross-Origin-Opener-Policy: same-origin`, so no other site's window keeps a handle on ours;
- `Strict-Transport-Security` outside development (`HSTS_SECONDS`);
- `X-Content-Type-Options: nosniff` and `X-Frame-Options: DENY` for older browsers;
- `Referrer-Policy: same-origin`, so no portal URL leaks to other sites;
- `Cache-Control: no-store` on every page of a signed-in user, so a shared
  computer's back button or cache never shows a customer's data after logout.
"""
from __future__ import annotations

import secrets

from flask import Flask, current_app, g, request

from app.security import proxy

_POLICY = (
    "default-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
)
PERMISSIONS_POLICY = ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
                      "magnetometer=(), gyroscope=(), accelerometer=(), interest-cohort=()")


def csp_nonce() -> str:
    """This response's script nonce (made on first use; a page without inline script gets none)."""
    nonce = g.get("_csp_nonce")
    if nonce is None:
        nonce = g._csp_nonce = secrets.token_urlsafe(18)
    return nonce


def content_security_policy(nonce: str | None) -> str:
    script = "script-src 'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    return "; ".join((_POLICY[0], script) + _POLICY[1:])


def _is_static() -> bool:
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")


def _forget_nonce() -> None:
    # One nonce per response: a request inside a longer-lived app context (tests, CLI) starts afresh.
    g.pop("_csp_nonce", None)


_FIXED = tuple((key, key.lower(), value) for key, value in (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("Cross-Origin-Opener-Policy", "same-origin"),
))
_POLICY_WITHOUT_NONCE = content_security_policy(None)


def add_security_headers(response):
    """Set the headers unless a view chose its own (in this order, after the view's: as `setdefault` would).

    One pass over the response's headers instead of a search per header (issue 20: every response).
    """
    headers = response.headers
    present = {key.lower() for key in headers.keys()}
    nonce = g.get("_csp_nonce")
    if "content-security-policy" not in present:
        headers.add("Content-Security-Policy", content_security_policy(nonce) if nonce else _POLICY_WITHOUT_NONCE)
    for key, lower, value in _FIXED:
        if lower not in present:
            headers.add(key, value)
    hsts = current_app.config.get("HSTS_SECONDS", 0)
    if hsts and "strict-transport-security" not in present:
        headers.add("Strict-Transport-Security", f"max-age={int(hsts)}; includeSubDomains")
    if not _is_static():
        from flask_login import current_user

        if getattr(current_user, "is_authenticated", False):
            headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Security headers on every response, and the real client address behind trusted proxies."""
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.before_request(_forget_nonce)
    app.after_request(add_security_headers)
    proxy.init_app(app)
