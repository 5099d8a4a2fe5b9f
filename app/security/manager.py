"""The product's SecurityManager: FAB's, with the extended user model and two-step sign-in."""
from __future__ import annotations

from flask import g, has_request_context
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import Permission, PermissionView, ViewMenu, assoc_permissionview_role
from sqlalchemy import select

from app.models.security import EServiceUser, username_key
from app.security import sessions as auth_sessions
from app.security.auth_views import (
    EServiceAuthView, EServiceResetMyPasswordView, EServiceResetPasswordView, EServiceUserInfoEditView,
    NoPasswordLoginApi,
)
from app.security.role_views import EServiceGroupView, EServiceRoleView
from app.security.user_views import EServiceUserDBModelView


class EServiceSecurityManager(SecurityManager):
    """Customised by subclassing only (DESIGN rule 8).

    - `authdbview`: password step, then PIN/app-code step; only the latter signs in (R-AUTH-6).
    - `security_api`: FAB's JWT login would skip the second factor, so it is refused (S9).
    - `load_user`: a session counts only while it carries the user's current
      `session_version` and is within the idle/absolute timeouts (S8).
    - permission checks: FAB asks the database once per check (every menu
      entry, every button of a list); here the user's permissions are read in
      one query per request and answered from memory (QUALITY P2/P3).
    """

    user_model = EServiceUser
    userdbmodelview = EServiceUserDBModelView
    authdbview = EServiceAuthView
    security_api = NoPasswordLoginApi
    resetmypasswordview = EServiceResetMyPasswordView
    resetpasswordview = EServiceResetPasswordView
    userinfoeditview = EServiceUserInfoEditView
    rolemodelview = EServiceRoleView
    groupmodelview = EServiceGroupView
    # FAB's statistics chart groups every account in Python (a whole-table read).
    userstatschartview = None

    def load_user(self, pk):
        """The signed-in user of this request, or None when the session is stale or ended."""
        try:
            user = self.get_user_by_id(int(pk))
        except (TypeError, ValueError):
            return None
        if user is None or not user.is_active or not auth_sessions.is_current(user):
            auth_sessions.clear()
            return None
        return user

    def find_user(self, username=None, email=None):
        """FAB's lookup (its CLI, user commands), by the same case-insensitive key as sign-in (R-AUTH-1)."""
        if username:
            return self.session.scalar(
                select(self.user_model).where(self.user_model.username_key == username_key(username.strip())))
        return super().find_user(username=username, email=email)

    def auth_user_db(self, username, password):
        """Password-only authentication is not a sign-in here: every caller must use the two-step views."""
        return None

    # --- permissions, read once per request --------------------------------
    def _role_permission_set(self, roles) -> frozenset[tuple[str, str]]:
        """{(permission, view)} of the given roles, from one query per request."""
        db_role_ids = tuple(sorted(role.id for role in roles if role.name not in self.builtin_roles))
        cache = g.setdefault("_eservice_permissions", {}) if has_request_context() else {}
        if db_role_ids not in cache:
            rows = self.session.execute(
                select(Permission.name, ViewMenu.name)
                .select_from(PermissionView)
                .join(Permission, PermissionView.permission_id == Permission.id)
                .join(ViewMenu, PermissionView.view_menu_id == ViewMenu.id)
                .join(assoc_permissionview_role,
                      assoc_permissionview_role.c.permission_view_id == PermissionView.id)
                .where(assoc_permissionview_role.c.role_id.in_(db_role_ids))
            ).all() if db_role_ids else []
            cache[db_role_ids] = frozenset((perm, view) for perm, view in rows)
        return cache[db_role_ids]

    def has_access(self, permission_name: str, view_name: str) -> bool:
        """FAB's check, answered once per (user, permission, view) and request.

        A page asks the same questions many times (every menu entry on the navbar and again
        in the menu, every button); FAB's answer resolves the user anew each time.
        """
        if not has_request_context():
            return super().has_access(permission_name, view_name)
        from flask_login import current_user

        cache = g.setdefault("_eservice_access", {})
        key = (current_user.get_id() if current_user else None, permission_name, view_name)
        if key not in cache:
            cache[key] = super().has_access(permission_name, view_name)
        return cache[key]

    def _has_view_access(self, user, permission_name: str, view_name: str) -> bool:
        roles = self.get_user_roles(user)
        if any(role.name in self.builtin_roles
               and self._has_access_builtin_roles(role, permission_name, view_name) for role in roles):
            return True
        return (permission_name, view_name) in self._role_permission_set(roles)

    def _get_user_permission_view_menus(self, user, permission_name: str, view_menus_name) -> set[str]:
        roles = [self.get_public_role()] if user is None else self.get_user_roles(user)
        roles = [role for role in roles if role is not None]
        granted = self._role_permission_set(roles)
        names = view_menus_name if view_menus_name is not None else {view for _, view in granted}
        result = {name for name in names if (permission_name, name) in granted}
        result.update(
            name for role in roles if role.name in self.builtin_roles for name in names
            if self._has_access_builtin_roles(role, permission_name, name)
        )
        return result
