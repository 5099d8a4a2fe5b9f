"""The product's SecurityManager: FAB's, with the extended user model and two-step sign-in."""
from __future__ import annotations

from dataclasses import dataclass

from flask import has_request_context
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import (
    Permission, PermissionView, Role, ViewMenu, assoc_group_role, assoc_permissionview_role,
    assoc_user_group, assoc_user_role,
)
from sqlalchemy import and_, bindparam, literal, select, union_all
from werkzeug.local import LocalProxy

from app.models.security import EServiceUser, UserSession, username_key
from app.security import permission_cache
from app.security import sessions as auth_sessions
from app.security.auth_views import (
    EServiceAuthView, EServiceResetMyPasswordView, EServiceResetPasswordView, EServiceUserInfoEditView,
    NoPasswordLoginApi,
)
from app.security.role_views import EServiceGroupView, EServiceRoleView
from app.security.user_views import EServiceUserDBModelView
from app.services.auth.user_sessions import LOOK_UP, SessionState, hash_id


@dataclass(frozen=True)
class RoleRef:
    """A role as the permission checks see it (id and name), kept across requests instead of ORM rows."""

    id: int
    name: str

    def __repr__(self) -> str:  # as FAB's Role
        return self.name


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
    - the user, its session row and the permission counter come in one query per
      request; the user's roles from the worker's cache under that counter.
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
        state = permission_cache.request_store().get("session_state", LOOK_UP) if has_request_context() else LOOK_UP
        if user is None or not user.is_active or not auth_sessions.is_current(user, state):
            auth_sessions.clear()
            return None
        return user

    def _load_request_user(self, pk: int):
        """The user, this browser's session row and the permission counter: one query.

        The session row comes as plain values for the session check of this request
        (app/services/auth/user_sessions.py), which so needs no query of its own.
        The user's roles come from the worker's cache under the counter (`get_user_roles`).
        """
        if not has_request_context():
            return self.get_user_by_id(pk)

        raw_sid = auth_sessions.current_id()
        row = self.session.execute(self._request_user_query, {
            "pk": pk, "sid": hash_id(raw_sid) if raw_sid else None,
        }).first()
        if row is None:
            return None
        user, id_hash, user_id, session_version, last_seen_at, version = row
        permission_cache.remember_version(version)
        store = permission_cache.request_store()
        store["session_state"] = None if id_hash is None else SessionState(
            id_hash, user_id, session_version, last_seen_at)
        store["request_user"] = (user, pk)
        return user

    @property
    def _request_user_query(self):
        """Built once: the statement of `_load_request_user` with the user's id and session hash as parameters."""
        query = self.__dict__.get("_request_user_statement")
        if query is None:
            model = self.user_model
            query = (
                select(model, UserSession.id_hash, UserSession.user_id, UserSession.session_version,
                       UserSession.last_seen_at, permission_cache.version_column())
                .outerjoin(UserSession, and_(UserSession.user_id == model.id,
                                             UserSession.id_hash == bindparam("sid")))
                .where(model.id == bindparam("pk"))
            )
            self.__dict__["_request_user_statement"] = query
        return query

    # --- the roles of the request's user, cached per worker ----------------
    def get_user_roles(self, user) -> list:
        """FAB's roles of `user` (own and through groups); for this request's user from the worker's cache.

        Loading roles, groups and the groups' roles with the user through the ORM cost ~0.35 ms of
        every request (issue 20). Which roles a user has changes only by writes to ab_user_role,
        ab_user_group, ab_group_role, ab_group or ab_role, and each of them moves the permission
        counter (app/security/permission_cache.py): so each worker keeps the role ids and names
        per (user, counter), and a role granted or revoked counts from the next request of any
        worker (R-BO-4). A request that itself moved the counter asks the ORM, as FAB does.
        """
        if has_request_context():
            store = permission_cache.request_store()
            loaded = store.get("request_user")
            if isinstance(user, LocalProxy):  # FAB's g.user is Flask-Login's current_user proxy
                user = user._get_current_object()
            if loaded is not None and loaded[0] is user and not store.get("bumped"):
                return list(self._cached_user_roles(loaded[1]))
        return super().get_user_roles(user)

    @property
    def user_role_sets(self) -> permission_cache.VersionedCache:
        """This app's cache of users' role lists (role ids and names only: no customer data, S1)."""
        return self.__dict__.setdefault("_user_role_sets", permission_cache.VersionedCache(4096))

    def _cached_user_roles(self, user_id: int) -> tuple[RoleRef, ...]:
        version = permission_cache.current_version()
        if version is None:  # no counter to trust: ask the database
            return self._query_user_roles(user_id)
        return self.user_role_sets.get_or_compute(
            ("user", user_id, version), lambda: self._query_user_roles(user_id))

    def _query_user_roles(self, user_id: int) -> tuple[RoleRef, ...]:
        """The user's own roles, then its groups' roles, as FAB's `get_user_roles` lists them (each once)."""
        statement = self.__dict__.get("_user_roles_statement")
        if statement is None:
            own = (select(Role.id, Role.name, literal(0).label("through_group"))
                   .join(assoc_user_role, assoc_user_role.c.role_id == Role.id)
                   .where(assoc_user_role.c.user_id == bindparam("pk")))
            grouped = (select(Role.id, Role.name, literal(1).label("through_group"))
                       .join(assoc_group_role, assoc_group_role.c.role_id == Role.id)
                       .join(assoc_user_group, assoc_user_group.c.group_id == assoc_group_role.c.group_id)
                       .where(assoc_user_group.c.user_id == bindparam("pk")))
            statement = union_all(own, grouped)
            self.__dict__["_user_roles_statement"] = statement
        rows = sorted(self.session.execute(statement, {"pk": user_id}).all(), key=lambda row: (row[2], row[0]))
        roles: dict[int, RoleRef] = {}
        for role_id, name, _ in rows:
            roles.setdefault(role_id, RoleRef(role_id, name))
        return tuple(roles.values())

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
