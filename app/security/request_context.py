"""The web layer's side of `app.context`: bind who acts, hand queued messages and reset requests on.

Registered by the app factory after FAB, so the signed-in user is known: every request
binds its user (Flask-Login's, after the session checks of the security manager) and
the client's address (after the trusted proxies, app/security/proxy.py) before any view
runs; after the response, what the request queued and committed goes to delivery.
"""
from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

from app import context
from app.models import PasswordResetRequest
from app.services import notifications
from app.services.auth import reset_requests
from app.security import menu_cache


def init_app(app: Flask) -> None:
    """Bind the acting user at the start of every request; deliver its messages after it."""
    menu_cache.init_app(app)

    @app.before_request
    def _bind_acting_user():
        context.bind(current_user._get_current_object(), request.remote_addr)

    @app.after_request
    def _deliver_queued(response):
        pending = context.take_after_response()
        if pending:
            resets = [item for item in pending if isinstance(item, PasswordResetRequest)]
            notifications.deliver_after_response(response, [item for item in pending if item not in resets])
            reset_requests.work_after_response(response, resets)
        return response

    @app.teardown_request
    def _unbind_acting_user(_error):
        # A test (or a CLI command) holding the app context around requests acts as itself again.
        context.unbind()
