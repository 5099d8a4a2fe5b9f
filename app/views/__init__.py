"""The one place that registers views and builds the menu (DESIGN rule 2)."""
from __future__ import annotations

from flask import current_app, send_from_directory

from app.views.account import register_account_views
from app.views.api import register_api
from app.views.backoffice import register_backoffice_views
from app.views.portal import register_portal_views
from app.views import template_globals


def register_views(appbuilder) -> None:
    """Register every view of the product on `appbuilder`, menu labels translated.

    Each area registers its own views; this is the one place that decides
    the order in which they appear.
    """
    register_account_views(appbuilder)
    register_portal_views(appbuilder)
    register_backoffice_views(appbuilder)
    register_api(current_app)
    template_globals.init_app(current_app)
    current_app.add_url_rule("/favicon.ico", "favicon", _favicon)


def _favicon():
    """Browsers ask for /favicon.ico on every site; the portal's icon instead of a 404 in every log."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)
