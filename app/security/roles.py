"""Roles declared once, in code, as (permission, view) pairs (DESIGN rule 8).

`flask --app run roles sync` (run by `make run` and the test fixtures after
migrating) creates FAB's permissions for every registered view and makes each
role hold exactly what is declared here. Menu access follows from the views a
role may list, so a role never sees a menu entry it cannot open. Roles an Admin
composes in the back office (app/services/staff_roles.py) are left as composed.
"""
from __future__ import annotations

from app.roles import (  # noqa: F401  - re-exported for callers
    ACCOUNTING, ADMIN, ALL_ROLES, BACKOFFICE_ROLES, FULL, PBX_ADMIN, PORTAL_ADMIN, PORTAL_ROLES,
    PUBLIC, READ, SALES, SERVICE, SMS_PIN_ROLES, WRITE,
)
from app.roles.grants import declared_pairs as _declared_pairs
from app.roles.grants import menu_pairs
from app.services.staff_roles import refresh_role


def offered_permissions(appbuilder) -> dict[str, list[str]]:
    """{view permission name: the permissions it offers} of every registered view."""
    return {view.class_permission_name: list(view.base_permissions or []) for view in appbuilder.baseviews}


def declared_pairs(role: str, appbuilder=None) -> set[tuple[str, str]]:
    """The (permission, view) pairs declared for a role (app/roles/grants.py), menu access excluded.

    With `appbuilder`, limited to what each registered view offers; a grant on a view
    that is not registered raises RuntimeError (a typo must not silently grant nothing).
    """
    if appbuilder is None:
        return _declared_pairs(role)
    try:
        return _declared_pairs(role, offered_permissions(appbuilder))
    except KeyError as exc:
        raise RuntimeError(f"Role {role} is granted a view that is not registered: {exc.args[0]}") from None


def _is_portal(view_menu_name: str) -> bool:
    """Portal views and their menu entries (see app/views/portal/__init__.py)."""
    return view_menu_name.startswith("Portal") or view_menu_name.endswith("(portal)")


def sync_roles(appbuilder) -> dict[str, int]:
    """Create all permissions and set every declared role to exactly its pairs.

    Returns the number of permissions each role holds. Idempotent.
    """
    sm = appbuilder.sm
    session = sm.session
    # FAB grants each new permission to the Admin role, so roles come first.
    for role_name in ALL_ROLES + (PUBLIC,):
        if sm.find_role(role_name) is None:
            sm.add_role(role_name)
    appbuilder.add_permissions(update_perms=True)
    pvms = session.query(sm.permissionview_model).all()
    by_pair = {(pv.permission.name, pv.view_menu.name): pv for pv in pvms}

    result: dict[str, int] = {}
    for role_name in ALL_ROLES + (PUBLIC,):
        role = sm.find_role(role_name)
        if role_name == ADMIN:
            # Everything of the back office; the portal is for customers' users only.
            wanted = [pv for pv in pvms if not _is_portal(pv.view_menu.name)]
        else:
            pairs = declared_pairs(role_name, appbuilder)
            granted_views = {view for _, view in pairs}
            pairs |= menu_pairs(appbuilder.menu.get_list(), granted_views)
            missing = sorted(p for p in pairs if p not in by_pair and p[0] != "menu_access")
            if missing:
                raise RuntimeError(f"Role {role_name} declares unknown permissions: {missing}")
            wanted = [by_pair[p] for p in sorted(pairs) if p in by_pair]
        role.permissions = wanted
        result[role_name] = len(wanted)
    # Roles composed in the back office keep their chosen permissions; their menu entries follow the menu.
    for role in session.query(sm.role_model).filter(sm.role_model.name.notin_(ALL_ROLES + (PUBLIC,))):
        refresh_role(appbuilder, role)
        result[role.name] = len(role.permissions)
    session.commit()
    return result
