"""Back-office views of roles and groups (R-BO-4) on the back office's safety net.

Roles are declared in code and written by `flask roles sync` (app/security/roles.py),
so the back office shows them read-only: an edit here would silently disagree with
the code and be overwritten by the next sync. FAB's stock views also search by
users, which renders every account into a dropdown (QUALITY P4); these search
by name only and never list a group's users on one page.
"""
from __future__ import annotations

from flask_appbuilder.security.views import RoleModelView, UserGroupModelView
from flask_babel import lazy_gettext as _l
from flask_appbuilder.widgets import ListWidget, ShowWidget

from app.security.roles_base import role_label, roles_text
from app.views.backoffice.base import READ_ONLY, SafeViewMixin


class EServiceRoleView(SafeViewMixin, RoleModelView):
    """Roles with their permissions, loaded in three queries whatever the page size."""

    base_permissions = READ_ONLY
    # The list names the roles; a role's permissions (Admin: some 170) are on its show page.
    list_columns = ["name"]
    search_columns = ["name"]
    eager_load = ()
    formatters_columns = {"name": role_label}
    # FAB's role list and show widgets ignore formatters (they print the raw key "Portal Admin").
    list_widget = ListWidget
    show_widget = ShowWidget
    description_columns = {
        "name": _l("Roles and their permissions are declared in the code and applied by 'flask roles sync'."),
    }


class EServiceGroupView(SafeViewMixin, UserGroupModelView):
    """Groups (unused by the product's roles, kept for FAB's account model)."""

    base_permissions = READ_ONLY
    list_columns = ["name", "label", "roles"]
    show_columns = ["name", "label", "description", "roles"]
    search_columns = ["name", "label"]
    eager_load = ("roles",)
    formatters_columns = {"roles": roles_text}
