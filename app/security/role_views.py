"""Back-office views of roles and groups (R-BO-4) on the back office's safety net.

The product's roles are declared in code and written by `flask roles sync`
(app/security/roles.py), so the back office shows them read-only: an edit here would
silently disagree with the code and be overwritten by the next sync. Admins compose
further staff roles here from the back-office permissions (rules in
app/services/staff_roles.py). FAB's stock views also search by users, which renders
every account into a dropdown (QUALITY P4); these search by name only and never list
a group's users on one page.
"""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_appbuilder import expose
from flask_appbuilder.fields import QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget, Select2ManyWidget
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.security.views import RoleModelView, UserGroupModelView
from flask_appbuilder.widgets import ListWidget, ShowWidget
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import StringField
from wtforms.validators import DataRequired, ValidationError

from app.extensions import db
from app.roles import role_label, roles_text
from app.services import staff_roles
from app.services.staff_roles import choosable_permissions, describe, permission_label
from app.views.backoffice.base import READ_ONLY
from app.views.backoffice.safe_view import SafeViewMixin


def _choosable():
    return choosable_permissions()


def _label(pv) -> str:
    return permission_label(pv)


def _permissions_text(permissions) -> Markup:
    """A role's permissions as staff read them, one per line ("Kunden: bearbeiten")."""
    return Markup("<br>").join(describe(permissions))


class _StrictMultipleField(QuerySelectMultipleField):
    """FAB's field checks for ids outside the choices before it reads them, so it drops them silently."""

    def pre_validate(self, form):
        _ = self.data  # resolving the submitted ids flags one that is not offered
        if self._invalid_formdata:
            raise ValidationError(str(_l("Please choose permissions from the list only.")))
        super().pre_validate(form)


def _name_field():
    return StringField(_l("Name"), validators=[DataRequired()], widget=BS3TextFieldWidget())


def _permissions_field():
    return _StrictMultipleField(
        _l("Permissions"), query_func=_choosable, get_pk_func=lambda pv: pv.id, get_label=_label, widget=Select2ManyWidget(),
        description=_l("What the role may do in the back office. Menu entries, the user menu and the "
                       "search of select fields follow from it."),
    )


class EServiceRoleView(SafeViewMixin, RoleModelView):
    """Roles with their permissions; the declared ones read-only, composed ones editable."""

    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_delete"]
    # The list names the roles; a role's permissions (Admin: some 170) are on its show page.
    list_columns = ["name"]
    search_columns = ["name"]
    show_columns = ["name", "permissions"]
    add_columns = ["name", "permissions"]
    edit_columns = ["name", "permissions"]
    eager_load = ()
    formatters_columns = {"name": role_label, "permissions": _permissions_text}
    # FAB's role list and show widgets ignore formatters (they print the raw key "Portal Admin").
    list_widget = ListWidget
    show_widget = ShowWidget
    # The name without FAB's exact-match uniqueness check: the service compares regardless of case
    # and explains a clash with the product's own roles.
    add_form_extra_fields = {"name": _name_field(), "permissions": _permissions_field()}
    edit_form_extra_fields = {"name": _name_field(), "permissions": _permissions_field()}
    description_columns = {
        "name": _l("The product's own roles are declared in the code and applied by 'flask roles sync'; "
                   "roles added here are kept by it."),
    }

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        """A declared role opens its page with a hint instead of a form that could only be refused."""
        role = self.datamodel.get(self._deserialize_pk_if_composite(pk))
        if role is not None and staff_roles.is_declared(role.name):
            flash(str(staff_roles.DECLARED_READ_ONLY), "warning")
            return redirect(url_for(f"{self.endpoint}.show", pk=role.id))
        return super().edit(pk)

    def create_item(self, form):
        role = staff_roles.save_role(self.appbuilder, self.datamodel.obj(), form.name.data, form.permissions.data)
        db.session.commit()
        return role

    def update_item(self, item, form):
        staff_roles.save_role(self.appbuilder, item, form.name.data, form.permissions.data)
        db.session.commit()
        return item

    def pre_delete(self, item):
        staff_roles.delete_role(item)


class EServiceGroupView(SafeViewMixin, UserGroupModelView):
    """Groups (unused by the product's roles, kept for FAB's account model)."""

    base_permissions = READ_ONLY
    list_columns = ["name", "label", "roles"]
    show_columns = ["name", "label", "description", "roles"]
    search_columns = ["name", "label"]
    eager_load = ("roles",)
    formatters_columns = {"roles": roles_text}
