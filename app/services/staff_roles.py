"""Staff roles that the carrier's administrators compose in the back office (R-BO-4).

The product's own roles (Portal Admin, PBX Admin, Accounting, Sales, Service, Admin and
FAB's Public) are declared in code and set by `flask roles sync`
(app/security/roles.py); the back office shows them but never changes them, since the
next sync would silently undo such an edit. Next to them an Admin may compose further
staff roles, e.g. a read-only role for a call centre, from the back-office permissions.
Such a role

- holds only permissions the Admin role holds, so never a portal permission (a portal
  view would then show a staff account another company's data);
- is given to staff accounts only (app/security/user_views.py: a role that is not a
  portal role makes an account a staff account, which has no customer);
- gets, like the declared roles, the menu entries of the views it may open, the user
  menu, and the select fields' search when it may add or edit something. These are
  derived again on every save and every `roles sync`, never chosen by hand.
"""
from __future__ import annotations

from flask import current_app
from flask_appbuilder.security.sqla.models import PermissionView, Role
from flask_babel import lazy_gettext as _l, ngettext
from sqlalchemy import func, select

from app import context
from app.extensions import db
from app.roles import ADMIN, ALL_ROLES, PUBLIC
from app.roles.grants import ACCOUNT_VIEW, LOOKUP_VIEW, menu_pairs
from app.services import audit
from app.services.errors import Invalid

DECLARED_ROLES = ALL_ROLES + (PUBLIC,)
NAME_MAX = 64  # ab_role.name

ACCOUNT_PAIR = ("can_access", ACCOUNT_VIEW)
LOOKUP_PAIR = ("can_lookup", LOOKUP_VIEW)
WRITING = ("can_add", "can_edit")

DECLARED_READ_ONLY = _l(
    "This role is declared by the product and set by 'flask roles sync'; it cannot be changed here. "
    "Add a new role for a different set of permissions."
)

# What each permission lets a role do, as staff read it in the role form and on its page.
PERMISSION_LABELS = {
    "can_list": _l("list"),
    "can_show": _l("open"),
    "can_add": _l("add"),
    "can_edit": _l("edit"),
    "can_delete": _l("delete"),
    "can_download": _l("download files"),
    "can_upload": _l("upload files"),
    "can_userinfo": _l("own account page"),
    "can_this_form_get": _l("open form"),
    "can_this_form_post": _l("send form"),
    "copyrole": _l("copy"),
    "resetmypassword": _l("reset own password"),
    "resetpasswords": _l("reset passwords"),
    "userinfoedit": _l("edit own account page"),
    "menu_access": _l("menu entry"),
    "can_access": _l("profile and password"),
    "can_lookup": _l("search"),
    "can_set_state": _l("set porting state"),
    "can_retry": _l("send again"),
    "can_manage": _l("self-care actions"),
}

# Views that have no menu entry of their own, by the name staff know them by.
VIEW_LABELS = {
    ACCOUNT_PAIR[1]: _l("User menu"),
    LOOKUP_PAIR[1]: _l("Select fields"),
}


def is_declared(name: str | None) -> bool:
    """True for the product's own roles (by name, whatever its letter case)."""
    key = (name or "").strip().casefold()
    return any(key == declared.casefold() for declared in DECLARED_ROLES)


def _derived(pv: PermissionView) -> bool:
    pair = (pv.permission.name, pv.view_menu.name)
    return pv.permission.name == "menu_access" or pair in (ACCOUNT_PAIR, LOOKUP_PAIR)


def choosable_permissions() -> list[PermissionView]:
    """Every permission a composed role may be given: the Admin role's, less the derived ones."""
    admin = db.session.scalar(select(Role).where(Role.name == ADMIN))
    if admin is None:
        return []
    labels = view_labels()
    return sorted((pv for pv in admin.permissions if not _derived(pv)), key=lambda pv: _sort_key(pv, labels))


def choosable_by_pair(pairs) -> list[PermissionView]:
    """The choosable permissions named as (permission, view) pairs, e.g. for a role set up by a script."""
    wanted = set(pairs)
    return [pv for pv in choosable_permissions() if (pv.permission.name, pv.view_menu.name) in wanted]


def view_labels() -> dict[str, str]:
    """{view or menu permission name: the label staff read in the menu}, worked out once per request."""
    return context.memo("staff_role_labels", _menu_labels)


def _menu_labels() -> dict[str, str]:
    labels: dict[str, str] = {name: str(label) for name, label in VIEW_LABELS.items()}
    for item in current_app.appbuilder.menu.get_list():
        labels[item.name] = str(item.label or item.name)
        for child in item.childs or []:
            if child.name == "-":
                continue
            labels[child.name] = str(child.label or child.name)
            view = getattr(child, "baseview", None)
            if view is not None:
                labels.setdefault(view.class_permission_name, str(child.label or child.name))
    return labels


def describe(permissions) -> list[str]:
    """A role's permissions as staff read them, ordered by menu entry."""
    labels = view_labels()
    return [permission_label(pv, labels) for pv in sorted(permissions or [], key=lambda pv: _sort_key(pv, labels))]


def permission_label(pv: PermissionView, labels: dict[str, str] | None = None) -> str:
    """The permission as staff read it, e.g. 'Kunden: bearbeiten' for (can_edit, CustomerView)."""
    labels = view_labels() if labels is None else labels
    action = PERMISSION_LABELS.get(pv.permission.name)
    view = labels.get(pv.view_menu.name, pv.view_menu.name)
    return f"{view}: {action if action is not None else pv.permission.name}"


def _sort_key(pv: PermissionView, labels: dict[str, str]):
    order = list(PERMISSION_LABELS)
    name = pv.permission.name
    return (labels.get(pv.view_menu.name, pv.view_menu.name).casefold(),
            order.index(name) if name in order else len(order), name)


def _derived_for(appbuilder, chosen: list[PermissionView]) -> list[PermissionView]:
    """The menu entries, user menu and select search that follow from the chosen permissions."""
    views = {pv.view_menu.name for pv in chosen if pv.permission.name in ("can_list", "can_show")}
    pairs = menu_pairs(appbuilder.menu.get_list(), views) | {ACCOUNT_PAIR}
    if any(pv.permission.name in WRITING for pv in chosen):
        pairs.add(LOOKUP_PAIR)
    candidates = db.session.scalars(select(PermissionView)).all()
    return [pv for pv in candidates if (pv.permission.name, pv.view_menu.name) in pairs]


def _name_errors(role: Role, name: str) -> list[str]:
    if not name:
        return [str(_l("Please enter the role's name."))]
    if len(name) > NAME_MAX:
        return [str(_l("A role's name has at most %(max)s characters.", max=NAME_MAX))]
    if is_declared(name):
        return [str(_l("%(name)s is one of the product's own roles; please choose another name.", name=name))]
    clash = db.session.scalar(
        select(Role.id).where(func.lower(Role.name) == name.casefold(), Role.id != (role.id or 0)))
    if clash is not None:
        return [str(_l("A role named %(name)s exists already.", name=name))]
    return []


def save_role(appbuilder, role: Role, name: str | None, chosen) -> Role:
    """Name a composed role and give it exactly the chosen permissions plus the derived ones.

    Raise Invalid naming every broken rule; the caller commits (one transaction).
    """
    if role.id is not None and is_declared(role.name):
        raise Invalid(DECLARED_READ_ONLY)
    name = (name or "").strip()
    chosen = list(dict.fromkeys(chosen or []))
    allowed = {pv.id for pv in choosable_permissions()}
    errors = _name_errors(role, name)
    if not chosen:
        errors.append(str(_l("Please choose at least one permission.")))
    elif any(pv.id not in allowed for pv in chosen):
        errors.append(str(_l("A composed role may only hold back-office permissions that the Admin role holds.")))
    if errors:
        raise Invalid(*errors)
    created = role.id is None
    role.name = name
    role.permissions = chosen + _derived_for(appbuilder, chosen)
    db.session.add(role)
    db.session.flush()
    audit.record(audit.ROLE_SAVED, username=context.actor_name(), object_type="role", object_id=str(role.id),
                 details=f"{'created' if created else 'changed'} {name}: "
                         f"{len(chosen)} permissions chosen by {context.actor_name()}")
    return role


def refresh_role(appbuilder, role: Role) -> None:
    """Derive a composed role's menu entries again (roles sync: the menu may have changed)."""
    allowed = {pv.id for pv in choosable_permissions()}
    chosen = [pv for pv in role.permissions if pv.id in allowed]
    role.permissions = chosen + _derived_for(appbuilder, chosen)


def delete_role(role: Role) -> None:
    """Remove a composed role that no account holds any more; the caller commits."""
    if is_declared(role.name):
        raise Invalid(DECLARED_READ_ONLY)
    holders = len(role.user or [])
    if holders:
        raise Invalid(ngettext(
            "The role %(name)s is still given to %(num)d account; take it from the account first.",
            "The role %(name)s is still given to %(num)d accounts; take it from them first.",
            holders, name=role.name,
        ))
    audit.record(audit.ROLE_DELETED, username=context.actor_name(), object_type="role", object_id=str(role.id),
                 details=f"deleted {role.name} by {context.actor_name()}")
    # ab_permission_view_role relies on ON DELETE CASCADE, which SQLite leaves off: clear it here.
    role.permissions = []
    db.session.flush()
