"""The product's SecurityManager: FAB's, with the extended user model."""
from __future__ import annotations

from flask_appbuilder.security.sqla.manager import SecurityManager

from app.models.security import EServiceUser
from app.security.user_views import EServiceUserDBModelView


class EServiceSecurityManager(SecurityManager):
    """Customised by subclassing only (DESIGN rule 8)."""

    user_model = EServiceUser
    userdbmodelview = EServiceUserDBModelView
