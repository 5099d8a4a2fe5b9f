"""The client's address, scheme and host behind the TLS proxy (QUALITY S6, audit log).

Behind a reverse proxy every request comes from the proxy's address, so the
per-IP limits would count all clients together and the audit log would name
the proxy. With `TRUSTED_PROXY_COUNT` = n (> 0), werkzeug's ProxyFix takes
the client's address, scheme and host from the last n entries of
X-Forwarded-For / -Proto / -Host, which only those n proxies can have set.
With 0 (the default) these headers are ignored: a client could write them
itself to dodge the limits.
"""
from __future__ import annotations

from werkzeug.middleware.proxy_fix import ProxyFix


class TrustedProxies:
    """WSGI middleware applying ProxyFix for the configured number of proxies (read per request)."""

    def __init__(self, wsgi_app, app):
        self.wsgi_app = wsgi_app
        self.app = app
        self._fixes: dict[int, ProxyFix] = {}

    def __call__(self, environ, start_response):
        try:
            count = max(0, int(self.app.config.get("TRUSTED_PROXY_COUNT") or 0))
        except (TypeError, ValueError):
            count = 0
        if not count:
            return self.wsgi_app(environ, start_response)
        fix = self._fixes.get(count)
        if fix is None:
            fix = self._fixes[count] = ProxyFix(self.wsgi_app, x_for=count, x_proto=count, x_host=count)
        return fix(environ, start_response)


def init_app(app) -> None:
    """Wrap the app's WSGI callable once."""
    if not isinstance(app.wsgi_app, TrustedProxies):
        app.wsgi_app = TrustedProxies(app.wsgi_app, app)
