"""The product's SecurityManager: FAB's, with the extended user model and two-step sign-in."""
from __future__ import annotations

from flask_appbuilder.security.sqla.manager import SecurityManager

from app.models.security import EServiceUser
from app.security.auth_views import (
    EServiceAuthView, EServiceResetMyPasswordView, EServiceResetPasswordView, EServiceUserInfoEditView,
    NoPasswordLoginApi,
)
from app.security.user_views import EServiceUserDBModelView


class EServiceSecurityManager(SecurityManager):
    """Customised by subclassing only (DESIGN rule 8).

    - `authdbview`: password step, then PIN/app-code step; only the latter signs in (R-AUTH-6).
    - `security_api`: FAB's JWT login would skip the second factor, so it is refused (S9).
    - `load_user`: a session counts only while it carries the user's current
      `session_version` and is within the idle/absolute timeouts (S8).
    """

    user_model = EServiceUser
    userdbmodelview = EServiceUserDBModelView
    authdbview = EServiceAuthView
    security_api = NoPasswordLoginApi
    resetmypasswordview = EServiceResetMyPasswordView
    resetpasswordview = EServiceResetPasswordView
    userinfoeditview = EServiceUserInfoEditView

    def load_user(self, pk):
        """The signed-in user of this request, or None when the session is stale or ended."""
        from app.services.auth import sessions as auth_sessions

        try:
            user = self.get_user_by_id(int(pk))
        except (TypeError, ValueError):
            return None
        if user is None or not user.is_active or not auth_sessions.is_current(user):
            auth_sessions.clear()
            return None
        return user

    def auth_user_db(self, username, password):
        """Password-only authentication is not a sign-in here: every caller must use the two-step views."""
        return None
