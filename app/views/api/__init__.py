"""The REST API under /api/v1 (issue 19): key-authenticated reads of the key's company."""
from __future__ import annotations

from app.views.api import openapi, reads, writes  # noqa: F401  - routes register on the blueprint
from app.views.api.base import api


def register_api(app) -> None:
    """Mount the API blueprint (once per app)."""
    if "api_v1" not in app.blueprints:
        app.register_blueprint(api)
