"""The session cookie's signing serializer, built once per worker instead of per request (issue 20).

Flask builds a new `URLSafeTimedSerializer` for every request to read the session cookie
(and again to write it), and building one serialises an empty dict to probe the
serializer: ~0.05 ms of every request. `SessionInterface` keeps one per secret key and
fallback keys (a changed key builds a new one); the cookie, its signature, its
`max_age` check and everything else are Flask's, unchanged (S8's checks run on top).
"""
from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions with the signing serializer kept per key set."""

    _serializer: tuple | None = None

    def get_signing_serializer(self, app: Flask):
        if not app.secret_key:
            return None
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = self._serializer
        if cached is None or cached[0] != keys:
            cached = self._serializer = (keys, super().get_signing_serializer(app))
        return cached[1]


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
