"""The one place that registers views and builds the menu (DESIGN rule 2)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.views.backoffice import register_backoffice_views


def register_views(appbuilder) -> None:
    """Register every view of the product on `appbuilder`, menu labels translated."""
    register_backoffice_views(appbuilder)
