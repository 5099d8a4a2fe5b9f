"""Security headers on every response (QUALITY S11).

- a Content-Security-Policy that forbids framing (`frame-ancestors 'none'`),
  plug-ins and foreign scripts; FAB's templates use inline scripts and styles,
  so those stay allowed from our own pages only;
- `X-Content-Type-Options: nosniff` and `X-Frame-Options: DENY` for older browsers;
- `Referrer-Policy: same-origin`, so no portal URL leaks to other sites;
- `Cache-Control: no-store` on every page of a signed-in user, so a shared
  computer's back button or cache never shows a customer's data after logout.
"""
from __future__ import annotations

from flask import Flask, request

from app.security import proxy

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
))


def _is_static() -> bool:
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")


def add_security_headers(response):
    """Set the headers unless a view chose its own."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if not _is_static():
        from flask_login import current_user

        if getattr(current_user, "is_authenticated", False):
            headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Security headers on every response, and the real client address behind trusted proxies."""
    app.after_request(add_security_headers)
    proxy.init_app(app)
