"""The product's SecurityManager: FAB's, with the extended user model and two-step sign-in."""
from __future__ import annotations

from flask import has_request_context
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import (
    Group, Permission, PermissionView, Role, ViewMenu, assoc_group_role, assoc_permissionview_role,
    assoc_user_group, assoc_user_role,
)
from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import aliased, contains_eager

from app.models.security import EServiceUser, UserSession, username_key
from app.security import permission_cache
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
      entry, every button of a list); here the permissions of a role set are
      cached per worker under the database's permission counter and answered
      from memory (app/security/permission_cache.py, R-BO-4, QUALITY P2/P3).
    - the user, its roles and groups, its session row and the permission counter
      come in one query per request.
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
            user = self._load_request_user(int(pk))
        except (TypeError, ValueError):
            return None
        if user is None or not user.is_active or not auth_sessions.is_current(user):
            auth_sessions.clear()
            return None
        return user

    def _load_request_user(self, pk: int):
        """The user with roles and groups, this browser's session row and the permission counter: one query.

        The session row lands in the identity map, where the session check
        (app/services/auth/user_sessions.py) finds it by primary key without asking again.
        """
        if not has_request_context():
            return self.get_user_by_id(pk)
        from app.services.auth.user_sessions import hash_id

        raw_sid = auth_sessions.current_id()
        row = self.session.execute(self._request_user_query, {
            "pk": pk, "sid": hash_id(raw_sid) if raw_sid else None,
        }).unique().first()
        if row is None:
            return None
        permission_cache.remember_version(row[2])
        # The identity map holds objects weakly: keep the row for the session check of this request.
        permission_cache.request_store()["session_row"] = row[1]
        return row[0]

    @property
    def _request_user_query(self):
        """Built once: the statement of `_load_request_user` with the user's id and session hash as parameters."""
        query = self.__dict__.get("_request_user_select")
        if query is None:
            model = self.user_model
            # Flat LEFT JOINs with contains_eager: joinedload nested "(ab_user_role JOIN ab_role)" in the
            # outer join, which SQLite answered by materialising every user's roles and building automatic
            # indexes on each request (0.6 ms at 1,500 users, growing with them); flat, each join is one
            # index lookup (issue 20).
            group_role = aliased(Role)
            query = (
                select(model, UserSession, permission_cache.version_column())
                .outerjoin(UserSession, and_(UserSession.user_id == model.id,
                                             UserSession.id_hash == bindparam("sid")))
                .outerjoin(assoc_user_role, assoc_user_role.c.user_id == model.id)
                .outerjoin(Role, Role.id == assoc_user_role.c.role_id)
                .outerjoin(assoc_user_group, assoc_user_group.c.user_id == model.id)
                .outerjoin(Group, Group.id == assoc_user_group.c.group_id)
                .outerjoin(assoc_group_role, assoc_group_role.c.group_id == Group.id)
                .outerjoin(group_role, group_role.id == assoc_group_role.c.role_id)
                .where(model.id == bindparam("pk"))
                .options(contains_eager(model.roles),
                         contains_eager(model.groups).contains_eager(Group.roles.of_type(group_role)))
            )
            self.__dict__["_request_user_select"] = query
        return query

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
    @property
    def permission_sets(self) -> permission_cache.VersionedCache:
        """This app's cache of permission sets (one per app: two apps may use two databases)."""
        return self.__dict__.setdefault("_permission_sets", permission_cache.VersionedCache())

    def _role_permission_set(self, roles) -> frozenset[tuple[str, str]]:
        """{(permission, view)} of the given roles: from the worker's cache under the current counter."""
        db_role_ids = tuple(sorted(role.id for role in roles if role.name not in self.builtin_roles))
        if not db_role_ids:
            return frozenset()
        version = permission_cache.current_version()
        if version is None:  # no counter to trust: ask the database
            return self._query_permission_set(db_role_ids)
        return self.permission_sets.get_or_compute(
            (db_role_ids, version), lambda: self._query_permission_set(db_role_ids))

    def _query_permission_set(self, db_role_ids) -> frozenset[tuple[str, str]]:
        rows = self.session.execute(
            select(Permission.name, ViewMenu.name)
            .select_from(PermissionView)
            .join(Permission, PermissionView.permission_id == Permission.id)
            .join(ViewMenu, PermissionView.view_menu_id == ViewMenu.id)
            .join(assoc_permissionview_role, assoc_permissionview_role.c.permission_view_id == PermissionView.id)
            .where(assoc_permissionview_role.c.role_id.in_(db_role_ids))
        ).all()
        return frozenset((perm, view) for perm, view in rows)

    def is_item_public(self, permission_name, view_name) -> bool:
        """FAB reads the public role and its permissions for every check of a signed-out page (sign-in)."""
        if not has_request_context():
            return super().is_item_public(permission_name, view_name)
        return (permission_name, view_name) in self._public_permission_set()

    def _public_permission_set(self) -> frozenset[tuple[str, str]]:
        def compute():
            role = self.get_public_role()
            return self._query_permission_set((role.id,)) if role is not None else frozenset()

        version = permission_cache.current_version()
        if version is None:
            return compute()
        return self.permission_sets.get_or_compute(("public", version), compute)

    def has_access(self, permission_name: str, view_name: str) -> bool:
        """FAB's check, answered once per (user, permission, view) and request.

        A page asks the same questions many times (every menu entry on the navbar and again
        in the menu, every button); FAB's answer resolves the user anew each time.
        """
        if not has_request_context():
            return super().has_access(permission_name, view_name)
        from flask_login import current_user

        cache = permission_cache.request_store().setdefault("access", {})
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
